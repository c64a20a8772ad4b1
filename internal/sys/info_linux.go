//go:build linux

package sys

import (
	"errors"

	"golang.org/x/sys/unix"
)

// XattrMarker is the extended attribute that marks a segment made with
// Persist, so that tools can tell it from one another program made. It is
// only a label: the lifetime protocol does not read it. tmpfs keeps user.*
// attributes since Linux 6.6 (tmpfs(5)); on older kernels setting it fails
// and such segments look foreign.
const XattrMarker = "user.shmkit"

// Fsetxattr is fsetxattr(2).
func Fsetxattr(fd int, attr string, value []byte) error {
	return unix.Fsetxattr(fd, attr, value, 0)
}

// HasXattr reports whether the file at path, not following a final
// symlink, carries attr with exactly value (lgetxattr(2)).
func HasXattr(path, attr string, value []byte) bool {
	buf := make([]byte, len(value)+1)
	n, err := unix.Lgetxattr(path, attr, buf)
	return err == nil && string(buf[:n]) == string(value)
}

// Major returns the major device number of dev (makedev(3)).
func Major(dev uint64) uint32 { return unix.Major(dev) }

// Minor returns the minor device number of dev (makedev(3)).
func Minor(dev uint64) uint32 { return unix.Minor(dev) }

// IsPermission reports whether err says the caller may not do it.
func IsPermission(err error) bool {
	return errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM)
}
