package command

import (
	"fmt"
	"io"
	"math"
	"os"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

func newWrite() *cobra.Command {
	var (
		offset bytesValue
		utf16  bool
		file   string
	)
	cmd := &cobra.Command{
		Use:   "write NAME [TEXT] [--offset N] [--utf16] [--file PATH]",
		Short: "Write text or bytes into a segment",
		Long: `Write into an existing segment at --offset (default 0).

TEXT is written as a string followed by a NUL terminator, in UTF-8, or in
UTF-16LE with --utf16 (what AutoHotkey's StrPut, .NET and Windows "W"
functions use). Without TEXT the bytes of --file, or of standard input, are
written as they are; with --utf16 they are taken as UTF-8 text and written
as a NUL-terminated UTF-16LE string.

A write that does not fit in the segment writes nothing and fails. Writes
of more than 1 MiB show a progress bar when stderr is a terminal.`,
		Example: `  shm write telemetry "hello"
  shm write telemetry "hello" --utf16 --offset 128
  shm write frames --file frame.bin
  date | shm write telemetry`,
		Args:              args(cobra.RangeArgs(1, 2)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 && file != "" {
				return usageErrorf("give TEXT or --file, not both")
			}
			seg, err := shm.Open(args[0])
			if err != nil {
				return err
			}
			defer seg.Close()
			off := int64(offset)
			var n int
			if len(args) == 2 {
				n, err = seg.WriteStringAt(args[1], off, encodingOf(utf16))
			} else {
				n, err = writeFrom(cmd, seg, off, file, utf16)
			}
			if err != nil {
				return err
			}
			if err := seg.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d bytes to %s at offset %d\n", n, args[0], off)
			return nil
		}),
	}
	cmd.Flags().Var(&offset, "offset", "where to write, in bytes from the start")
	cmd.Flags().BoolVar(&utf16, "utf16", false, "write text as UTF-16LE instead of UTF-8")
	cmd.Flags().StringVar(&file, "file", "", "write the bytes of this file (default: standard input)")
	return cmd
}

// writeFrom writes the contents of file, or of standard input if file is
// "", into seg at off, and returns the number of bytes written.
func writeFrom(cmd *cobra.Command, seg *shm.Segment, off int64, file string, utf16 bool) (int, error) {
	src := cmd.InOrStdin()
	desc := "stdin"
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		src, desc = f, file
	}
	total := int64(-1)
	if f, ok := src.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			total = st.Size()
		}
	}
	room := seg.Size() - off
	if off < 0 || room < 0 {
		return 0, fmt.Errorf("offset %d is past the end of %s (%d bytes)", off, seg.Name(), seg.Size())
	}
	if !utf16 && total > room {
		return 0, fmt.Errorf("%s (%d bytes) does not fit in the %d bytes from offset %d of %s", desc, total, room, off, seg.Name())
	}
	// Read it all before writing, so that input too large writes nothing,
	// but no more than can fit, so that a runaway input cannot fill memory.
	// As UTF-16, text takes at least 2/3 of its UTF-8 size (3-byte runes
	// become 2).
	limit := room
	if utf16 {
		limit = room + min(room/2+2, math.MaxInt64-room-1)
	}
	if src == cmd.InOrStdin() && isTerminal(src) {
		fmt.Fprintln(cmd.ErrOrStderr(), "reading standard input (end it with Ctrl-D)")
	}
	p := newProgress(cmd.ErrOrStderr(), "reading "+desc, total)
	data, err := io.ReadAll(io.LimitReader(p.reader(src), limit+1))
	p.finish()
	if err != nil {
		return 0, err
	}
	if int64(len(data)) > limit {
		return 0, fmt.Errorf("%s does not fit in the %d bytes from offset %d of %s", desc, room, off, seg.Name())
	}
	if utf16 {
		return seg.WriteStringAt(string(data), off, shm.UTF16LE)
	}
	return seg.WriteAt(data, off)
}
