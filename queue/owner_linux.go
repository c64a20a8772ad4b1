//go:build !shm_filebackend

package queue

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/bridge"
	"github.com/shmkit/shm/internal/sys"
)

// Owner ids on Linux. Each queue handle holds an open file description lock
// on one byte of the queue's file, at the offset equal to its owner id, for
// as long as it is open; the kernel drops the lock when the descriptor
// closes, however the process ends. So "nobody holds byte id" means "the
// owner with that id is gone", checked with one fcntl(F_OFD_GETLK), and no
// PID is ever trusted (PIDs are reused, and differ across PID namespaces).
type owners struct {
	fd int
	me uint16
}

func newOwners(seg *shm.Segment, mem []byte, g geometry) (*owners, error) {
	fd, ok := bridge.FD(seg)
	if !ok {
		return nil, fmt.Errorf("shm/queue: %s: no descriptor", seg.Name())
	}
	for range 1000 {
		id := uint16(rand.Uint32())
		if id == 0 {
			continue
		}
		err := sys.OFDSetlk(fd, int64(id))
		if errors.Is(err, sys.EAGAIN) || errors.Is(err, sys.EACCES) {
			continue // a live handle has it
		}
		if err != nil {
			return nil, &fs.PathError{Op: "lock", Path: seg.Name(), Err: err}
		}
		// A dead owner's id may still stand in a slot or a wait set; taking
		// it would make that owner look alive again.
		if idInUse(mem, g, id) {
			sys.OFDUnlock(fd, int64(id))
			continue
		}
		return &owners{fd: fd, me: id}, nil
	}
	return nil, fmt.Errorf("shm/queue: %s: no free owner id", seg.Name())
}

// alive reports whether the handle with owner id is open. If the check
// itself fails, the owner is taken to be alive: waiting is safe, stealing
// is not.
func (o *owners) alive(id uint16) bool {
	locked, err := sys.OFDGetlk(o.fd, int64(id))
	return locked || err != nil
}

func (o *owners) close() error { return sys.OFDUnlock(o.fd, int64(o.me)) }
