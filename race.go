package shm

import (
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
