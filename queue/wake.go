package queue

import (
	"context"
	"math/bits"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// Waiting. A blocked sender or receiver first spins, polling the ring with
// a pause between polls, for up to spinBudget; then it sleeps on the wait
// set of what it waits for (notFull or notEmpty), in slices of at most
// sleepSlice so that it notices a cancelled context and dead peers.
//
// A wait set is a futex word, a pending flag, a mask of taken entries and
// the owner ids of up to 64 sleepers. A sleeper takes an entry, reads the
// word, clears pending, checks once more that it must wait, and sleeps
// while the word is unchanged. The other side, after each commit or
// release, looks at the mask: if it is empty, nobody sleeps and there is
// nothing to do (no system call). Otherwise, unless pending says a wake-up
// was sent since the last sleeper went to sleep, it sets pending, bumps the
// word and wakes the sleepers. A lost wake-up is impossible: all of these
// are sequentially consistent atomics, and a sleeper whose check came before
// a commit registered, read the word and cleared pending before the waker
// looked at the mask and pending, so that waker, or one that set pending
// after the sleeper cleared it, bumps the word after the sleeper read it.
//
// How a sleeper sleeps and a waker wakes is the OS's (waitWord and
// wakeWord): a futex on the word on Linux, a named semaphore per wait set
// on Windows (wake_windows.go), polling elsewhere.
//
// A sleeper killed while asleep leaves its entry taken, which would cost
// every later send a wake-up call; a waker whose wake-up found nobody
// asleep clears the entries of dead owners.
const (
	spinBudget = 50 * time.Microsecond
	sleepSlice = 10 * time.Millisecond
	// checkAfter is how long a wait goes on before the waiter checks
	// whether the peer holding it up is dead (a system call per check).
	checkAfter = 5 * time.Millisecond
)

// spinning is false on a single CPU, where spinning only delays the peer
// that would end the wait (DESIGN.md §8: it turns 5 µs into 100 µs).
var spinning = runtime.NumCPU() > 1

type waitSet struct {
	word    *uint32
	pending *uint32 // 1 once a waker has woken the sleepers, until one sleeps again
	mask    *uint64
	owners  []uint32
	sig     signal // what the OS sleeps on and wakes with (wake_*.go)
}

func newWaitSet(mem []byte, off int) waitSet {
	return waitSet{
		word:    sys.PointerAt[uint32](mem, off),
		pending: sys.PointerAt[uint32](mem, off+4),
		mask:    sys.PointerAt[uint64](mem, off+8),
		owners:  sys.SliceAt[uint32](mem, off+cacheLine, maxSleepers),
	}
}

// waiter is the state of one blocking call.
type waiter struct {
	start time.Time
	polls int
	slept bool
}

// checkPeers reports whether the wait has gone on long enough to check
// whether the peer that holds it up is dead.
func (w *waiter) checkPeers() bool {
	return w.slept && time.Since(w.start) > checkAfter
}

// wait blocks a little while ready reports false: one poll while spinning,
// one sleep slice after. It returns the context's error once it is done.
func (q *Queue) wait(ctx context.Context, w *waiter, ws *waitSet, ready func() bool) error {
	if w.polls == 0 {
		w.start = time.Now()
	}
	w.polls++
	if spinning && w.polls%64 != 0 {
		sys.Pause()
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if spinning && time.Since(w.start) < spinBudget {
		return nil
	}
	d := sleepSlice
	if deadline, ok := ctx.Deadline(); ok {
		if d = min(d, time.Until(deadline)); d <= 0 {
			return context.DeadlineExceeded
		}
	}
	q.sleep(ws, d, ready)
	w.slept = true
	return nil
}

// sleep sleeps on ws for at most d unless ready already holds.
func (q *Queue) sleep(ws *waitSet, d time.Duration, ready func() bool) {
	entry := -1
	for {
		m := atomic.LoadUint64(ws.mask)
		if m == ^uint64(0) {
			d = min(d, time.Millisecond) // no entry free: poll instead
			break
		}
		i := bits.TrailingZeros64(^m)
		if atomic.CompareAndSwapUint64(ws.mask, m, m|1<<i) {
			entry = i
			atomic.StoreUint32(&ws.owners[i], uint32(q.r.me))
			break
		}
	}
	seq := atomic.LoadUint32(ws.word)
	atomic.StoreUint32(ws.pending, 0) // wakers: wake us, we are about to sleep
	if !ready() {
		waitWord(ws, seq, d)
	}
	if entry >= 0 {
		atomic.StoreUint32(&ws.owners[entry], 0)
		atomic.AndUint64(ws.mask, ^(uint64(1) << entry))
	}
}

// wake wakes whoever sleeps on ws; nothing at all if nobody does, or if a
// wake-up is already on its way to them (pending): a sleeper can take tens
// of microseconds to wake, and a waker that made a system call for every
// message sent meanwhile would slow down to a few per microsecond.
func (q *Queue) wake(ws *waitSet) {
	m := atomic.LoadUint64(ws.mask)
	if m == 0 || atomic.SwapUint32(ws.pending, 1) == 1 {
		return
	}
	atomic.AddUint32(ws.word, 1)
	if wakeWord(ws, bits.OnesCount64(m)) == 0 {
		q.clearDeadSleepers(ws, m)
	}
}

// clearDeadSleepers frees the entries in mask m of sleepers that are gone.
func (q *Queue) clearDeadSleepers(ws *waitSet, m uint64) {
	for ; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		id := atomic.LoadUint32(&ws.owners[i])
		if id == 0 || id > ownerMask || uint16(id) == q.r.me || q.r.alive(uint16(id)) {
			continue
		}
		if atomic.CompareAndSwapUint32(&ws.owners[i], id, 0) {
			atomic.AndUint64(ws.mask, ^(uint64(1) << i))
		}
	}
}
