//go:build !shm_filebackend

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/shmkit/shm/internal/testutil"
)

// TestQueueSendRecv passes messages between invocations while a third holds
// the queue, which goes away with its holder.
func TestQueueSendRecv(t *testing.T) {
	name := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/dev/shm/" + name) }) // if the test fails with queue killed
	held, line := start(t, "queue", name, "--capacity", "16", "--max-message", "1K")
	if line != "holding queue "+name+" (16 messages of up to 1024 bytes, created); interrupt to release" {
		t.Fatalf("queue said %q", line)
	}

	if out := shmOK(t, "send", name, "first message", "second"); out != "sent 2 messages to "+name+"\n" {
		t.Fatalf("send printed %q", out)
	}
	if out := shmOK(t, "recv", name, "--count", "2"); out != "first message\nsecond\n" {
		t.Fatalf("recv --count 2 printed %q", out)
	}
	if out, stderr, code := run(t, "", "recv", name, "--timeout", "100ms"); code != 75 || out != "" || !strings.Contains(stderr, "is empty (--timeout 100ms)") {
		t.Fatalf("recv --timeout of an empty queue: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, _, code := run(t, "line 1\nline 2\n", "send", name); code != 0 {
		t.Fatalf("send from stdin: exit %d", code)
	}
	if out := shmOK(t, "recv", name, "--count", "0", "--nonblock"); out != "line 1\nline 2\n" {
		t.Fatalf("recv --count 0 --nonblock printed %q", out)
	}

	// Interrupted, queue releases the queue and exits with 0; it was the
	// last holder, so the queue is gone.
	if err := held.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if line := held.next(t); line != "released queue "+name+" (0 messages in it)" {
		t.Fatalf("queue said %q when interrupted", line)
	}
	for range held.lines {
	}
	if err := held.cmd.Wait(); err != nil {
		t.Fatalf("interrupted queue: %v", err)
	}
	if exists(t, name) {
		t.Fatal("the queue outlived its last holder")
	}
	if _, stderr, code := run(t, "", "send", name, "lost"); code != 3 || !strings.Contains(stderr, "no such file") {
		t.Fatalf("send to the released queue: exit %d, %q", code, stderr)
	}
}

// startSend starts shm send in the background and waits until the queue
// exists.
func startSend(t *testing.T, name string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	t.Cleanup(func() { os.Remove("/dev/shm/" + name) }) // if the test fails with send killed
	cmd := exec.Command(bin, append([]string{"send", name}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(testutil.Patience); !exists(t, name); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("send --create made no queue in %v", testutil.Patience)
		}
	}
	return cmd, &out, &errb
}

// TestSendCreateWaits checks that a queue shm send creates lives until its
// messages have been received, or goes with them when send is interrupted.
func TestSendCreateWaits(t *testing.T) {
	name := testutil.Name(t)
	send, out, stderr := startSend(t, name, "--create", "one", "two")
	if got := shmOK(t, "recv", name, "--count", "2"); got != "one\ntwo\n" {
		t.Fatalf("recv printed %q", got)
	}
	if err := send.Wait(); err != nil || out.String() != "sent 2 messages to "+name+"\n" {
		t.Fatalf("send --create: %v, stdout %q, stderr %q", err, out, stderr)
	}
	if exists(t, name) {
		t.Fatal("the queue outlived send")
	}

	send, _, stderr = startSend(t, name, "--create", "lost")
	if err := send.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var exit *exec.ExitError
	if err := send.Wait(); !errors.As(err, &exit) || exit.ExitCode() != 130 || !strings.Contains(stderr.String(), "still held 1 message") {
		t.Fatalf("interrupted send --create: %v, stderr %q", err, stderr)
	}
	if exists(t, name) {
		t.Fatal("the queue outlived send")
	}
}

func TestQueueUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"queue"},
		{"queue", "x", "--capacity", "0"},
		{"send"},
		{"send", "x", ""},
		{"send", "x", "--capacity", "8", "m"},
		{"send", "x", "--timeout", "soon", "m"},
		{"recv"},
		{"recv", "x", "--count", "-1"},
		{"recv", "x", "--nonblock", "--timeout", "1s"},
	} {
		_, stderr, code := run(t, "", args...)
		if code != 2 || !strings.Contains(stderr, "--help' for usage") ||
			strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Errorf("shm %q: exit %d, stderr %q; want a usage error (2)", args, code, stderr)
		}
	}
}
