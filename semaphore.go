package shm

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/shmkit/shm/internal/sys"
)

// SemaphoreMax is the largest count a [Semaphore] can hold (Windows'
// LONG maximum, and what fits a futex word).
const SemaphoreMax = math.MaxInt32

// A Semaphore is a named counting semaphore shared between processes. Open
// one with [OpenSemaphore].
//
// Semaphores have no owner: any process may release what another acquired,
// and a process that dies keeps nothing, so there is no owner-dead
// condition (as on Windows). Waiters are not served in order: a large
// Acquire can be overtaken by smaller ones.
//
// Acquire, TryAcquire and Release are safe for concurrent use; Close may be
// called several times, but must not race with the others.
type Semaphore struct {
	name    string
	sys     *semaphoreSys
	race    *sys.RaceToken
	closeMu sync.Mutex
	closed  atomic.Bool
}

// OpenSemaphore opens the semaphore called name, creating it with count
// initial if it does not exist (an existing one keeps its count, as on
// Windows). initial must be between 0 and [SemaphoreMax]. Names follow
// [OpenMutex]; the only option that applies is [Perm].
func OpenSemaphore(name string, initial int, opts ...Option) (*Semaphore, error) {
	if initial < 0 || initial > SemaphoreMax {
		return nil, &fs.PathError{Op: "open", Path: name,
			Err: fmt.Errorf("shm: initial count %d not in [0, %d]: %w", initial, SemaphoreMax, fs.ErrInvalid)}
	}
	s, err := openSemaphore(name, uint32(initial), opts)
	if err != nil {
		return nil, err
	}
	return &Semaphore{name: name, sys: s, race: raceToken("semaphore", name)}, nil
}

// Name returns the name the semaphore was opened with.
func (s *Semaphore) Name() string { return s.name }

// Acquire takes n from the count, waiting until it is at least n or ctx is
// done. On failure it returns ctx.Err() and leaves the semaphore unchanged;
// if ctx is already done, Acquire may still succeed without waiting. n must
// be between 1 and [SemaphoreMax].
//
// On Windows, where the native semaphore takes one unit per wait, n > 1 is
// taken one at a time and given back if ctx ends: unchanged in the end,
// but other processes may see the intermediate counts.
func (s *Semaphore) Acquire(ctx context.Context, n int) error {
	if err := s.check("acquire", n); err != nil {
		return err
	}
	err := s.sys.acquire(ctx, uint32(n))
	if err == nil {
		s.race.Acquire()
	}
	runtime.KeepAlive(s)
	return s.result("acquire", err)
}

// TryAcquire takes n from the count if it is at least n, without waiting,
// and reports whether it did.
func (s *Semaphore) TryAcquire(n int) (bool, error) {
	if err := s.check("acquire", n); err != nil {
		return false, err
	}
	ok, err := s.sys.tryAcquire(uint32(n))
	if ok {
		s.race.Acquire()
	}
	runtime.KeepAlive(s)
	return ok, s.result("acquire", err)
}

// Release adds n to the count, waking waiters. If the count would exceed
// [SemaphoreMax] it returns an error wrapping [ErrOverflow] and leaves the
// count unchanged.
func (s *Semaphore) Release(n int) error {
	if err := s.check("release", n); err != nil {
		return err
	}
	s.race.ReleaseMerge()
	err := s.sys.release(uint32(n))
	runtime.KeepAlive(s)
	return s.result("release", err)
}

// Close releases the handle. It is idempotent: later calls return nil.
func (s *Semaphore) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.sys.close(); err != nil {
		return &fs.PathError{Op: "close", Path: s.name, Err: err}
	}
	return nil
}

func (s *Semaphore) check(op string, n int) error {
	if s.closed.Load() {
		return &fs.PathError{Op: op, Path: s.name, Err: fs.ErrClosed}
	}
	if n < 1 || n > SemaphoreMax {
		return &fs.PathError{Op: op, Path: s.name,
			Err: fmt.Errorf("shm: count %d not in [1, %d]: %w", n, SemaphoreMax, fs.ErrInvalid)}
	}
	return nil
}

func (s *Semaphore) result(op string, err error) error {
	if err == nil || err == context.Canceled || err == context.DeadlineExceeded {
		return err
	}
	return &fs.PathError{Op: op, Path: s.name, Err: err}
}
