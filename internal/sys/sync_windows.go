package sys

import (
	"errors"
	"time"

	"golang.org/x/sys/windows"
)

// Win32 synchronisation objects for the named Mutex, Semaphore and Event.
// Calls that golang.org/x/sys/windows lacks are generated into
// zsyscall_windows.go by mkwinsyscall from the //sys lines below, with those
// of sys_windows.go (the go:generate line is in doc.go).

//sys	createSemaphore(attrs *windows.SecurityAttributes, initial int32, max int32, name *uint16) (h windows.Handle, err error) [failretval==0] = kernel32.CreateSemaphoreW
//sys	releaseSemaphore(h windows.Handle, n int32, prev *int32) (err error) = kernel32.ReleaseSemaphore
//sys	openSemaphore(desiredAccess uint32, inheritHandle bool, name *uint16) (h windows.Handle, err error) = kernel32.OpenSemaphoreW

// Handle is a Win32 object handle.
type Handle = windows.Handle

// Errors callers test for.
var (
	// ErrorInvalidHandle is what Create* returns when the name belongs to
	// an object of another type (kernel objects share one namespace).
	ErrorInvalidHandle = windows.ERROR_INVALID_HANDLE
	// ErrorTooManyPosts is ReleaseSemaphore's "count would pass the max".
	ErrorTooManyPosts = windows.ERROR_TOO_MANY_POSTS
)

// name converts a kernel object name for the W calls.
func name(s string) (*uint16, error) { return windows.UTF16PtrFromString(s) }

// CreateMutex creates or opens the named mutex, not owned (CreateMutexW).
func CreateMutex(n string) (Handle, error) {
	p, err := name(n)
	if err != nil {
		return 0, err
	}
	h, err := windows.CreateMutex(nil, false, p)
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		err = nil // opened an existing one: what we want
	}
	return h, err
}

// ReleaseMutex releases a mutex the calling OS thread owns.
func ReleaseMutex(h Handle) error { return windows.ReleaseMutex(h) }

// CreateSemaphore creates or opens the named semaphore (CreateSemaphoreW).
// For an existing one, initial and max are ignored.
func CreateSemaphore(n string, initial, max int32) (Handle, error) {
	p, err := name(n)
	if err != nil {
		return 0, err
	}
	return createSemaphore(nil, initial, max, p)
}

// ReleaseSemaphore adds n to the count; it fails with ErrorTooManyPosts,
// changing nothing, if that would pass the maximum.
func ReleaseSemaphore(h Handle, n int32) error { return releaseSemaphore(h, n, nil) }

// CreateEvent creates or opens the named event, unset (CreateEventW). For
// an existing one, manual is ignored.
func CreateEvent(n string, manual bool) (Handle, error) {
	p, err := name(n)
	if err != nil {
		return 0, err
	}
	var m uint32
	if manual {
		m = 1
	}
	h, err := windows.CreateEvent(nil, m, 0, p)
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		err = nil
	}
	return h, err
}

// SetEvent sets an event.
func SetEvent(h Handle) error { return windows.SetEvent(h) }

// ResetEvent unsets an event.
func ResetEvent(h Handle) error { return windows.ResetEvent(h) }

// Results of WaitForSingleObject.
const (
	WaitObject0   = windows.WAIT_OBJECT_0
	WaitAbandoned = windows.WAIT_ABANDONED
	WaitTimeout   = uint32(windows.WAIT_TIMEOUT)
)

// WaitForSingleObject waits for h to be signalled for at most d, rounded
// up to whole milliseconds (0 polls). An abandoned mutex (its owning thread
// ended without releasing it) returns WaitAbandoned, and the caller then
// owns it.
func WaitForSingleObject(h Handle, d time.Duration) (uint32, error) {
	ms := uint32((d + time.Millisecond - 1) / time.Millisecond)
	ev, err := windows.WaitForSingleObject(h, ms)
	if ev == windows.WAIT_FAILED {
		return ev, err
	}
	return ev, nil
}

// CreateNewEvent creates a manual-reset, unset event called n, only if no
// object has that name yet (CreateEventW). If one has, it closes the handle
// CreateEventW gave and fails with ErrorAlreadyExists (an event of that
// name) or ErrorInvalidHandle (another kind of object).
func CreateNewEvent(n string) (Handle, error) {
	p, err := name(n)
	if err != nil {
		return 0, err
	}
	h, err := windows.CreateEvent(nil, 1, 0, p)
	if err != nil {
		if h != 0 {
			windows.CloseHandle(h)
		}
		return 0, err
	}
	return h, nil
}

// OpenEvent opens the existing event called n with SYNCHRONIZE access
// only (OpenEventW). It fails with ErrorFileNotFound when no object has
// the name, ErrorInvalidHandle when an object of another kind has it, and
// ERROR_ACCESS_DENIED when the event exists but its DACL keeps the caller
// out.
func OpenEvent(n string) (Handle, error) {
	p, err := name(n)
	if err != nil {
		return 0, err
	}
	return windows.OpenEvent(windows.SYNCHRONIZE, false, p)
}

// OpenSemaphore opens the existing semaphore called n with SYNCHRONIZE
// access only (OpenSemaphoreW); the errors are OpenEvent's.
func OpenSemaphore(n string) (Handle, error) {
	p, err := name(n)
	if err != nil {
		return 0, err
	}
	return openSemaphore(windows.SYNCHRONIZE, false, p)
}
