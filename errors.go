package shm

import "errors"

// Errors returned by this package. Wrapped errors keep them reachable with
// [errors.Is]. Besides these, the package returns the standard sentinels where
// their meaning fits: [fs.ErrExist] (Create of a name in use),
// [fs.ErrNotExist] (Open of a missing name), [fs.ErrPermission],
// [fs.ErrInvalid] (a bad option or encoding), [os.ErrClosed] (use after
// Close) and [errors.ErrUnsupported] (a feature this OS lacks).
var (
	// ErrInvalidName is returned for a name that cannot name a segment on
	// every platform: empty after its Local\ or Global\ prefix, longer than
	// 255 bytes, "." or "..", or holding '/', '\\', NUL or invalid UTF-8.
	ErrInvalidName = errors.New("shm: invalid segment name")

	// ErrInvalidSize is returned when a segment is created with a size that
	// is not positive or too large for this address space, or opened asking
	// for more bytes than the existing segment has.
	ErrInvalidSize = errors.New("shm: invalid segment size")

	// ErrOutOfRange is returned when an offset or a length falls outside the
	// segment. Nothing is read or written.
	ErrOutOfRange = errors.New("shm: offset or length out of range")

	// ErrReadOnly is returned by writes to a segment opened with [ReadOnly].
	ErrReadOnly = errors.New("shm: segment is read-only")

	// ErrFault is returned when the memory behind a segment disappeared
	// under a read or write, typically because another process truncated
	// the object (SIGBUS). Part of the data may have been copied.
	ErrFault = errors.New("shm: memory fault accessing segment (truncated by another process?)")

	// ErrInvalidType is returned by [View] and [Slice] for a type that can
	// not live in shared memory: one holding pointers, strings, slices,
	// maps, interfaces, channels or functions.
	ErrInvalidType = errors.New("shm: type cannot be placed in shared memory")

	// ErrMisaligned is returned by [View] and [Slice] when the offset does
	// not satisfy the alignment of the element type.
	ErrMisaligned = errors.New("shm: offset not aligned for type")

	// ErrOwnerDead is returned, wrapped, by [Mutex.Lock], [Mutex.TryLock]
	// and [Segment.Lock] when the previous owner of the mutex died (or
	// closed it) while holding it, like Windows' WAIT_ABANDONED. The call
	// has acquired the lock anyway: the caller owns it and must unlock it,
	// but should first check, and repair if need be, the data the mutex
	// protects, since the dead owner may have left it half updated.
	ErrOwnerDead = errors.New("shm: previous owner died holding the mutex")

	// ErrNotLocked is returned by [Mutex.Unlock] and [Segment.Unlock] when
	// this handle does not hold the lock.
	ErrNotLocked = errors.New("shm: mutex not locked by this handle")

	// ErrOverflow is returned by [Semaphore.Release] when the count would
	// exceed the semaphore's maximum. The count is left unchanged.
	ErrOverflow = errors.New("shm: semaphore count would exceed its maximum")

	// ErrStalled is returned by [Seqlock.Load] when a store stayed
	// unfinished for longer than the seqlock's stall bound, typically
	// because the writer was killed in the middle of it. The next
	// completed Store clears the condition.
	ErrStalled = errors.New("shm: seqlock writer stalled in the middle of a store")

	// ErrCorrupt is returned when the header of a shared object (a
	// mutex, semaphore or event) does not hold what this package writes
	// there: another program's file, a newer format, or damage.
	ErrCorrupt = errors.New("shm: shared object header is corrupt or of an unknown format")
)
