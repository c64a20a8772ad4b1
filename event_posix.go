//go:build !windows

package shm

import (
	"context"
	"math"
	"sync/atomic"
)

// The POSIX event is its state (0 unset, anything else set) in a sync
// object's futex word, the number of sleeping waiters beside it, and the
// kind in the header's parameter word.
type eventSys struct {
	obj    *syncObj
	manual bool
}

func openEvent(name string, manual bool, opts []Option) (*eventSys, error) {
	var param uint32
	if manual {
		param = 1
	}
	obj, err := openSyncObj(name, kindEvent, 0, param, opts)
	if err != nil {
		return nil, err
	}
	// The kind is the creator's; any other value than 1 means auto-reset.
	return &eventSys{obj: obj, manual: obj.param == 1}, nil
}

// consume reports whether the event is set, resetting an auto-reset one.
func (e *eventSys) consume() bool {
	v := atomic.LoadUint32(e.obj.state)
	if v == 0 {
		return false
	}
	return e.manual || atomic.CompareAndSwapUint32(e.obj.state, v, 0)
}

func (e *eventSys) set() error {
	atomic.StoreUint32(e.obj.state, 1)
	if atomic.LoadUint32(e.obj.waiters) == 0 {
		return nil
	}
	n := 1
	if e.manual {
		n = math.MaxInt32
	}
	return wakeWord(e.obj.state, n)
}

func (e *eventSys) reset() error {
	atomic.StoreUint32(e.obj.state, 0)
	return nil
}

func (e *eventSys) wait(ctx context.Context) error {
	if e.consume() || spin(e.consume) {
		return nil
	}
	atomic.AddUint32(e.obj.waiters, 1)
	defer atomic.AddUint32(e.obj.waiters, ^uint32(0))
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { wakeWord(e.obj.state, math.MaxInt32) })
		defer stop()
	}
	for {
		if e.consume() {
			return nil
		}
		if err := ctx.Err(); err != nil {
			// An auto-reset Set wakes one sleeper: if that was us, pass
			// it on.
			if !e.manual && atomic.LoadUint32(e.obj.state) != 0 {
				wakeWord(e.obj.state, 1)
			}
			return err
		}
		if err := waitWord(e.obj.state, 0, sleepSlice(ctx, waitSlice)); err != nil {
			return err
		}
	}
}

func (e *eventSys) close() error { return e.obj.close() }
