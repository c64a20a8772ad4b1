//go:build darwin || freebsd || (linux && shm_filebackend)

package queue

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strconv"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/bridge"
	"github.com/shmkit/shm/internal/sys"
)

// Owner ids on macOS and FreeBSD, which lack open file description locks:
// each queue handle holds an flock(2) on an owner file of its own, named
// after the queue's file and the id ("<queue file>\owner-<id>", a name no
// segment can have since segment names cannot hold '\'). The kernel drops
// the lock when the handle's process dies, however it dies, so an owner
// file that nobody locks belongs to a dead handle (internal/sys, owner
// files). Handles remove their own file on Close, and dead handles' files
// are removed by whoever finds them unheld, and by a sweep on every open
// and close of the queue.
type owners struct {
	prefix string // owner files are prefix + id
	file   *sys.OwnerFile
	me     uint16
}

func newOwners(seg *shm.Segment, mem []byte, g geometry) (*owners, error) {
	path, ok := bridge.Path(seg)
	if !ok {
		return nil, fmt.Errorf("shm/queue: %s: no file", seg.Name())
	}
	o := &owners{prefix: path + `\owner-`}
	sys.SweepOwnerFiles(o.prefix)
	for range 1000 {
		id := uint16(rand.Uint32())
		if id == 0 || idInUse(mem, g, id) {
			continue // a dead owner's id must not come back to life
		}
		f, err := sys.ClaimOwnerFile(o.prefix + strconv.Itoa(int(id)))
		if sys.IsOwnerTaken(err) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "lock", Path: seg.Name(), Err: err}
		}
		o.file, o.me = f, id
		return o, nil
	}
	return nil, fmt.Errorf("shm/queue: %s: no free owner id", seg.Name())
}

// alive reports whether the handle with owner id is open.
func (o *owners) alive(id uint16) bool {
	return sys.OwnerAlive(o.prefix + strconv.Itoa(int(id)))
}

func (o *owners) close() error {
	err := o.file.Release()
	sys.SweepOwnerFiles(o.prefix)
	return err
}
