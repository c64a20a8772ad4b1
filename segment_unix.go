//go:build linux || darwin || freebsd

package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/shmkit/shm/internal/sys"
)

// The Linux backend keeps segments as files in /dev/shm (tmpfs), where
// shm_open(3) keeps them, so Python and C programs see the same names.
// macOS and FreeBSD use the same code on files in a private directory of
// the user (sys.SegmentDir; internal/sys/sys_bsd.go says why).
//
// Lifetime. POSIX shared memory lives until unlinked; Windows' lives while a
// handle is open. We emulate Windows, crash-proof:
//   - every handle holds a shared flock(2) on its descriptor for as long as
//     it is open; the kernel drops it when the process dies, however it dies;
//   - Close tries to take the lock exclusive without blocking; the one that
//     succeeds is the last holder and unlinks the name, if the name still
//     refers to its file;
//   - an opener takes its shared lock and then checks that the name still
//     refers to the file it opened, and starts over if not;
//   - segments we manage this way carry a marker mode bit (sys.ModeMarker:
//     the sticky bit on Linux, the owner's execute bit on the BSDs). We
//     never unlink an unmarked one (made by Python, C, or us with Persist),
//     and a marked one nobody holds any more (every holder was killed) is
//     an orphan, which openers treat as absent and remove.
//
// Creation. A segment is built as an O_TMPFILE (on the BSDs, a file under
// a temporary name no segment can have), sized, marked and locked before
// link(2) publishes it under its name, so no opener ever sees it empty or
// unsized, and link's EEXIST settles create races.

// handle is an open segment: its descriptor carries the shared lock.
type handle struct {
	fd      int
	path    string
	st      sys.Stat
	managed bool // marked: the last Close removes the name
}

// foreignSizeWait bounds how long Open waits for a segment another program
// has created but not sized yet (shm_open then ftruncate leaves a window in
// which the object is empty).
const foreignSizeWait = 100 * time.Millisecond

func openSegment(name, base string, size int64, mode openMode, o *options) (*mapping, bool, error) {
	pathErr := func(op string, err error) error { return &fs.PathError{Op: op, Path: name, Err: err} }
	dir, err := sys.SegmentDir()
	if err != nil {
		return nil, false, pathErr("open", err)
	}
	path := dir + "/" + base
	deadline := time.Now().Add(foreignSizeWait)
	for {
		if mode != modeCreate {
			h, err := attach(path, o.readOnly)
			switch {
			case err == nil:
				if h.st.Size == 0 && time.Now().Before(deadline) {
					h.close(nil)
					time.Sleep(time.Millisecond)
					continue
				}
				m, err := h.mmap(o)
				if err != nil {
					return nil, false, pathErr("mmap", err)
				}
				return m, false, nil
			case !errors.Is(err, sys.ENOENT) || mode == modeOpen:
				return nil, false, pathErr("open", err)
			}
		}
		h, err := create(dir, path, size, o)
		switch {
		case err == nil:
			m, err := h.mmap(o)
			if err != nil {
				// mmap released the handle, which removes a managed
				// segment; a Persist one this call published must go too.
				return nil, false, pathErr("mmap", errors.Join(err, unlinkIfSame(path, h.st)))
			}
			return m, true, nil
		case !errors.Is(err, sys.EEXIST):
			return nil, false, pathErr("create", err)
		case mode == modeCreate:
			reaped, rerr := reapOrphan(path)
			if rerr != nil {
				return nil, false, pathErr("create", rerr)
			}
			if !reaped {
				return nil, false, pathErr("create", err)
			}
		}
		// Somebody else published the name first, or it was an orphan we
		// just removed: go round again.
	}
}

// create builds a new segment of size bytes and publishes it at path,
// already holding its shared lock. It fails with EEXIST if path exists.
func create(dir, path string, size int64, o *options) (h *handle, err error) {
	fd, tmp, err := sys.OpenTmpfile(dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			sys.Close(fd)
			sys.RemoveTmpfile(tmp)
		}
	}()
	mode := uint32(o.perm) &^ sys.ModeMarker
	if !o.persist {
		mode |= sys.ModeMarker
	}
	// The lock is taken before the name exists, so no opener can find the
	// segment unheld and take it for an orphan.
	if err := sys.Ftruncate(fd, size); err != nil {
		return nil, err
	}
	if err := sys.Fchmod(fd, mode); err != nil {
		return nil, err
	}
	if err := sys.Pwrite(fd, o.init, 0); err != nil {
		return nil, err
	}
	if o.persist {
		labelPersist(fd) // for List; not part of the lifetime protocol
	}
	if err := sys.Flock(fd, sys.LockSh); err != nil {
		return nil, err
	}
	if err := sys.LinkTmpfile(fd, tmp, path); err != nil {
		return nil, err
	}
	st, err := sys.Fstat(fd)
	if err != nil {
		sys.Unlink(path)
		return nil, err
	}
	return &handle{fd: fd, path: path, st: st, managed: !o.persist}, nil
}

