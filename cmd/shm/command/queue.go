package command

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/bits"
	"time"

	"github.com/shmkit/shm/queue"
	"github.com/spf13/cobra"
)

// queueLifetime is the lifetime rule that the help of queue, send and recv
// repeat.
const queueLifetime = `A queue is a segment: it lives while any process has it open, and goes
away with its messages when the last one closes it.`

func newQueue() *cobra.Command {
	var cf queueConfig
	cmd := &cobra.Command{
		Use:   "queue NAME [--capacity N] [--max-message N]",
		Short: "Create a message queue and keep it alive until interrupted",
		Long: `Open the message queue called NAME, creating it if it does not exist, and
keep it open until interrupted (Ctrl-C, SIGTERM; exit status 0), so that
"shm send" and "shm recv" in other shells, or programs using the Go
package github.com/shmkit/shm/queue, can pass messages through it.

` + queueLifetime + `
Run this command first, in the background or in another terminal, when the
senders and receivers do not overlap in time.

A new queue holds --capacity messages (rounded up to a power of two) of 1
to --max-message bytes each. An existing queue keeps its own; if either
flag is given and the queue's differs, the command fails.

It prints one line once it holds the queue.`,
		Example: `  shm queue jobs --capacity 256 --max-message 64K &
  shm send jobs "first job"
  shm recv jobs`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if err := cf.check(cmd); err != nil {
				return err
			}
			q, created, err := cf.open(cmd, args[0], true)
			if err != nil {
				return err
			}
			how := "opened"
			if created {
				how = "created"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "holding queue %s (%d messages of up to %d bytes, %s); interrupt to release\n",
				args[0], q.Cap(), q.MaxMessage(), how)
			<-cmd.Context().Done()
			left := q.Len()
			if err := q.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "released queue %s (%s in it)\n", args[0], plural(left, "message"))
			return nil
		}),
	}
	cf.flags(cmd)
	return cmd
}

// queueConfig holds the flags that configure a queue to create.
type queueConfig struct {
	capacity   int
	maxMessage bytesValue
}

func (c *queueConfig) flags(cmd *cobra.Command) {
	cmd.Flags().IntVar(&c.capacity, "capacity", 1024, "messages a new queue holds (rounded up to a power of two)")
	c.maxMessage = 4096
	cmd.Flags().Var(&c.maxMessage, "max-message", "largest message of a new queue, in bytes")
}

// check validates the flags.
func (c *queueConfig) check(*cobra.Command) error {
	switch {
	case c.capacity < 1 || c.capacity > queue.MaxCapacity:
		return usageErrorf("--capacity must be 1 to %d", queue.MaxCapacity)
	case c.maxMessage < 1 || c.maxMessage > queue.MaxMessageCap:
		return usageErrorf("--max-message must be 1 to %d bytes", queue.MaxMessageCap)
	}
	return nil
}

// open opens the queue called name or, if create is set and there is none,
// creates it; created says which. When it opens an existing queue, the
// flags the user gave must match the queue.
func (c *queueConfig) open(cmd *cobra.Command, name string, create bool) (q *queue.Queue, created bool, err error) {
	for {
		if create {
			q, err = queue.Create(name, queue.Config{Capacity: c.capacity, MaxMessage: int(c.maxMessage)})
			if !errors.Is(err, fs.ErrExist) {
				return q, err == nil, err
			}
		}
		q, err = queue.Open(name)
		if !create || !errors.Is(err, fs.ErrNotExist) { // else removed meanwhile: create it
			break
		}
	}
	if err != nil {
		return nil, false, err
	}
	var differs []string
	if cmd.Flags().Changed("capacity") && q.Cap() != max(2, 1<<bits.Len(uint(c.capacity-1))) {
		differs = append(differs, fmt.Sprintf("capacity %d, not %d", q.Cap(), c.capacity))
	}
	if cmd.Flags().Changed("max-message") && q.MaxMessage() != int(c.maxMessage) {
		differs = append(differs, fmt.Sprintf("max message %d bytes, not %d", q.MaxMessage(), c.maxMessage))
	}
	if len(differs) > 0 {
		q.Close()
		return nil, false, fmt.Errorf("queue %s exists with %s: %w", name, joinAnd(differs), queue.ErrConfig)
	}
	return q, false, nil
}

func joinAnd(s []string) string {
	if len(s) == 2 {
		return s[0] + " and " + s[1]
	}
	return s[0]
}

// waitFlags are the --timeout and --nonblock flags of send and recv.
type waitFlags struct {
	timeout  time.Duration
	nonblock bool
}

func (w *waitFlags) flags(cmd *cobra.Command, what string) {
	cmd.Flags().DurationVar(&w.timeout, "timeout", 0, "give up after waiting this long "+what+" (exit status 75)")
	cmd.Flags().BoolVar(&w.nonblock, "nonblock", false, "give up at once instead of waiting "+what+" (exit status 75)")
}

func (w *waitFlags) check(cmd *cobra.Command) error {
	waits := cmd.Flags().Changed("timeout")
	switch {
	case waits && w.nonblock:
		return usageErrorf("--nonblock and --timeout exclude each other")
	case waits && w.timeout <= 0:
		return usageErrorf("--timeout must be positive (--nonblock does not wait)")
	}
	return nil
}

// do runs try with --nonblock, else blocking, with a deadline if --timeout
// is set. It reports busy if try found the queue full or empty, or if the
// deadline passed.
func (w *waitFlags) do(ctx context.Context, blocking func(context.Context) error, try func() error) (busy bool, err error) {
	if w.nonblock {
		err := try()
		if errors.Is(err, queue.ErrFull) || errors.Is(err, queue.ErrEmpty) {
			return true, nil
		}
		return false, err
	}
	wctx := ctx
	if w.timeout > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, w.timeout)
		defer cancel()
	}
	err = blocking(wctx)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return true, nil
	}
	return false, err
}

// why says what made a wait give up.
func (w *waitFlags) why() string {
	if w.nonblock {
		return "--nonblock"
	}
	return fmt.Sprintf("--timeout %v", w.timeout)
}
