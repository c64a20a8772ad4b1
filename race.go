package shm

import (
	"fmt"
	"io/fs"
	"sync"

	"github.com/shmkit/shm/internal/sys"
)

// raceTokens holds one sys.RaceToken per sync object name in race-enabled
// builds, shared by all handles of the name in this process.
var raceTokens sync.Map // string -> *sys.RaceToken

// raceToken returns the race detector's stand-in for the sync object of
// the given kind and name (nil, which is fine, without the detector).
func raceToken(kind, name string) *sys.RaceToken {
	if !sys.RaceEnabled {
		return nil
	}
	if base, err := splitName(name); err == nil {
		name = base
	}
	t, _ := raceTokens.LoadOrStore(kind+"\x00"+name, new(sys.RaceToken))
	return t.(*sys.RaceToken)
}

// syncOptions applies opts for a sync object: only Perm means something.
func syncOptions(name string, opts []Option) (options, error) {
	o := options{perm: 0o600}
	for _, opt := range opts {
		opt(&o)
	}
	switch {
	case o.perm&^fs.ModePerm != 0:
		return o, fmt.Errorf("shm: Perm(%v): only permission bits (0777) are allowed: %w", o.perm, fs.ErrInvalid)
	case o.readOnly, o.persist:
		return o, fmt.Errorf("shm: %q: ReadOnly and Persist do not apply to a mutex, semaphore or event: %w", name, fs.ErrInvalid)
	}
	return o, nil
}
