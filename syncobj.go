//go:build !windows

package shm

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// On POSIX systems each named Mutex, Semaphore and Event is a small managed
// segment of its own, opened through the segment code and so under its
// lifetime protocol: it lives while any handle is open, and one that every
// holder abandoned by dying is an orphan that the next opener replaces with
// a fresh one. Its OS name is syncPrefix followed by the name's base, for
// example /dev/shm/sync\Jobs on Linux. Segment names cannot hold '\', so no
// segment name produces such a file and a Mutex never collides with a
// segment of the same name (a subdirectory would also be collision-free, but
// it would have to be created, permission-checked and removed when empty,
// and it would show up in /dev/shm by itself). Mutexes, semaphores and
// events share the one namespace, as they do on Windows: opening a name as
// the wrong kind fails with an error wrapping [fs.ErrExist].
const syncPrefix = `sync\`

// The header of a sync object: five native-endian uint32 words in a
// syncSize-byte segment.
const (
	offMagic   = 0  // syncMagic
	offKind    = 4  // syncVersion<<8 | kind
	offState   = 8  // the futex word: mutex owner, semaphore count, event state
	offWaiters = 12 // semaphore and event: number of sleeping waiters
	offParam   = 16 // semaphore: maximum count; event: 1 for manual reset

	syncMagic   = 0x636e7973 // "sync" in little-endian
	syncVersion = 1
	syncSize    = 64 // one cache line
)

type syncKind uint8

const (
	kindMutex syncKind = 1 + iota
	kindSemaphore
	kindEvent
)

func (k syncKind) String() string {
	switch k {
	case kindMutex:
		return "mutex"
	case kindSemaphore:
		return "semaphore"
	case kindEvent:
		return "event"
	}
	return fmt.Sprintf("kind %d", uint8(k))
}

// syncObj is an open sync object.
type syncObj struct {
	seg     *Segment
	state   *uint32 // the futex word
	waiters *uint32
	param   uint32 // validated at open
}

// openSyncObj opens the sync object called name, creating it with the given
// state and param if it does not exist.
func openSyncObj(name string, kind syncKind, state, param uint32, opts []Option) (*syncObj, error) {
	o, err := syncOptions(name, opts)
	if err != nil {
		return nil, err
	}
	base, err := splitName(name)
	if err != nil {
		return nil, err
	}
	if len(syncPrefix)+len(base) > nameMax {
		return nil, fmt.Errorf("%w %q: longer than %d bytes for a %s", ErrInvalidName, name, nameMax-len(syncPrefix), kind)
	}
	hdr := make([]byte, syncSize)
	ne := binary.NativeEndian
	ne.PutUint32(hdr[offMagic:], syncMagic)
	ne.PutUint32(hdr[offKind:], syncVersion<<8|uint32(kind))
	ne.PutUint32(hdr[offState:], state)
	ne.PutUint32(hdr[offParam:], param)
	o.init = hdr
	seg, err := openAs(name, syncPrefix+base, syncSize, modeOpenOrCreate, &o)
	if err != nil {
		return nil, err
	}
	obj := &syncObj{
		seg:     seg,
		state:   sys.PointerAt[uint32](seg.m.data, offState),
		waiters: sys.PointerAt[uint32](seg.m.data, offWaiters),
	}
	if err := obj.validate(kind); err != nil {
		seg.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return obj, nil
}

// validate checks the header, which is untrusted, and loads param.
func (obj *syncObj) validate(kind syncKind) error {
	word := func(off int) uint32 { return atomic.LoadUint32(sys.PointerAt[uint32](obj.seg.m.data, off)) }
	if word(offMagic) != syncMagic || word(offKind)>>8 != syncVersion {
		return ErrCorrupt
	}
	if k := syncKind(word(offKind)); k != kind {
		return fmt.Errorf("%w: the name is a %s, not a %s", fs.ErrExist, k, kind)
	}
	obj.param = word(offParam)
	return nil
}

// close releases the object's segment.
func (obj *syncObj) close() error {
	err := obj.seg.Close()
	runtime.KeepAlive(obj)
	return err
}

// Timing of the blocking waits.
const (
	// spinBudget is how long a waiter polls before it sleeps. A futex
	// round trip costs 40-50 µs cross-core on a VM that halts idle vCPUs
	// and a spinning receiver 130 ns (DESIGN.md §8), so spinning for up
	// to about one futex round trip is cheap insurance.
	spinBudget = 50 * time.Microsecond

	// liveSlice is the longest a mutex waiter sleeps before it checks
	// again whether the owner is alive: it bounds how late a waiter
	// notices that the owner died (we promise 100 ms).
	liveSlice = 25 * time.Millisecond

	// waitSlice is the longest a semaphore or event waiter sleeps at a
	// time. Cancellation wakes it at once; the slice only covers the
	// window between its last look at the context and falling asleep.
	waitSlice = 100 * time.Millisecond
)

// canSpin says whether spinning can help: not when this process may run
// on one CPU only, where the peer we wait for cannot run while we spin
// (DESIGN.md §8: spinning on one core turns a 5 µs round trip into 100 µs).
var canSpin = runtime.NumCPU() > 1

// spin polls done, pausing between polls, for at most spinBudget, and
// reports whether done returned true.
func spin(done func() bool) bool {
	if !canSpin {
		return false
	}
	start := time.Now()
	for {
		for range 64 {
			if done() {
				return true
			}
			sys.Pause()
		}
		if time.Since(start) > spinBudget {
			return false
		}
	}
}

// sleepSlice returns how long to sleep: at most slice, and not past ctx's
// deadline.
func sleepSlice(ctx interface{ Deadline() (time.Time, bool) }, slice time.Duration) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(min(slice, time.Until(d)), time.Microsecond)
	}
	return slice
}
