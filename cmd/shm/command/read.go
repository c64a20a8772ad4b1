package command

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"unicode/utf16"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

// readChunk is how much read copies out of a segment at a time.
const readChunk = 1 << 20

func newRead() *cobra.Command {
	var (
		offset, size bytesValue
		wide, hexOut bool
		raw, jsonOut bool
		out          string
	)
	cmd := &cobra.Command{
		Use:   "read NAME [--offset N] [--size N] [--utf16] [--hex | --raw] [--out PATH] [--json]",
		Short: "Read text or bytes from a segment",
		Long: `Read from a segment at --offset (default 0).

By default it prints the string stored there, up to its NUL terminator or
the end of the segment (or of --size bytes), followed by a newline: UTF-8,
or UTF-16LE with --utf16. --hex prints a hex dump and --raw the bytes as
they are, of --size bytes (default: up to the end of the segment).

--out writes to a file instead of standard output (with a progress bar for
more than 1 MiB when stderr is a terminal). --json prints one JSON object:
{"name", "offset", "size", and "text" (with "encoding"), "hex" or "base64"}.`,
		Example: `  shm read telemetry
  shm read telemetry --utf16 --offset 128
  shm read telemetry --hex --size 64
  shm read frames --raw --out frame.bin
  shm read telemetry --json`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if wide && (hexOut || raw) {
				return usageErrorf("--utf16 applies to text, not to --hex or --raw")
			}
			seg, err := shm.Open(args[0], shm.ReadOnly())
			if err != nil {
				return err
			}
			defer seg.Close()
			r := reader{cmd: cmd, seg: seg, off: int64(offset), size: -1}
			if cmd.Flags().Changed("size") {
				r.size = int64(size)
			}
			w := cmd.OutOrStdout()
			if out != "" {
				f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			switch {
			case jsonOut:
				err = r.json(w, hexOut, raw, wide)
			case raw:
				err = r.raw(w)
			case hexOut:
				err = r.hex(w)
			default:
				var text string
				if text, err = r.text(wide); err == nil {
					_, err = fmt.Fprintln(w, text)
				}
			}
			if err != nil {
				return err
			}
			if f, ok := w.(*os.File); ok && out != "" {
				return f.Close()
			}
			return nil
		}),
	}
	cmd.Flags().Var(&offset, "offset", "where to read, in bytes from the start")
	cmd.Flags().Var(&size, "size", "how many bytes to read at most (default: to the end)")
	cmd.Flags().BoolVar(&wide, "utf16", false, "read text as UTF-16LE instead of UTF-8")
	cmd.Flags().BoolVar(&hexOut, "hex", false, "print a hex dump")
	cmd.Flags().BoolVar(&raw, "raw", false, "print the bytes as they are")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print a JSON object")
	cmd.MarkFlagsMutuallyExclusive("hex", "raw")
	return cmd
}

// reader reads size bytes (-1: to the end) at off of seg.
type reader struct {
	cmd   *cobra.Command
	seg   *shm.Segment
	off   int64
	size  int64
	quiet bool // no progress bar
}

// span returns how many bytes the read covers, checking the offset.
func (r *reader) span() (int64, error) {
	if r.off > r.seg.Size() {
		return 0, fmt.Errorf("%w: offset %d is past the end of %s (%d bytes)", shm.ErrOutOfRange, r.off, r.seg.Name(), r.seg.Size())
	}
	n := r.seg.Size() - r.off
	if r.size >= 0 {
		n = min(n, r.size)
	}
	return n, nil
}

// copyTo copies the bytes read to w, by chunks, with a progress bar.
func (r *reader) copyTo(w io.Writer) error {
	n, err := r.span()
	if err != nil {
		return err
	}
	p := newProgress(r.cmd.ErrOrStderr(), "reading "+r.seg.Name(), n)
	p.on = p.on && !r.quiet
	defer p.finish()
	buf := make([]byte, min(n, readChunk))
	for done := int64(0); done < n; {
		b := buf[:min(int64(len(buf)), n-done)]
		if _, err := r.seg.ReadAt(b, r.off+done); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		done += int64(len(b))
		p.add(len(b))
	}
	return nil
}

func (r *reader) raw(w io.Writer) error { return r.copyTo(w) }

func (r *reader) hex(w io.Writer) error {
	d := &hexDumper{w: w, off: r.off}
	if err := r.copyTo(d); err != nil {
		return err
	}
	return d.Close()
}

// bytes returns the bytes read, in one piece.
func (r *reader) bytes() ([]byte, error) {
	var buf bytes.Buffer
	err := r.copyTo(&buf)
	return buf.Bytes(), err
}

// text returns the string stored at off, in UTF-8 or UTF-16LE.
func (r *reader) text(wide bool) (string, error) {
	enc := encodingOf(wide)
	if r.size < 0 {
		return r.seg.ReadStringAt(r.off, enc)
	}
	b, err := r.bytes()
	if err != nil {
		return "", err
	}
	return decodeString(b, enc), nil
}

// encodingOf returns the encoding --utf16 (wide) asks for.
func encodingOf(wide bool) shm.Encoding {
	if wide {
		return shm.UTF16LE
	}
	return shm.UTF8
}

// decodeString decodes the string at the start of b, as
// [shm.Segment.ReadStringAt] would if the segment ended with b.
func decodeString(b []byte, enc shm.Encoding) string {
	if enc == shm.UTF8 {
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i]
		}
		return string(b)
	}
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u := binary.LittleEndian.Uint16(b[i:])
		if u == 0 {
			break
		}
		units = append(units, u)
	}
	return string(utf16.Decode(units))
}

// readJSON is what read --json prints.
type readJSON struct {
	Name     string  `json:"name"`
	Offset   int64   `json:"offset"`
	Size     int64   `json:"size"`
	Encoding string  `json:"encoding,omitempty"`
	Text     *string `json:"text,omitempty"`
	Hex      *string `json:"hex,omitempty"`
	Base64   *string `json:"base64,omitempty"`
}

func (r *reader) json(w io.Writer, hexOut, raw, wide bool) error {
	v := readJSON{Name: r.seg.Name(), Offset: r.off}
	if hexOut || raw {
		b, err := r.bytes()
		if err != nil {
			return err
		}
		v.Size = int64(len(b))
		if hexOut {
			s := hex.EncodeToString(b)
			v.Hex = &s
		} else {
			s := base64.StdEncoding.EncodeToString(b)
			v.Base64 = &s
		}
	} else {
		s, err := r.text(wide)
		if err != nil {
			return err
		}
		v.Text = &s
		v.Encoding = shm.UTF8.String()
		v.Size = int64(len(s))
		if wide {
			v.Encoding = shm.UTF16LE.String()
			v.Size = int64(2 * len(utf16.Encode([]rune(s))))
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
