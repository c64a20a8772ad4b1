package queue

import (
	"encoding/binary"
	"fmt"
	"sync/atomic"

	"github.com/shmkit/shm/internal/sys"
)

// The ring is a bounded multi-producer multi-consumer queue of
// variable-length messages in fixed-size slots, after Dmitry Vyukov's
// bounded MPMC queue: every slot has a state word that says which position
// (message number) it is ready for, and producers and consumers claim
// positions by compare-and-swap.
//
// The state word is position << 16 | owner. For a slot s and the position
// p it serves in the current lap:
//
//	p<<16 | 0          free: a producer may claim it for position p
//	p<<16 | id         claimed by producer id, which is writing the message
//	(p+1)<<16 | 0      committed: the message for p is ready
//	(p+1)<<16 | id     claimed by consumer id, which is reading it
//	(p+cap)<<16 | 0    released: free for position p+cap, the next lap
//
// Owner ids name queue handles, backed by something the kernel takes away
// when the handle's process dies (owner_linux.go, owner_windows.go), so a
// participant that finds a slot claimed for too long can tell a dead
// claimer from a slow one. That is what makes the queue crash-proof:
//   - a producer that died holding a claim never committed its message, so
//     the consumer that reaches it marks the slot released and moves on;
//   - a consumer that died holding a claim never finished its receive (a
//     receive ends with the release), so the next consumer takes the claim
//     over and delivers the message: committed messages are neither lost
//     nor delivered twice;
//   - head and tail only ever move forward by one, by whoever sees that
//     they lag behind a slot's state, so a participant that died between
//     claiming and advancing them holds nobody up.
//
// Positions are 48 bits in the state word and compared modulo 2^48 (diff),
// which is safe as long as fewer than 2^47 messages are in flight.
//
// Every word read from shared memory is read once into a local, and every
// index into the slots is masked, so hostile memory can make the queue
// misbehave (wait, skip) but never index out of bounds.
const (
	ownerBits = 16
	ownerMask = 1<<ownerBits - 1
)

func pack(pos uint64, owner uint16) uint64 { return pos<<ownerBits | uint64(owner) }
func posOf(st uint64) uint64               { return st >> ownerBits }
func ownerOf(st uint64) uint16             { return uint16(st & ownerMask) }

// diff is a-b for 48-bit positions, as a signed number.
func diff(a, b uint64) int64 { return int64((a-b)<<ownerBits) >> ownerBits }

// ring is one process's view of a queue's memory.
type ring struct {
	mem  []byte
	g    geometry
	mask uint64
	me   uint16 // this handle's owner id, never 0

	tail, head *uint64
	alive      func(id uint16) bool
}

func newRing(mem []byte, g geometry, me uint16, alive func(uint16) bool) *ring {
	return &ring{
		mem: mem, g: g, mask: g.capacity - 1, me: me, alive: alive,
		tail: sys.PointerAt[uint64](mem, offTail),
		head: sys.PointerAt[uint64](mem, offHead),
	}
}

// slot returns the state word and the body (length and data) of the slot
// that serves pos.
func (r *ring) slot(pos uint64) (*uint64, []byte) {
	off := headerSize + (pos&r.mask)*r.g.slotSize
	return sys.PointerAt[uint64](r.mem, int(off)), r.mem[off+8 : off+r.g.slotSize]
}

// outcome of one attempt.
type outcome int

const (
	done    outcome = iota
	retry           // state changed under us: look again at once
	blocked         // full (send) or empty (receive) for now
	busy            // a live participant holds the slot we need: wait for it
	corrupt         // a state no participant can have written
)

// errCorruptState is returned for a slot whose state is not one the
// protocol allows where it was found: only a hostile or broken peer writes
// such a thing, and retrying would never end.
var errCorruptState = fmt.Errorf("%w: slot state out of range", ErrCorrupt)

// claimSend tries to claim the next position for sending.
func (r *ring) claimSend() (pos uint64, body []byte, o outcome) {
	pos = atomic.LoadUint64(r.tail)
	state, body := r.slot(pos)
	st := atomic.LoadUint64(state)
	switch d := diff(posOf(st), pos); {
	case d > int64(r.g.capacity)+1 || d < -int64(r.g.capacity):
		// Legal states are within a lap of tail either way; further ahead
		// only if our tail is stale, so look again before calling it
		// corrupt.
		if atomic.LoadUint64(r.tail) != pos {
			return 0, nil, retry
		}
		return 0, nil, corrupt
	case d == 0 && ownerOf(st) == 0:
		if !atomic.CompareAndSwapUint64(state, st, pack(pos, r.me)) {
			return 0, nil, retry
		}
		atomic.CompareAndSwapUint64(r.tail, pos, pos+1)
		return pos, body, done
	case d == 0, d > 0:
		// Claimed by another producer, or already committed: tail lags
		// behind (its claimer may have died before moving it). Help.
		atomic.CompareAndSwapUint64(r.tail, pos, pos+1)
		return 0, nil, retry
	}
	// d < 0: the slot still holds the previous lap's message.
	return 0, nil, blocked
}

