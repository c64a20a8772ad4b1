//go:build linux && !shm_filebackend

package command

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shmkit/shm/internal/testutil"
	"github.com/shmkit/shm/queue"
)

func TestSend(t *testing.T) {
	name := testutil.Name(t)
	q := makeQueue(t, name, queue.Config{Capacity: 4, MaxMessage: 16})

	if out := mustRun(t, "send", name, "a", "b c"); out != "sent 2 messages to "+name+"\n" {
		t.Fatalf("send printed %q", out)
	}
	// Lines of stdin, without "\n" or "\r\n"; the last needs none. The
	// queue fills up after two of them.
	r := shmCmd(t, "x\r\ny\nz", "send", name, "--nonblock")
	if r.code != ExitBusy || !strings.Contains(r.err, "queue "+name+" is full (--nonblock); 2 messages sent before") {
		t.Fatalf("send --nonblock to a full queue: exit %d, stderr %q", r.code, r.err)
	}
	wantExit(t, ExitBusy, "is full (--timeout 10ms); 0 messages sent before", "send", name, "--timeout", "10ms", "more")
	if got := drain(t, q); !slices.Equal(got, []string{"a", "b c", "x", "y"}) {
		t.Fatalf("received %q", got)
	}
	if r := shmCmd(t, "z\n", "send", name); r.code != ExitOK || r.out != "sent 1 message to "+name+"\n" {
		t.Fatalf("send from stdin: exit %d, stdout %q", r.code, r.out)
	}

	// --file sends a whole file, newlines and all.
	file := filepath.Join(t.TempDir(), "msg")
	if err := os.WriteFile(file, []byte("one\ntwo\n\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "send", name, "--file", file)
	if got := drain(t, q); !slices.Equal(got, []string{"z", "one\ntwo\n\x00"}) {
		t.Fatalf("received %q", got)
	}

	// Messages out of range fail after sending those before them.
	if r := shmCmd(t, "ok\n\nnever\n", "send", name); r.code != ExitFailure || !strings.Contains(r.err, "line 2 of standard input is empty") ||
		!strings.Contains(r.err, "(1 message sent before)") {
		t.Fatalf("send of an empty line: exit %d, stderr %q", r.code, r.err)
	}
	if r := shmCmd(t, "ok\n"+strings.Repeat("x", 17)+"\n", "send", name); r.code != ExitFailure ||
		!strings.Contains(r.err, "line 2 of standard input is longer than the 16 bytes of queue "+name+"'s max message") {
		t.Fatalf("send of a long line: exit %d, stderr %q", r.code, r.err)
	}
	if r := shmCmd(t, strings.Repeat("y", 16)+"\r\n", "send", name); r.code != ExitOK {
		t.Fatalf("send of a line of the max message: exit %d, stderr %q", r.code, r.err)
	}
	wantExit(t, ExitFailure, "17 bytes, the queue takes 1 to 16", "send", name, "fits", strings.Repeat("z", 17))
	if err := os.WriteFile(file, make([]byte, 17), 0o600); err != nil {
		t.Fatal(err)
	}
	wantExit(t, ExitFailure, "is larger than the 16 bytes", "send", name, "--file", file)
	wantExit(t, ExitNotFound, "no such file", "send", name, "--file", filepath.Join(t.TempDir(), "none"))
	if got := drain(t, q); !slices.Equal(got, []string{"ok", "ok", strings.Repeat("y", 16), "fits"}) {
		t.Fatalf("received %q", got)
	}

	// --create opens an existing queue, whose flags must match if given.
	mustRun(t, "send", name, "--create", "c")
	mustRun(t, "send", name, "--create", "--capacity", "3", "--max-message", "16", "d")
	wantExit(t, ExitFailure, "queue "+name+" exists with max message 16 bytes, not 32: shm/queue: invalid configuration",
		"send", name, "--create", "--max-message", "32", "e")
	if got := drain(t, q); !slices.Equal(got, []string{"c", "d"}) {
		t.Fatalf("received %q", got)
	}

	wantExit(t, ExitNotFound, "no such file", "send", testutil.Name(t), "lost")
}

// TestSendCreate checks that a queue send creates lives until its
// messages are received.
func TestSendCreate(t *testing.T) {
	name := testutil.Name(t)
	send := startCmd(t, "send", name, "--create", "--capacity", "8", "--max-message", "100", "one", "two")
	q := openQueue(t, name)
	if q.Cap() != 8 || q.MaxMessage() != 100 {
		t.Fatalf("send created a queue of capacity %d and max message %d", q.Cap(), q.MaxMessage())
	}
	buf := make([]byte, 100)
	var got []string
	for range 2 {
		n, err := q.Recv(t.Context(), buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(buf[:n]))
	}
	if !slices.Equal(got, []string{"one", "two"}) {
		t.Fatalf("received %q", got)
	}
	if line := send.next(); line != "sent 2 messages to "+name {
		t.Fatalf("send said %q", line)
	}
	if code, stderr := send.wait(); code != ExitOK || !strings.Contains(stderr, "waiting until it is empty") {
		t.Fatalf("send --create: exit %d, stderr %q", code, stderr)
	}
	q.Close()
	gone(t, name)

	// With nobody to receive, the messages go with the queue.
	wantExit(t, ExitBusy, "queue "+name+", which this send created, still held 1 message as send exited (--nonblock does not wait)",
		"send", name, "--create", "--nonblock", "lost")
	gone(t, name)
	wantExit(t, ExitBusy, "still held 2 messages after --timeout 20ms", "send", name, "--create", "--timeout", "20ms", "lost", "too")
	gone(t, name)
	waiting := startCmd(t, "send", name, "--create", "lost")
	openQueue(t, name).Close()
	if code := waiting.stop(); code != ExitInterrupted || !strings.Contains(waiting.stderr.String(), "interrupted while queue "+name+", which this send created, still held 1 message") {
		t.Fatalf("send --create interrupted: exit %d, stderr %q", code, waiting.stderr.String())
	}
	gone(t, name)
}

func TestSendInterrupted(t *testing.T) {
	name := testutil.Name(t)
	q := makeQueue(t, name, queue.Config{Capacity: 2})
	send := startCmd(t, "send", name, "a", "b", "c")
	for deadline := time.Now().Add(testutil.Patience); q.Len() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("send sent %d messages in %v", q.Len(), testutil.Patience)
		}
	}
	if code := send.stop(); code != ExitInterrupted || !strings.Contains(send.stderr.String(), "interrupted while queue "+name+" was full (2 messages sent before)") {
		t.Fatalf("send interrupted: exit %d, stderr %q", code, send.stderr.String())
	}
	if got := drain(t, q); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("received %q", got)
	}
}

