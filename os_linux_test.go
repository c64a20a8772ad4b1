//go:build linux && !shm_filebackend

package shm_test

import (
	"os"
	"strings"
	"testing"
)

// shmDir is where the OS keeps segments, for the leak check.
const shmDir = "/dev/shm"

// pathOf is the file behind a segment name.
func pathOf(name string) string {
	for _, p := range []string{`Local\`, `Global\`} {
		name = strings.TrimPrefix(name, p)
	}
	return shmDir + "/" + name
}

// exists reports whether the name of a segment is present.
func exists(t *testing.T, name string) bool {
	t.Helper()
	_, err := os.Lstat(pathOf(name))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return err == nil
}

// openedSize is the size an opener sees of a segment created with n bytes.
func openedSize(n int64) int64 { return n }

// aliases are the names that reach the segment created as `Local\`+base:
// POSIX strips every prefix.
func aliases(base string) []string {
	return []string{base, `Global\` + base, `Local\` + base}
}

// markerPerm is the permission bit the backend adds to managed segments:
// none on Linux, whose marker is the sticky bit.
const markerPerm = 0
