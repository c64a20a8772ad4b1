//go:build linux && !shm_filebackend

package command

import (
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// TestGC kills a holder with SIGKILL and checks that gc removes its orphan
// and nothing else. It limits gc to this run's names: other tests may be
// making orphans of their own at the same time.
func TestGC(t *testing.T) {
	if testutil.Role(t) == "holder" {
		seg, err := shm.Create(testutil.Name(t), 4096)
		if err != nil {
			testutil.Say("error %v", err)
			return
		}
		defer seg.Close()
		testutil.Say("holding")
		testutil.Hear()
		return
	}
	orphan := testutil.Name(t)
	c := testutil.Start(t, "holder", orphan)
	c.Expect("holding")
	c.Kill()
	t.Cleanup(func() { shm.Remove(orphan) })

	held := newSegment(t, 64)
	persistent := testutil.Name(t)
	t.Cleanup(func() { shm.Remove(persistent) })
	mustRun(t, "create", persistent, "--size", "64")
	foreign := foreignSegment(t, "x")

	pattern := testutil.Prefix + "*"
	if out := mustRun(t, "gc", "--dry-run", pattern); out != "would remove "+orphan+"\n" {
		t.Fatalf("gc --dry-run said %q", out)
	}
	if out := mustRun(t, "gc", pattern); out != "removed "+orphan+"\n" {
		t.Fatalf("gc said %q", out)
	}
	if out := mustRun(t, "gc", pattern); out != "no orphans\n" {
		t.Fatalf("second gc said %q", out)
	}
	if _, err := shm.Stat(orphan); err == nil {
		t.Error("the orphan is still there")
	}
	for _, name := range []string{held.Name(), persistent, foreign} {
		if _, err := shm.Stat(name); err != nil {
			t.Errorf("gc removed %s: %v", name, err)
		}
	}
	wantExit(t, ExitUsage, "bad pattern", "gc", "[")
	wantExit(t, ExitUsage, "accepts at most 1 arg", "gc", "a", "b")
}