func TestSendUsageErrors(t *testing.T) {
	name := testutil.Name(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"send"}, "requires at least 1 arg"},
		{[]string{"send", name, "a", "--file", "f"}, "give MSG arguments or --file, not both"},
		{[]string{"send", name, "a", ""}, "MSG 2 is empty"},
		{[]string{"send", name, "--nonblock", "--timeout", "1s", "a"}, "exclude each other"},
		{[]string{"send", name, "--timeout", "0s", "a"}, "--timeout must be positive"},
		{[]string{"send", name, "--timeout", "soon", "a"}, "invalid duration"},
		{[]string{"send", name, "--capacity", "8", "a"}, "apply to the queue --create makes"},
		{[]string{"send", name, "--max-message", "8", "a"}, "apply to the queue --create makes"},
		{[]string{"send", name, "--create", "--capacity", "-1", "a"}, "--capacity must be 1 to"},
		{[]string{"send", name, "--create", "--max-message", "0", "a"}, "--max-message must be 1 to"},
		{[]string{"send", "", "a"}, "invalid"},
	} {
		r := wantExit(t, ExitUsage, c.want, c.args...)
		if !strings.Contains(r.err, "Run 'shm send --help' for usage.") {
			t.Errorf("shm %q: no pointer to the help: %q", c.args, r.err)
		}
	}
	gone(t, name)
}
