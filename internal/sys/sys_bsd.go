//go:build darwin || freebsd || (linux && shm_filebackend)

package sys

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// On macOS and FreeBSD segments are regular files in a private directory of
// the user, SegmentDir, with the same flock(2) lifetime protocol as on
// Linux. Neither system's POSIX shared memory serves without cgo: macOS's
// shm_open is reachable only through libSystem, which Go reaches only for
// the calls x/sys/unix wraps (shm_open is not one); FreeBSD's shm_open2(2)
// is not wrapped either, and its objects keep only the 0777 bits of their
// mode (shm_chmod masks with ACCESSPERMS), so they cannot carry the marker
// the lifetime protocol needs. doc.go says what this means for users.

// segmentRoot holds the per-user directories: fixed, not $TMPDIR, so that
// every process of a user finds the same names whatever its environment.
const segmentRoot = "/tmp"

// SegmentDir returns the directory that holds this user's segments,
// /tmp/shm-UID, making it (mode 0700) if it does not exist. A directory
// there that is not ours, or that others may enter, is refused with an
// error wrapping fs.ErrPermission: /tmp is shared, and another user could
// have made it to watch or swap our segments.
func SegmentDir() (string, error) {
	uid := unix.Geteuid()
	dir := segmentRoot + "/shm-" + strconv.Itoa(uid)
	if err := unix.Mkdir(dir, 0o700); err != nil && err != unix.EEXIST {
		return "", &fs.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	st, err := Lstat(dir)
	if err != nil {
		return "", &fs.PathError{Op: "lstat", Path: dir, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR || st.Uid != uint32(uid) || st.Mode&0o077 != 0 {
		return "", &fs.PathError{Op: "open", Path: dir,
			Err: fmt.Errorf("not a private directory of uid %d (mode %#o, owner %d): %w", uid, st.Mode, st.Uid, fs.ErrPermission)}
	}
	return dir, nil
}

// ModeMarker marks the segments whose lifetime the library manages. The
// sticky bit cannot serve here: chmod(2) on the BSDs refuses it on a
// regular file for an ordinary user (EFTYPE). The owner's execute bit is
// used instead; it means nothing for a file nobody executes, and the
// segment code keeps it out of Perm's bits.
const ModeMarker = unix.S_IXUSR

// tmpPrefix starts the temporary names of segments being built. Segment
// names cannot hold a backslash, so no segment has such a name.
const tmpPrefix = `\tmp-`

// OpenTmpfile makes a new regular file in dir under a temporary name that
// no segment can have, so that nobody opens it before LinkTmpfile
// publishes it, and takes its shared lock at once. It first removes the
// temporary files of creators that died before publishing theirs.
func OpenTmpfile(dir string) (fd int, tmp string, err error) {
	reapTmpfiles(dir)
	for {
		tmp = dir + "/" + tmpPrefix + strconv.FormatUint(rand.Uint64(), 36)
		err = ignoringEINTR(func() (err error) {
			fd, err = unix.Open(tmp, unix.O_CREAT|unix.O_EXCL|unix.O_RDWR|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o600)
			return err
		})
		if err == unix.EEXIST {
			continue
		}
		if err != nil {
			return -1, "", err
		}
		if err := Flock(fd, LockSh); err != nil {
			unix.Close(fd)
			unix.Unlink(tmp)
			return -1, "", err
		}
		return fd, tmp, nil
	}
}

// tmpfileGrace is how old an unlocked temporary file must be before
// reapTmpfiles removes it: its creator takes the lock right after making
// it, so only a creator that died leaves one unlocked for long.
const tmpfileGrace = 10 * time.Second

// reapTmpfiles removes the temporary files in dir whose creator died
// between OpenTmpfile and LinkTmpfile: nobody holds their lock and they
// are older than tmpfileGrace. Failures are ignored; the next call tries
// again.
func reapTmpfiles(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpPrefix) || !e.Type().IsRegular() {
			continue
		}
		path := dir + "/" + e.Name()
		fd, err := Open(path, true)
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Fstat(fd, &st) == nil && time.Since(time.Unix(st.Mtim.Unix())) > tmpfileGrace &&
			Flock(fd, LockEx|LockNb) == nil {
			unix.Unlink(path)
		}
		unix.Close(fd)
	}
}

// LinkTmpfile publishes the file OpenTmpfile made under path: link(2)
// fails with EEXIST if the name exists, which settles create races; the
// temporary name is then removed. A process that dies in between leaves
// the temporary name behind, never a half-made segment.
func LinkTmpfile(_ int, tmp, path string) error {
	if err := unix.Link(tmp, path); err != nil {
		return err
	}
	unix.Unlink(tmp)
	return nil
}
