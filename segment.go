package shm

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// A Segment is a named region of memory shared between processes, mapped
// into this one. Create one with [Create], [Open] or [OpenOrCreate].
//
// ReadAt, WriteAt, ReadStringAt, WriteStringAt, Bytes, Size, Name and
// Created are safe for concurrent use by several goroutines; the memory
// itself is not synchronised (use a lock or atomics for that). Close may be
// called several times and from several goroutines, but must not race with
// the other methods: once it has started, their memory may be gone.
type Segment struct {
	m        *mapping
	name     string
	created  bool
	readOnly bool

	closeMu  sync.Mutex
	closed   atomic.Bool
	writable atomic.Bool // not read-only and not closed: one load per write
	cleanup  runtime.Cleanup

	lk segmentLock // the Mutex behind Lock and Unlock (seglock.go)
}

// mapping is the part of a Segment the garbage collector's safety net
// releases; it holds nothing that points back to the Segment.
type mapping struct {
	data []byte // exactly as the OS returned it, for unmapping
	h    handle // the OS object that keeps the segment alive

	// exposed is set once Bytes, View or Slice handed the memory to the
	// caller. Such memory may still be in use after the Segment becomes
	// unreachable, so the safety net then leaves it mapped.
	exposed atomic.Bool
}

func (m *mapping) release() error { return m.h.close(m.data) }

// An Option changes how a segment is created or opened.
type Option func(*options)

type options struct {
	readOnly bool
	persist  bool
	prefault bool
	perm     fs.FileMode

	// init, when set, is written at offset 0 of a segment this call
	// creates before the segment gets its name, so that no opener sees it
	// without it (the sync objects' headers, syncobj.go). Every POSIX
	// backend must honour it; Windows has native sync objects.
	//lint:ignore U1000 set by syncobj.go, read by the POSIX backends
	init []byte
}

// ReadOnly maps the segment for reading only. Writes return [ErrReadOnly];
// a write through [Segment.Bytes] or [View] memory crashes the process.
func ReadOnly() Option { return func(o *options) { o.readOnly = true } }

// Perm sets the permission bits of a segment this call creates (default
// 0600, owner only; the umask does not apply). Only bits in 0777 are
// allowed. On Windows see the package documentation.
func Perm(mode fs.FileMode) Option { return func(o *options) { o.perm = mode } }

// Persist makes a segment this call creates outlive its handles: it stays
// until [Remove], like Python's and Boost's shared memory. Without it a
// segment is removed when its last handle closes. Windows has no such
// objects: there Persist returns an error wrapping [errors.ErrUnsupported].
func Persist() Option { return func(o *options) { o.persist = true } }

// Prefault faults the whole segment into memory while mapping it, so that
// first writes do not pay a page fault each (about 0.6 ms per MiB on
// Linux). It costs that time up front instead.
func Prefault() Option { return func(o *options) { o.prefault = true } }

// openMode says what a constructor does when the name exists or not.
type openMode uint8

const (
	modeOpen         openMode = iota // existing only
	modeCreate                       // new only
	modeOpenOrCreate                 // either
)

// maxSize is the largest segment this process can map.
const maxSize = math.MaxInt

// OpenOrCreate opens the segment called name, creating it with size bytes
// (zeroed) if it does not exist, like the AutoHotkey FileMapping class.
// [Segment.Created] reports which happened; with several processes racing,
// exactly one creates. An existing segment is never resized: if it is
// smaller than size the call fails with [ErrInvalidSize], and if it is
// larger the whole of it is mapped.
func OpenOrCreate(name string, size int64, opts ...Option) (*Segment, error) {
	return open(name, size, modeOpenOrCreate, opts)
}

// Create creates the segment called name with size zeroed bytes. It fails
// with an error wrapping [fs.ErrExist] if the name is taken.
func Create(name string, size int64, opts ...Option) (*Segment, error) {
	return open(name, size, modeCreate, opts)
}

// Open opens the existing segment called name and maps all of it. It fails
// with an error wrapping [fs.ErrNotExist] if there is none.
func Open(name string, opts ...Option) (*Segment, error) {
	return open(name, 0, modeOpen, opts)
}

func open(name string, size int64, mode openMode, opts []Option) (*Segment, error) {
	o := options{perm: 0o600}
	for _, opt := range opts {
		opt(&o)
	}
	if o.perm&^fs.ModePerm != 0 {
		return nil, fmt.Errorf("shm: Perm(%v): only permission bits (0777) are allowed: %w", o.perm, fs.ErrInvalid)
	}
	base, err := splitName(name)
	if err != nil {
		return nil, err
	}
	return openAs(name, base, size, mode, &o)
}

