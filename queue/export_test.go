package queue

// SetSpinning turns the spin phase of blocking calls on or off, so that a
// benchmark can measure the sleeping path.
func SetSpinning(on bool) { spinning = on }
