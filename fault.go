package shm

import (
	"fmt"
	"io/fs"
	"runtime/debug"
)

// recoverFault is deferred by every method that touches shared memory, as
//
//	defer s.recoverFault(op, &err, debug.SetPanicOnFault(true))
//
// so that a fault on the segment becomes an error instead of a crash. A
// segment's pages can vanish under us: when another process shrinks the
// object (ftruncate), touching them raises SIGBUS, which the Go runtime
// treats as fatal unless the goroutine asked to panic on faults
// (runtime/debug.SetPanicOnFault). recoverFault restores the goroutine's
// previous setting, turns a fault into an error wrapping ErrFault, and lets
// any other panic go on.
//
// The guard costs a few nanoseconds a call, most of it the deferred call;
// there is one per call, around the whole copy.
func (s *Segment) recoverFault(op string, err *error, old bool) {
	debug.SetPanicOnFault(old)
	if r := recover(); r != nil {
		*err = s.faultError(op, r)
	}
}

// faultError turns the value a fault panicked with into an error wrapping
// ErrFault; any other panic goes on.
func (s *Segment) faultError(op string, r any) error {
	f, ok := r.(interface{ Addr() uintptr })
	if !ok {
		panic(r)
	}
	return &fs.PathError{Op: op, Path: s.name, Err: fmt.Errorf("%w at address %#x", ErrFault, f.Addr())}
}
