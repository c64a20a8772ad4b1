//go:build darwin || freebsd || (linux && shm_filebackend)

package shm_test

import (
	"os"
	"testing"
	"time"

	"github.com/shmkit/shm"
)

// TestFileBackendReapsDeadTemporaries: a creator killed between making its
// temporary file and publishing it leaves the file behind; the next create
// removes it once nobody holds it and it is old enough.
func TestFileBackendReapsDeadTemporaries(t *testing.T) {
	stale := shmDir + `/\tmp-stale` + t.Name()
	fresh := shmDir + `/\tmp-fresh` + t.Name()
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(p)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	seg := mustCreate(t, 64)
	seg.Close()
	if _, err := os.Lstat(stale); !os.IsNotExist(err) {
		t.Fatalf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Lstat(fresh); err != nil {
		t.Fatalf("a fresh temporary file was removed: %v", err)
	}
}

// TestFileBackendDirectoryIsPrivate: segments live in a directory only
// their user can enter.
func TestFileBackendDirectoryIsPrivate(t *testing.T) {
	fi, err := os.Lstat(shmDir)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() || fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("%s: mode %v, want a directory with no group or other access", shmDir, fi.Mode())
	}
	if _, err := shm.Open("no-such-" + t.Name()); !os.IsNotExist(err) {
		t.Fatalf("Open of a missing name: %v", err)
	}
}
