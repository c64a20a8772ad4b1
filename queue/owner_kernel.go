//go:build linux || windows || darwin || freebsd

package queue

import (
	"sync/atomic"

	"github.com/shmkit/shm/internal/sys"
)

// idInUse reports whether id stands anywhere in the queue's memory.
func idInUse(mem []byte, g geometry, id uint16) bool {
	for i := range g.capacity {
		state := sys.PointerAt[uint64](mem, int(headerSize+i*g.slotSize))
		if ownerOf(atomic.LoadUint64(state)) == id {
			return true
		}
	}
	for _, off := range []int{offNotEmpty, offNotFull} {
		owners := newWaitSet(mem, off).owners
		for i := range owners {
			if atomic.LoadUint32(&owners[i]) == uint32(id) {
				return true
			}
		}
	}
	return false
}
