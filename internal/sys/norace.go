//go:build !race

package sys

// RaceEnabled reports whether the race detector is on.
const RaceEnabled = false

// A RaceToken annotates synchronisation for the race detector; without it,
// its methods do nothing.
type RaceToken struct{}

// Acquire does nothing without the race detector.
func (*RaceToken) Acquire() {}

// Release does nothing without the race detector.
func (*RaceToken) Release() {}

// ReleaseMerge does nothing without the race detector.
func (*RaceToken) ReleaseMerge() {}
