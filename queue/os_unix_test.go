//go:build linux || darwin || freebsd

package queue_test

import "github.com/shmkit/shm/internal/sys"

// shmDir is where segments live, for the leak check: /dev/shm on Linux,
// the user's private directory with the file backend (macOS, FreeBSD,
// Linux with -tags shm_filebackend).
func shmDir() string {
	dir, err := sys.SegmentDir()
	if err != nil {
		panic(err)
	}
	return dir
}