// attach opens the existing segment at path and takes its shared lock. An
// orphan is removed and reported as ENOENT.
func attach(path string, readOnly bool) (*handle, error) {
	for {
		fd, err := sys.Open(path, readOnly)
		if err != nil {
			return nil, err
		}
		h, err := lockOpened(fd, path)
		if err != nil {
			sys.Close(fd)
			if errors.Is(err, errStale) {
				continue
			}
			return nil, err
		}
		if h == nil { // an orphan, now removed
			sys.Close(fd)
			return nil, sys.ENOENT
		}
		return h, nil
	}
}

// errStale says the name was unlinked or replaced while we opened it.
var errStale = errors.New("stale")

// lockOpened takes the shared lock on fd, opened from path, and checks that
// path still names it. It returns a nil handle for an orphan, which it has
// removed.
func lockOpened(fd int, path string) (*handle, error) {
	st, err := sys.Fstat(fd)
	if err != nil {
		return nil, err
	}
	if !st.IsRegular() {
		return nil, fmt.Errorf("not a shared memory segment (mode %#o)", st.Mode)
	}
	managed := st.Mode&sys.ModeMarker != 0
	// Nobody holds a lock if we can take it exclusively. For a managed
	// segment that makes it an orphan. Otherwise take the shared lock,
	// waiting out a last closer or a reaper that holds it exclusively for
	// the moment it takes to unlink.
	switch err := sys.Flock(fd, sys.LockEx|sys.LockNb); {
	case err == nil && managed:
		return nil, unlinkIfSame(path, st)
	case err == nil, errors.Is(err, sys.EWOULDBLOCK):
		// From exclusive to shared, or a fresh shared lock. Converting is
		// not atomic (flock(2)); the identity check below covers the gap.
		if err := sys.Flock(fd, sys.LockSh); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	now, err := sys.Lstat(path)
	if err != nil || !now.SameFile(st) {
		return nil, errStale
	}
	return &handle{fd: fd, path: path, st: st, managed: managed}, nil
}

// reapOrphan removes the segment at path if it is an orphan, and reports
// whether it did.
func reapOrphan(path string) (bool, error) {
	fd, err := sys.Open(path, true)
	if errors.Is(err, sys.ENOENT) {
		return true, nil // gone meanwhile: the caller may retry
	}
	if err != nil {
		return false, err
	}
	defer sys.Close(fd)
	st, err := sys.Fstat(fd)
	if err != nil || !st.IsRegular() || st.Mode&sys.ModeMarker == 0 {
		return false, err
	}
	if sys.Flock(fd, sys.LockEx|sys.LockNb) != nil {
		return false, nil // held
	}
	return true, unlinkIfSame(path, st)
}

// unlinkIfSame unlinks path if it still names the file st describes. The
// caller holds that file's exclusive lock, so no handle of ours can appear
// on it meanwhile.
func unlinkIfSame(path string, st sys.Stat) error {
	now, err := sys.Lstat(path)
	if err != nil || !now.SameFile(st) {
		return nil // already gone or replaced: not ours to remove
	}
	if err := sys.Unlink(path); err != nil && !errors.Is(err, sys.ENOENT) {
		return err
	}
	return nil
}

// mmap maps the whole segment, as big as the handle's stat found it; on
// failure it releases the handle.
func (h *handle) mmap(o *options) (*mapping, error) {
	var data []byte
	var err error
	if h.st.Size <= 0 || uint64(h.st.Size) > maxSize {
		err = fmt.Errorf("%w: %d bytes", ErrInvalidSize, h.st.Size)
	} else {
		data, err = sys.Mmap(h.fd, int(h.st.Size), o.readOnly, o.prefault)
	}
	if err != nil {
		return nil, errors.Join(err, h.close(nil))
	}
	return &mapping{data: data, h: *h}, nil
}

// close unmaps data, gives up the lock (removing the segment if this was
// its last handle) and closes the descriptor, in that order.
func (h *handle) close(data []byte) error {
	var errs []error
	if data != nil {
		errs = append(errs, sys.Munmap(data))
	}
	// A failed non-blocking conversion drops our shared lock too (the
	// kernel removes the old lock before looking for conflicts); we are
	// leaving anyway. The one closer that succeeds holds the last handle.
	if h.managed && sys.Flock(h.fd, sys.LockEx|sys.LockNb) == nil {
		errs = append(errs, unlinkIfSame(h.path, h.st))
	}
	errs = append(errs, sys.Close(h.fd))
	return errors.Join(errs...)
}

func removeSegment(name, base string) error {
	dir, err := sys.SegmentDir()
	if err == nil {
		err = sys.Unlink(dir + "/" + base)
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	return nil
}
