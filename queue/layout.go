package queue

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// The queue lives in one shared memory segment:
//
//	header, one page:
//	   0  magic      [8]byte  "shmqueue"
//	   8  version    uint32   published last, by the creator, atomically
//	  12  (unused)
//	  16  capacity   uint32   slots, a power of two
//	  20  slotSize   uint32   bytes a slot, a multiple of 128
//	  24  maxMessage uint32
//	 128  tail       uint64   next position to claim for sending
//	 256  head       uint64   next position to receive
//	 384  notEmpty   wait set: consumers sleeping until a message comes
//	 896  notFull    wait set: producers sleeping until a slot frees
//	slots from headerSize on, capacity of them, slotSize bytes each:
//	   0  state      uint64   position << 16 | owner id (see ring.go)
//	   8  length     uint32   of the message; 0 marks a skipped slot
//	  16  data       [maxMessage]byte
//
// Each hot word has its own 128 bytes, two cache lines, so that producers
// and consumers do not slow each other down by false sharing, not even
// through the prefetchers that fetch cache lines in aligned pairs. Everything is
// little-endian, the byte order of every platform Go runs shm on.
const (
	magic      = "shmqueue"
	version    = 1
	headerSize = 4096

	offVersion    = 8
	offCapacity   = 16
	offSlotSize   = 20
	offMaxMessage = 24
	offTail       = 128
	offHead       = 256
	offNotEmpty   = 384
	offNotFull    = 896

	slotHeader = 16
	cacheLine  = 64
	// slotAlign keeps neighbouring slots out of each other's aligned pair
	// of cache lines, which x86 prefetchers fetch together.
	slotAlign = 128

	// A wait set is one line with what every waker reads and every
	// sleeper writes (the futex word, the pending flag and the mask of
	// taken entries, together so that a wake-up touches one line), then
	// the owner ids of up to 64 sleepers (see wake.go).
	waitSetSize = 384
	maxSleepers = 64
)

// Limits on a configuration.
const (
	MaxCapacity   = 1 << 24
	MaxMessageCap = 1 << 26 // 64 MiB
)

// Config describes a queue to create.
type Config struct {
	// Capacity is the number of messages the queue holds; it is rounded
	// up to a power of two, at least 2. Default 1024.
	Capacity int
	// MaxMessage is the largest message in bytes. Default 4096.
	MaxMessage int
}

// geometry is a validated configuration with the sizes that follow from it.
type geometry struct {
	capacity   uint64
	slotSize   uint64
	maxMessage int
}

func (g geometry) size() int64 { return headerSize + int64(g.capacity*g.slotSize) }

func (c Config) geometry() (geometry, error) {
	capacity, maxMessage := c.Capacity, c.MaxMessage
	if capacity == 0 {
		capacity = 1024
	}
	if maxMessage == 0 {
		maxMessage = 4096
	}
	if capacity < 0 || capacity > MaxCapacity || maxMessage < 0 || maxMessage > MaxMessageCap {
		return geometry{}, fmt.Errorf("%w: capacity %d (1 to %d), max message %d (1 to %d)",
			ErrConfig, c.Capacity, MaxCapacity, c.MaxMessage, MaxMessageCap)
	}
	capacity = max(2, 1<<bits.Len(uint(capacity-1)))
	slotSize := (slotHeader + maxMessage + slotAlign - 1) &^ (slotAlign - 1)
	g := geometry{capacity: uint64(capacity), slotSize: uint64(slotSize), maxMessage: maxMessage}
	if g.size() > 1<<40 {
		return geometry{}, fmt.Errorf("%w: %d slots of %d bytes is too big", ErrConfig, capacity, slotSize)
	}
	return g, nil
}

// writeHeader lays out a new queue in mem, which is zeroed, except for the
// version, which the caller publishes last.
func writeHeader(mem []byte, g geometry) {
	copy(mem, magic)
	binary.LittleEndian.PutUint32(mem[offCapacity:], uint32(g.capacity))
	binary.LittleEndian.PutUint32(mem[offSlotSize:], uint32(g.slotSize))
	binary.LittleEndian.PutUint32(mem[offMaxMessage:], uint32(g.maxMessage))
	// Slot i starts free for position i: state i << 16, no owner.
	for i := range g.capacity {
		binary.LittleEndian.PutUint64(mem[headerSize+i*g.slotSize:], i<<ownerBits)
	}
}

// readHeader validates the header of an existing queue against the memory
// it lives in: every size is checked before anything is used, so a corrupt
// or hostile header gives ErrCorrupt, never an out-of-range access.
func readHeader(mem []byte) (geometry, error) {
	if len(mem) < headerSize || string(mem[:len(magic)]) != magic {
		return geometry{}, fmt.Errorf("%w: not a queue (no magic)", ErrCorrupt)
	}
	if v := binary.LittleEndian.Uint32(mem[offVersion:]); v != version {
		return geometry{}, fmt.Errorf("%w: version %d, want %d", ErrCorrupt, v, version)
	}
	capacity := uint64(binary.LittleEndian.Uint32(mem[offCapacity:]))
	slotSize := uint64(binary.LittleEndian.Uint32(mem[offSlotSize:]))
	maxMessage := uint64(binary.LittleEndian.Uint32(mem[offMaxMessage:]))
	g := geometry{capacity: capacity, slotSize: slotSize, maxMessage: int(maxMessage)}
	switch {
	case capacity < 2 || capacity > MaxCapacity || capacity&(capacity-1) != 0:
		return geometry{}, fmt.Errorf("%w: capacity %d", ErrCorrupt, capacity)
	case maxMessage < 1 || maxMessage > MaxMessageCap || slotSize%slotAlign != 0 || slotSize < slotHeader+maxMessage:
		return geometry{}, fmt.Errorf("%w: slot size %d for messages up to %d", ErrCorrupt, slotSize, maxMessage)
	case g.size() > int64(len(mem)):
		return geometry{}, fmt.Errorf("%w: %d slots of %d bytes do not fit in %d bytes", ErrCorrupt, capacity, slotSize, len(mem))
	}
	return g, nil
}