// openAs opens the segment called name whose OS-level name is base (the
// sync objects use bases that segment names cannot produce).
func openAs(name, base string, size int64, mode openMode, o *options) (*Segment, error) {
	if mode != modeOpen && (size <= 0 || uint64(size) > maxSize) {
		return nil, fmt.Errorf("%w: %q with size %d: must be between 1 and %d", ErrInvalidSize, name, size, int64(maxSize))
	}
	m, created, err := openSegment(name, base, size, mode, o)
	if err != nil {
		return nil, err
	}
	if int64(len(m.data)) < size {
		err := fmt.Errorf("%w: %q has %d bytes, %d requested", ErrInvalidSize, name, len(m.data), size)
		return nil, errors.Join(err, m.release())
	}
	s := &Segment{m: m, name: name, created: created, readOnly: o.readOnly}
	s.writable.Store(!o.readOnly)
	// The safety net for a Segment that is dropped without Close. It gets
	// the mapping, not the Segment, so that it does not keep s alive.
	s.cleanup = runtime.AddCleanup(s, func(m *mapping) {
		if !m.exposed.Load() {
			m.release()
		}
	}, m)
	return s, nil
}

// Remove deletes the name of a segment. Processes that have it open keep
// their memory until they close it; new opens fail or create a new one.
// It removes whatever segment has the name, whoever made it. Windows
// cannot remove a name: there Remove returns an error wrapping
// [errors.ErrUnsupported] (or [fs.ErrNotExist] if there is no such
// segment).
func Remove(name string) error {
	base, err := splitName(name)
	if err != nil {
		return err
	}
	return removeSegment(name, base)
}

// Name returns the name the segment was opened with.
func (s *Segment) Name() string { return s.name }

// Size returns the size of the mapping in bytes.
func (s *Segment) Size() int64 { return int64(len(s.m.data)) }

// Created reports whether this call created the segment (true) or opened
// an existing one (false).
func (s *Segment) Created() bool { return s.created }

// Bytes returns the mapped memory itself: no copy, no bounds to check
// beyond Go's own, and no protection. It is valid until Close; touching it
// afterwards, or after another process truncated the segment, crashes the
// process (SIGSEGV or SIGBUS) where ReadAt and WriteAt would return an
// error. Writing to the memory of a ReadOnly segment crashes too. After
// Close, Bytes returns nil.
//
// A Segment whose memory was handed out this way is not unmapped by the
// garbage collector if it is dropped without Close, since the memory may
// still be in use: call Close.
func (s *Segment) Bytes() []byte {
	if s.closed.Load() {
		return nil
	}
	s.m.exposed.Store(true)
	return s.m.data
}

// ReadAt copies len(p) bytes from offset off into p, following the
// [io.ReaderAt] contract: fewer bytes only at the end of the segment, and
// then [io.EOF]. A negative offset is an error wrapping [ErrOutOfRange].
func (s *Segment) ReadAt(p []byte, off int64) (n int, err error) {
	data := s.m.data
	if s.closed.Load() || off < 0 {
		return 0, s.accessError("read", off, len(p))
	}
	if off >= int64(len(data)) {
		return 0, io.EOF
	}
	// The fault guard (see recoverFault), written out here rather than
	// deferred as a helper: a direct closure saves a call on the hot path.
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			n, err = 0, s.faultError("read", r)
		}
	}()
	if n = copy(p, data[off:]); n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// WriteAt copies p into the segment at offset off. A write that does not
// fit whole writes nothing and returns an error wrapping [ErrOutOfRange].
func (s *Segment) WriteAt(p []byte, off int64) (n int, err error) {
	data := s.m.data
	if !s.writable.Load() || uint64(off) > uint64(len(data)) || uint64(len(p)) > uint64(len(data))-uint64(off) {
		return 0, s.accessError("write", off, len(p))
	}
	old := debug.SetPanicOnFault(true) // the fault guard, as in ReadAt
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			n, err = 0, s.faultError("write", r)
		}
	}()
	return copy(data[off:], p), nil
}

// checkWrite validates a write of n bytes at off.
func (s *Segment) checkWrite(off int64, n int) error {
	data := s.m.data
	if !s.writable.Load() || uint64(off) > uint64(len(data)) || uint64(n) > uint64(len(data))-uint64(off) {
		return s.accessError("write", off, n)
	}
	return nil
}

// Close unmaps the segment and releases this handle. When it was the last
// handle of a segment made without [Persist], the segment is removed. It
// also closes the segment's own mutex if [Segment.Lock] opened it,
// abandoning the lock if this handle holds it. Close is idempotent: later
// calls return nil.
func (s *Segment) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed.Load() {
		return nil
	}
	s.closed.Store(true)
	s.writable.Store(false)
	s.cleanup.Stop()
	lkErr := s.lk.close()
	if err := s.m.release(); err != nil {
		return errors.Join(lkErr, &fs.PathError{Op: "close", Path: s.name, Err: err})
	}
	return lkErr
}

func (s *Segment) closedError(op string) error {
	return &fs.PathError{Op: op, Path: s.name, Err: os.ErrClosed}
}

// accessError explains why an access of n bytes at off was refused.
func (s *Segment) accessError(op string, off int64, n int) error {
	switch {
	case s.closed.Load():
		return s.closedError(op)
	case op == "write" && s.readOnly:
		return &fs.PathError{Op: op, Path: s.name, Err: ErrReadOnly}
	}
	return s.rangeError(op, off, n)
}

func (s *Segment) rangeError(op string, off int64, n int) error {
	return &fs.PathError{Op: op, Path: s.name,
		Err: fmt.Errorf("%w: %d bytes at offset %d of a %d-byte segment", ErrOutOfRange, n, off, len(s.m.data))}
}
