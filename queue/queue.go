// Package queue is a named, bounded, multi-producer multi-consumer message
// queue in shared memory: any process that opens the name can send and
// receive messages of 1 to MaxMessage bytes, an order of magnitude faster
// than through pipes or sockets.
//
//	q, err := queue.OpenOrCreate(`Local\jobs`, queue.Config{Capacity: 1024, MaxMessage: 4096})
//	err = q.Send(ctx, []byte("hello"))
//	n, err := q.Recv(ctx, buf)
//
// Messages keep the order of each producer when there is one consumer.
// The queue is crash-proof: a producer or consumer killed in the middle of
// an operation never wedges the others, and a committed message is never
// lost or delivered twice. Blocking calls spin briefly, then sleep (on a
// futex on Linux, on a named semaphore on Windows); when nobody sleeps,
// sending and receiving make no system call.
//
// A queue is a segment of package shm and follows its names and lifetime
// rules: it lives while any handle is open.
//
// Platforms. A dead owner is told from a live one by something the kernel
// takes away with the process: an open file description lock on one byte
// of the queue's file on Linux, a named kernel object on Windows, and an
// flock on a small owner file beside the queue on macOS and FreeBSD (which
// lack open file description locks). Sleepers sleep on a futex on Linux and
// a named semaphore on Windows; on macOS and FreeBSD they poll every
// millisecond once the spin is over. Other systems get an error wrapping
// [errors.ErrUnsupported].
package queue

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/sys"
)

// A Queue is a handle on a shared memory queue. Its methods are safe for
// concurrent use by several goroutines, except Close, which must not race
// with them.
type Queue struct {
	seg      *shm.Segment
	r        *ring
	ids      *owners
	notEmpty waitSet
	notFull  waitSet

	closeMu sync.Mutex
	closed  atomic.Bool
}

// Create creates a new queue called name; it fails with an error wrapping
// [fs.ErrExist] if the name is taken.
func Create(name string, c Config) (*Queue, error) { return open(name, c, modeCreate) }

// Open opens the existing queue called name, whatever its configuration.
func Open(name string) (*Queue, error) { return open(name, Config{}, modeOpen) }

// OpenOrCreate opens the queue called name, creating it if it does not
// exist. An existing queue must have been made with the same Config, or
// the call fails with [ErrConfig].
func OpenOrCreate(name string, c Config) (*Queue, error) { return open(name, c, modeOpenOrCreate) }

type mode int

const (
	modeOpen mode = iota
	modeCreate
	modeOpenOrCreate
)

// initWait bounds how long an opener waits for the creator of a queue to
// finish writing its header.
const initWait = time.Second

