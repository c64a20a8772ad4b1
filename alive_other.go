//go:build !linux && !windows

package shm

import "math/rand/v2"

// Owner identity on macOS and FreeBSD: not robust yet. Open file
// description locks, which make it robust on Linux, do not exist there
// (classic POSIX record locks are per process and dropped when any
// descriptor of the file closes, which would fake deaths), so for now an
// owner is always presumed alive: a mutex whose owner died stays locked
// until every handle of it is closed, when the orphaned object is
// replaced by a fresh one. See docs/sync.md.

func claimOwnerID(*syncObj) (uint32, error) {
	for {
		if id := rand.Uint32() & mutexOwner; id != 0 {
			return id, nil
		}
	}
}

func ownerAlive(*syncObj, uint32) (bool, error) { return true, nil }
