package queue

import (
	"math"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// On Linux the word itself is what sleepers sleep on: no other object.
type signal struct{}

func openSignal(string, string) (signal, error) { return signal{}, nil }
func (signal) close() error                     { return nil }

// waitWord sleeps while *ws.word == val, for at most d (futex(2), shared).
// Every outcome (woken, spurious, value changed, timeout, signal) sends the
// caller back to look at the ring, so errors carry no information here.
func waitWord(ws *waitSet, val uint32, d time.Duration) {
	sys.FutexWait(ws.word, val, d)
}

// wakeWord wakes every sleeper on ws and returns how many there were; n,
// the number of entries taken in ws, does not matter to a futex.
func wakeWord(ws *waitSet, _ int) int {
	n, _ := sys.FutexWake(ws.word, math.MaxInt32)
	return n
}
