//go:build !shm_filebackend

package shm_test

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// python runs a Python script beside the test, talking over its stdin and
// stdout a line at a time.
type python struct {
	t   *testing.T
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startPython(t *testing.T, script string, args ...string) *python {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatalf("python3 is needed for the interop tests: %v", err)
	}
	cmd := exec.Command("python3", append([]string{"-c", script}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("python: %v\n%s", err, stderr.String())
		}
	})
	return &python{t: t, cmd: cmd, in: in, out: bufio.NewScanner(out)}
}

func (p *python) say(line string) { io.WriteString(p.in, line+"\n") }

func (p *python) hear() string {
	p.t.Helper()
	if !p.out.Scan() {
		p.t.Fatal("python said nothing more")
	}
	return p.out.Text()
}

// Python creates; Go opens, reads, writes and closes; Python reads Go's
// bytes; Go's last Close must not remove what Python made.
func TestPythonCreatesGoOpens(t *testing.T) {
	base := testutil.Name(t)
	py := startPython(t, `
import sys
from multiprocessing import shared_memory
shm = shared_memory.SharedMemory(name=sys.argv[1], create=True, size=4096)
try:
    shm.buf[:11] = b"from python"
    print("READY", flush=True)
    sys.stdin.readline()
    print(bytes(shm.buf[100:107]).decode(), flush=True)
finally:
    shm.close()
    shm.unlink()
`, base)
	if got := py.hear(); got != "READY" {
		t.Fatalf("python: %q", got)
	}
	seg, err := shm.Open(`Local\` + base)
	if err != nil {
		t.Fatal(err)
	}
	if seg.Size() != 4096 {
		t.Fatalf("Size = %d", seg.Size())
	}
	if s, _ := seg.ReadStringAt(0, shm.UTF8); s != "from python" {
		t.Fatalf("Go read %q", s)
	}
	seg.WriteAt([]byte("from go"), 100)
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	if !exists(t, base) {
		t.Fatal("Go removed a segment Python created")
	}
	py.say("go on")
	if got := py.hear(); got != "from go" {
		t.Fatalf("Python read %q", got)
	}
}

// Go creates; Python attaches (unregistering from its resource tracker, as
// Python 3.8-3.12 attachers must, or it unlinks the segment at exit), reads
// and writes; Go reads Python's bytes; Go's last Close removes the segment.
func TestGoCreatesPythonOpens(t *testing.T) {
	base := testutil.Name(t)
	seg, err := shm.Create(base, 10000)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	seg.WriteStringAt("from go", 0, shm.UTF8)
	py := startPython(t, `
import sys
from multiprocessing import shared_memory, resource_tracker
shm = shared_memory.SharedMemory(name=sys.argv[1])
resource_tracker.unregister(shm._name, "shared_memory")
print(shm.size, bytes(shm.buf[:7]).decode(), flush=True)
shm.buf[200:211] = b"from python"
shm.close()
print("DONE", flush=True)
`, base)
	if got := py.hear(); got != "10000 from go" {
		t.Fatalf("Python read %q", got)
	}
	if got := py.hear(); got != "DONE" {
		t.Fatalf("python: %q", got)
	}
	if s, _ := seg.ReadStringAt(200, shm.UTF8); s != "from python" {
		t.Fatalf("Go read %q", s)
	}
	seg.Close()
	if exists(t, base) {
		t.Fatal("the last Go handle did not remove a Go-created segment")
	}
}
