package command

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/shmkit/shm/queue"
	"github.com/spf13/cobra"
)

func newRecv() *cobra.Command {
	var (
		w       waitFlags
		count   int
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "recv NAME [--count N] [--timeout D | --nonblock] [--json]",
		Short: "Receive messages from a queue",
		Long: `Receive --count messages (default 1; 0 means until interrupted) from the
queue called NAME and print each one, its bytes as they are followed by a
newline. With --json it prints one JSON object a line instead:
{"size": N, "text": "..."} if the message is valid UTF-8, else
{"size": N, "base64": "..."}.

While the queue is empty, recv waits for a message. With --nonblock it
gives up at once, with --timeout after waiting that long for one message:
then it exits with status 75 if it received fewer than --count messages
(with --count 0, if it received none), after printing those it received;
so "--count 0 --nonblock" prints what is in the queue and
"--count 0 --timeout 1s" stops after a second without messages.
Interrupted, recv exits with 130 before --count messages, and with 0 with
--count 0.

Each message leaves the queue as it is received: several receivers share
the messages, each getting different ones. The queue must exist (exit
status 3 if not): see "shm queue".

` + queueLifetime,
		Example: `  shm recv jobs
  shm recv jobs --count 0 | while read -r job; do echo "got $job"; done
  shm recv jobs --count 10 --timeout 5s --json`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if err := w.check(cmd); err != nil {
				return err
			}
			if count < 0 {
				return usageErrorf("--count must be 0 (until interrupted) or more")
			}
			name := args[0]
			q, err := queue.Open(name)
			if err != nil {
				return err
			}
			defer q.Close()
			out := cmd.OutOrStdout()
			buf := make([]byte, q.MaxMessage()+1) // room for the newline
			ctx := cmd.Context()
			got := 0
			for count == 0 || got < count {
				var n int
				busy, err := w.do(ctx,
					func(ctx context.Context) (err error) { n, err = q.Recv(ctx, buf); return err },
					func() (err error) { n, err = q.TryRecv(buf); return err })
				switch {
				case busy && count == 0 && got > 0:
					return q.Close()
				case busy:
					return codedError{ExitBusy, fmt.Errorf("queue %s is empty (%s)%s", name, w.why(), received(got, count))}
				case errors.Is(err, context.Canceled) && count == 0:
					return q.Close()
				case errors.Is(err, context.Canceled):
					return fmt.Errorf("interrupted while queue %s was empty%s: %w", name, received(got, count), err)
				case err != nil:
					return err
				}
				got++
				if jsonOut {
					err = printMessageJSON(out, buf[:n])
				} else {
					buf[n] = '\n'
					_, err = out.Write(buf[:n+1])
				}
				if err != nil {
					return err
				}
			}
			return q.Close()
		}),
	}
	cmd.Flags().IntVarP(&count, "count", "n", 1, "stop after this many messages; 0: until interrupted")
	w.flags(cmd, "for a message")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object a message")
	return cmd
}

// received says how many of the count messages recv received, if it asked
// for a count.
func received(got, count int) string {
	if count <= 1 {
		return ""
	}
	return fmt.Sprintf("; received %d of %s", got, plural(count, "message"))
}

// messageJSON is what recv --json prints for a message.
type messageJSON struct {
	Size   int     `json:"size"`
	Text   *string `json:"text,omitempty"`
	Base64 *string `json:"base64,omitempty"`
}

func printMessageJSON(w io.Writer, msg []byte) error {
	v := messageJSON{Size: len(msg)}
	if utf8.Valid(msg) {
		s := string(msg)
		v.Text = &s
	} else {
		s := base64.StdEncoding.EncodeToString(msg)
		v.Base64 = &s
	}
	return json.NewEncoder(w).Encode(v)
}
