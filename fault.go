package shm

import (
	"fmt"
	"runtime/debug"
)

// Copies at least this large and at most chunkedMax are made in chunk-sized
// pieces: Go's memmove switches to non-temporal (cache-bypassing) stores at
// 1 MiB, which in measurements here made a single 1 MiB copy about 1.7x
// slower than the same bytes in 512 KiB pieces (DESIGN.md §8). Above about
// 16 MiB the non-temporal stores win again, so those go whole.
const (
	chunk      = 512 << 10
	chunkedMin = 1 << 20
	chunkedMax = 16 << 20
)

// guardedCopy is copy(dst, src) that turns a fault on shared memory into
// ErrFault instead of crashing the process.
//
// A segment's pages can vanish under us: when another process shrinks the
// object with ftruncate, touching them raises SIGBUS, which the Go runtime
// turns into a fatal error unless the goroutine has asked to panic on
// faults (runtime/debug.SetPanicOnFault). One guard covers the whole copy.
func guardedCopy(dst, src []byte) (n int, err error) {
	defer recoverFault(&err, debug.SetPanicOnFault(true))
	n = min(len(dst), len(src))
	if n < chunkedMin || n > chunkedMax {
		return copy(dst, src), nil
	}
	for i := 0; i < n; i += chunk {
		copy(dst[i:n], src[i:min(i+chunk, n)])
	}
	return n, nil
}

// recoverFault is deferred by guarded code with the SetPanicOnFault setting
// to restore. It turns a memory fault into ErrFault and lets any other panic
// go on.
func recoverFault(err *error, old bool) {
	debug.SetPanicOnFault(old)
	if r := recover(); r != nil {
		f, ok := r.(interface{ Addr() uintptr })
		if !ok {
			panic(r)
		}
		*err = fmt.Errorf("%w at address %#x", ErrFault, f.Addr())
	}
}
