//go:build !shm_filebackend

package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sync/atomic"

	"github.com/shmkit/shm/internal/sys"
)

// Owner identity on Linux. Each Mutex handle holds an open file
// description lock (sys.OFDSetlk) on one byte of its sync object's file, at
// the offset equal to its owner id, for as long as the handle is open. The
// kernel drops that lock when the handle's descriptor is closed, which
// happens whenever and however its process ends, so "nobody holds a lock on
// byte id" means "the owner with that id is gone", and a waiter checks it
// with one fcntl(F_OFD_GETLK).
//
// We chose this over the alternatives:
//   - PID + start time (from /proc/PID/stat) is safe against PID reuse but
//     wrong across PID namespaces: containers sharing /dev/shm see other
//     PIDs or none, and "no such PID" would be a false takeover;
//   - kernel robust futex lists (set_robust_list(2)) are per thread and
//     walked when a thread exits; Go moves goroutines between threads and
//     exits threads on its own, and the list's head would have to live in
//     memory the runtime knows nothing about: unsafe from Go;
//   - a pidfd cannot be waited on together with a futex without a second
//     thread, and opening it races with PID reuse like a bare PID.
//
// An id is unique among the live handles of a mutex because taking its
// lock is the allocation. A new handle also skips an id that the mutex
// word still names (a dead owner's): otherwise the dead owner would look
// alive again and its waiters would wait for the new one.

// ownerToken is nothing on Linux: the OFD lock goes with obj's descriptor.
type ownerToken struct{}

func (ownerToken) release() {}

// claimOwnerID picks and locks an owner id for a new handle of obj.
func claimOwnerID(obj *syncObj) (uint32, ownerToken, error) {
	fd := obj.seg.m.h.fd
	for range 1000 {
		id := rand.Uint32() & mutexOwner
		if id == 0 {
			continue
		}
		err := sys.OFDSetlk(fd, int64(id))
		if errors.Is(err, sys.EAGAIN) || errors.Is(err, sys.EACCES) {
			continue // a live handle has it
		}
		if err != nil {
			return 0, ownerToken{}, &fs.PathError{Op: "lock", Path: obj.seg.name, Err: err}
		}
		if atomic.LoadUint32(obj.state)&mutexOwner == id {
			sys.OFDUnlock(fd, int64(id))
			continue
		}
		return id, ownerToken{}, nil
	}
	return 0, ownerToken{}, fmt.Errorf("shm: mutex %q: no free owner id", obj.seg.name)
}

// ownerAlive reports whether the handle with owner id is still open.
func ownerAlive(obj *syncObj, id uint32) (bool, error) {
	return sys.OFDGetlk(obj.seg.m.h.fd, int64(id))
}
