package shm_test

import (
	"errors"
	"os"
	"testing"

	"github.com/shmkit/shm/internal/sys"
)

// shmDir is empty: Windows keeps mappings in the kernel's object namespace,
// not in a directory, and they cannot outlive the processes that hold
// them, so there is no leak to look for after the tests.
const shmDir = ""

// exists reports whether a file mapping object has the name, by opening it
// for SECTION_QUERY only (which creates nothing and maps nothing).
func exists(t *testing.T, name string) bool {
	t.Helper()
	h, err := sys.OpenFileMappingByName(name, sys.SectionQuery)
	if err != nil {
		if !errors.Is(err, sys.ErrorFileNotFound) {
			t.Fatalf("OpenFileMapping(%q): %v", name, err)
		}
		return false
	}
	sys.CloseHandle(h)
	return true
}

// openedSize is the size an opener sees of a segment created with n bytes:
// Windows reports whole pages (VirtualQuery), so 10000 reads as 12288.
func openedSize(n int64) int64 {
	p := int64(os.Getpagesize())
	return (n + p - 1) / p * p
}

// aliases are the names that reach the segment created as `Local\`+base:
// Windows puts `Global\` names in another namespace.
func aliases(base string) []string {
	return []string{base, `Local\` + base}
}
