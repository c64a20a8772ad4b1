//go:build !shm_filebackend

package shm_test

import (
	"os/exec"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// startPython runs a Python script beside the test, to talk to it a line
// at a time on its standard input and output.
func startPython(t *testing.T, script string, args ...string) *testutil.Child {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatalf("python3 is needed for the interop tests: %v", err)
	}
	return testutil.StartCommand(t, exec.Command("python3", append([]string{"-c", script}, args...)...))
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
	if got := py.Next(); got != "READY" {
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
	py.Tell("go on")
	if got := py.Next(); got != "from go" {
		t.Fatalf("Python read %q", got)
	}
	py.Wait()
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
	if got := py.Next(); got != "10000 from go" {
		t.Fatalf("Python read %q", got)
	}
	if got := py.Next(); got != "DONE" {
		t.Fatalf("python: %q", got)
	}
	py.Wait()
	if s, _ := seg.ReadStringAt(200, shm.UTF8); s != "from python" {
		t.Fatalf("Go read %q", s)
	}
	seg.Close()
	if exists(t, base) {
		t.Fatal("the last Go handle did not remove a Go-created segment")
	}
}
