//go:build linux && !shm_filebackend

package command

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func TestRm(t *testing.T) {
	a, b := testutil.Name(t), testutil.Name(t)
	for _, name := range []string{a, b} {
		t.Cleanup(func() { shm.Remove(name) })
		mustRun(t, "create", name, "--size", "64")
	}
	foreign := foreignSegment(t, "x")
	if out := mustRun(t, "rm", a, foreign); out != "removed "+a+"\nremoved "+foreign+"\n" {
		t.Errorf("rm said %q", out)
	}
	r := wantExit(t, ExitNotFound, "no such file", "rm", a, b)
	if r.out != "removed "+b+"\n" {
		t.Errorf("rm of a missing and an existing name said %q", r.out)
	}
	for _, name := range []string{a, b, foreign} {
		if _, err := shm.Stat(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is still there after rm: %v", name, err)
		}
	}
	wantExit(t, ExitUsage, "requires at least 1 arg", "rm")
}
