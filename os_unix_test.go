//go:build linux || darwin || freebsd

package shm_test

import (
	"os"
	"strings"
	"testing"

	"github.com/shmkit/shm/internal/sys"
)

// shmDir is where segments live, for the leak check: /dev/shm on Linux,
// the user's private directory on macOS and FreeBSD (see doc.go).
var shmDir = func() string {
	dir, err := sys.SegmentDir()
	if err != nil {
		panic(err)
	}
	return dir
}()

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
// every prefix is stripped.
func aliases(base string) []string {
	return []string{base, `Global\` + base, `Local\` + base}
}

// markerPerm is the permission bit the backend adds to managed segments:
// none on Linux, whose marker is the sticky bit, the owner's x elsewhere.
const markerPerm = sys.ModeMarker & 0o777
