//go:build !shm_filebackend

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// run runs the built shm command with stdin and returns what it printed
// and its exit code.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	t.Logf("shm %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out.String(), errb.String())
	return out.String(), errb.String(), code
}

// shmOK runs the built shm command and fails the test unless it succeeds.
func shmOK(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := run(t, "", args...)
	if code != 0 {
		t.Fatalf("shm %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return out
}

// process is the built shm command running in the background.
type process struct {
	cmd   *exec.Cmd
	lines chan string
}

// start starts the built shm command and waits for its first line.
func start(t *testing.T, args ...string) (*process, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, lines: make(chan string, 10)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		for range p.lines {
		}
		cmd.Wait()
	})
	t.Logf("started shm %s: pid %d", strings.Join(args, " "), cmd.Process.Pid)
	return p, p.next(t)
}

func (p *process) next(t *testing.T) string {
	t.Helper()
	select {
	case line, ok := <-p.lines:
		if !ok {
			t.Fatalf("shm %v ended without saying more", p.cmd.Args[1:])
		}
		return line
	case <-time.After(testutil.Patience):
		t.Fatalf("shm %v said nothing for %v", p.cmd.Args[1:], testutil.Patience)
	}
	return ""
}

func exists(t *testing.T, name string) bool {
	t.Helper()
	_, err := os.Lstat("/dev/shm/" + name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

// TestRoundTripWhileHeld writes and reads in two invocations while a third
// holds the segment, which goes away with its holder.
func TestRoundTripWhileHeld(t *testing.T) {
	name := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/dev/shm/" + name) }) // if the test fails with hold killed
	hold, line := start(t, "hold", name, "--size", "4K")
	if !strings.HasPrefix(line, "holding "+name) {
		t.Fatalf("hold said %q", line)
	}
	shmOK(t, "write", name, "hello from the shell", "--offset", "16")
	if out := shmOK(t, "read", name, "--offset", "16"); out != "hello from the shell\n" {
		t.Fatalf("read printed %q", out)
	}
	var info struct {
		Holders  int    `json:"holders"`
		PIDs     []int  `json:"pids"`
		Lifetime string `json:"lifetime"`
	}
	if err := json.Unmarshal([]byte(shmOK(t, "info", name, "--json")), &info); err != nil {
		t.Fatal(err)
	}
	if info.Holders != 1 || len(info.PIDs) != 1 || info.PIDs[0] != hold.cmd.Process.Pid || info.Lifetime != "handles" {
		t.Fatalf("info while held: %+v", info)
	}

	// Interrupted, hold releases the segment and exits with 0; it was the
	// last holder, so the segment is gone.
	if err := hold.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if line := hold.next(t); line != "released "+name {
		t.Fatalf("hold said %q when interrupted", line)
	}
	for range hold.lines {
	}
	if err := hold.cmd.Wait(); err != nil {
		t.Fatalf("interrupted hold: %v", err)
	}
	if exists(t, name) {
		t.Fatal("the segment outlived its last holder")
	}
	if _, stderr, code := run(t, "", "read", name); code != 3 || !strings.Contains(stderr, "no such file") {
		t.Fatalf("read of the released segment: exit %d, %q", code, stderr)
	}
}

// TestCreateWriteReadRm goes through a persistent segment's life.
func TestCreateWriteReadRm(t *testing.T) {
	name := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/dev/shm/" + name) })
	shmOK(t, "create", name, "--size", "64K")
	if _, _, code := run(t, "from stdin\n", "write", name, "--offset", "1K"); code != 0 {
		t.Fatalf("write from stdin: exit %d", code)
	}
	if out := shmOK(t, "read", name, "--raw", "--offset", "1024", "--size", "11"); out != "from stdin\n" {
		t.Fatalf("read --raw printed %q", out)
	}
	if !strings.Contains(shmOK(t, "ls"), name) {
		t.Fatal("ls does not list the segment")
	}
	shmOK(t, "rm", name)
	if exists(t, name) {
		t.Fatal("rm left the segment")
	}
}

func TestUTF16MatchesLibrary(t *testing.T) {
	const text = "AutoHotkey ✓ 𝄞"
	ref, err := shm.Create(testutil.Name(t), 256)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	n, err := ref.WriteStringAt(text, 2, shm.UTF16LE)
	if err != nil {
		t.Fatal(err)
	}
	want := ref.Bytes()[2 : 2+n]

	name := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/dev/shm/" + name) })
	shmOK(t, "create", name, "--size", "256")
	shmOK(t, "write", name, text, "--utf16", "--offset", "2")
	if got := shmOK(t, "read", name, "--raw", "--offset", "2", "--size", fmt.Sprint(n)); got != string(want) {
		t.Fatalf("write --utf16 stored\n% x\nWriteStringAt stores\n% x", got, want)
	}
	if got := shmOK(t, "read", name, "--utf16", "--offset", "2"); got != text+"\n" {
		t.Fatalf("read --utf16 printed %q", got)
	}
}

// python runs a Python program with args, failing the test if it fails.
func python(t *testing.T, program string, args ...string) string {
	t.Helper()
	out, err := exec.Command("python3", append([]string{"-c", program}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	return string(out)
}

// Python 3.8 to 3.12 registers every SharedMemory it creates or attaches
// with its resource tracker, which unlinks them when the program exits;
// unregister keeps the segment, as a C program's would be kept.
const (
	pythonCreate = `import sys
from multiprocessing import shared_memory, resource_tracker
s = shared_memory.SharedMemory(create=True, name=sys.argv[1], size=int(sys.argv[2]))
s.buf[:12] = b"from python\0"
resource_tracker.unregister(s._name, "shared_memory")
s.close()
`
	pythonRead = `import sys
from multiprocessing import shared_memory, resource_tracker
s = shared_memory.SharedMemory(name=sys.argv[1])
print(bytes(s.buf[:int(sys.argv[2])]).decode(), end="")
resource_tracker.unregister(s._name, "shared_memory")
s.close()
`
)

// pythonSegment has Python make a segment, removed at the end of the test.
func pythonSegment(t *testing.T, size int) string {
	t.Helper()
	name := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/dev/shm/" + name) })
	python(t, pythonCreate, name, fmt.Sprint(size))
	return name
}

type listed struct {
	Name     string `json:"name"`
	Size     int64  `json:"size"`
	Holders  int    `json:"holders"`
	Lifetime string `json:"lifetime"`
	Orphan   bool   `json:"orphan"`
	Mode     string `json:"mode"`
}

// list runs shm ls --json with extra flags and returns what it listed, by
// name.
func list(t *testing.T, flags ...string) map[string]listed {
	t.Helper()
	var infos []listed
	out := shmOK(t, append([]string{"ls", "--json"}, flags...)...)
	if err := json.Unmarshal([]byte(out), &infos); err != nil {
		t.Fatalf("ls --json printed %q: %v", out, err)
	}
	m := map[string]listed{}
	for _, info := range infos {
		m[info.Name] = info
	}
	return m
}

func TestPythonInterop(t *testing.T) {
	name := pythonSegment(t, 5000)
	if _, ok := list(t)[name]; ok {
		t.Error("ls without --all lists a segment Python made")
	}
	info, ok := list(t, "--all")[name]
	if want := (listed{Name: name, Size: 5000, Lifetime: "foreign", Mode: "0600"}); !ok || info != want {
		t.Fatalf("ls --all --json: %+v (listed: %v), want %+v", info, ok, want)
	}
	if out := shmOK(t, "read", name); out != "from python\n" {
		t.Fatalf("read of Python's segment printed %q", out)
	}
	shmOK(t, "write", name, "from shm")
	if got := python(t, pythonRead, name, "9"); got != "from shm\x00" {
		t.Fatalf("Python read %q", got)
	}
	if out := shmOK(t, "gc", testutil.Prefix+"*"); out != "no orphans\n" {
		t.Fatalf("gc with Python's segment said %q", out)
	}
	shmOK(t, "rm", name)
	if exists(t, name) {
		t.Fatal("rm left Python's segment")
	}
}

// TestGCRemovesOnlyOrphans kills a holder with SIGKILL: gc removes its
// orphan and nothing else. gc is limited to this run's names, since other
// tests may have orphans of their own at the same time.
func TestGCRemovesOnlyOrphans(t *testing.T) {
	orphan := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/dev/shm/" + orphan) })
	killed, _ := start(t, "hold", orphan, "--size", "4K")
	if err := killed.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for range killed.lines {
	}
	killed.cmd.Wait()

	heldName := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/dev/shm/" + heldName) }) // after the holder is killed
	start(t, "hold", heldName, "--size", "4K")
	persistent := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/dev/shm/" + persistent) })
	shmOK(t, "create", persistent, "--size", "4K")
	foreign := pythonSegment(t, 4096)

	if info := list(t)[orphan]; !info.Orphan || info.Holders != 0 {
		t.Fatalf("ls: the killed holder's segment is %+v", info)
	}
	pattern := testutil.Prefix + "*"
	if out := shmOK(t, "gc", "--dry-run", pattern); out != "would remove "+orphan+"\n" {
		t.Fatalf("gc --dry-run said %q", out)
	}
	if !exists(t, orphan) {
		t.Fatal("gc --dry-run removed the orphan")
	}
	if out := shmOK(t, "gc", pattern); out != "removed "+orphan+"\n" {
		t.Fatalf("gc said %q", out)
	}
	if exists(t, orphan) {
		t.Fatal("gc left the orphan")
	}
	for _, name := range []string{heldName, persistent, foreign} {
		if !exists(t, name) {
			t.Errorf("gc removed %s", name)
		}
	}
}

func TestUsageErrorsHaveNoStackTrace(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"create", "x"},
		{"create", "x", "--size", "-5"},
		{"read", "x", "--hex", "--raw"},
		{"write"},
		{"watch", "x", "--interval", "never"},
		{"gc", "[x"},
		{"info", ""},
	} {
		_, stderr, code := run(t, "", args...)
		if code != 2 || !strings.Contains(stderr, "--help' for usage") ||
			strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Errorf("shm %q: exit %d, stderr %q; want a usage error (2)", args, code, stderr)
		}
	}
}

func TestDemoBinary(t *testing.T) {
	name := testutil.Name(t)
	out := shmOK(t, "demo", "--name", name)
	for _, want := range []string{"[writer ", "[reader ", "got sample 3", "removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo did not say %q", want)
		}
	}
	if exists(t, name) {
		t.Error("demo left its segment")
	}
}
