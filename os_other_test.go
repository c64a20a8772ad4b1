//go:build !linux && !windows && !darwin && !freebsd

package shm_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/shmkit/shm"
)

// shmDir is empty: there is no directory of segments to check for leaks.
const shmDir = ""

// exists reports whether a segment called name can be opened.
func exists(t *testing.T, name string) bool {
	t.Helper()
	seg, err := shm.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	seg.Close()
	return true
}

// openedSize is the size an opener sees of a segment created with n bytes.
func openedSize(n int64) int64 { return n }

// aliases are the names that reach the segment created as `Local\`+base.
func aliases(base string) []string { return []string{`Local\` + base} }
