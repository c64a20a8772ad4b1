package queue

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/shmkit/shm/internal/sys"
	"github.com/shmkit/shm/internal/testutil"
)

// exists reports whether a kernel object of the kind that open opens has
// the name, failing the test on errors other than "not found".
func exists(t *testing.T, open func(string) (sys.Handle, error), name string) bool {
	t.Helper()
	h, err := open(name)
	if err != nil {
		if !errors.Is(err, sys.ErrorFileNotFound) {
			t.Fatalf("opening %q: %v", name, err)
		}
		return false
	}
	sys.CloseHandle(h)
	return true
}

// A handle's owner event lives exactly as long as the handle, and the wait
// sets' semaphores as long as the queue: the kernel destroys them with
// their last handle, so a queue leaves nothing behind (the leak check that
// TestMain does in /dev/shm on Linux).
func TestKernelObjectsGone(t *testing.T) {
	name := testutil.Name(t)
	q, err := Create(name, Config{Capacity: 4, MaxMessage: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	// `X` and `Local\X` are the same queue on Windows, so they must name
	// the same owner events too.
	other, err := Open(`Local\` + name)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	me := q.ids.me
	if !exists(t, sys.OpenEvent, q.ids.name(me)) || !other.ids.alive(me) || !q.ids.alive(other.ids.me) {
		t.Fatalf("live handles look dead to each other")
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if other.ids.alive(me) {
		t.Fatalf("owner %d looks alive after Close", me)
	}
	sems := []string{name + "/notEmpty", name + "/notFull"}
	for _, s := range sems {
		if !exists(t, sys.OpenSemaphore, s) {
			t.Fatalf("semaphore %q is gone while a handle is open", s)
		}
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	for _, s := range append(sems, other.ids.name(other.ids.me)) {
		if exists(t, sys.OpenSemaphore, s) || exists(t, sys.OpenEvent, s) {
			t.Errorf("%q outlived the queue", s)
		}
	}
}

// Kernel object names stay within MAX_PATH however long the queue's name,
// and a name that would not fit is replaced by a digest, the same for
// every spelling of the queue's name.
func TestObjectNames(t *testing.T) {
	if got := objectBase(`Local\jobs`); got != `Local\jobs` {
		t.Errorf(`objectBase(Local\jobs) = %q`, got)
	}
	long := strings.Repeat("é", 127) // 254 bytes, but 127 UTF-16 units: fits
	if got := objectBase(`Global\` + long); got != `Global\`+long {
		t.Errorf("a name that fits was digested: %q", got)
	}
	for _, base := range []string{strings.Repeat("x", 241), strings.Repeat("x", 255)} {
		for _, prefix := range []string{"", `Local\`, `Global\`} {
			got := objectBase(prefix + base)
			if !strings.HasPrefix(got, prefix+"shmqueue-") || got != prefix+objectBase(base) {
				t.Errorf("objectBase(%q) = %q", prefix+base, got)
			}
			if n := len(utf16.Encode([]rune(got + "/owner.65535"))); n > maxObjectName {
				t.Errorf("objectBase(%q) gives names of %d characters", prefix+base, n)
			}
		}
	}
	if objectBase(strings.Repeat("x", 241)) == objectBase(strings.Repeat("x", 242)) {
		t.Errorf("two names have one digest")
	}
}

// A queue whose name is too long to add suffixes to works, with digested
// object names.
func TestLongQueueName(t *testing.T) {
	name := `Local\` + testutil.Name(t)
	name += strings.Repeat("x", 6+250-len(name)) // 250 after the prefix
	q, err := Create(name, Config{Capacity: 2, MaxMessage: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	other, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if !strings.HasPrefix(q.ids.name(q.ids.me), `Local\shmqueue-`) || !other.ids.alive(q.ids.me) {
		t.Fatalf("owner event %q not seen alive", q.ids.name(q.ids.me))
	}
	if err := q.TrySend([]byte("long")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if n, err := other.TryRecv(buf); err != nil || string(buf[:n]) != "long" {
		t.Fatalf("TryRecv = %q, %v", buf[:n], err)
	}
}
