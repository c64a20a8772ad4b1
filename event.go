package shm

import (
	"context"
	"io/fs"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/shmkit/shm/internal/sys"
)

// EventKind says how an [Event] resets.
type EventKind uint8

const (
	// AutoReset events wake one waiter per Set and reset themselves as
	// that waiter returns (Windows' auto-reset events).
	AutoReset EventKind = iota
	// ManualReset events stay set, releasing every waiter, until Reset.
	ManualReset
)

// An Event is a named event shared between processes: waiters block until
// some process sets it. Open one with [OpenEvent].
//
// An event is a flag, not a counter: setting a set event does nothing.
// Set, Reset and Wait are safe for concurrent use; Close may be called
// several times, but must not race with the others.
type Event struct {
	name    string
	sys     *eventSys
	race    *sys.RaceToken
	closeMu sync.Mutex
	closed  atomic.Bool
}

// OpenEvent opens the event called name, creating it unset and of the
// given kind if it does not exist; an existing event keeps its kind and
// state, as on Windows. Names follow [OpenMutex]; the only option that
// applies is [Perm].
func OpenEvent(name string, kind EventKind, opts ...Option) (*Event, error) {
	s, err := openEvent(name, kind == ManualReset, opts)
	if err != nil {
		return nil, err
	}
	return &Event{name: name, sys: s, race: raceToken("event", name)}, nil
}

// Name returns the name the event was opened with.
func (e *Event) Name() string { return e.name }

// Set sets the event. A manual-reset event releases every waiter and stays
// set; an auto-reset event releases one waiter, or the next to come, and
// resets.
func (e *Event) Set() error {
	if e.closed.Load() {
		return e.err("set", fs.ErrClosed)
	}
	e.race.ReleaseMerge()
	err := e.sys.set()
	runtime.KeepAlive(e)
	return e.err("set", err)
}

// Reset unsets the event.
func (e *Event) Reset() error {
	if e.closed.Load() {
		return e.err("reset", fs.ErrClosed)
	}
	err := e.sys.reset()
	runtime.KeepAlive(e)
	return e.err("reset", err)
}

// Wait waits until the event is set or ctx is done. It consumes the set
// state of an auto-reset event. On failure it returns ctx.Err() and leaves
// the event as it was (a Wait that fails consumes nothing); if ctx is
// already done, Wait may still succeed when the event is set.
func (e *Event) Wait(ctx context.Context) error {
	if e.closed.Load() {
		return e.err("wait", fs.ErrClosed)
	}
	err := e.sys.wait(ctx)
	if err == nil {
		e.race.Acquire()
	}
	runtime.KeepAlive(e)
	if err == context.Canceled || err == context.DeadlineExceeded {
		return err
	}
	return e.err("wait", err)
}

// Close releases the handle. It is idempotent: later calls return nil.
func (e *Event) Close() error {
	e.closeMu.Lock()
	defer e.closeMu.Unlock()
	if e.closed.Swap(true) {
		return nil
	}
	return e.err("close", e.sys.close())
}

// err wraps a non-nil err.
func (e *Event) err(op string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: e.name, Err: err}
}
