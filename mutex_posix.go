//go:build !windows

package shm

import (
	"context"
	"math"
	"sync/atomic"
	"time"
)

// The POSIX mutex is one uint32 in a sync object's header (syncobj.go):
//
//	bits 0-29  owner: the id of the handle holding the lock, 0 when free
//	bit  30    abandoned: the owner closed its handle while holding it
//	bit  31    waiters: somebody may be sleeping on the word
//
// Owner ids identify handles, not processes, and they are backed by
// something the kernel takes away when the handle's process dies however
// it dies (alive_linux.go), so a waiter can tell a dead owner from a slow
// one without trusting PIDs, which are reused. The owner and the waiters
// flag share the futex word so that taking, handing over and taking over
// the lock are each one compare-and-swap.
const (
	mutexOwner     = 1<<30 - 1
	mutexAbandoned = 1 << 30
	mutexWaiters   = 1 << 31
)

type mutexSys struct {
	obj   *syncObj
	word  *uint32
	id    uint32     // this handle's owner id
	owner ownerToken // what keeps id alive (alive_*.go)
}

func openMutex(name string, opts []Option) (*mutexSys, error) {
	obj, err := openSyncObj(name, kindMutex, 0, 0, opts)
	if err != nil {
		return nil, err
	}
	id, owner, err := claimOwnerID(obj)
	if err != nil {
		obj.close()
		return nil, err
	}
	return &mutexSys{obj: obj, word: obj.state, id: id, owner: owner}, nil
}

// take tries to go from the free state v to owned by us. sleepers says
// whether others may be asleep on the word, so that Unlock must wake them.
func (m *mutexSys) take(v uint32, sleepers bool) (ok, died bool) {
	nv := m.id | v&mutexWaiters
	if sleepers {
		nv |= mutexWaiters
	}
	if atomic.CompareAndSwapUint32(m.word, v, nv) {
		return true, v&mutexAbandoned != 0
	}
	return false, false
}

// takeOver checks whether the owner of the held state v is gone and, if so,
// takes the lock from it.
func (m *mutexSys) takeOver(v uint32) (ok bool, err error) {
	owner := v & mutexOwner
	if owner == m.id { // another goroutine of ours holds it
		return false, nil
	}
	alive, err := ownerAlive(m.obj, owner)
	if err != nil || alive {
		return false, err
	}
	return atomic.CompareAndSwapUint32(m.word, v, m.id|v&mutexWaiters), nil
}

func (m *mutexSys) tryLock() (ok, died bool, err error) {
	for {
		v := atomic.LoadUint32(m.word)
		if v&mutexOwner == 0 {
			if ok, died := m.take(v, false); ok {
				return true, died, nil
			}
			continue
		}
		ok, err := m.takeOver(v)
		if err != nil || !ok {
			return false, false, err
		}
		return true, true, nil
	}
}

// lockFast takes the lock if it is free and nobody waits: the uncontended
// case, one compare-and-swap, small enough to be inlined.
func (m *mutexSys) lockFast() bool { return atomic.CompareAndSwapUint32(m.word, 0, m.id) }

// unlockFast releases the lock if we hold it and nobody waits.
func (m *mutexSys) unlockFast() bool { return atomic.CompareAndSwapUint32(m.word, m.id, 0) }

func (m *mutexSys) lock(ctx context.Context) (died bool, err error) {
	if spin(func() bool {
		v := atomic.LoadUint32(m.word)
		if v&mutexOwner != 0 {
			return false
		}
		var ok bool
		ok, died = m.take(v, false)
		return ok
	}) {
		return died, nil
	}
	// Sleep. Cancellation wakes every sleeper on the word (they look
	// again and sleep again); the slices bound both how late we notice an
	// owner's death and the window in which a cancellation can slip in
	// between our look at ctx and the futex wait.
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { wakeWord(m.word, math.MaxInt32) })
		defer stop()
	}
	var lastCheck time.Time
	for {
		v := atomic.LoadUint32(m.word)
		if v&mutexOwner == 0 {
			// We cannot know whether others still sleep: keep the flag.
			if ok, died := m.take(v, true); ok {
				return died, nil
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			// Pass on a wakeup that may have been meant for us.
			if v&mutexWaiters != 0 {
				wakeWord(m.word, 1)
			}
			return false, err
		}
		if v&mutexWaiters == 0 {
			if !atomic.CompareAndSwapUint32(m.word, v, v|mutexWaiters) {
				continue
			}
			v |= mutexWaiters
		}
		if time.Since(lastCheck) >= liveSlice {
			lastCheck = time.Now()
			ok, err := m.takeOver(v)
			if err != nil {
				return false, err
			}
			if ok {
				return true, nil
			}
		}
		if err := waitWord(m.word, v, sleepSlice(ctx, liveSlice)); err != nil {
			return false, err
		}
	}
}

func (m *mutexSys) unlock() error {
	for {
		v := atomic.LoadUint32(m.word)
		if v&mutexOwner != m.id {
			return ErrNotLocked
		}
		if atomic.CompareAndSwapUint32(m.word, v, 0) {
			if v&mutexWaiters != 0 {
				return wakeWord(m.word, 1)
			}
			return nil
		}
	}
}

// close abandons the lock if this handle holds it, waking every waiter so
// that one takes it over at once, and releases the object.
func (m *mutexSys) close() error {
	for {
		v := atomic.LoadUint32(m.word)
		if v&mutexOwner != m.id {
			break
		}
		if atomic.CompareAndSwapUint32(m.word, v, mutexAbandoned|v&mutexWaiters) {
			if v&mutexWaiters != 0 {
				wakeWord(m.word, math.MaxInt32)
			}
			break
		}
	}
	m.owner.release()
	return m.obj.close()
}
