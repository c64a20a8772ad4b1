package shm

import (
	"context"

	"github.com/shmkit/shm/internal/sys"
)

// On Windows an Event is a native named event (CreateEventW), shareable
// with other programs by name.
type eventSys struct {
	h sys.Handle
}

func openEvent(name string, manual bool, opts []Option) (*eventSys, error) {
	if _, err := syncOptions(name, opts); err != nil {
		return nil, err
	}
	if _, err := splitName(name); err != nil {
		return nil, err
	}
	h, err := sys.CreateEvent(name, manual)
	if err != nil {
		return nil, createError("open", name, "event", err)
	}
	return &eventSys{h: h}, nil
}

func (e *eventSys) set() error   { return sys.SetEvent(e.h) }
func (e *eventSys) reset() error { return sys.ResetEvent(e.h) }

func (e *eventSys) wait(ctx context.Context) error {
	_, err := waitObject(ctx, e.h)
	return err
}

func (e *eventSys) close() error { return sys.CloseHandle(e.h) }
