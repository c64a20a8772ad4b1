//go:build linux && !shm_filebackend

package command

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shmkit/shm/internal/testutil"
	"github.com/shmkit/shm/queue"
)

// send sends msgs to q.
func send(t *testing.T, q *queue.Queue, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if err := q.TrySend([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRecv(t *testing.T) {
	name := testutil.Name(t)
	q := makeQueue(t, name, queue.Config{Capacity: 8, MaxMessage: 64})

	send(t, q, "one", "two\nlines", "three", "four")
	if out := mustRun(t, "recv", name); out != "one\n" {
		t.Fatalf("recv printed %q", out)
	}
	if out := mustRun(t, "recv", name, "--count", "2"); out != "two\nlines\nthree\n" {
		t.Fatalf("recv --count 2 printed %q", out)
	}
	// Fewer than --count: what came is printed, and the status says so.
	r := wantExit(t, ExitBusy, "queue "+name+" is empty (--nonblock); received 1 of 3 messages", "recv", name, "-n", "3", "--nonblock")
	if r.out != "four\n" {
		t.Fatalf("recv --nonblock printed %q", r.out)
	}
	if r := wantExit(t, ExitBusy, "queue "+name+" is empty (--timeout 20ms)", "recv", name, "--timeout", "20ms"); r.out != "" {
		t.Fatalf("recv --timeout printed %q", r.out)
	}
	wantExit(t, ExitBusy, "is empty (--nonblock)", "recv", name, "--count", "0", "--nonblock")

	// --count 0 with --nonblock or --timeout prints what there is.
	send(t, q, "a", "b", "c")
	if out := mustRun(t, "recv", name, "--count", "0", "--nonblock"); out != "a\nb\nc\n" {
		t.Fatalf("recv --count 0 --nonblock printed %q", out)
	}
	send(t, q, "d")
	if out := mustRun(t, "recv", name, "--count", "0", "--timeout", "20ms"); out != "d\n" {
		t.Fatalf("recv --count 0 --timeout printed %q", out)
	}

	// --json: text if it is UTF-8, else base64.
	send(t, q, "héllo \"x\"", "\xff\x00")
	out := mustRun(t, "recv", name, "-n", "2", "--json")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("recv --json printed %q", out)
	}
	var text, binary map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &text); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &binary); err != nil {
		t.Fatal(err)
	}
	if text["text"] != "héllo \"x\"" || text["size"] != float64(10) || text["base64"] != nil ||
		binary["base64"] != "/wA=" || binary["size"] != float64(2) || binary["text"] != nil {
		t.Fatalf("recv --json printed %v and %v", text, binary)
	}

	wantExit(t, ExitNotFound, "no such file", "recv", testutil.Name(t))
}

func TestRecvWaits(t *testing.T) {
	name := testutil.Name(t)
	q := makeQueue(t, name, queue.Config{})

	recv := startCmd(t, "recv", name, "--count", "2")
	send(t, q, "first")
	if line := recv.next(); line != "first" {
		t.Fatalf("recv printed %q", line)
	}
	send(t, q, "second")
	if line := recv.next(); line != "second" {
		t.Fatalf("recv printed %q", line)
	}
	if code, stderr := recv.wait(); code != ExitOK {
		t.Fatalf("recv --count 2: exit %d, stderr %q", code, stderr)
	}

	// Interrupted, it exits with 130, or with 0 when it had no --count.
	recv = startCmd(t, "recv", name, "-n", "2")
	send(t, q, "only")
	if line := recv.next(); line != "only" {
		t.Fatalf("recv printed %q", line)
	}
	if code := recv.stop(); code != ExitInterrupted || !strings.Contains(recv.stderr.String(), "interrupted while queue "+name+" was empty; received 1 of 2 messages") {
		t.Fatalf("recv interrupted: exit %d, stderr %q", code, recv.stderr.String())
	}
	recv = startCmd(t, "recv", name, "--count", "0")
	send(t, q, "x", "y")
	if a, b := recv.next(), recv.next(); a != "x" || b != "y" {
		t.Fatalf("recv --count 0 printed %q, %q", a, b)
	}
	if code := recv.stop(); code != ExitOK {
		t.Fatalf("recv --count 0 interrupted: exit %d, stderr %q", code, recv.stderr.String())
	}
	if n := q.Len(); n != 0 {
		t.Fatalf("%d messages left", n)
	}
}

func TestRecvUsageErrors(t *testing.T) {
	name := testutil.Name(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"recv"}, "accepts 1 arg"},
		{[]string{"recv", name, "other"}, "accepts 1 arg"},
		{[]string{"recv", name, "--count", "-1"}, "--count must be 0"},
		{[]string{"recv", name, "--count", "many"}, "invalid argument"},
		{[]string{"recv", name, "--nonblock", "--timeout", "1s"}, "exclude each other"},
		{[]string{"recv", name, "--timeout", "-1s"}, "--timeout must be positive"},
		{[]string{"recv", name, "--text"}, "unknown flag"},
		{[]string{"recv", "a/b"}, "invalid"},
	} {
		r := wantExit(t, ExitUsage, c.want, c.args...)
		if !strings.Contains(r.err, "Run 'shm recv --help' for usage.") {
			t.Errorf("shm %q: no pointer to the help: %q", c.args, r.err)
		}
	}
	gone(t, name)
}