func open(name string, c Config, m mode) (*Queue, error) {
	g, err := c.geometry()
	if err != nil {
		return nil, err
	}
	var seg *shm.Segment
	switch m {
	case modeOpen:
		seg, err = shm.Open(name)
	case modeCreate:
		seg, err = shm.Create(name, g.size())
	case modeOpenOrCreate:
		seg, err = shm.OpenOrCreate(name, g.size())
		if errors.Is(err, shm.ErrInvalidSize) {
			// The existing queue is smaller than this Config's.
			err = fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	if err != nil {
		return nil, err
	}
	q, err := attach(seg, g, m)
	if err != nil {
		seg.Close()
		return nil, err
	}
	return q, nil
}

func attach(seg *shm.Segment, want geometry, m mode) (*Queue, error) {
	mem := seg.Bytes()
	version := sys.PointerAt[uint32](mem, offVersion)
	if seg.Created() {
		writeHeader(mem, want)
		atomic.StoreUint32(version, 1) // publishes the header
	} else {
		for deadline := time.Now().Add(initWait); atomic.LoadUint32(version) == 0 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	g, err := readHeader(mem)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: seg.Name(), Err: err}
	}
	if m == modeOpenOrCreate && g != want {
		return nil, &fs.PathError{Op: "open", Path: seg.Name(), Err: fmt.Errorf(
			"%w: it has capacity %d and max message %d", ErrConfig, g.capacity, g.maxMessage)}
	}
	ids, err := newOwners(seg, mem, g)
	if err != nil {
		return nil, err
	}
	q := &Queue{seg: seg, ids: ids}
	q.r = newRing(mem, g, ids.me, ids.alive)
	q.notEmpty = newWaitSet(mem, offNotEmpty)
	q.notFull = newWaitSet(mem, offNotFull)
	if q.notEmpty.sig, err = openSignal(seg.Name(), "notEmpty"); err != nil {
		ids.close()
		return nil, err
	}
	if q.notFull.sig, err = openSignal(seg.Name(), "notFull"); err != nil {
		q.notEmpty.sig.close()
		ids.close()
		return nil, err
	}
	return q, nil
}

// Name returns the queue's name.
func (q *Queue) Name() string { return q.seg.Name() }

// Cap returns the number of messages the queue can hold.
func (q *Queue) Cap() int { return int(q.r.g.capacity) }

// MaxMessage returns the largest message the queue takes, in bytes.
func (q *Queue) MaxMessage() int { return q.r.g.maxMessage }

// Len returns the number of messages in the queue, counting those being
// sent or received at the moment.
func (q *Queue) Len() int { return q.r.length() }

// Close releases the handle. Reservations and views it has not committed or
// released are abandoned: others skip an abandoned reservation and deliver
// an abandoned view's message again. Close is idempotent.
func (q *Queue) Close() error {
	q.closeMu.Lock()
	defer q.closeMu.Unlock()
	if q.closed.Swap(true) {
		return nil
	}
	return errors.Join(q.notEmpty.sig.close(), q.notFull.sig.close(), q.ids.close(), q.seg.Close())
}

func (q *Queue) closedError(op string) error {
	return &fs.PathError{Op: op, Path: q.seg.Name(), Err: os.ErrClosed}
}

func (q *Queue) checkSize(op string, n int) error {
	if n < 1 || n > q.r.g.maxMessage {
		return &fs.PathError{Op: op, Path: q.seg.Name(),
			Err: fmt.Errorf("%w: %d bytes, the queue takes 1 to %d", ErrTooLarge, n, q.r.g.maxMessage)}
	}
	return nil
}

// A Reservation is a slot claimed for sending with Reserve: fill Data, then
// Commit. Until Commit, the slot holds up the consumers that reach it.
type Reservation struct {
	// Data is the message to fill in: len n as reserved, in shared memory.
	Data []byte
	q    *Queue
	pos  uint64
	body []byte
}

// Commit publishes the reserved message to consumers.
func (r Reservation) Commit() error {
	if r.q == nil {
		return fmt.Errorf("shm/queue: Commit of a zero Reservation: %w", fs.ErrInvalid)
	}
	if r.q.closed.Load() {
		return r.q.closedError("commit")
	}
	if !r.q.r.commit(r.pos, r.body, len(r.Data)) {
		return &fs.PathError{Op: "commit", Path: r.q.seg.Name(), Err: ErrLost}
	}
	r.q.wake(&r.q.notEmpty)
	return nil
}

// A View is a received message still in shared memory, from RecvView: read
// Data, then Release. Until Release, the message holds up the consumers
// behind it; if the process dies first, another consumer gets it.
type View struct {
	// Data is the message, in shared memory: valid until Release.
	Data []byte
	q    *Queue
	pos  uint64
}

// Release ends the receive: the message leaves the queue.
func (v View) Release() error {
	if v.q == nil {
		return fmt.Errorf("shm/queue: Release of a zero View: %w", fs.ErrInvalid)
	}
	if v.q.closed.Load() {
		return v.q.closedError("release")
	}
	if !v.q.r.release(v.pos) {
		return &fs.PathError{Op: "release", Path: v.q.seg.Name(), Err: ErrLost}
	}
	v.q.wake(&v.q.notFull)
	return nil
}

// TryReserve claims a slot for a message of n bytes without waiting; it
// returns ErrFull when the queue is full.
func (q *Queue) TryReserve(n int) (Reservation, error) {
	if err := q.checkSize("reserve", n); err != nil {
		return Reservation{}, err
	}
	for {
		if q.closed.Load() {
			return Reservation{}, q.closedError("reserve")
		}
		pos, body, o := q.r.claimSend()
		switch o {
		case done:
			return Reservation{Data: body[8 : 8+n], q: q, pos: pos, body: body}, nil
		case blocked:
			return Reservation{}, ErrFull
		case corrupt:
			return Reservation{}, &fs.PathError{Op: "reserve", Path: q.seg.Name(), Err: errCorruptState}
		}
	}
}

// Reserve claims a slot for a message of n bytes, waiting while the queue
// is full. On error nothing is reserved.
func (q *Queue) Reserve(ctx context.Context, n int) (Reservation, error) {
	var w waiter
	for {
		r, err := q.TryReserve(n)
		if err != ErrFull {
			return r, err
		}
		if err := q.wait(ctx, &w, &q.notFull, q.r.writable); err != nil {
			return Reservation{}, err
		}
	}
}

// TrySend sends msg without waiting; it returns ErrFull when the queue is
// full.
func (q *Queue) TrySend(msg []byte) error {
	r, err := q.TryReserve(len(msg))
	if err != nil {
		return err
	}
	copy(r.Data, msg)
	return r.Commit()
}

// Send sends msg, waiting while the queue is full. On error nothing is
// sent.
func (q *Queue) Send(ctx context.Context, msg []byte) error {
	r, err := q.Reserve(ctx, len(msg))
	if err != nil {
		return err
	}
	copy(r.Data, msg)
	return r.Commit()
}

// TryRecvView receives the next message without copying it and without
// waiting; it returns ErrEmpty when there is none.
func (q *Queue) TryRecvView() (View, error) { return q.tryView(false) }

func (q *Queue) tryView(check bool) (View, error) {
	for {
		if q.closed.Load() {
			return View{}, q.closedError("receive")
		}
		pos, body, n, o, err := q.r.claimRecv(check)
		switch {
		case err != nil:
			q.wake(&q.notFull) // the bad message's slot was freed
			return View{}, &fs.PathError{Op: "receive", Path: q.seg.Name(), Err: err}
		case o == done:
			return View{Data: body[8 : 8+n], q: q, pos: pos}, nil
		case o == blocked || o == busy:
			return View{}, ErrEmpty
		}
	}
}

// RecvView receives the next message without copying it, waiting while
// the queue is empty. On error nothing is received.
func (q *Queue) RecvView(ctx context.Context) (View, error) {
	var w waiter
	for {
		v, err := q.tryView(w.checkPeers())
		if err != ErrEmpty {
			return v, err
		}
		if err := q.wait(ctx, &w, &q.notEmpty, q.r.readable); err != nil {
			return View{}, err
		}
	}
}

// TryRecv receives the next message into buf without waiting and returns
// its length; it returns ErrEmpty when there is none, and ErrShortBuffer,
// leaving the message in the queue, when buf is too small.
func (q *Queue) TryRecv(buf []byte) (int, error) {
	v, err := q.TryRecvView()
	if err != nil {
		return 0, err
	}
	return q.take(v, buf)
}

// Recv receives the next message into buf, waiting while the queue is
// empty, and returns its length. On error nothing is received.
func (q *Queue) Recv(ctx context.Context, buf []byte) (int, error) {
	v, err := q.RecvView(ctx)
	if err != nil {
		return 0, err
	}
	return q.take(v, buf)
}

// take copies a viewed message into buf and releases it.
func (q *Queue) take(v View, buf []byte) (int, error) {
	if len(buf) < len(v.Data) {
		q.r.unclaim(v.pos)
		return 0, &fs.PathError{Op: "receive", Path: q.seg.Name(),
			Err: fmt.Errorf("%w: %d bytes for a %d-byte message", ErrShortBuffer, len(buf), len(v.Data))}
	}
	n := copy(buf, v.Data)
	return n, v.Release()
}
