//go:build linux

package sys

import "golang.org/x/sys/unix"

// Open file description locks (fcntl(2), "Open file description locks
// (non-POSIX)", Linux 3.15) on single bytes of a file identify a live
// holder of a descriptor: the kernel drops such a lock when the last
// descriptor of its open file description is closed, which includes every
// way a process can die, and unlike classic POSIX record locks (F_SETLK)
// closing some other descriptor of the same file in the same process does
// not drop it. They do not interact with flock(2) locks on the same file,
// which the segment lifetime protocol uses. A lock may lie past the end of
// the file.

func ofd(fd, cmd int, typ int16, off int64) (*unix.Flock_t, error) {
	// l_pid must be 0 for the OFD commands.
	lk := &unix.Flock_t{Type: typ, Whence: 0 /* SEEK_SET */, Start: off, Len: 1}
	err := ignoringEINTR(func() error { return unix.FcntlFlock(uintptr(fd), cmd, lk) })
	return lk, err
}

// OFDSetlk takes a write lock on byte off of fd's file without waiting
// (F_OFD_SETLK with F_WRLCK). It fails with EAGAIN (or EACCES) when another
// open file description holds a lock there.
func OFDSetlk(fd int, off int64) error {
	_, err := ofd(fd, unix.F_OFD_SETLK, unix.F_WRLCK, off)
	return err
}

// OFDUnlock releases fd's lock on byte off (F_OFD_SETLK with F_UNLCK).
func OFDUnlock(fd int, off int64) error {
	_, err := ofd(fd, unix.F_OFD_SETLK, unix.F_UNLCK, off)
	return err
}

// OFDGetlk reports whether an open file description other than fd's holds
// a lock on byte off (F_OFD_GETLK). Our own lock never conflicts with us,
// so it is not reported.
func OFDGetlk(fd int, off int64) (locked bool, err error) {
	lk, err := ofd(fd, unix.F_OFD_GETLK, unix.F_WRLCK, off)
	if err != nil {
		return false, err
	}
	return lk.Type != unix.F_UNLCK, nil
}

// EACCES is what some kernels return instead of EAGAIN for a conflicting
// lock (fcntl(2): "EACCES or EAGAIN").
var EACCES = unix.EACCES
