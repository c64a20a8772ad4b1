package command

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

func newWatch() *cobra.Command {
	var (
		interval     time.Duration
		offset, size bytesValue
		wide, hexOut bool
		count        int
	)
	cmd := &cobra.Command{
		Use:   "watch NAME [--interval D] [--hex] [--utf16] [--offset N] [--size N]",
		Short: "Print each change of a segment until interrupted",
		Long: `Look at a segment every --interval and print what changed, until
interrupted (exit status 0) or, with --count, after that many changes.

By default it prints the string at --offset (as "shm read" does) each time
it changes, after a timestamp, starting with its current value. With --hex
it compares --size bytes (default: to the end of the segment), says so,
and then prints each changed 16-byte line of the hex dump, before (-) and
after (+), after a timestamp.

watch samples: changes that come and go within one interval are not seen.
It holds the segment open while it runs, so a segment that lives while a
handle is open stays alive until watch ends.`,
		Example: `  shm watch telemetry
  shm watch telemetry --hex --size 256 --interval 10ms`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if interval <= 0 {
				return usageErrorf("--interval must be positive")
			}
			if wide && hexOut {
				return usageErrorf("--utf16 applies to text, not to --hex")
			}
			seg, err := shm.Open(args[0], shm.ReadOnly())
			if err != nil {
				return err
			}
			defer seg.Close()
			r := reader{cmd: cmd, seg: seg, off: int64(offset), size: -1, quiet: true}
			if cmd.Flags().Changed("size") {
				r.size = int64(size)
			}
			w := &watcher{out: cmd.OutOrStdout(), r: r, wide: wide, hex: hexOut}
			if err := w.sample(); err != nil {
				return err
			}
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for changes := 0; count <= 0 || changes < count; {
				select {
				case <-cmd.Context().Done():
					return seg.Close()
				case <-tick.C:
				}
				changed, err := w.next()
				if err != nil {
					return err
				}
				if changed {
					changes++
				}
			}
			return seg.Close()
		}),
	}
	cmd.Flags().DurationVar(&interval, "interval", 100*time.Millisecond, "how often to look")
	cmd.Flags().BoolVar(&hexOut, "hex", false, "compare bytes and print a hex diff")
	cmd.Flags().BoolVar(&wide, "utf16", false, "read text as UTF-16LE instead of UTF-8")
	cmd.Flags().Var(&offset, "offset", "where to look, in bytes from the start")
	cmd.Flags().Var(&size, "size", "how many bytes to look at (default: to the end)")
	cmd.Flags().IntVar(&count, "count", 0, "stop after this many changes (0: never)")
	return cmd
}

// watcher compares successive samples of a segment.
type watcher struct {
	out       io.Writer
	r         reader
	wide, hex bool
	text      string
	data      []byte
}

// stamp is the timestamp before each change.
func stamp() string { return time.Now().Format("15:04:05.000") }

// sample takes the first sample and prints it: the text, or in hex mode
// what is watched.
func (w *watcher) sample() error {
	if w.hex {
		var err error
		if w.data, err = w.r.bytes(); err != nil {
			return err
		}
		_, err = fmt.Fprintf(w.out, "%s watching %d bytes at offset %d of %s\n", stamp(), len(w.data), w.r.off, w.r.seg.Name())
		return err
	}
	text, err := w.r.text(w.wide)
	if err != nil {
		return err
	}
	w.text = text
	_, err = fmt.Fprintf(w.out, "%s %s\n", stamp(), text)
	return err
}

// next takes a sample and prints how it differs from the last one.
func (w *watcher) next() (bool, error) {
	if !w.hex {
		text, err := w.r.text(w.wide)
		if err != nil || text == w.text {
			return false, err
		}
		w.text = text
		_, err = fmt.Fprintf(w.out, "%s %s\n", stamp(), text)
		return true, err
	}
	data, err := w.r.bytes()
	if err != nil || bytes.Equal(data, w.data) {
		return false, err
	}
	_, err = io.WriteString(w.out, hexDiff(stamp(), w.r.off, w.data, data))
	w.data = data
	return true, err
}

// hexDiff shows the 16-byte lines of a hex dump that differ between old
// and new, found at off, under a header line.
func hexDiff(header string, off int64, old, new []byte) string {
	var sb bytes.Buffer
	fmt.Fprintf(&sb, "%s\n", header)
	for i := 0; i < max(len(old), len(new)); i += 16 {
		a, b := old[min(i, len(old)):min(i+16, len(old))], new[min(i, len(new)):min(i+16, len(new))]
		if bytes.Equal(a, b) {
			continue
		}
		if len(a) > 0 {
			fmt.Fprintf(&sb, "- %s\n", hexLine(off+int64(i), a))
		}
		if len(b) > 0 {
			fmt.Fprintf(&sb, "+ %s\n", hexLine(off+int64(i), b))
		}
	}
	return sb.String()
}
