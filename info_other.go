//go:build !linux || shm_filebackend

package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
)

// Stat, List and RemoveOrphans are implemented on Linux only so far.

func infoUnsupported(what string) error {
	return fmt.Errorf("shm: %s on %s: %w", what, runtime.GOOS, errors.ErrUnsupported)
}

func statSegment(name, _ string) (Info, error) {
	return Info{}, &fs.PathError{Op: "stat", Path: name, Err: infoUnsupported("describing segments")}
}

func listSegments() ([]Info, error) { return nil, infoUnsupported("listing segments") }

func removeOrphans(string, bool) ([]string, error) {
	return nil, infoUnsupported("removing orphans")
}
