//go:build !linux && !windows && !darwin && !freebsd

package queue

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/shmkit/shm"
)

// owners needs a way to tell a dead handle from a live one that the kernel
// backs; on this OS the queue does not have one yet.
type owners struct{ me uint16 }

func newOwners(seg *shm.Segment, _ []byte, _ geometry) (*owners, error) {
	return nil, fmt.Errorf("shm/queue: %s: queues on %s: %w", seg.Name(), runtime.GOOS, errors.ErrUnsupported)
}

func (o *owners) alive(uint16) bool { return true }
func (o *owners) close() error      { return nil }
