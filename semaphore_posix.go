//go:build !windows

package shm

import (
	"context"
	"math"
	"sync/atomic"
)

// The POSIX semaphore is the count in a sync object's futex word and the
// number of sleeping waiters beside it, so that Release makes a system call
// only when somebody sleeps. A waiter killed while asleep leaves that
// number one too high: harmless, Release then makes a wake call for nobody.
type semaphoreSys struct {
	obj *syncObj
}

func openSemaphore(name string, initial uint32, opts []Option) (*semaphoreSys, error) {
	obj, err := openSyncObj(name, kindSemaphore, initial, SemaphoreMax, opts)
	if err != nil {
		return nil, err
	}
	return &semaphoreSys{obj: obj}, nil
}

func (s *semaphoreSys) tryAcquire(n uint32) (bool, error) {
	for {
		c := atomic.LoadUint32(s.obj.state)
		if c < n {
			return false, nil
		}
		if atomic.CompareAndSwapUint32(s.obj.state, c, c-n) {
			return true, nil
		}
	}
}

func (s *semaphoreSys) acquire(ctx context.Context, n uint32) error {
	if ok, _ := s.tryAcquire(n); ok {
		return nil
	}
	if spin(func() bool { ok, _ := s.tryAcquire(n); return ok }) {
		return nil
	}
	// Count ourselves as a sleeper before the last look at the count, so
	// that a Release after that look sees us and wakes us.
	atomic.AddUint32(s.obj.waiters, 1)
	defer atomic.AddUint32(s.obj.waiters, ^uint32(0))
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { wakeWord(s.obj.state, math.MaxInt32) })
		defer stop()
	}
	for {
		c := atomic.LoadUint32(s.obj.state)
		if c >= n {
			if atomic.CompareAndSwapUint32(s.obj.state, c, c-n) {
				return nil
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := waitWord(s.obj.state, c, sleepSlice(ctx, waitSlice)); err != nil {
			return err
		}
	}
}

func (s *semaphoreSys) release(n uint32) error {
	for {
		c := atomic.LoadUint32(s.obj.state)
		if uint64(c)+uint64(n) > uint64(s.obj.param) || uint64(c)+uint64(n) > SemaphoreMax {
			return ErrOverflow
		}
		if atomic.CompareAndSwapUint32(s.obj.state, c, c+n) {
			break
		}
	}
	if atomic.LoadUint32(s.obj.waiters) != 0 {
		// Wake them all: they may want different amounts, and waking
		// only some could leave one that fits asleep.
		return wakeWord(s.obj.state, math.MaxInt32)
	}
	return nil
}

func (s *semaphoreSys) close() error { return s.obj.close() }
