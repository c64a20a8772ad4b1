//go:build linux

package sys

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Futex operations (futex(2), include/uapi/linux/futex.h). We use the
// shared forms, never FUTEX_PRIVATE_FLAG: our words live in MAP_SHARED
// mappings that other processes map too, and the private forms key the
// kernel's wait queue on (this process's mm, address), which a waker in
// another process never matches. The shared forms key it on the page's
// inode and offset instead.
const (
	futexWait = 0 // FUTEX_WAIT
	futexWake = 1 // FUTEX_WAKE
)

// Futex errors the callers treat as "look at the word again".
var (
	EAGAIN    = unix.EAGAIN
	ETIMEDOUT = unix.ETIMEDOUT
	EINTR     = unix.EINTR
)

// FutexWait sleeps while *addr holds val, for at most timeout (FUTEX_WAIT;
// the kernel measures the relative timeout on CLOCK_MONOTONIC). It returns
// nil when woken, which may be spurious; EAGAIN when *addr did not hold val
// at the call; ETIMEDOUT; or EINTR after a signal. Callers re-read the word
// in every case, so all four mean the same to them.
//
// addr must be 4-byte aligned and lie in a shared mapping that stays mapped
// for the duration of the call (the caller keeps its owner alive).
func FutexWait(addr *uint32, val uint32, timeout time.Duration) error {
	ts := unix.NsecToTimespec(max(int64(timeout), 1))
	// unix.Syscall6 enters the runtime's syscall state, so the scheduler
	// hands this thread's P to other goroutines while we sleep. Passing
	// the pointers as uintptr inside the call expression is rule (4) of
	// unsafe.Pointer; addr points to mmap'd memory the collector never
	// moves, and ts is kept alive by the call.
	_, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWait,
		uintptr(val), uintptr(unsafe.Pointer(&ts)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// FutexWake wakes at most n threads sleeping in FutexWait on addr, in any
// process (FUTEX_WAKE), and returns how many it woke.
func FutexWake(addr *uint32, n int) (int, error) {
	r, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWake,
		uintptr(n), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
