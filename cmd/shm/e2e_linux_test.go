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
	"path/filepath"
	"strconv"
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
		{"lock"},
		{"lock", "x", "true"},
		{"lock", "x", "--"},
		{"lock", "x", "--timeout", "-1s", "--", "true"},
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

// mutexExists reports whether the mutex called name is in /dev/shm.
func mutexExists(t *testing.T, name string) bool {
	t.Helper()
	return exists(t, `sync\`+name)
}

// lockHolder starts shm lock name -- sh -c script and waits until the
// script runs, which means lock holds the mutex. It returns the script's
// process ID, which the script prints first (script must print nothing
// else before it runs), and kills that process when the test ends, since
// it outlives a killed shm.
func lockHolder(t *testing.T, name, script string) (*process, int) {
	t.Helper()
	holder, line := start(t, "lock", name, "--", "sh", "-c", "echo $$; "+script)
	pid, err := strconv.Atoi(line)
	if err != nil {
		t.Fatalf("lock's command said %q, want its pid", line)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) }) // before start's cleanup waits for its output
	t.Logf("lock's command runs as pid %d", pid)
	return holder, pid
}

// TestLockSerialises runs several lock invocations at once, whose commands
// each append a start and an end line to one file with a pause in between:
// under the mutex, each start is followed by its own end.
func TestLockSerialises(t *testing.T) {
	name := testutil.Name(t)
	log := filepath.Join(t.TempDir(), "log")
	const invocations = 4
	var cmds []*exec.Cmd
	for i := range invocations {
		c := exec.Command(bin, "lock", name, "--", "sh", "-c", `echo "start $1" >> "$2"; sleep 0.1; echo "end $1" >> "$2"`, "sh", strconv.Itoa(i), log)
		c.Stdout, c.Stderr = os.Stderr, os.Stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
		cmds = append(cmds, c)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("shm %q: %v", c.Args[1:], err)
		}
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("log:\n%s", data)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 2*invocations {
		t.Fatalf("%d lines in the log, want %d", len(lines), 2*invocations)
	}
	seen := map[string]bool{}
	for i := 0; i < len(lines); i += 2 {
		n, ok := strings.CutPrefix(lines[i], "start ")
		if !ok || lines[i+1] != "end "+n || seen[n] {
			t.Fatalf("lines %d and %d of the log are %q, %q: the commands overlapped", i+1, i+2, lines[i], lines[i+1])
		}
		seen[n] = true
	}
	if mutexExists(t, name) {
		t.Error("the mutex outlived the last lock")
	}
}

func TestLockExitStatus(t *testing.T) {
	name := testutil.Name(t)
	if out, stderr, code := run(t, "", "lock", name, "--", "sh", "-c", "echo out; exit 7"); code != 7 || out != "out\n" || stderr != "" {
		t.Fatalf("lock -- sh -c 'exit 7': exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, _, code := run(t, "", "lock", name, "--", "sh", "-c", "kill -KILL $$"); code != 128+int(syscall.SIGKILL) {
		t.Fatalf("lock of a command killed by SIGKILL: exit %d, want %d", code, 128+syscall.SIGKILL)
	}
	if _, stderr, code := run(t, "", "lock", name, "--", "no-such-command"); code != 127 || !strings.Contains(stderr, "no-such-command: command not found") {
		t.Fatalf("lock of a missing command: exit %d, stderr %q", code, stderr)
	}
	if mutexExists(t, name) {
		t.Error("the mutex outlived the last lock")
	}
}

// TestLockBusyAndSignals holds the mutex with one invocation: others give
// up with the busy code; SIGINT and SIGTERM reach the holder's command,
// which ends as it chooses, and then the mutex is free.
func TestLockBusyAndSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			name := testutil.Name(t)
			// Bounded, in case shm is killed and the loop left behind.
			holder, _ := lockHolder(t, name, `trap 'echo got signal; exit 5' INT TERM; i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done`)
			if out, stderr, code := run(t, "", "lock", name, "--nonblock", "--", "echo", "ran"); code != 75 || out != "" || !strings.Contains(stderr, "held elsewhere") {
				t.Fatalf("lock --nonblock while held: exit %d, stdout %q, stderr %q", code, out, stderr)
			}
			if out, stderr, code := run(t, "", "lock", name, "--timeout", "100ms", "--", "echo", "ran"); code != 75 || out != "" || !strings.Contains(stderr, "--timeout 100ms") {
				t.Fatalf("lock --timeout while held: exit %d, stdout %q, stderr %q", code, out, stderr)
			}

			if err := holder.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if line := holder.next(t); line != "got signal" {
				t.Fatalf("the holder's command said %q after %v", line, sig)
			}
			for range holder.lines {
			}
			var exit *exec.ExitError
			if err := holder.cmd.Wait(); !errors.As(err, &exit) || exit.ExitCode() != 5 {
				t.Fatalf("holder after %v: %v, want exit status 5 (its command's)", sig, err)
			}
			if out := shmOK(t, "lock", name, "--nonblock", "--", "echo", "free"); out != "free\n" {
				t.Fatalf("lock --nonblock after the holder ended printed %q", out)
			}
			if mutexExists(t, name) {
				t.Error("the mutex outlived the last lock")
			}
		})
	}
}

// hasOpen waits until process pid has the file at path open: a lock that
// has opened its mutex (which it keeps open) before it waits.
func hasOpen(t *testing.T, pid int, path string) {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	for deadline := time.Now().Add(testutil.Patience); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		fds, _ := os.ReadDir(dir)
		for _, fd := range fds {
			if target, _ := os.Readlink(filepath.Join(dir, fd.Name())); target == path {
				t.Logf("pid %d has %s open", pid, path)
				return
			}
		}
	}
	t.Fatalf("pid %d did not open %s within %v", pid, path, testutil.Patience)
}

// killHolder SIGKILLs a lockHolder's shm and then its command, which would
// live on.
func killHolder(t *testing.T, holder *process, pid int) {
	t.Helper()
	if err := holder.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	holder.cmd.Wait()
	syscall.Kill(pid, syscall.SIGKILL)
	t.Logf("killed the holder, pid %d, and its command, pid %d", holder.cmd.Process.Pid, pid)
}

// TestLockAfterHolderKilled SIGKILLs a holder: a waiting invocation takes
// the mutex over, warns and runs its command. With nobody else having the
// mutex open, a killed holder leaves an orphan, which the next lock
// replaces without a warning.
func TestLockAfterHolderKilled(t *testing.T) {
	name := testutil.Name(t)
	holder, pid := lockHolder(t, name, "exec sleep 100")
	waiter := exec.Command(bin, "lock", name, "--", "echo", "waiter ran")
	var out, errb bytes.Buffer
	waiter.Stdout, waiter.Stderr = &out, &errb
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { waiter.Process.Kill(); waiter.Wait() })
	// Had the waiter not opened the mutex before the holder died, it
	// would find an orphan and make the mutex afresh.
	hasOpen(t, waiter.Process.Pid, `/dev/shm/sync\`+name)

	killHolder(t, holder, pid)
	if err := waiter.Wait(); err != nil {
		t.Fatalf("the waiting lock: %v; stderr %q", err, errb.String())
	}
	t.Logf("the waiting lock: stdout %q, stderr %q", out.String(), errb.String())
	if out.String() != "waiter ran\n" || !strings.Contains(errb.String(), "warning: the previous holder of mutex "+name+" died holding it") {
		t.Fatalf("the waiting lock printed %q, stderr %q; want its command's output and a warning", out.String(), errb.String())
	}
	if _, stderr, code := run(t, "", "lock", name, "--nonblock", "--", "true"); code != 0 || stderr != "" {
		t.Fatalf("lock after the take-over: exit %d, stderr %q", code, stderr)
	}

	holder, pid = lockHolder(t, name, "exec sleep 100")
	killHolder(t, holder, pid)
	if !mutexExists(t, name) {
		t.Fatal("no orphan after the only holder was killed")
	}
	if out, stderr, code := run(t, "", "lock", name, "--nonblock", "--", "echo", "ran"); code != 0 || out != "ran\n" || stderr != "" {
		t.Fatalf("lock after the only holder was killed: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if mutexExists(t, name) {
		t.Error("the mutex outlived its last handle")
	}
}
