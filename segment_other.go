//go:build !linux && !windows && !darwin && !freebsd

package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
)

// handle is empty where segments are not implemented yet.
type handle struct{}

func (*handle) close([]byte) error { return nil }

func errUnsupported(op, name string) error {
	return &fs.PathError{Op: op, Path: name,
		Err: fmt.Errorf("shm: segments on %s: %w", runtime.GOOS, errors.ErrUnsupported)}
}

func openSegment(name, _ string, _ int64, _ openMode, _ *options) (*mapping, bool, error) {
	return nil, false, errUnsupported("open", name)
}

func removeSegment(name, _ string) error { return errUnsupported("remove", name) }
