//go:build !linux && !windows

package queue

import "time"

// Without a futex, sleepers poll: they sleep a millisecond at a time and
// look again, and wakers have nobody to wake.
type signal struct{}

func openSignal(string, string) (signal, error) { return signal{}, nil }
func (signal) close() error                     { return nil }

func waitWord(_ *waitSet, _ uint32, d time.Duration) {
	time.Sleep(min(d, time.Millisecond))
}

func wakeWord(*waitSet, int) int { return 1 }
