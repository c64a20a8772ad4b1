package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/shmkit/shm"
	"github.com/shmkit/shm/queue"
	"github.com/spf13/cobra"
)

// benchSegment is the size of the scratch segment bench uses, and
// benchQueueCap the capacity of its queue.
const (
	benchSegment  = 1 << 20
	benchQueueCap = 256
)

func newBench() *cobra.Command {
	var (
		duration time.Duration
		name     string
	)
	cmd := &cobra.Command{
		Use:   "bench [--duration D]",
		Short: "Measure shared memory and queues against copy, a pipe and a Unix socket",
		Long: `Run a short self-benchmark and print a table of ratios.

ReadAt and WriteAt on a segment are compared with a plain copy of the same
bytes (the physical limit); handing a message to another endpoint through
a segment (WriteAt then ReadAt) is compared with writing it into a pipe and
a Unix socket and reading it back. Streaming messages from one goroutine
to another through a queue (package github.com/shmkit/shm/queue, which
"shm send" and "shm recv" use) is compared with streaming them through a
pipe and a Unix socket. Each figure is the mean time of one operation (one
message) over --duration. The ratio is the time of the segment or queue
over the baseline's: below 1, shared memory is faster.

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
			b.q, b.qErr = queue.Create(name+"-queue", queue.Config{Capacity: benchQueueCap, MaxMessage: 4 << 10})
			if b.qErr == nil {
				defer b.q.Close()
			}
			results, err := b.run(cmd)
			if err != nil {
				return err
			}
			if err := seg.Close(); err != nil {
				return err
			}
			if b.qErr == nil {
				if err := b.q.Close(); err != nil {
					return err
				}
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
	seg  *shm.Segment
	q    *queue.Queue // nil if qErr says why not
	qErr error
	d    time.Duration
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
	// Streams from one goroutine to another: the queue against a pipe and a
	// Unix socket, each message written whole and read whole.
	for _, size := range []int{64, 4 << 10} {
		if b.qErr != nil {
			break
		}
		msg := make([]byte, size)
		viaQueue := func(n int) error { return b.streamQueue(cmd.Context(), n, msg) }
		jobs = append(jobs, job{"queue", "pipe", size, viaQueue,
			func(n int) error { return stream(n, pw, pr, size) }})
		if sockErr == nil {
			jobs = append(jobs, job{"queue", "unix socket", size, viaQueue,
				func(n int) error { return stream(n, client, server, size) }})
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
	if b.qErr != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "shm bench: no queue rows: %v\n", b.qErr)
	}
	return results, nil
}

// streamQueue sends n messages through the queue from another goroutine
// and receives them here.
func (b *bench) streamQueue(ctx context.Context, n int, msg []byte) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sent := make(chan error, 1)
	go func() {
		sent <- repeat(n, func() error { return b.q.Send(ctx, msg) })
	}()
	got := make([]byte, len(msg))
	err := repeat(n, func() error { _, err := b.q.Recv(ctx, got); return err })
	if err != nil {
		cancel() // the sender may be waiting for room
	}
	return errors.Join(err, <-sent)
}

// stream writes n messages of size bytes to w from another goroutine and
// reads them whole from r here.
func stream(n int, w io.Writer, r io.Reader, size int) error {
	written := make(chan error, 1)
	go func() {
		msg := make([]byte, size)
		written <- repeat(n, func() error { _, err := w.Write(msg); return err })
	}()
	got := make([]byte, size)
	err := repeat(n, func() error { _, err := io.ReadFull(r, got); return err })
	if err != nil {
		return err // the writer may be stuck: the pipe or socket is unusable anyway
	}
	return <-written
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
	_, err := fmt.Fprintln(w, "\nRATIO is the segment's or queue's time over the baseline's: below 1, shared memory is faster.\n"+
		"A message through the segment is a WriteAt and a ReadAt; through a pipe or a socket, a write and a read.\n"+
		"A queue row streams messages from one goroutine to another, through the queue or a pipe or a socket.")
	return err
}
