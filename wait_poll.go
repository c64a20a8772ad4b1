//go:build !linux && !windows

package shm

import (
	"sync/atomic"
	"time"
)

// Without futexes (macOS has no public equivalent; FreeBSD's _umtx_op would
// do, but is not wired up yet) waiters poll the word with exponential
// backoff, from pollMin up to pollMax between looks, and wakers have
// nothing to do. A wakeup is then noticed within pollMax.
const (
	pollMin = 50 * time.Microsecond
	pollMax = 2 * time.Millisecond
)

// waitWord returns once *addr no longer holds val, or after about d.
func waitWord(addr *uint32, val uint32, d time.Duration) error {
	deadline := time.Now().Add(d)
	for step := pollMin; atomic.LoadUint32(addr) == val; step = min(2*step, pollMax) {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		time.Sleep(min(step, left))
	}
	return nil
}

func wakeWord(*uint32, int) error { return nil }
