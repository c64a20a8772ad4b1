//go:build !shm_filebackend

package command

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/shmkit/shm/internal/testutil"
)

// result is what one run of the shm command did.
type result struct {
	out, err string
	code     int
}

// shmCmd runs the shm command in process with args and stdin.
func shmCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(t.Context(), args, strings.NewReader(stdin), &out, &errb)
	t.Logf("shm %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out.String(), errb.String())
	return result{out.String(), errb.String(), code}
}

// mustRun runs the shm command and fails the test unless it succeeds.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	r := shmCmd(t, "", args...)
	if r.code != ExitOK {
		t.Fatalf("shm %s: exit %d: %s", strings.Join(args, " "), r.code, r.err)
	}
	return r.out
}

// wantExit runs the shm command and checks its exit code and that stderr
// holds want.
func wantExit(t *testing.T, code int, want string, args ...string) result {
	t.Helper()
	r := shmCmd(t, "", args...)
	if r.code != code || !strings.Contains(r.err, want) {
		t.Fatalf("shm %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), r.code, r.err, code, want)
	}
	if strings.Contains(r.err, "goroutine ") || strings.Contains(r.err, "panic") {
		t.Fatalf("shm %s printed a stack trace: %s", strings.Join(args, " "), r.err)
	}
	return r
}

// A background is a shm command running in process until stopped.
type background struct {
	t      *testing.T
	cancel context.CancelFunc
	lines  chan string
	code   chan int
	stderr *bytes.Buffer
}

// startCmd runs the shm command with args in a goroutine.
func startCmd(t *testing.T, args ...string) *background {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	b := &background{t: t, cancel: cancel, lines: make(chan string, 100), code: make(chan int, 1), stderr: new(bytes.Buffer)}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			b.lines <- sc.Text()
		}
		close(b.lines)
	}()
	go func() {
		code := Main(ctx, args, strings.NewReader(""), pw, b.stderr)
		pw.Close()
		b.code <- code
	}()
	t.Logf("started shm %s", strings.Join(args, " "))
	t.Cleanup(func() {
		cancel()
		for range b.lines {
		}
	})
	return b
}

// next returns the command's next line of output.
func (b *background) next() string {
	b.t.Helper()
	select {
	case line, ok := <-b.lines:
		if !ok {
			code, stderr := b.wait()
			b.t.Fatalf("the command ended (exit %d) without saying more; stderr: %s", code, stderr)
		}
		b.t.Logf("> %s", line)
		return line
	case <-time.After(testutil.Patience):
		b.t.Fatalf("the command said nothing for %v", testutil.Patience)
	}
	return ""
}

// wait waits until the command ends on its own and returns its exit code
// and stderr.
func (b *background) wait() (int, string) {
	b.t.Helper()
	for range b.lines {
	}
	select {
	case code := <-b.code:
		return code, b.stderr.String()
	case <-time.After(testutil.Patience):
		b.t.Fatalf("the command did not end within %v", testutil.Patience)
	}
	return -1, ""
}

// stop interrupts the command and returns its exit code.
func (b *background) stop() int {
	b.t.Helper()
	b.cancel()
	for range b.lines {
	}
	select {
	case code := <-b.code:
		b.t.Logf("stopped: exit %d, stderr %q", code, b.stderr.String())
		return code
	case <-time.After(testutil.Patience):
		b.t.Fatalf("the command did not stop within %v", testutil.Patience)
	}
	return -1
}
