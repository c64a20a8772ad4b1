//go:build !linux && !windows && !darwin && !freebsd

package shm

import "math/rand/v2"

// Where there is no way to tell a dead owner from a live one, an owner is
// presumed alive: a mutex whose owner died stays locked until every handle
// of it is closed, when the orphaned object is replaced by a fresh one.
// (Sync objects need segments, which these systems do not have anyway.)

type ownerToken struct{}

func (ownerToken) release() {}

func claimOwnerID(*syncObj) (uint32, ownerToken, error) {
	for {
		if id := rand.Uint32() & mutexOwner; id != 0 {
			return id, ownerToken{}, nil
		}
	}
}

func ownerAlive(*syncObj, uint32) (bool, error) { return true, nil }
