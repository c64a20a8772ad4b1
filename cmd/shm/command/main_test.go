package command

import (
	"context"
	"os"
	"testing"

	"github.com/shmkit/shm/internal/testutil"
)

func TestMain(m *testing.M) {
	// demo runs its own executable again: in these tests, this binary.
	if os.Getenv(ReexecEnv) != "" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	// The mutexes lock opens live beside the segments, as sync\NAME.
	testutil.Main(m, "/dev/shm", `sync\`)
}
