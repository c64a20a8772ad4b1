package shm

import (
	"fmt"
	"io/fs"
	"reflect"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// A Seqlock publishes a value of type T in a segment from one writer to
// any number of readers, in any processes, without locks: readers never
// block the writer, and they get a consistent (untorn) copy of the last
// complete store. Make one with [NewSeqlock] at the same offset of the
// same segment in every process.
//
// Layout at the offset: a uint64 sequence number, odd while a store is in
// progress, then T rounded up to a multiple of 8 bytes; [SeqlockSize]
// gives the total. Stores and loads copy T as 8-byte atomic words, so the
// layout is the same for a C program using the same protocol.
//
// There must be a single writer at a time (use a [Mutex] or
// [Segment.Lock] between several). If the writer dies in the middle of a
// store, readers get [ErrStalled] after the stall bound
// ([Seqlock.SetStallBound], one second by default) instead of waiting
// forever; the next complete Store repairs it.
//
// Like [View], a Seqlock touches the memory directly: it is valid until
// the segment is closed, and if another process truncates the segment, a
// Load or Store crashes the process. Load and Store are safe for
// concurrent use (Stores still from one writer at a time).
type Seqlock[T any] struct {
	seg   *Segment
	seq   *uint64
	words []uint64     // the value, as words
	data  []byte       // the value, as bytes (exactly T's size)
	stall atomic.Int64 // time.Duration
}

// SeqlockSize returns how many bytes a Seqlock[T] occupies in a segment.
func SeqlockSize[T any]() int64 {
	return 8 + (int64(reflect.TypeFor[T]().Size())+7)&^7
}

// defaultStall is how long readers wait for a store in progress before
// they report ErrStalled.
const defaultStall = time.Second

// NewSeqlock returns the Seqlock[T] at offset off of seg. T must hold no
// pointers ([ErrInvalidType], as for [View]), off must be a multiple of 8
// ([ErrMisaligned]) and [SeqlockSize] bytes must fit there
// ([ErrOutOfRange]). A new segment is zeroed, and a zeroed Seqlock holds
// T's zero value.
func NewSeqlock[T any](seg *Segment, off int64) (*Seqlock[T], error) {
	t := reflect.TypeFor[T]()
	if err := checkPlain(t); err != nil {
		return nil, err
	}
	n := int(SeqlockSize[T]() / 8)
	b, err := window[uint64](seg, off, n)
	if err != nil {
		return nil, err
	}
	if sys.Addr(b, 0)%8 != 0 {
		return nil, fmt.Errorf("shm: seqlock at offset %d: %w to 8 bytes", off, ErrMisaligned)
	}
	w := sys.SliceAt[uint64](b, 0, n)
	s := &Seqlock[T]{seg: seg, seq: &w[0], words: w[1:], data: b[8 : 8+t.Size()]}
	s.stall.Store(int64(defaultStall))
	return s, nil
}

// SetStallBound sets how long Load waits for a store in progress before it
// returns [ErrStalled].
func (s *Seqlock[T]) SetStallBound(d time.Duration) { s.stall.Store(int64(d)) }

// Store publishes v. Only one goroutine in one process may store at a
// time. It fails on a ReadOnly segment or after Close.
func (s *Seqlock[T]) Store(v T) error {
	if err := s.seg.checkWrite(0, 0); err != nil {
		return err
	}
	src := sys.BytesOf(&v)
	// An odd number means a store in progress. If a writer died in the
	// middle of one it is odd already: skip to the next odd number, so
	// that readers who saw the dead store's number keep waiting for ours.
	seq := atomic.LoadUint64(s.seq)
	seq = (seq + 1) | 1
	atomic.StoreUint64(s.seq, seq)
	s.copyIn(src)
	atomic.StoreUint64(s.seq, seq+1)
	runtime.KeepAlive(s)
	return nil
}

// Load returns the last complete store: never a mix of two. It returns an
// error wrapping [ErrStalled] if a store stays in progress for longer than
// the stall bound, and [fs.ErrClosed] after the segment was closed.
func (s *Seqlock[T]) Load() (T, error) {
	var v T
	if err := s.LoadInto(&v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// LoadInto is Load into *v, without copying T once more; after an error
// *v holds garbage.
func (s *Seqlock[T]) LoadInto(v *T) error {
	if s.seg.closed.Load() {
		return s.seg.closedError("load")
	}
	dst := sys.BytesOf(v)
	var (
		stuck uint64 // an odd sequence number we have been waiting on
		polls int    // how many times we have seen it
		start time.Time
	)
	for {
		seq := atomic.LoadUint64(s.seq)
		if seq&1 == 0 {
			s.copyOut(dst)
			if atomic.LoadUint64(s.seq) == seq {
				runtime.KeepAlive(s)
				return nil
			}
			continue // overtaken by a store: the writer is alive
		}
		// A store is in progress. Only a store that stays in progress
		// counts as stalled: a writer that keeps storing is alive.
		if seq != stuck {
			stuck, polls = seq, 0
		}
		polls++
		switch {
		case polls < 100:
			sys.Pause()
		case polls == 100:
			start = time.Now()
		case time.Since(start) > time.Duration(s.stall.Load()):
			return &fs.PathError{Op: "load", Path: s.seg.name, Err: ErrStalled}
		case polls < 1000:
			runtime.Gosched()
		default:
			time.Sleep(50 * time.Microsecond)
		}
	}
}
