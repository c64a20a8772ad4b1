package queue

import (
	"io/fs"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// Sleeping and waking on Windows. WaitOnAddress would be the futex, but it
// works between the threads of one process only, so each wait set has a
// named semaphore instead, `Local\jobs/notEmpty` and `Local\jobs/notFull`
// for the queue `Local\jobs`, which every handle opens (creating it if it
// is the first) and which the kernel destroys with the last handle.
//
// A sleeper, once it has taken an entry in the wait set and found that it
// must wait (wake.go), waits on the semaphore for at most its sleep slice.
// A waker that finds n entries taken releases n tokens. A token stays in
// the semaphore until some sleeper takes it, so a wake-up cannot be lost
// between a sleeper's last look at the ring and its wait: the sleeper's
// entry was taken before that look, hence seen by any waker whose commit
// or release the look missed, and that waker's token waits for it. A
// semaphore rather than an event, because an auto-reset event wakes one
// sleeper however often it is set, and resetting a manual-reset event
// races with sleepers about to wait.
//
// Tokens are not addressed: a sleeper can take one meant for another, but
// only a sleeper that took its entry after the waker looked (and so saw
// the ring after the change) or one that was counted anyway; either looks
// at the ring again on waking, and the sleep slice bounds the rest. Tokens
// nobody takes (their sleeper found the ring ready and did not wait, or
// timed out, or died) pile up; they cost the next sleepers an early
// return each, and the semaphore's maximum bounds them. A release that
// would pass the maximum fails and changes nothing, and then the count is
// already above maxSemaphore-n >= maxSleepers >= n: every sleeper counted
// finds a token. The waker reports that failure as "nobody woken", so that
// wake (wake.go) clears the entries of dead sleepers, which a pile of
// untaken tokens suggests.
const maxSemaphore = 2 * maxSleepers

type signal struct{ h sys.Handle }

// openSignal opens (or creates) the semaphore of the wait set called set
// in the queue called queue.
func openSignal(queue, set string) (signal, error) {
	name := objectBase(queue) + "/" + set
	h, err := sys.CreateSemaphore(name, 0, maxSemaphore)
	if err != nil {
		return signal{}, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return signal{h: h}, nil
}

func (s signal) close() error { return sys.CloseHandle(s.h) }

// waitWord sleeps on ws's semaphore for at most d. The word is not needed:
// had a waker come since the sleeper read it, its token is there and the
// wait returns at once, taking it (rather than leaving it to pile up).
// Every outcome sends the caller back to look at the ring, so errors carry
// no information here.
func waitWord(ws *waitSet, _ uint32, d time.Duration) {
	sys.WaitForSingleObject(ws.sig.h, d)
}

// wakeWord releases a token for each of the n sleepers that have taken an
// entry in ws. It returns 0 when the semaphore is full, n otherwise.
func wakeWord(ws *waitSet, n int) int {
	if sys.ReleaseSemaphore(ws.sig.h, int32(n)) != nil {
		return 0
	}
	return n
}
