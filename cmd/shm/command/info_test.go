//go:build linux && !shm_filebackend

package command

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func TestInfo(t *testing.T) {
	seg := newSegment(t, 10000)
	out := mustRun(t, "info", `Local\`+seg.Name())
	for _, want := range []string{
		"name:     " + seg.Name() + "\n",
		"size:     10000 bytes (9.8 KiB)\n",
		"lifetime: handles: removed when its last handle closes\n",
		fmt.Sprintf("holders:  1 (pid %d)\n", os.Getpid()),
		"mode:     0600 (-rw-------)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("info does not say %q", want)
		}
	}

	var info infoJSON
	if err := json.Unmarshal([]byte(mustRun(t, "info", seg.Name(), "--json")), &info); err != nil {
		t.Fatal(err)
	}
	if info.Name != seg.Name() || info.Size != 10000 || info.Holders != 1 || info.Lifetime != shm.LifetimeHandles || info.Mode != "0600" {
		t.Errorf("info --json: %+v", info)
	}

	foreign := foreignSegment(t, "x")
	if out := mustRun(t, "info", foreign); !strings.Contains(out, "lifetime: foreign: made by another program") {
		t.Errorf("info of a foreign segment:\n%s", out)
	}

	wantExit(t, ExitNotFound, "no such file", "info", testutil.Name(t))
	wantExit(t, ExitUsage, "invalid segment name", "info", "..")
	wantExit(t, ExitUsage, "accepts 1 arg", "info")
}
