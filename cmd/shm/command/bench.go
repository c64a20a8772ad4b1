package command

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

// benchSegment is the size of the scratch segment bench uses.
const benchSegment = 1 << 20

func newBench() *cobra.Command {
	var (
		duration time.Duration
		name     string
	)
	cmd := &cobra.Command{
		Use:   "bench [--duration D]",
		Short: "Measure shared memory against copy, a pipe and a Unix socket",
		Long: `Run a short self-benchmark and print a table of ratios.

ReadAt and WriteAt on a segment are compared with a plain copy of the same
bytes (the physical limit); handing a message to another endpoint through
a segment (WriteAt then ReadAt) is compared with writing it into a pipe and
a Unix socket and reading it back. Each figure is the mean time of one
operation over --duration. The ratio is the segment's time over the
baseline's: below 1, shared memory is faster.

Machines vary from minute to minute: compare figures from the same run.`,
		Example: `  shm bench
  shm bench --duration 1s`,
		Args: args(cobra.NoArgs),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if duration <= 0 {
				return usageErrorf("--duration must be positive")
			}
			if name == "" {
				name = fmt.Sprintf("shm-bench-%d", os.Getpid())
			}
			seg, err := shm.Create(name, benchSegment)
			if err != nil {
				return err
			}
			defer seg.Close()
			b := &bench{seg: seg, d: duration}
			results, err := b.run(cmd)
			if err != nil {
				return err
			}
			if err := seg.Close(); err != nil {
				return err
			}
			return printBench(cmd.OutOrStdout(), duration, results)
		}),
	}
	cmd.Flags().DurationVar(&duration, "duration", 150*time.Millisecond, "how long to measure each figure")
	cmd.Flags().StringVar(&name, "name", "", "name of the scratch segment (default shm-bench-PID)")
	return cmd
}

// A benchResult compares one operation on a segment with a baseline.
type benchResult struct {
	op, baseline string
	size         int
	shm, base    float64 // nanoseconds per operation
}

type bench struct {
	seg *shm.Segment
	d   time.Duration
}

// measure returns the mean time in nanoseconds of one of the n iterations
// fn makes, over at least b.d.
func (b *bench) measure(fn func(n int) error) (float64, error) {
	for n := 1; ; {
		start := time.Now()
		if err := fn(n); err != nil {
			return 0, err
		}
		elapsed := time.Since(start)
		if elapsed >= b.d || n >= 1<<30 {
			return float64(elapsed.Nanoseconds()) / float64(n), nil
		}
		// Aim 20% past the duration, growing at least by one and at most
		// a hundredfold per round, as testing.B does.
		next := 100 * n
		if elapsed > 0 {
			next = int(1.2 * float64(n) * float64(b.d) / float64(elapsed))
		}
		n = max(n+1, min(next, 100*n))
	}
}

func (b *bench) run(cmd *cobra.Command) ([]benchResult, error) {
	type job struct {
		op, baseline string
		size         int
		shm, base    func(n int) error
	}
	mem := b.seg.Bytes()
	var jobs []job
	for _, size := range []int{64, 4 << 10, 1 << 20} {
		buf := make([]byte, size)
		jobs = append(jobs,
			job{"WriteAt", "copy", size,
				func(n int) error { return repeat(n, func() error { _, err := b.seg.WriteAt(buf, 0); return err }) },
				func(n int) error { return repeat(n, func() error { copy(mem, buf); return nil }) }},
			job{"ReadAt", "copy", size,
				func(n int) error { return repeat(n, func() error { _, err := b.seg.ReadAt(buf, 0); return err }) },
				func(n int) error { return repeat(n, func() error { copy(buf, mem[:size]); return nil }) }})
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	defer pw.Close()
	sockDir, err := os.MkdirTemp("", "shm-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(sockDir)
	client, server, sockErr := unixPair(filepath.Join(sockDir, "sock"))
	if sockErr == nil {
		defer client.Close()
		defer server.Close()
	}
	for _, size := range []int{64, 4 << 10} {
		msg, got := make([]byte, size), make([]byte, size)
		viaShm := func(n int) error {
			return repeat(n, func() error {
				if _, err := b.seg.WriteAt(msg, 0); err != nil {
					return err
				}
				_, err := b.seg.ReadAt(got, 0)
				return err
			})
		}
		jobs = append(jobs, job{"message", "pipe", size, viaShm,
			func(n int) error { return repeat(n, func() error { return roundTrip(pw, pr, msg, got) }) }})
		if sockErr == nil {
			jobs = append(jobs, job{"message", "unix socket", size, viaShm,
				func(n int) error { return repeat(n, func() error { return roundTrip(client, server, msg, got) }) }})
		}
	}

	var bar *progressbar.ProgressBar
	if isTerminal(cmd.ErrOrStderr()) {
		bar = progressbar.NewOptions(len(jobs),
			progressbar.OptionSetWriter(cmd.ErrOrStderr()),
			progressbar.OptionSetDescription("benchmarking"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish())
		defer bar.Finish()
	}
	var results []benchResult
	for _, j := range jobs {
		if err := cmd.Context().Err(); err != nil {
			return nil, err
		}
		s, err := b.measure(j.shm)
		if err != nil {
			return nil, err
		}
		base, err := b.measure(j.base)
		if err != nil {
			return nil, err
		}
		results = append(results, benchResult{op: j.op, baseline: j.baseline, size: j.size, shm: s, base: base})
		if bar != nil {
			bar.Add(1)
		}
	}
	if sockErr != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "shm bench: no Unix socket baseline: %v\n", sockErr)
	}
	return results, nil
}

func repeat(n int, fn func() error) error {
	for range n {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

// roundTrip writes msg to w and reads it back from r into got.
func roundTrip(w io.Writer, r io.Reader, msg, got []byte) error {
	if _, err := w.Write(msg); err != nil {
		return err
	}
	_, err := io.ReadFull(r, got)
	return err
}

// unixPair returns the two ends of a Unix socket connection at path.
func unixPair(path string) (client, server net.Conn, err error) {
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, nil, err
	}
	defer l.Close()
	accepted := make(chan error, 1)
	go func() {
		var err error
		server, err = l.Accept()
		accepted <- err
	}()
	client, err = net.Dial("unix", path)
	if err != nil {
		l.Close()
		<-accepted
		if server != nil {
			server.Close()
		}
		return nil, nil, err
	}
	if err := <-accepted; err != nil {
		client.Close()
		return nil, nil, err
	}
	return client, server, nil
}

// nanos formats a duration in nanoseconds with a unit that suits it.
func nanos(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.1f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	}
	return fmt.Sprintf("%.2f s", ns/1e9)
}

func printBench(w io.Writer, d time.Duration, results []benchResult) error {
	fmt.Fprintf(w, "shm bench: mean time per operation over %v each\n\n", d)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OPERATION\tSIZE\tSHM\tBASELINE\tRATIO")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s (%s)\t%.3f\n", r.op, humanBytes(int64(r.size)),
			nanos(r.shm), nanos(r.base), r.baseline, r.shm/r.base)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\nRATIO is the segment's time over the baseline's: below 1, shared memory is faster.\n"+
		"A message through the segment is a WriteAt and a ReadAt; through a pipe or a socket, a write and a read.")
	return err
}
