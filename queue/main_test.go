package queue_test

import (
	"testing"

	"github.com/shmkit/shm/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m, shmDir()) }
