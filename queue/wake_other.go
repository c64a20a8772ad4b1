//go:build !linux

package queue

import "time"

// Without a futex, sleepers poll: they sleep a millisecond at a time and
// look again, and wakers have nobody to wake.
func waitWord(_ *uint32, _ uint32, d time.Duration) {
	time.Sleep(min(d, time.Millisecond))
}

func wakeWord(*uint32) int { return 1 }
