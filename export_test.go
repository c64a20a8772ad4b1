package shm

import "sync/atomic"

// BeginStoreForTest starts a store and never finishes it, like a writer
// killed between the two updates of the sequence number.
func (s *Seqlock[T]) BeginStoreForTest() {
	atomic.StoreUint64(s.seq, (atomic.LoadUint64(s.seq)+1)|1)
}
