//go:build linux || darwin || freebsd

package sys

import (
	"errors"

	"golang.org/x/sys/unix"
)

// NameMax is the longest file name tmpfs, APFS and UFS accept (NAME_MAX).
const NameMax = 255

// ModePerm are the permission bits of a mode.
const ModePerm = 0o777

// Errors callers test for.
var (
	EEXIST      = unix.EEXIST
	ENOENT      = unix.ENOENT
	EWOULDBLOCK = unix.EWOULDBLOCK
	ELOOP       = unix.ELOOP
)

// ignoringEINTR retries fn while it fails with EINTR. Go installs its signal
// handlers with SA_RESTART, but flock(2) and open(2) on some file systems
// can still return EINTR (see os/file_posix.go and signal(7), "Interruption
// of system calls and library functions by signal handlers").
func ignoringEINTR(fn func() error) error {
	for {
		err := fn()
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// Open opens path without following a final symlink, close-on-exec and
// non-blocking (so that a FIFO planted under the name cannot block us).
func Open(path string, readOnly bool) (int, error) {
	flags := unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NONBLOCK
	if readOnly {
		flags |= unix.O_RDONLY
	} else {
		flags |= unix.O_RDWR
	}
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Open(path, flags, 0)
		return err
	})
	return fd, err
}

// Stat is the part of stat(2) the segment code needs.
type Stat struct {
	Dev, Ino uint64
	Mode     uint32
	Uid      uint32
	Size     int64
}

// IsRegular reports whether the file is a regular file.
func (s Stat) IsRegular() bool { return s.Mode&unix.S_IFMT == unix.S_IFREG }

// SameFile reports whether both describe the same inode.
func (s Stat) SameFile(o Stat) bool { return s.Dev == o.Dev && s.Ino == o.Ino }

// fromUnix converts the OS's stat; the field types differ between systems
// (st_dev is an int32 on macOS, st_mode a uint16 on the BSDs).
func fromUnix(st *unix.Stat_t) Stat {
	return Stat{Dev: uint64(st.Dev), Ino: uint64(st.Ino), Mode: uint32(st.Mode), Uid: st.Uid, Size: st.Size}
}

// Fstat is fstat(2).
func Fstat(fd int) (Stat, error) {
	var st unix.Stat_t
	err := unix.Fstat(fd, &st)
	return fromUnix(&st), err
}

// Lstat is lstat(2): it describes a symlink, not its target.
func Lstat(path string) (Stat, error) {
	var st unix.Stat_t
	err := unix.Lstat(path, &st)
	return fromUnix(&st), err
}

// Ftruncate is ftruncate(2).
func Ftruncate(fd int, size int64) error {
	return ignoringEINTR(func() error { return unix.Ftruncate(fd, size) })
}

// Fchmod is fchmod(2). Unlike the mode given to open(2) it ignores the umask.
func Fchmod(fd int, mode uint32) error { return unix.Fchmod(fd, mode) }

// Flock operations (flock(2)).
const (
	LockSh = unix.LOCK_SH
	LockEx = unix.LOCK_EX
	LockNb = unix.LOCK_NB
)

// Flock is flock(2), retried on EINTR.
func Flock(fd, how int) error {
	return ignoringEINTR(func() error { return unix.Flock(fd, how) })
}

// Unlink is unlink(2).
func Unlink(path string) error { return unix.Unlink(path) }

// Close is close(2). It is not retried on EINTR: on Linux and the BSDs the
// descriptor is released even then (close(2), "Dealing with error returns
// from close()").
func Close(fd int) error { return unix.Close(fd) }

// Mmap maps size bytes of fd shared. populate asks the kernel to fault the
// pages in now rather than on first touch, where the OS can (mmapPopulate).
func Mmap(fd int, size int, readOnly, populate bool) ([]byte, error) {
	prot := unix.PROT_READ
	if !readOnly {
		prot |= unix.PROT_WRITE
	}
	flags := unix.MAP_SHARED
	if populate {
		flags |= mmapPopulate
	}
	return unix.Mmap(fd, 0, size, prot, flags)
}

// Munmap unmaps b, which must be the slice Mmap returned (x/sys/unix keys
// its bookkeeping on it and rejects a resliced one).
func Munmap(b []byte) error { return unix.Munmap(b) }

// RemoveTmpfile removes the temporary name OpenTmpfile gave a file, if it
// gave one and it is still there.
func RemoveTmpfile(tmp string) {
	if tmp != "" {
		unix.Unlink(tmp)
	}
}

// Pwrite writes all of p at offset off of fd (pwrite(2)).
func Pwrite(fd int, p []byte, off int64) error {
	for len(p) > 0 {
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = unix.Pwrite(fd, p, off)
			return err
		})
		if err != nil {
			return err
		}
		p, off = p[n:], off+int64(n)
	}
	return nil
}
