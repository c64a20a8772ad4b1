//go:build linux || darwin || freebsd

package sys

import (
	"errors"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Owner files stand for live handles where open file description locks do
// not exist (macOS, FreeBSD): a handle creates a small file and holds an
// exclusive flock(2) on it for as long as it is open. flock locks belong to
// the open file, not to the process, so closing some other descriptor of
// the same file does not drop them (unlike POSIX record locks), and the
// kernel drops them when the process dies, however it dies. A file that
// exists but is not locked belongs to a dead handle.

// An OwnerFile is a held owner file.
type OwnerFile struct {
	fd   int
	path string
	st   Stat
}

// errOwnerTaken says the owner file is held by a live handle.
var errOwnerTaken = errors.New("owner file in use")

// ClaimOwnerFile creates (or reuses a dead handle's) owner file at path and
// locks it. It fails with an error for which IsOwnerTaken is true if a live
// handle holds it.
func ClaimOwnerFile(path string) (*OwnerFile, error) {
	fd, err := unix.Open(path, unix.O_CREAT|unix.O_RDWR|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := Flock(fd, LockEx|LockNb); err != nil {
		unix.Close(fd)
		if errors.Is(err, EWOULDBLOCK) {
			return nil, errOwnerTaken
		}
		return nil, err
	}
	// A checker may have unlinked the file between our open and our lock
	// (it found it unlocked): then our lock is on a file nobody can find,
	// and we would look dead. Check that the name is still ours.
	st, err := Fstat(fd)
	if err == nil {
		var now Stat
		if now, err = Lstat(path); err == nil && !now.SameFile(st) {
			err = errOwnerTaken
		}
	}
	if err != nil {
		unix.Close(fd)
		if errors.Is(err, ENOENT) {
			err = errOwnerTaken
		}
		return nil, err
	}
	return &OwnerFile{fd: fd, path: path, st: st}, nil
}

// IsOwnerTaken reports whether err says that a live handle holds the owner
// file (or it changed under us): pick another id.
func IsOwnerTaken(err error) bool { return errors.Is(err, errOwnerTaken) }

// Release removes the owner file and drops its lock.
func (o *OwnerFile) Release() error {
	if now, err := Lstat(o.path); err == nil && now.SameFile(o.st) {
		unix.Unlink(o.path)
	}
	return unix.Close(o.fd)
}

// OwnerAlive reports whether a live handle holds the owner file at path. A
// dead handle's file is removed on the way. An error other than "no such
// file" counts as alive: waiting is safe, taking over is not.
func OwnerAlive(path string) bool {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if errors.Is(err, ENOENT) {
		return false
	}
	if err != nil {
		return true
	}
	defer unix.Close(fd)
	if err := Flock(fd, LockSh|LockNb); err != nil {
		return true // EWOULDBLOCK: held; anything else: do not guess
	}
	// Unheld: its handle is gone. Remove the file while we hold the lock,
	// so that no claimer can hold it meanwhile (claimers re-check the name).
	if st, err := Fstat(fd); err == nil {
		if now, err := Lstat(path); err == nil && now.SameFile(st) {
			unix.Unlink(path)
		}
	}
	return false
}

// SweepOwnerFiles removes the owner files of dead handles among those whose
// names start with prefix.
func SweepOwnerFiles(prefix string) {
	paths, _ := filepath.Glob(globQuote(prefix) + "*")
	for _, p := range paths {
		OwnerAlive(p)
	}
}

// globQuote escapes the characters filepath.Match treats specially.
func globQuote(s string) string {
	var b []byte
	for i := range len(s) {
		switch c := s[i]; c {
		case '*', '?', '[', '\\':
			b = append(b, '\\', c)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
