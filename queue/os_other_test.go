//go:build !linux && !darwin && !freebsd && !windows

package queue_test

// shmDir is empty: there is no directory of segments to check for leaks.
func shmDir() string { return "" }
