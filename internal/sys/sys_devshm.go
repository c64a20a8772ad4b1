//go:build linux && !shm_filebackend

// With the build tag shm_filebackend, Linux uses the macOS and FreeBSD
// backend (sys_bsd.go) instead of this one, so that its code runs in tests
// here: go test -tags shm_filebackend ./...

package sys

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// ShmDir is where glibc's shm_open(3) keeps POSIX shared memory objects, so
// names created here are the ones Python's multiprocessing.shared_memory, C
// shm_open and Boost interprocess use.
const ShmDir = "/dev/shm"

// SegmentDir returns the directory that holds segments: ShmDir.
func SegmentDir() (string, error) { return ShmDir, nil }

// ModeMarker marks the segments whose lifetime the library manages: the
// sticky bit (S_ISVTX), which means nothing on a regular file on Linux and
// which Python, C and Boost never set.
const ModeMarker = unix.S_ISVTX

// OpenTmpfile makes an unnamed regular file in dir (open(2), O_TMPFILE). It
// is invisible to everybody until LinkTmpfile gives it a name, which is how
// a segment is built and sized before anyone can open it. The temporary
// name it returns is always "": there is none.
func OpenTmpfile(dir string) (fd int, tmp string, err error) {
	err = ignoringEINTR(func() (err error) {
		fd, err = unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
		return err
	})
	return fd, "", err
}

// LinkTmpfile gives the O_TMPFILE file fd the name path, failing with EEXIST
// if the name exists. linkat(2) with AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH;
// linking the /proc/self/fd magic link with AT_SYMLINK_FOLLOW does not, and
// is the method open(2) documents for O_TMPFILE.
func LinkTmpfile(fd int, _, path string) error {
	return unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
}
