package shm

import (
	"context"
	"io/fs"
	"sync"
)

// segmentLockSuffix names a segment's own mutex: the Mutex behind
// [Segment.Lock] for the segment `Local\Data` is `Local\Data.lock`. It is
// a different name (not the segment's own) because on Windows mutexes and
// file mappings share one namespace.
const segmentLockSuffix = ".lock"

// segmentLock is a segment's own Mutex, opened on first use.
type segmentLock struct {
	mu sync.Mutex
	m  *Mutex
}

func (l *segmentLock) get(s *Segment) (*Mutex, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.closed.Load() {
		return nil, s.closedError("lock")
	}
	if l.m == nil {
		m, err := OpenMutex(s.name + segmentLockSuffix)
		if err != nil {
			return nil, err
		}
		l.m = m
	}
	return l.m, nil
}

func (l *segmentLock) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		return nil
	}
	return l.m.Close()
}

// Lock locks the segment's own mutex, the seed's "coordinate with a mutex"
// in one call: every process that calls Lock on a segment of this name
// excludes the others until Unlock. It is the named [Mutex] called
// Name()+".lock" (so `Local\Data` is guarded by `Local\Data.lock`), opened
// owner-only on first use and closed with the segment; programs that do not
// use this package can share it by that name (on Windows, with
// CreateMutexW). It has the Mutex's semantics, including [ErrOwnerDead]
// when the previous holder died, which is the moment to check the
// segment's data.
//
// The lock belongs to this Segment handle: Unlock through the same handle.
// Closing the segment while holding the lock abandons it.
func (s *Segment) Lock(ctx context.Context) error {
	m, err := s.lk.get(s)
	if err != nil {
		return err
	}
	return m.Lock(ctx)
}

// TryLock locks the segment's own mutex if it is free, without waiting,
// and reports whether it did. See [Segment.Lock] and [Mutex.TryLock].
func (s *Segment) TryLock() (bool, error) {
	m, err := s.lk.get(s)
	if err != nil {
		return false, err
	}
	return m.TryLock()
}

// Unlock unlocks the segment's own mutex, locked with [Segment.Lock] or
// [Segment.TryLock] through this handle.
func (s *Segment) Unlock() error {
	s.lk.mu.Lock()
	m := s.lk.m
	s.lk.mu.Unlock()
	if m == nil {
		return &fs.PathError{Op: "unlock", Path: s.name + segmentLockSuffix, Err: ErrNotLocked}
	}
	return m.Unlock()
}
