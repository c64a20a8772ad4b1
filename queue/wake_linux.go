package queue

import (
	"math"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// waitWord sleeps while *addr == val, for at most d (futex(2), shared).
// Every outcome (woken, spurious, value changed, timeout, signal) sends the
// caller back to look at the ring, so errors carry no information here.
func waitWord(addr *uint32, val uint32, d time.Duration) {
	sys.FutexWait(addr, val, d)
}

// wakeWord wakes every sleeper on addr and returns how many there were.
func wakeWord(addr *uint32) int {
	n, _ := sys.FutexWake(addr, math.MaxInt32)
	return n
}
