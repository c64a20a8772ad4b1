package shm_test

import (
	"testing"

	"github.com/shmkit/shm/internal/testutil"
)

// The sync objects (mutexes, semaphores, events) live beside the segments
// under the `sync\` prefix on POSIX systems.
func TestMain(m *testing.M) { testutil.Main(m, shmDir, `sync\`) }
