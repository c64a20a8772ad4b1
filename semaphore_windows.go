package shm

import (
	"context"

	"github.com/shmkit/shm/internal/sys"
)

// On Windows a Semaphore is a native named semaphore (CreateSemaphoreW)
// with maximum SemaphoreMax, shareable with other programs by name. Its
// waits take one unit each, so Acquire(n) takes n units one after another
// and gives back what it took if it fails.
type semaphoreSys struct {
	h sys.Handle
}

func openSemaphore(name string, initial uint32, opts []Option) (*semaphoreSys, error) {
	if _, err := syncOptions(name, opts); err != nil {
		return nil, err
	}
	if _, err := splitName(name); err != nil {
		return nil, err
	}
	h, err := sys.CreateSemaphore(name, int32(initial), SemaphoreMax)
	if err != nil {
		return nil, createError("open", name, "semaphore", err)
	}
	return &semaphoreSys{h: h}, nil
}

// giveBack returns units taken by a failed Acquire.
func (s *semaphoreSys) giveBack(n uint32) {
	if n > 0 {
		sys.ReleaseSemaphore(s.h, int32(n))
	}
}

func (s *semaphoreSys) tryAcquire(n uint32) (bool, error) {
	for i := range n {
		ok, _, err := pollObject(s.h)
		if err != nil || !ok {
			s.giveBack(i)
			return false, err
		}
	}
	return true, nil
}

func (s *semaphoreSys) acquire(ctx context.Context, n uint32) error {
	for i := range n {
		if _, err := waitObject(ctx, s.h); err != nil {
			s.giveBack(i)
			return err
		}
	}
	return nil
}

func (s *semaphoreSys) release(n uint32) error {
	err := sys.ReleaseSemaphore(s.h, int32(n))
	if err == sys.ErrorTooManyPosts {
		return ErrOverflow
	}
	return err
}

func (s *semaphoreSys) close() error { return sys.CloseHandle(s.h) }
