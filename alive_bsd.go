//go:build darwin || freebsd || (linux && shm_filebackend)

package shm

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strconv"
	"sync/atomic"

	"github.com/shmkit/shm/internal/sys"
)

// Owner identity on macOS and FreeBSD, which lack the open file description
// locks Linux uses (alive_linux.go): each Mutex handle holds an flock(2) on
// an owner file of its own, "<mutex file>\owner-<id>" (no segment or sync
// object can have that name: theirs cannot hold a second '\'). The kernel
// drops the lock when the handle's process dies, however it dies, so an
// owner file nobody locks belongs to a dead owner: a waiter checks with one
// open and a non-blocking flock (internal/sys, owner files). Handles remove
// their own file on Close; dead handles' files go when found unheld, and
// in a sweep whenever a handle opens or closes.

// ownerToken holds this handle's owner file.
type ownerToken struct {
	file   *sys.OwnerFile
	prefix string
}

func (t ownerToken) release() {
	if t.file != nil {
		t.file.Release()
		sys.SweepOwnerFiles(t.prefix)
	}
}

func ownerPrefix(obj *syncObj) string { return obj.seg.m.h.path + `\owner-` }

// claimOwnerID picks an owner id for a new handle of obj and locks its
// owner file.
func claimOwnerID(obj *syncObj) (uint32, ownerToken, error) {
	prefix := ownerPrefix(obj)
	sys.SweepOwnerFiles(prefix)
	for range 1000 {
		id := rand.Uint32() & mutexOwner
		// An id the lock word names belongs to a dead owner whose death
		// its waiters have yet to notice: taking it would revive it.
		if id == 0 || atomic.LoadUint32(obj.state)&mutexOwner == id {
			continue
		}
		f, err := sys.ClaimOwnerFile(prefix + strconv.FormatUint(uint64(id), 10))
		if sys.IsOwnerTaken(err) {
			continue
		}
		if err != nil {
			return 0, ownerToken{}, &fs.PathError{Op: "lock", Path: obj.seg.name, Err: err}
		}
		return id, ownerToken{file: f, prefix: prefix}, nil
	}
	return 0, ownerToken{}, fmt.Errorf("shm: mutex %q: no free owner id", obj.seg.name)
}

// ownerAlive reports whether the handle with owner id is still open.
func ownerAlive(obj *syncObj, id uint32) (bool, error) {
	return sys.OwnerAlive(ownerPrefix(obj) + strconv.FormatUint(uint64(id), 10)), nil
}
