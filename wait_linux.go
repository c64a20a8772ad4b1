package shm

import (
	"errors"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// waitWord sleeps while *addr holds val, for at most d, on a shared futex.
// Returns may be spurious: the caller re-reads the word.
func waitWord(addr *uint32, val uint32, d time.Duration) error {
	err := sys.FutexWait(addr, val, d)
	if err == nil || errors.Is(err, sys.EAGAIN) || errors.Is(err, sys.ETIMEDOUT) || errors.Is(err, sys.EINTR) {
		return nil
	}
	return err
}

// wakeWord wakes up to n sleepers in waitWord on addr, in any process.
func wakeWord(addr *uint32, n int) error {
	_, err := sys.FutexWake(addr, n)
	return err
}
