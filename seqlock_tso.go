//go:build amd64 || 386

package shm

// On x86 (total store order) the processor keeps loads in order with
// loads and stores with stores, so the data between the two sequence
// numbers may be copied with plain moves. The compiler keeps them between
// the atomic accesses too: a copy is one memory operation in its SSA form,
// ordered with the atomics, which are memory operations as well.
func (s *Seqlock[T]) copyIn(src []byte)  { copy(s.data, src) }
func (s *Seqlock[T]) copyOut(dst []byte) { copy(dst, s.data) }
