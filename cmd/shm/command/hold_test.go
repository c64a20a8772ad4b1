//go:build linux && !shm_filebackend

package command

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func TestHold(t *testing.T) {
	name := testutil.Name(t)
	hold := startCmd(t, "hold", name, "--size", "8K")
	if line := hold.next(); !strings.HasPrefix(line, "holding "+name+" (8192 bytes, created)") {
		t.Fatalf("hold said %q", line)
	}
	info, err := shm.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if info.Lifetime != shm.LifetimeHandles || info.Holders != 1 || !slices.Equal(info.PIDs, []int{os.Getpid()}) {
		t.Fatalf("while held: %+v", info)
	}

	// A second hold opens it, with or without a size.
	again := startCmd(t, "hold", name)
	if line := again.next(); !strings.HasPrefix(line, "holding "+name+" (8192 bytes, opened)") {
		t.Fatalf("second hold said %q", line)
	}
	if code := again.stop(); code != ExitOK {
		t.Fatalf("interrupted hold: exit %d", code)
	}

	if code := hold.stop(); code != ExitOK {
		t.Fatalf("interrupted hold: exit %d", code)
	}
	if _, err := shm.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the segment hold created outlived it: %v", err)
	}

	wantExit(t, ExitNotFound, "no such file", "hold", testutil.Name(t))
	wantExit(t, ExitUsage, "at least 1 byte", "hold", testutil.Name(t), "--size", "0")
	wantExit(t, ExitUsage, "accepts 1 arg", "hold")
}
