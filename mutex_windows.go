package shm

import (
	"context"
	"runtime"
	"sync/atomic"

	"github.com/shmkit/shm/internal/sys"
)

// On Windows a Mutex is a native named mutex (CreateMutexW), so that
// AutoHotkey scripts and C programs can share it by name, and WAIT_ABANDONED
// becomes ErrOwnerDead.
//
// A Windows mutex is owned by an OS thread, is recursive for that thread,
// and is abandoned when that thread ends. Goroutines move between threads,
// so each handle has a goroutine of its own, locked to its OS thread, that
// makes every wait and release on the mutex; Lock, TryLock and Unlock send
// it requests. The thread belongs to the handle for its whole life: Close
// ends the goroutine and so the thread, which abandons the mutex if this
// handle held it, as on POSIX. Because the native mutex is recursive, the
// handle also keeps a one-slot channel so that two goroutines sharing it
// exclude each other. Each Lock and Unlock costs a round trip to that
// goroutine (microseconds), not an atomic instruction.
type mutexSys struct {
	h     sys.Handle
	local chan struct{} // full while this handle holds the lock
	reqs  chan mutexReq
	held  atomic.Bool
}

type mutexOp uint8

const (
	opLock mutexOp = iota
	opTryLock
	opUnlock
)

type mutexReq struct {
	op    mutexOp
	ctx   context.Context
	reply chan mutexReply
}

type mutexReply struct {
	ok, died bool
	err      error
}

func openMutex(name string, opts []Option) (*mutexSys, error) {
	if _, err := syncOptions(name, opts); err != nil {
		return nil, err
	}
	if _, err := splitName(name); err != nil {
		return nil, err
	}
	h, err := sys.CreateMutex(name)
	if err != nil {
		return nil, createError("open", name, "mutex", err)
	}
	m := &mutexSys{h: h, local: make(chan struct{}, 1), reqs: make(chan mutexReq)}
	go m.serve()
	return m, nil
}

// serve runs on its own locked OS thread and owns the mutex for the
// handle. It returns when reqs is closed; the thread then ends (a goroutine
// that exits locked to its thread takes the thread with it), abandoning
// the mutex if it still owns it.
func (m *mutexSys) serve() {
	runtime.LockOSThread()
	defer sys.CloseHandle(m.h)
	for req := range m.reqs {
		var r mutexReply
		switch req.op {
		case opLock:
			r.died, r.err = waitObject(req.ctx, m.h)
			r.ok = r.err == nil
		case opTryLock:
			r.ok, r.died, r.err = pollObject(m.h)
		case opUnlock:
			r.err = sys.ReleaseMutex(m.h)
		}
		req.reply <- r
	}
}

func (m *mutexSys) call(ctx context.Context, op mutexOp) mutexReply {
	reply := make(chan mutexReply, 1)
	m.reqs <- mutexReq{op: op, ctx: ctx, reply: reply}
	return <-reply
}

func (m *mutexSys) lockFast() bool   { return false }
func (m *mutexSys) unlockFast() bool { return false }

func (m *mutexSys) lock(ctx context.Context) (died bool, err error) {
	select {
	case m.local <- struct{}{}:
	default:
		select {
		case m.local <- struct{}{}:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	r := m.call(ctx, opLock)
	if !r.ok {
		<-m.local
		return false, r.err
	}
	m.held.Store(true)
	return r.died, nil
}

func (m *mutexSys) tryLock() (ok, died bool, err error) {
	select {
	case m.local <- struct{}{}:
	default:
		return false, false, nil
	}
	r := m.call(context.Background(), opTryLock)
	if !r.ok {
		<-m.local
		return false, false, r.err
	}
	m.held.Store(true)
	return true, r.died, nil
}

func (m *mutexSys) unlock() error {
	if !m.held.CompareAndSwap(true, false) {
		return ErrNotLocked
	}
	if r := m.call(context.Background(), opUnlock); r.err != nil {
		m.held.Store(true)
		return r.err
	}
	<-m.local
	return nil
}

// close ends the owning goroutine and its thread; a held mutex is
// abandoned with it.
func (m *mutexSys) close() error {
	close(m.reqs)
	return nil
}
