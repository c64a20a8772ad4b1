// Package testutil runs multi-process tests by re-executing the test binary,
// and checks that tests leave no segments behind.
package testutil

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// roleEnv carries "TestName=role" to a child process: the test called
// TestName plays role instead of its parent part.
const roleEnv = "SHM_TEST_ROLE"

// nameEnv passes the segment name a child should use.
const nameEnv = "SHM_TEST_NAME"

// Patience is how long a parent waits for a child to say something before
// it fails the test; generous, because CI machines are slow and the race
// detector slower.
const Patience = 60 * time.Second

// Prefix starts every segment name the tests make, so that leftovers can be
// found: "shmtest-<pid of the parent test binary>-".
var Prefix = func() string {
	if p := os.Getenv("SHM_TEST_PREFIX"); p != "" {
		return p
	}
	p := fmt.Sprintf("shmtest-%d-", os.Getpid())
	os.Setenv("SHM_TEST_PREFIX", p) // inherited by children
	return p
}()

var serial atomic.Int64

// Name returns a fresh segment name for t, or in a child the name its
// parent passed.
func Name(t testing.TB) string {
	if n := os.Getenv(nameEnv); n != "" && Role(t) != "" {
		return n
	}
	// The pid keeps apart processes that share Prefix, such as fuzz workers.
	test := strings.NewReplacer("/", "_", "#", "_").Replace(t.Name())
	return fmt.Sprintf("%s%s-%d-%d", Prefix, test, os.Getpid(), serial.Add(1))
}

// Role returns the role this process plays in test t: "" in the parent.
func Role(t testing.TB) string {
	test, role, ok := strings.Cut(os.Getenv(roleEnv), "=")
	if !ok || test != t.Name() {
		return ""
	}
	return role
}

// IsChild reports whether this process is a child of some test.
func IsChild() bool { return os.Getenv(roleEnv) != "" }

// A Child is a re-executed test binary playing a role.
type Child struct {
	t     testing.TB
	Cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	done  chan struct{}
}

// Start re-executes the test binary so that test t runs as role, with the
// segment name given (may be empty) and extra environment variables.
// The child's stdout lines are read with Next, TryNext or Expect.
func Start(t testing.TB, role, name string, env ...string) *Child {
	t.Helper()
	return StartTest(t, t.Name(), role, name, env...)
}

// StartTest is Start for a child that runs test (a top-level test, say,
// when t is one of its subtests) rather than t itself.
func StartTest(t testing.TB, test, role, name string, env ...string) *Child {
	t.Helper()
	var pattern []string
	for _, part := range strings.Split(test, "/") {
		pattern = append(pattern, "^"+regexp.QuoteMeta(part)+"$")
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(pattern, "/"), "-test.count=1")
	cmd.Env = append(os.Environ(), roleEnv+"="+test+"="+role, nameEnv+"="+name)
	cmd.Env = append(cmd.Env, env...)
	c := StartCommand(t, cmd)
	t.Logf("started child %d as %q", cmd.Process.Pid, role)
	return c
}

// StartCommand starts any program as a Child, to talk to it a line at a
// time on its standard input and output (Tell, Next, Expect); its standard
// error goes to the test's unless cmd says otherwise. The program is
// killed when the test ends, unless Wait saw it exit.
func StartCommand(t testing.TB, cmd *exec.Cmd) *Child {
	t.Helper()
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &Child{t: t, Cmd: cmd, stdin: stdin, lines: make(chan string, 1024), done: make(chan struct{})}
	go c.read(stdout)
	t.Cleanup(func() {
		c.Cmd.Process.Kill()
		<-c.done
		c.Cmd.Wait()
	})
	return c
}

func (c *Child) read(r io.Reader) {
	defer close(c.done)
	defer close(c.lines)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		c.lines <- strings.TrimRight(sc.Text(), "\r") // Windows programs end lines with CRLF
	}
}

// Next returns the child's next line of output, failing the test if none
// comes within Patience.
func (c *Child) Next() string {
	c.t.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok {
			c.t.Fatalf("child %d ended without saying more", c.Cmd.Process.Pid)
		}
		return line
	case <-time.After(Patience):
		c.t.Fatalf("child %d said nothing for %v", c.Cmd.Process.Pid, Patience)
	}
	return ""
}

// TryNext returns the child's next line of output, or false once the child
// has closed its output. Unlike Next it may be called from any goroutine.
func (c *Child) TryNext() (string, bool) {
	line, ok := <-c.lines
	return line, ok
}

// Expect reads lines until one starts with prefix and returns the rest of
// it. Other lines (the test framework's own) are skipped.
func (c *Child) Expect(prefix string) string {
	c.t.Helper()
	for {
		line := c.Next()
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return rest
		}
	}
}

// Wait closes the child's input, waits for it to exit, and fails the test
// if it failed.
func (c *Child) Wait() {
	c.t.Helper()
	c.stdin.Close() // a child reading orders sees the end of them
	for range c.lines {
	}
	if err := c.Cmd.Wait(); err != nil {
		c.t.Fatalf("child %d: %v", c.Cmd.Process.Pid, err)
	}
}

// Kill kills the child with SIGKILL and waits until it is gone.
func (c *Child) Kill() {
	c.t.Helper()
	if err := c.Cmd.Process.Kill(); err != nil {
		c.t.Fatal(err)
	}
	for range c.lines {
	}
	c.Cmd.Wait()
	c.t.Logf("killed child %d", c.Cmd.Process.Pid)
}

// Tell sends the child a line, which it reads with Hear.
func (c *Child) Tell(line string) {
	c.t.Helper()
	if _, err := io.WriteString(c.stdin, line+"\n"); err != nil {
		c.t.Fatalf("telling child %d: %v", c.Cmd.Process.Pid, err)
	}
}

// Say prints a line for the parent to read.
func Say(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}

var stdin = bufio.NewReader(os.Stdin)

// Hear reads one line from the parent (Child.Tell); "" once the parent is
// gone.
func Hear() string {
	s, _ := stdin.ReadString('\n')
	return strings.TrimSpace(s)
}

// Main runs the tests and, in the parent, fails if they left segments
// behind in dir (the OS's shared memory directory; "" skips the check):
// files named Prefix..., or kind+Prefix... for each of kinds (the
// namespaces of other objects kept in dir, such as `sync\`).
func Main(m *testing.M, dir string, kinds ...string) {
	code := m.Run()
	if !IsChild() && dir != "" {
		var left []string
		for _, kind := range append([]string{""}, kinds...) {
			found, _ := filepath.Glob(filepath.Join(dir, globEscape(kind+Prefix)+"*"))
			left = append(left, found...)
		}
		if len(left) > 0 {
			fmt.Fprintf(os.Stderr, "tests left segments behind: %v\n", left)
			for _, p := range left {
				os.Remove(p)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// globEscape quotes the characters filepath.Match treats specially.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`).Replace(s)
}
