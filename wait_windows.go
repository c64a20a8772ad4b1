package shm

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// waitSlice is the longest a Windows wait sleeps before it looks at its
// context again: it bounds how late a cancellation is noticed.
const waitSlice = 25 * time.Millisecond

// waitObject waits until h is signalled or ctx is done. For a mutex,
// abandoned reports that its previous owner's thread ended while holding
// it (WAIT_ABANDONED); the caller owns it then too.
func waitObject(ctx context.Context, h sys.Handle) (abandoned bool, err error) {
	for {
		slice := waitSlice
		if d, ok := ctx.Deadline(); ok {
			slice = max(min(slice, time.Until(d)), 0)
		}
		ev, err := sys.WaitForSingleObject(h, slice)
		switch {
		case err != nil:
			return false, err
		case ev == sys.WaitObject0:
			return false, nil
		case ev == sys.WaitAbandoned:
			return true, nil
		}
		if err := ctx.Err(); err != nil {
			return false, err
		}
	}
}

// pollObject takes h if it is signalled now.
func pollObject(h sys.Handle) (ok, abandoned bool, err error) {
	ev, err := sys.WaitForSingleObject(h, 0)
	switch {
	case err != nil:
		return false, false, err
	case ev == sys.WaitObject0:
		return true, false, nil
	case ev == sys.WaitAbandoned:
		return true, true, nil
	}
	return false, false, nil
}

// createError explains a failed Create*: a name taken by another kind of
// object fails with ERROR_INVALID_HANDLE, which we report as fs.ErrExist
// like the POSIX backends.
func createError(op, name, kind string, err error) error {
	if err == sys.ErrorInvalidHandle {
		err = fmt.Errorf("%w: the name belongs to an object that is not a %s", fs.ErrExist, kind)
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}
