//go:build linux && !shm_filebackend

package command

import (
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func TestCreate(t *testing.T) {
	name := testutil.Name(t)
	t.Cleanup(func() { shm.Remove(name) })
	out := mustRun(t, "create", name, "--size", "4K", "--perm", "0640")
	if !strings.Contains(out, "persistent") || !strings.Contains(out, "shm rm "+name) {
		t.Errorf("create does not say the segment is persistent: %q", out)
	}
	info, err := shm.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 4096 || info.Mode != 0o640 || info.Lifetime != shm.LifetimePersist || info.Holders != 0 {
		t.Fatalf("after create: %+v", info)
	}

	wantExit(t, ExitExists, "exists", "create", name, "--size", "1")
	wantExit(t, ExitUsage, `required flag(s) "size" not set`, "create", testutil.Name(t))
	wantExit(t, ExitUsage, "at least 1 byte", "create", testutil.Name(t), "--size", "0")
	wantExit(t, ExitUsage, "octal permission", "create", testutil.Name(t), "--size", "1", "--perm", "0999")
	wantExit(t, ExitUsage, "not a number of bytes", "create", testutil.Name(t), "--size", "lots")
	wantExit(t, ExitUsage, "invalid segment name", "create", "a/b", "--size", "1")
	wantExit(t, ExitUsage, "accepts 1 arg", "create", "--size", "1")
}
