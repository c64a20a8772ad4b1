//go:build linux && !shm_filebackend

package command

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// openMutex opens the mutex called name for the rest of the test.
func openMutex(t *testing.T, name string) *shm.Mutex {
	t.Helper()
	m, err := shm.OpenMutex(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// mustTake locks m without waiting, failing the test unless it was free
// and its last holder released it properly.
func mustTake(t *testing.T, m *shm.Mutex) {
	t.Helper()
	if ok, err := m.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock of %s: %v, %v; want the mutex free", m.Name(), ok, err)
	}
	t.Logf("took %s", m.Name())
}

func TestLock(t *testing.T) {
	name := testutil.Name(t)

	// Input, output and the exit status go through; the flags after --
	// are the command's.
	r := shmCmd(t, "from stdin\n", "lock", name, "--", "sh", "-c", "cat; echo to stderr >&2; exit 3")
	if r.code != 3 || r.out != "from stdin\n" || r.err != "to stderr\n" {
		t.Fatalf("lock -- sh: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	if out := mustRun(t, "lock", name, "--", "echo", "-n", "--nonblock"); out != "--nonblock" {
		t.Fatalf("lock -- echo -n --nonblock printed %q", out)
	}
	wantExit(t, 128+int(syscall.SIGKILL), "", "lock", name, "--", "sh", "-c", "kill -KILL $$")

	// While the command runs it holds the mutex.
	m := openMutex(t, name)
	held := startCmd(t, "lock", name, "--", "sh", "-c", "echo running; exec sleep 100")
	if line := held.next(); line != "running" {
		t.Fatalf("the command said %q", line)
	}
	if ok, err := m.TryLock(); ok || err != nil {
		t.Fatalf("TryLock while lock's command runs: %v, %v", ok, err)
	}
	if r := wantExit(t, ExitBusy, "mutex "+name+" is held elsewhere (--nonblock)", "lock", name, "--nonblock", "--", "echo", "ran"); r.out != "" {
		t.Fatalf("lock --nonblock ran its command: %q", r.out)
	}
	if r := wantExit(t, ExitBusy, "after --timeout 10ms", "lock", name, "--timeout", "10ms", "--", "echo", "ran"); r.out != "" {
		t.Fatalf("lock --timeout ran its command: %q", r.out)
	}
	// Cancelled, lock terminates its command and exits with its status
	// once it has ended, after releasing the mutex.
	if code := held.stop(); code != 128+int(syscall.SIGTERM) {
		t.Fatalf("cancelled lock: exit %d, want %d", code, 128+syscall.SIGTERM)
	}
	mustTake(t, m)

	// Interrupted while it waits, it exits with 130 and runs nothing.
	waiting := startCmd(t, "lock", name, "--", "echo", "ran")
	if code := waiting.stop(); code != ExitInterrupted || !strings.Contains(waiting.stderr.String(), "interrupted while waiting for mutex "+name) {
		t.Fatalf("lock interrupted while waiting: exit %d, stderr %q", code, waiting.stderr.String())
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}

	// A command that cannot start leaves the mutex free.
	wantExit(t, ExitCmdMissing, "no-such-command-"+name+": command not found", "lock", name, "--", "no-such-command-"+name)
	wantExit(t, ExitCmdMissing, "command not found", "lock", name, "--", "/no/such/command")
	script := filepath.Join(t.TempDir(), "not-executable")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho ran\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantExit(t, ExitCannotRun, "cannot run "+script, "lock", name, "--", script)
	badInterpreter := filepath.Join(t.TempDir(), "bad-interpreter")
	if err := os.WriteFile(badInterpreter, []byte("#!/no/such/interpreter\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	wantExit(t, ExitCannotRun, "cannot run "+badInterpreter, "lock", name, "--", badInterpreter)
	mustTake(t, m)
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestLockOwnerDied(t *testing.T) {
	name := testutil.Name(t)
	// Closing a handle that holds the mutex abandons it, as a death would.
	// Another handle keeps the mutex alive meanwhile: without one, the
	// next opener would make it afresh and have nothing to warn about.
	keep := openMutex(t, name)
	dead := openMutex(t, name)
	mustTake(t, dead)
	if err := dead.Close(); err != nil {
		t.Fatal(err)
	}

	r := wantExit(t, ExitOK, "shm: warning: the previous holder of mutex "+name+" died holding it; running the command anyway\n",
		"lock", name, "--", "echo", "ran")
	if r.out != "ran\n" {
		t.Fatalf("lock after a dead holder printed %q", r.out)
	}
	// lock released it properly: no warning for the next one.
	ok, err := keep.TryLock()
	if !ok || errors.Is(err, shm.ErrOwnerDead) || err != nil {
		t.Fatalf("TryLock after lock: %v, %v", ok, err)
	}
	if err := keep.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestLockUsageErrors(t *testing.T) {
	name := testutil.Name(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lock"}, "requires a mutex's NAME"},
		{[]string{"lock", name}, "requires -- and the command"},
		{[]string{"lock", name, "true"}, "put -- between the NAME and the command: shm lock " + name + " -- true"},
		{[]string{"lock", name, "--"}, "requires a command to run after --"},
		{[]string{"lock", "--", "true"}, "requires a mutex's NAME before --"},
		{[]string{"lock", name, "other", "--", "true"}, "accepts one NAME before --, received 2"},
		{[]string{"lock", name, "--nonblock", "--timeout", "1s", "--", "true"}, "exclude each other"},
		{[]string{"lock", name, "--timeout", "0s", "--", "true"}, "--timeout must be positive"},
		{[]string{"lock", name, "--timeout", "soon", "--", "true"}, "invalid duration"},
		{[]string{"lock", "", "--", "true"}, "invalid"},
		{[]string{"lock", "a/b", "--", "true"}, "invalid"},
	} {
		r := wantExit(t, ExitUsage, c.want, c.args...)
		if !strings.Contains(r.err, "Run 'shm lock --help' for usage.") {
			t.Errorf("shm %q: no pointer to the help: %q", c.args, r.err)
		}
	}
}

func TestLockHelpAndCompletion(t *testing.T) {
	out := mustRun(t, "lock", "--help")
	for _, want := range []string{"flock(1)", "named mutex", "CreateMutex", "AutoHotkey", "died holding", "75", "127"} {
		if !strings.Contains(out, want) {
			t.Errorf("lock --help does not mention %q", want)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "lock", ""}, ":4\n"}, // NAME: mutexes cannot be listed
		{[]string{"__complete", "lock", "x", "--", ""}, ":0\n"},
		{[]string{"__complete", "lock", "x", "--", "ls", ""}, ":0\n"},
	} {
		if out := mustRun(t, c.args...); !strings.HasSuffix(out, c.want) {
			t.Errorf("shm %q printed %q, want the directive %q", c.args, out, c.want)
		}
	}
}
