package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

// ReexecEnv is set in the environment of the processes demo starts by
// running its own executable again. The shm command ignores it; a test
// binary that finds it set runs [Main] with its arguments instead of the
// tests, so that demo works in process too.
const ReexecEnv = "SHM_CLI_REEXEC"

const (
	demoSize      = 4096
	demoSampleOff = 256 // where the struct lives: aligned for its fields
	demoSamples   = 3

	// demoPatience bounds every wait of the demo's processes for each
	// other, so that a lost peer ends the demo instead of hanging it.
	demoPatience = 20 * time.Second
	demoPoll     = time.Millisecond
)

// demoSample is the struct the demo shares: fixed size, no pointers, laid
// out as a C program would declare it:
//
//	struct sample { uint64_t seq, ack; double temperature; float position[3]; int32_t status; };
type demoSample struct {
	Seq         uint64 // sample number, stored last by the writer (atomically)
	Ack         uint64 // last sample the reader took (atomically)
	Temperature float64
	Position    [3]float32
	Status      int32
}

func newDemo() *cobra.Command {
	var name, role string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Show two processes sharing a string and a struct",
		Long: `Start a writer and a reader process (this program, run again) that share a
segment: the writer stores a UTF-16 string, as an AutoHotkey script's
StrPut would, and publishes a few samples of a C-style struct; the reader
prints what it finds. This process creates the segment and holds it
meanwhile; when it closes it, the last handle, the segment is removed.`,
		Example: `  go run github.com/shmkit/shm/cmd/shm@latest demo`,
		Args:    args(cobra.NoArgs),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if name == "" {
				name = fmt.Sprintf("shm-demo-%d", os.Getpid())
			}
			switch role {
			case "":
				return demoParent(cmd, name)
			case "writer":
				return demoWriter(cmd.OutOrStdout(), name)
			case "reader":
				return demoReader(cmd.OutOrStdout(), name)
			}
			return usageErrorf("unknown --role %q", role)
		}),
	}
	cmd.Flags().StringVar(&name, "name", "", "name of the segment (default shm-demo-PID)")
	cmd.Flags().StringVar(&role, "role", "", "writer or reader: what a process the demo started does")
	cmd.Flags().MarkHidden("role")
	return cmd
}

func demoParent(cmd *cobra.Command, name string) error {
	out := cmd.OutOrStdout()
	seg, err := shm.Create(name, demoSize)
	if err != nil {
		return err
	}
	defer seg.Close()
	fmt.Fprintf(out, "demo: created segment %q (%d bytes) in process %d, which holds it open\n", name, seg.Size(), os.Getpid())

	exe, err := os.Executable()
	if err != nil {
		return err
	}
	// One pipe for both children keeps their lines in the order they were
	// written: each line is a single write, shorter than PIPE_BUF.
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	copied := make(chan error, 1)
	go func() {
		_, err := io.Copy(out, pr)
		pr.Close()
		copied <- err
	}()
	ctx, cancel := context.WithTimeout(cmd.Context(), 2*demoPatience)
	defer cancel()
	// The children's stderr is copied by a goroutine each, unless it is a
	// file: share a lock.
	stderr := &lockedWriter{w: cmd.ErrOrStderr()}
	var children []*exec.Cmd
	for _, role := range []string{"writer", "reader"} {
		c := exec.CommandContext(ctx, exe, "demo", "--role", role, "--name", name)
		c.Env = append(os.Environ(), ReexecEnv+"=1")
		c.Stdout = pw
		c.Stderr = stderr
		if err := c.Start(); err != nil {
			break
		}
		children = append(children, c)
	}
	pw.Close()
	var errs []error
	if len(children) < 2 {
		errs = append(errs, errors.New("demo: could not start the writer and the reader"))
		cancel()
	}
	for _, c := range children {
		if err := c.Wait(); err != nil {
			errs = append(errs, fmt.Errorf("demo %s: %w", c.Args[3], err))
			cancel() // the other one would wait for it in vain
		}
	}
	errs = append(errs, <-copied)
	if err := cmd.Context().Err(); err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := seg.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "demo: both exited; closing the last handle removed %q\n", name)
	return nil
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// demoSay prints one line of a child, prefixed with its role and PID.
func demoSay(w io.Writer, role, format string, args ...any) {
	fmt.Fprintf(w, "[%s %d] %s\n", role, os.Getpid(), fmt.Sprintf(format, args...))
}

// await polls until cond holds, for demoPatience at most.
func await(what string, cond func() bool) error {
	deadline := time.Now().Add(demoPatience)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: gave up waiting for %s", what)
		}
		time.Sleep(demoPoll)
	}
	return nil
}

func demoWriter(w io.Writer, name string) error {
	seg, err := shm.Open(name)
	if err != nil {
		return err
	}
	defer seg.Close()
	s, err := shm.View[demoSample](seg, demoSampleOff)
	if err != nil {
		return err
	}
	greeting := fmt.Sprintf("Hello from process %d ✓", os.Getpid())
	if _, err := seg.WriteStringAt(greeting, 0, shm.UTF16LE); err != nil {
		return err
	}
	demoSay(w, "writer", "wrote %q at offset 0, as UTF-16LE like AutoHotkey's StrPut", greeting)
	for seq := uint64(1); seq <= demoSamples; seq++ {
		s.Temperature = 20 + 0.5*float64(seq)
		s.Position = [3]float32{float32(seq), 2 * float32(seq), 0.5}
		s.Status = int32(seq % 2)
		demoSay(w, "writer", "publishing sample %d at offset %d: %s", seq, demoSampleOff, sampleText(s))
		// The plain stores above happen before this one, which the reader
		// waits for: it then sees them all.
		atomic.StoreUint64(&s.Seq, seq)
		if err := await("the reader", func() bool { return atomic.LoadUint64(&s.Ack) >= seq }); err != nil {
			return err
		}
	}
	demoSay(w, "writer", "the reader took every sample; exiting")
	return seg.Close()
}

func demoReader(w io.Writer, name string) error {
	// Writable: the reader acknowledges each sample through the segment.
	seg, err := shm.Open(name)
	if err != nil {
		return err
	}
	defer seg.Close()
	s, err := shm.View[demoSample](seg, demoSampleOff)
	if err != nil {
		return err
	}
	for seq := uint64(1); seq <= demoSamples; seq++ {
		if err := await("the writer", func() bool { return atomic.LoadUint64(&s.Seq) >= seq }); err != nil {
			return err
		}
		if seq == 1 {
			greeting, err := seg.ReadStringAt(0, shm.UTF16LE)
			if err != nil {
				return err
			}
			demoSay(w, "reader", "read %q at offset 0", greeting)
		}
		sample := *s
		demoSay(w, "reader", "got sample %d: %s", seq, sampleText(&sample))
		atomic.StoreUint64(&s.Ack, seq)
	}
	return seg.Close()
}

func sampleText(s *demoSample) string {
	return fmt.Sprintf("{Temperature: %.1f, Position: %v, Status: %d}", s.Temperature, s.Position, s.Status)
}
