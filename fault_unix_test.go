//go:build linux || darwin || freebsd

package shm_test

import (
	"errors"
	"os"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// A peer that truncates the segment makes its pages vanish: touching them
// raises SIGBUS. ReadAt, WriteAt and the string calls must return ErrFault
// and the process must live on.
func TestPeerTruncationIsAnError(t *testing.T) {
	if testutil.Role(t) == "truncator" {
		err := os.Truncate(pathOf(testutil.Name(t)), 0)
		testutil.Say("TRUNCATED %v", err)
		return
	}
	seg := mustCreate(t, 1<<20)
	buf := make([]byte, 4096)
	if _, err := seg.WriteAt(buf, 0); err != nil {
		t.Fatal(err)
	}
	c := testutil.Start(t, "truncator", seg.Name())
	if got := c.Expect("TRUNCATED "); got != "<nil>" {
		t.Fatalf("truncator: %s", got)
	}
	c.Wait()
	checks := map[string]error{}
	_, checks["ReadAt"] = seg.ReadAt(buf, 8192)
	_, checks["WriteAt"] = seg.WriteAt(buf, 8192)
	_, checks["ReadStringAt"] = seg.ReadStringAt(0, shm.UTF16LE)
	_, checks["WriteStringAt"] = seg.WriteStringAt("x", 100, shm.UTF8)
	_, checks["ReadAt 1 MiB"] = seg.ReadAt(make([]byte, 1<<20), 0)
	for op, err := range checks {
		if !errors.Is(err, shm.ErrFault) {
			t.Errorf("%s on a truncated segment: %v, want ErrFault", op, err)
		}
	}
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
}