// commit publishes the message written into the slot claimed for pos. It
// fails only if the claim was taken away, which happens only when this
// handle looked dead (it was closed meanwhile).
func (r *ring) commit(pos uint64, body []byte, n int) bool {
	binary.LittleEndian.PutUint32(body, uint32(n))
	state, _ := r.slot(pos)
	return atomic.CompareAndSwapUint64(state, pack(pos, r.me), pack(pos+1, 0))
}

// claimRecv tries to claim the message at head. It returns the message
// body, the data in body[8:8+n]. A slot claimed by somebody else is busy
// unless check is set and the claimer is dead: liveness costs a system
// call, so the caller asks only once a wait has gone on for a while.
func (r *ring) claimRecv(check bool) (pos uint64, body []byte, n int, o outcome, err error) {
	pos = atomic.LoadUint64(r.head)
	state, body := r.slot(pos)
	st := atomic.LoadUint64(state)
	owner := ownerOf(st)
	switch d := diff(posOf(st), pos+1); {
	case d > int64(r.g.capacity) || d < -1:
		// Legal states are this lap's (d is -1 or 0) or, when head lags,
		// the next lap's; an older one would mean head passed a message.
		// Further ahead only if our head is stale: look again first.
		if atomic.LoadUint64(r.head) != pos {
			return 0, nil, 0, retry, nil
		}
		return 0, nil, 0, corrupt, errCorruptState
	case d == 0 && owner != 0 && (!check || owner == r.me || r.alive(owner)):
		return 0, nil, 0, busy, nil // another consumer is reading it
	case d == 0:
		// Committed, or claimed by a consumer that died before finishing:
		// take it (over).
		if !atomic.CompareAndSwapUint64(state, st, pack(pos+1, r.me)) {
			return 0, nil, 0, retry, nil
		}
		n := int(binary.LittleEndian.Uint32(body))
		if n > r.g.maxMessage {
			// Release it so that the queue goes on, and report it.
			r.release(pos)
			return 0, nil, 0, retry, errCorruptLength(n)
		}
		if n == 0 { // a skipped slot
			r.release(pos)
			return 0, nil, 0, retry, nil
		}
		return pos, body, n, done, nil
	case d == -1 && owner == 0:
		return 0, nil, 0, blocked, nil // empty
	case d == -1:
		// A producer is writing the message, or died doing so.
		if !check || owner == r.me || r.alive(owner) {
			return 0, nil, 0, busy, nil
		}
		if atomic.CompareAndSwapUint64(state, st, pack(pos+r.g.capacity, 0)) {
			atomic.CompareAndSwapUint64(r.head, pos, pos+1)
		}
		return 0, nil, 0, retry, nil
	case d > 0:
		// Released already: head lags behind (its consumer may have died
		// before moving it). Help.
		atomic.CompareAndSwapUint64(r.head, pos, pos+1)
		return 0, nil, 0, retry, nil
	}
	return 0, nil, 0, corrupt, errCorruptState // not reached: the cases cover every d
}

// release frees the slot of the message at pos, which this handle has
// claimed, for the next lap, and moves head past it. The release is the
// moment of delivery: before it, a crash hands the message to another
// consumer; after it, the message is gone from the queue.
func (r *ring) release(pos uint64) bool {
	state, _ := r.slot(pos)
	if !atomic.CompareAndSwapUint64(state, pack(pos+1, r.me), pack(pos+r.g.capacity, 0)) {
		return false
	}
	atomic.CompareAndSwapUint64(r.head, pos, pos+1)
	return true
}

// readable reports whether a receive could make progress now: the message
// at head is committed, or head lags behind.
func (r *ring) readable() bool {
	pos := atomic.LoadUint64(r.head)
	state, _ := r.slot(pos)
	st := atomic.LoadUint64(state)
	d := diff(posOf(st), pos+1)
	return d > 0 || d == 0 && ownerOf(st) == 0
}

// writable reports whether a send could make progress now.
func (r *ring) writable() bool {
	pos := atomic.LoadUint64(r.tail)
	state, _ := r.slot(pos)
	return diff(posOf(atomic.LoadUint64(state)), pos) >= 0
}

// length is the number of messages sent and not yet received (claimed
// slots included), as of a moment during the call.
func (r *ring) length() int {
	head := atomic.LoadUint64(r.head)
	tail := atomic.LoadUint64(r.tail)
	n := diff(tail, head)
	return int(min(max(n, 0), int64(r.g.capacity)))
}

// unclaim gives back a message this handle claimed but did not take.
func (r *ring) unclaim(pos uint64) {
	state, _ := r.slot(pos)
	atomic.CompareAndSwapUint64(state, pack(pos+1, r.me), pack(pos+1, 0))
}
