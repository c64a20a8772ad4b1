//go:build amd64 || arm64

package sys

// Pause tells the CPU that the caller is spinning (PAUSE on amd64, YIELD
// on arm64): it saves power and, on a core shared by two hardware threads,
// gives the other one the pipeline. Spin loops that poll shared memory call
// it between polls; DESIGN.md §8 measured that without it a time-budgeted
// spin burns its budget in a few microseconds of useless polls.
//
//go:noescape
func Pause()
