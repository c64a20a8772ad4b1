//go:build race

package sys

import (
	"runtime"
	"unsafe"
)

// RaceEnabled reports whether the race detector is on.
const RaceEnabled = true

// A RaceToken stands, inside this process, for a lock or signal that the
// race detector cannot see: our locks synchronise through atomics on
// mmap'd memory, which the detector ignores (it tracks the Go heap and
// data only), so without annotations it reports the data they protect as
// racy. Acquire after taking, Release before giving.
type RaceToken struct{ _ byte }

// Acquire tells the race detector that what happened before the last
// Release of t happened before the caller's next steps.
func (t *RaceToken) Acquire() { runtime.RaceAcquire(unsafe.Pointer(t)) }

// Release pairs with a later Acquire.
func (t *RaceToken) Release() { runtime.RaceRelease(unsafe.Pointer(t)) }

// ReleaseMerge is Release for signals with several senders (semaphores,
// events): it keeps the earlier releases too.
func (t *RaceToken) ReleaseMerge() { runtime.RaceReleaseMerge(unsafe.Pointer(t)) }
