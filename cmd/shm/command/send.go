package command

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shmkit/shm/queue"
	"github.com/spf13/cobra"
)

func newSend() *cobra.Command {
	var (
		cf     queueConfig
		w      waitFlags
		create bool
		file   string
	)
	cmd := &cobra.Command{
		Use:   "send NAME [MSG...] [--file PATH] [--create] [--timeout D | --nonblock]",
		Short: "Send messages to a queue",
		Long: `Send each MSG argument as one message to the queue called NAME, in order.
Without MSG, send the whole of --file as one message, or else each line of
standard input as one message, without its line ending ("\n" or "\r\n"),
as soon as the line is read. Messages have 1 to the queue's max message
bytes: an empty or too long one is an error (exit status 1), and the
messages before it have been sent.

While the queue is full, send waits for a receiver to make room; with
--nonblock it gives up at once, with --timeout after waiting that long for
one message: then the exit status is 75 and the messages before have been
sent. Interrupted while it waits, it exits with 130.

` + queueLifetime + `

Without --create, the queue must exist (exit status 3 if not): see "shm
queue". With --create, send creates the queue if there is none, with
--capacity and --max-message. A queue it created goes away when send exits,
unless others have it open, so send then waits after sending until the
queue is empty, that is until its messages have been received (bounded by
--timeout; with --nonblock it does not wait and exits with 75 if messages
are left). Interrupted meanwhile, it exits with 130 and the messages nobody
received are gone.

It prints how many messages it sent.`,
		Example: `  shm queue jobs & shm send jobs "first job" "second job"
  tail -f events.log | shm send events
  shm send frames --file frame.bin --timeout 1s
  shm send jobs --create --capacity 64 "job" & shm recv jobs`,
		Args:              args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if err := w.check(cmd); err != nil {
				return err
			}
			if create {
				if err := cf.check(cmd); err != nil {
					return err
				}
			} else if cmd.Flags().Changed("capacity") || cmd.Flags().Changed("max-message") {
				return usageErrorf("--capacity and --max-message apply to the queue --create makes")
			}
			name, msgs := args[0], args[1:]
			if file != "" && len(msgs) > 0 {
				return usageErrorf("give MSG arguments or --file, not both")
			}
			for i, m := range msgs {
				if m == "" {
					return usageErrorf("MSG %d is empty: a message has at least 1 byte", i+1)
				}
			}
			q, created, err := cf.open(cmd, name, create)
			if err != nil {
				return err
			}
			defer q.Close()
			next, err := messages(cmd, q, msgs, file)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			sent := 0
			for {
				msg, err := next()
				if err == io.EOF {
					break
				}
				if err != nil {
					return fmt.Errorf("%w (%s sent before)", err, plural(sent, "message"))
				}
				busy, err := w.do(ctx,
					func(ctx context.Context) error { return q.Send(ctx, msg) },
					func() error { return q.TrySend(msg) })
				switch {
				case busy:
					return codedError{ExitBusy, fmt.Errorf("queue %s is full (%s); %s sent before", name, w.why(), plural(sent, "message"))}
				case errors.Is(err, context.Canceled):
					return fmt.Errorf("interrupted while queue %s was full (%s sent before): %w", name, plural(sent, "message"), err)
				case err != nil:
					return fmt.Errorf("message %d: %w", sent+1, err)
				}
				sent++
			}
			if created {
				if err := awaitReceipt(cmd, q, &w); err != nil {
					return err
				}
			}
			if err := q.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sent %s to %s\n", plural(sent, "message"), name)
			return nil
		}),
	}
	w.flags(cmd, "while the queue is full")
	cmd.Flags().BoolVar(&create, "create", false, "create the queue if there is none (it goes away when send exits: see above)")
	cmd.Flags().StringVar(&file, "file", "", "send the contents of this file as one message")
	cf.flags(cmd)
	return cmd
}

// messages returns a function that returns the messages to send one by
// one, then io.EOF.
func messages(cmd *cobra.Command, q *queue.Queue, msgs []string, file string) (func() ([]byte, error), error) {
	limit := q.MaxMessage()
	switch {
	case len(msgs) > 0:
		return func() ([]byte, error) {
			if len(msgs) == 0 {
				return nil, io.EOF
			}
			m := msgs[0]
			msgs = msgs[1:]
			return []byte(m), nil
		}, nil
	case file != "":
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
		switch {
		case err != nil:
			return nil, err
		case len(data) == 0:
			return nil, fmt.Errorf("%s is empty: a message has at least 1 byte", file)
		case len(data) > limit:
			return nil, fmt.Errorf("%s is larger than the %d bytes of queue %s's max message: %w", file, limit, q.Name(), queue.ErrTooLarge)
		}
		done := false
		return func() ([]byte, error) {
			if done {
				return nil, io.EOF
			}
			done = true
			return data, nil
		}, nil
	}
	in := cmd.InOrStdin()
	if isTerminal(in) {
		fmt.Fprintln(cmd.ErrOrStderr(), "reading standard input, one message a line (end it with Ctrl-D)")
	}
	r := bufio.NewReader(in)
	line := 0
	return func() ([]byte, error) {
		line++
		msg, err := readLine(r, limit)
		switch {
		case err == io.EOF:
			return nil, err
		case errors.Is(err, queue.ErrTooLarge):
			return nil, fmt.Errorf("line %d of standard input is longer than the %d bytes of queue %s's max message: %w", line, limit, q.Name(), err)
		case err != nil:
			return nil, fmt.Errorf("reading standard input: %w", err)
		case len(msg) == 0:
			return nil, fmt.Errorf("line %d of standard input is empty: a message has at least 1 byte", line)
		}
		return msg, nil
	}, nil
}

// readLine returns the next line of r without its "\n" or "\r\n", or
// io.EOF at the end. A line longer than limit bytes gives ErrTooLarge.
func readLine(r *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > limit+2 { // room for "\r\n"
			return nil, queue.ErrTooLarge
		}
		line = append(line, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(line) == 0:
			return nil, io.EOF
		case err != nil && err != io.EOF:
			return nil, err
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > limit {
			return nil, queue.ErrTooLarge
		}
		return line, nil
	}
}

// awaitReceipt waits until the queue send created is empty, since closing
// it removes it with the messages nobody received.
func awaitReceipt(cmd *cobra.Command, q *queue.Queue, w *waitFlags) error {
	left := q.Len()
	if left == 0 {
		return nil
	}
	if w.nonblock {
		return codedError{ExitBusy, fmt.Errorf("queue %s, which this send created, still held %s as send exited (--nonblock does not wait), and is gone with it; keep a queue with \"shm queue %s\"",
			q.Name(), plural(left, "message"), q.Name())}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "shm: send created queue %s, which goes away when send exits: waiting until it is empty (%s in it)\n",
		q.Name(), plural(left, "message"))
	busy, err := w.do(cmd.Context(), func(ctx context.Context) error { return waitEmpty(ctx, q) }, nil)
	switch {
	case busy:
		return codedError{ExitBusy, fmt.Errorf("queue %s, which this send created, still held %s after %s, and is gone with it",
			q.Name(), plural(q.Len(), "message"), w.why())}
	case err != nil:
		return fmt.Errorf("interrupted while queue %s, which this send created, still held %s; it is gone with them: %w",
			q.Name(), plural(q.Len(), "message"), err)
	}
	return nil
}

// waitEmpty waits until q is empty.
func waitEmpty(ctx context.Context, q *queue.Queue) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for q.Len() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// plural returns "1 message", "2 messages".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
