//go:build linux && !shm_filebackend

package command

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
	"github.com/shmkit/shm/queue"
)

// makeQueue creates a queue for the rest of the test.
func makeQueue(t *testing.T, name string, c queue.Config) *queue.Queue {
	t.Helper()
	q, err := queue.Create(name, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// openQueue opens the queue called name, waiting until it exists.
func openQueue(t *testing.T, name string) *queue.Queue {
	t.Helper()
	for deadline := time.Now().Add(testutil.Patience); ; time.Sleep(time.Millisecond) {
		q, err := queue.Open(name)
		if err == nil {
			t.Cleanup(func() { q.Close() })
			return q
		}
		if !errors.Is(err, fs.ErrNotExist) || time.Now().After(deadline) {
			t.Fatalf("opening queue %s: %v", name, err)
		}
	}
}

// drain receives every message in q.
func drain(t *testing.T, q *queue.Queue) []string {
	t.Helper()
	var got []string
	buf := make([]byte, q.MaxMessage())
	for {
		n, err := q.TryRecv(buf)
		if errors.Is(err, queue.ErrEmpty) {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(buf[:n]))
	}
}

// gone fails the test if the queue called name still exists.
func gone(t *testing.T, name string) {
	t.Helper()
	if _, err := shm.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("queue %s is still there: %v", name, err)
	}
}

func TestQueue(t *testing.T) {
	name := testutil.Name(t)
	held := startCmd(t, "queue", name, "--capacity", "3", "--max-message", "1K")
	if line := held.next(); line != "holding queue "+name+" (4 messages of up to 1024 bytes, created); interrupt to release" {
		t.Fatalf("queue said %q", line)
	}
	q := openQueue(t, name)
	if q.Cap() != 4 || q.MaxMessage() != 1024 {
		t.Fatalf("the queue has capacity %d and max message %d", q.Cap(), q.MaxMessage())
	}

	// Another opens it, with no flags or with matching ones.
	again := startCmd(t, "queue", name, "--capacity", "4")
	if line := again.next(); !strings.HasPrefix(line, "holding queue "+name+" (4 messages of up to 1024 bytes, opened)") {
		t.Fatalf("second queue said %q", line)
	}
	if code := again.stop(); code != ExitOK {
		t.Fatalf("interrupted queue: exit %d", code)
	}
	wantExit(t, ExitFailure, "queue "+name+" exists with capacity 4, not 8 and max message 1024 bytes, not 2048",
		"queue", name, "--capacity", "8", "--max-message", "2K")

	if err := q.TrySend([]byte("left")); err != nil {
		t.Fatal(err)
	}
	q.Close()
	if code := held.stop(); code != ExitOK {
		t.Fatalf("interrupted queue: exit %d", code)
	}
	gone(t, name)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"queue"}, "accepts 1 arg"},
		{[]string{"queue", name, "--capacity", "0"}, "--capacity must be 1 to"},
		{[]string{"queue", name, "--capacity", "100000000"}, "--capacity must be 1 to"},
		{[]string{"queue", name, "--max-message", "0"}, "--max-message must be 1 to"},
		{[]string{"queue", name, "--max-message", "1G"}, "--max-message must be 1 to"},
		{[]string{"queue", name, "--max-message", "lots"}, "not a number of bytes"},
		{[]string{"queue", "a/b"}, "invalid"},
	} {
		wantExit(t, ExitUsage, c.want, c.args...)
	}
	gone(t, name)
}
