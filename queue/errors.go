package queue

import (
	"errors"
	"fmt"
)

// Errors returned by this package, besides [os.ErrClosed] after Close,
// [context.Canceled] and [context.DeadlineExceeded] from blocking calls,
// and the segment errors of package shm from Create and Open.
var (
	// ErrCorrupt is returned when the queue's shared memory is not a valid
	// queue: a bad header at Open, or a message length out of range at
	// receive (that message is dropped and the queue goes on).
	ErrCorrupt = errors.New("shm/queue: corrupt queue")

	// ErrConfig is returned for a Config out of range, or by OpenOrCreate
	// when the existing queue was made with another one.
	ErrConfig = errors.New("shm/queue: invalid configuration")

	// ErrFull is returned by TrySend and TryReserve when the queue is full.
	ErrFull = errors.New("shm/queue: queue is full")

	// ErrEmpty is returned by TryRecv and TryRecvView when the queue is empty.
	ErrEmpty = errors.New("shm/queue: queue is empty")

	// ErrTooLarge is returned when a message is larger than the queue's
	// MaxMessage, or empty.
	ErrTooLarge = errors.New("shm/queue: message size out of range")

	// ErrShortBuffer is returned by Recv when buf is smaller than the
	// message; the message stays in the queue.
	ErrShortBuffer = errors.New("shm/queue: buffer too small for message")

	// ErrLost is returned by Commit or Release when this handle's claim on
	// the slot was taken over, because the handle was closed meanwhile.
	ErrLost = errors.New("shm/queue: claim taken over")
)

func errCorruptLength(n int) error {
	return fmt.Errorf("%w: message length %d exceeds the queue's maximum", ErrCorrupt, n)
}
