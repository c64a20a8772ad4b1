//go:build !amd64 && !386

package shm

import (
	"encoding/binary"
	"sync/atomic"
)

// On weakly ordered processors (arm64, riscv64, ppc64, ...) plain stores
// may become visible before the store that made the sequence odd, and
// plain loads may be satisfied after the load that rechecks it, so the
// data is copied as atomic 8-byte words, which Go orders with each other.

func (s *Seqlock[T]) copyIn(src []byte) {
	full := len(src) / 8
	for i := range full {
		atomic.StoreUint64(&s.words[i], binary.NativeEndian.Uint64(src[8*i:]))
	}
	if tail := src[8*full:]; len(tail) > 0 {
		var b [8]byte
		copy(b[:], tail)
		// The padding bytes are ours (SeqlockSize rounds up).
		atomic.StoreUint64(&s.words[full], binary.NativeEndian.Uint64(b[:]))
	}
}

func (s *Seqlock[T]) copyOut(dst []byte) {
	full := len(dst) / 8
	for i := range full {
		binary.NativeEndian.PutUint64(dst[8*i:], atomic.LoadUint64(&s.words[i]))
	}
	if tail := dst[8*full:]; len(tail) > 0 {
		var b [8]byte
		binary.NativeEndian.PutUint64(b[:], atomic.LoadUint64(&s.words[full]))
		copy(tail, b[:])
	}
}
