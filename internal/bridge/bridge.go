// Package bridge lets the module's other packages reach what package shm
// keeps unexported: the operating system object behind a segment. Package
// shm fills the variables in at init; nothing outside the module can import
// this package.
package bridge

// FD returns the file descriptor that holds a *shm.Segment open (POSIX
// only; false elsewhere or after Close). The argument is an any because
// this package cannot import shm, which imports it.
var FD = func(seg any) (int, bool) { return -1, false }

// Path returns the file behind a *shm.Segment (POSIX only; false elsewhere
// or after Close).
var Path = func(seg any) (string, bool) { return "", false }
