//go:build linux || darwin || freebsd

package shm_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func TestLastCloseRemoves(t *testing.T) {
	name := testutil.Name(t)
	a, err := shm.Create(name, 64)
	if err != nil {
		t.Fatal(err)
	}
	b, err := shm.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if !exists(t, name) {
		t.Fatal("closing one of two handles removed the segment")
	}
	b.Close()
	if exists(t, name) {
		t.Fatal("the last Close did not remove the segment")
	}
}

// TestKilledHolderLeavesOrphan: SIGKILL of the only holder leaves the name
// behind, and the next OpenOrCreate replaces it with fresh zeroed memory, as
// Windows would have freed it.
func TestKilledHolderLeavesOrphan(t *testing.T) {
	if testutil.Role(t) == "holder" {
		seg, err := shm.Create(testutil.Name(t), 4096)
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		seg.WriteAt(bytes.Repeat([]byte{0xAA}, 4096), 0)
		testutil.Say("READY")
		testutil.Hear()
		return
	}
	name := testutil.Name(t)
	for _, next := range []string{"OpenOrCreate", "Open", "Create"} {
		h := testutil.Start(t, "holder", name)
		h.Expect("READY")
		h.Kill()
		if !exists(t, name) {
			t.Fatal("the killed holder's segment vanished: nothing to test")
		}
		var seg *shm.Segment
		var err error
		switch next {
		case "OpenOrCreate":
			seg, err = shm.OpenOrCreate(name, 4096)
		case "Create":
			seg, err = shm.Create(name, 4096)
		case "Open":
			if _, err := shm.Open(name); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Open of an orphan: %v, want fs.ErrNotExist", err)
			}
			if exists(t, name) {
				t.Fatal("Open left the orphan in place")
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s over an orphan: %v", next, err)
		}
		if !seg.Created() {
			t.Fatalf("%s over an orphan opened it instead of creating", next)
		}
		if !bytes.Equal(seg.Bytes(), make([]byte, 4096)) {
			t.Fatalf("%s over an orphan kept its old contents", next)
		}
		seg.Close()
	}
	if exists(t, name) {
		t.Fatal("segment left behind")
	}
}

func TestPersist(t *testing.T) {
	name := testutil.Name(t)
	seg, err := shm.Create(name, 64, shm.Persist())
	if err != nil {
		t.Fatal(err)
	}
	seg.WriteStringAt("kept", 0, shm.UTF8)
	seg.Close()
	if !exists(t, name) {
		t.Fatal("a Persist segment was removed by its last Close")
	}
	seg, err = shm.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := seg.ReadStringAt(0, shm.UTF8); s != "kept" {
		t.Fatalf("read %q after reopening", s)
	}
	seg.Close()
	// A Persist segment that nobody holds is not an orphan.
	seg, err = shm.OpenOrCreate(name, 64)
	if err != nil || seg.Created() {
		t.Fatalf("OpenOrCreate of an unheld Persist segment: created=%v err=%v", seg != nil && seg.Created(), err)
	}
	seg.Close()
	if err := shm.Remove(name); err != nil {
		t.Fatal(err)
	}
	if exists(t, name) {
		t.Fatal("Remove left the segment")
	}
}

func TestPermissions(t *testing.T) {
	seg := mustCreate(t, 64)
	fi, err := os.Stat(pathOf(seg.Name()))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600|markerPerm {
		t.Fatalf("default mode %v, want owner-only 0600", fi.Mode())
	}
	name := testutil.Name(t)
	seg2, err := shm.Create(name, 64, shm.Perm(0o644))
	if err != nil {
		t.Fatal(err)
	}
	defer seg2.Close()
	if fi, _ := os.Stat(pathOf(name)); fi.Mode().Perm() != 0o644|markerPerm {
		t.Fatalf("Perm(0644) gave %v", fi.Mode())
	}
}

func TestRefusesNonSegments(t *testing.T) {
	name := testutil.Name(t)
	// A symlink planted under a segment name must not be followed.
	if err := os.Symlink("/etc/passwd", pathOf(name)); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(pathOf(name))
	if _, err := shm.Open(name); err == nil {
		t.Fatal("opened a symlink")
	}
	if _, err := shm.OpenOrCreate(name, 64); err == nil {
		t.Fatal("OpenOrCreate followed a symlink")
	}
	dir := testutil.Name(t)
	if err := os.Mkdir(pathOf(dir), 0o700); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(pathOf(dir))
	if _, err := shm.Open(dir); err == nil {
		t.Fatal("opened a directory")
	}
}

// TestForeignSegmentIsNeverRemoved: a segment made by another program (no
// marker) is used but not removed by our last Close.
func TestForeignSegmentIsNeverRemoved(t *testing.T) {
	name := testutil.Name(t)
	if err := os.WriteFile(pathOf(name), []byte("made by C\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(pathOf(name))
	seg, err := shm.OpenOrCreate(name, 5)
	if err != nil {
		t.Fatal(err)
	}
	if seg.Created() {
		t.Fatal("treated a foreign segment as absent")
	}
	if s, _ := seg.ReadStringAt(0, shm.UTF8); s != "made by C" {
		t.Fatalf("read %q", s)
	}
	seg.Close()
	if !exists(t, name) {
		t.Fatal("our last Close removed a segment another program made")
	}
}
