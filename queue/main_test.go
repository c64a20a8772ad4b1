package queue_test

import (
	"os"
	"testing"

	"github.com/shmkit/shm/internal/testutil"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(benchPeerEnv); role != "" {
		// A benchmark's other process (bench_test.go), not a test run.
		os.Exit(benchPeer(role))
	}
	testutil.Main(m, "/dev/shm")
}
