//go:build linux && !shm_filebackend

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/shmkit/shm/internal/testutil"
)

// bin is the shm command, built once for the end-to-end tests.
var bin string

func TestMain(m *testing.M) {
	if !testutil.IsChild() {
		// Next to the test binary: go test removes that directory when the
		// run ends.
		exe, err := os.Executable()
		if err == nil {
			bin = filepath.Join(filepath.Dir(exe), "shm-e2e")
			var out []byte
			out, err = exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
			if err != nil {
				err = fmt.Errorf("%w\n%s", err, out)
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "building the shm command: %v\n", err)
			os.Exit(1)
		}
	}
	// The mutexes lock opens live beside the segments, as sync\NAME.
	testutil.Main(m, "/dev/shm", `sync\`)
}
