package shm

import (
	"context"
	"io/fs"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/shmkit/shm/internal/sys"
)

// A Mutex is a named mutual exclusion lock shared between processes, and
// robust: when a process dies holding it, the next locker gets the lock
// together with an error wrapping [ErrOwnerDead], instead of waiting
// forever. Open one with [OpenMutex]; a [Segment] has one built in
// ([Segment.Lock]).
//
// The lock belongs to the handle, not to a goroutine: any goroutine may
// unlock a Mutex locked through the same handle, as with [sync.Mutex]. Two
// handles of the same name, in one process or in several, exclude each
// other. Lock, TryLock and Unlock are safe for concurrent use; Close may be
// called several times, but must not race with the others.
//
// A Mutex is not a [sync.Locker]: locking can fail (the owner died, the
// context ended), and callers must see that.
//
// On Linux the lock is a word in shared memory: uncontended Lock and Unlock
// are one atomic compare-and-swap each, with no system call; waiters spin
// briefly, then sleep on a futex. See the package documentation for the
// per-OS details and robustness guarantees.
type Mutex struct {
	name    string
	sys     *mutexSys
	race    *sys.RaceToken
	closeMu sync.Mutex
	closed  atomic.Bool
}

// OpenMutex opens the mutex called name, creating it (unlocked) if it does
// not exist. Names follow the segment rules ([ErrInvalidName]), but a mutex
// never collides with a segment of the same name on Linux, macOS and
// FreeBSD; on Windows mutexes, semaphores, events and segments share one
// namespace, so portable programs give them different names. The only
// option that applies is [Perm].
func OpenMutex(name string, opts ...Option) (*Mutex, error) {
	s, err := openMutex(name, opts)
	if err != nil {
		return nil, err
	}
	m := &Mutex{name: name, sys: s, race: raceToken("mutex", name)}
	return m, nil
}

// Name returns the name the mutex was opened with.
func (m *Mutex) Name() string { return m.name }

// Lock locks the mutex, waiting until it is free or ctx is done.
//
// If the previous owner died (or closed its handle) while holding the
// lock, Lock acquires it and returns an error wrapping [ErrOwnerDead]: the
// caller holds the lock and must unlock it, after checking the data it
// protects. If ctx ends first, Lock returns ctx.Err() and leaves the mutex
// unchanged; if ctx is already done, Lock may still succeed when the mutex
// is free.
func (m *Mutex) Lock(ctx context.Context) error {
	if m.closed.Load() {
		return m.err("lock", fs.ErrClosed)
	}
	if m.sys.lockFast() {
		m.race.Acquire()
		return nil
	}
	died, err := m.sys.lock(ctx)
	if err == nil {
		m.race.Acquire()
	}
	runtime.KeepAlive(m)
	return m.result("lock", died, err)
}

// TryLock locks the mutex if it is free, without waiting, and reports
// whether it did. As with Lock, taking over from a dead owner returns true
// and an error wrapping [ErrOwnerDead].
func (m *Mutex) TryLock() (bool, error) {
	if m.closed.Load() {
		return false, m.err("trylock", fs.ErrClosed)
	}
	ok, died, err := m.sys.tryLock()
	if ok {
		m.race.Acquire()
	}
	runtime.KeepAlive(m)
	return ok, m.result("trylock", died, err)
}

// Unlock unlocks the mutex, waking a waiter if there is one. It returns an
// error wrapping [ErrNotLocked] if this handle does not hold the lock.
func (m *Mutex) Unlock() error {
	if m.closed.Load() {
		return m.err("unlock", fs.ErrClosed)
	}
	m.race.Release()
	if m.sys.unlockFast() {
		return nil
	}
	err := m.sys.unlock()
	runtime.KeepAlive(m)
	if err != nil {
		return m.err("unlock", err)
	}
	return nil
}

// Close releases the handle. Closing a handle that holds the lock abandons
// the lock: the next locker gets it with [ErrOwnerDead], as if this process
// had died. Close is idempotent: later calls return nil.
func (m *Mutex) Close() error {
	m.closeMu.Lock()
	defer m.closeMu.Unlock()
	if m.closed.Swap(true) {
		return nil
	}
	if err := m.sys.close(); err != nil {
		return m.err("close", err)
	}
	return nil
}

func (m *Mutex) err(op string, err error) error {
	return &fs.PathError{Op: op, Path: m.name, Err: err}
}

// result turns a lock outcome into Lock's error: context errors as they
// are, a dead owner as ErrOwnerDead.
func (m *Mutex) result(op string, died bool, err error) error {
	switch {
	case err != nil && (err == context.Canceled || err == context.DeadlineExceeded):
		return err
	case err != nil:
		return m.err(op, err)
	case died:
		return m.err(op, ErrOwnerDead)
	}
	return nil
}
