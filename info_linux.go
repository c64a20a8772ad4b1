//go:build !shm_filebackend

package shm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/shmkit/shm/internal/sys"
)

// Holders are counted from /proc/locks (proc(5)), which lists every flock(2)
// lock with the device and inode of its file. Reading it disturbs nobody.
// Probing with a non-blocking exclusive flock would not do: while the probe
// holds the lock, an opener of an orphan waits for it (lockOpened) and then
// finds the name unchanged, so it keeps the orphan alive instead of
// replacing it with a fresh segment.
const procLocks = "/proc/locks"

// persistMark is the value of sys.XattrMarker on a segment made with
// Persist.
var persistMark = []byte("persist")

func statSegment(name, base string) (Info, error) {
	locks, lerr := readLocks()
	info, err := statPath(base, locks, lerr == nil, map[int]string{})
	if err != nil {
		return Info{}, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return info, nil
}

func listSegments() ([]Info, error) {
	entries, err := os.ReadDir(sys.ShmDir)
	if err != nil {
		return nil, err
	}
	locks, lerr := readLocks()
	owners := map[int]string{}
	var infos []Info
	for _, e := range entries {
		if _, err := splitName(e.Name()); err != nil || !e.Type().IsRegular() {
			continue // not a name a segment can have, or not a file
		}
		info, err := statPath(e.Name(), locks, lerr == nil, owners)
		if err != nil {
			continue // removed or replaced since ReadDir
		}
		infos = append(infos, info)
	}
	slices.SortFunc(infos, func(a, b Info) int { return strings.Compare(a.Name, b.Name) })
	return infos, nil
}

// statPath describes the segment called base. locks are the flock holders
// by file, valid if haveLocks. owners caches user names by UID.
func statPath(base string, locks map[fileID][]int, haveLocks bool, owners map[int]string) (Info, error) {
	p := sys.ShmDir + "/" + base
	st, err := sys.Lstat(p)
	if err != nil {
		return Info{}, err
	}
	if !st.IsRegular() {
		return Info{}, fmt.Errorf("not a shared memory segment (mode %#o)", st.Mode)
	}
	info := Info{
		Name:     base,
		Size:     st.Size,
		Mode:     fs.FileMode(st.Mode & sys.ModePerm),
		UID:      int(st.Uid),
		Owner:    ownerName(int(st.Uid), owners),
		Lifetime: LifetimeForeign,
		Holders:  -1,
	}
	switch {
	case st.Mode&sys.ModeMarker != 0:
		info.Lifetime = LifetimeHandles
	case sys.HasXattr(p, sys.XattrMarker, persistMark):
		info.Lifetime = LifetimePersist
	}
	if haveLocks {
		info.PIDs = locks[fileID{sys.Major(st.Dev), sys.Minor(st.Dev), st.Ino}]
		info.Holders = len(info.PIDs)
		info.Orphan = info.Lifetime == LifetimeHandles && info.Holders == 0
	}
	return info, nil
}

// ownerName returns the user name of uid, or uid as text, caching it.
func ownerName(uid int, cache map[int]string) string {
	if name, ok := cache[uid]; ok {
		return name
	}
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	cache[uid] = name
	return name
}

// fileID names a file the way /proc/locks does.
type fileID struct {
	major, minor uint32
	ino          uint64
}

func readLocks() (map[fileID][]int, error) {
	data, err := os.ReadFile(procLocks)
	if err != nil {
		return nil, err
	}
	return parseLocks(data), nil
}

// parseLocks returns, for each file, the PIDs of the flock(2) locks held on
// it (one entry per lock, so per open file description), from the text of
// /proc/locks:
//
//	1: FLOCK  ADVISORY  READ 9080 00:1a:3284993 0 EOF
//	2: -> FLOCK  ADVISORY  WRITE 9081 00:1a:3284993 0 EOF
//
// The device is major:minor in hex, the inode in decimal (fs/locks.c,
// lock_get_status). Lines with "->" are requests still waiting: not
// holders. Lines it does not understand are skipped.
func parseLocks(data []byte) map[fileID][]int {
	locks := map[fileID][]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[1] != "FLOCK" {
			continue
		}
		pid, err := strconv.Atoi(f[4])
		if err != nil {
			continue
		}
		parts := strings.Split(f[5], ":")
		if len(parts) != 3 {
			continue
		}
		major, err1 := strconv.ParseUint(parts[0], 16, 32)
		minor, err2 := strconv.ParseUint(parts[1], 16, 32)
		ino, err3 := strconv.ParseUint(parts[2], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		id := fileID{uint32(major), uint32(minor), ino}
		locks[id] = append(locks[id], pid)
	}
	return locks
}

func removeOrphans(pattern string, dryRun bool) ([]string, error) {
	infos, err := listSegments()
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, info := range infos {
		if ok, _ := path.Match(pattern, info.Name); !ok || info.Lifetime != LifetimeHandles {
			continue
		}
		if dryRun {
			if info.Holders < 0 {
				return nil, fmt.Errorf("shm: cannot tell orphans without %s", procLocks)
			}
			if info.Orphan {
				removed = append(removed, info.Name)
			}
			continue
		}
		p := sys.ShmDir + "/" + info.Name
		before, err := sys.Lstat(p)
		if err != nil {
			continue // gone already
		}
		// reapOrphan opens the name again and removes it only if it is
		// still marked and nobody holds it, holding its exclusive lock
		// meanwhile: this is what makes the scan above safe to act on.
		reaped, err := reapOrphan(p)
		switch {
		case sys.IsPermission(err):
			continue // somebody else's, and not ours to judge
		case err != nil:
			errs = append(errs, &fs.PathError{Op: "remove", Path: info.Name, Err: err})
			continue
		case !reaped:
			continue // held
		}
		// reapOrphan also reports true when another process removed or
		// replaced the name meanwhile; either way the orphan is gone.
		if now, err := sys.Lstat(p); err != nil || !now.SameFile(before) {
			removed = append(removed, info.Name)
		}
	}
	return removed, errors.Join(errs...)
}

// labelPersist marks a segment made with Persist so that List can tell it
// from one another program made (Lifetime persist rather than foreign). It
// is only a label, best effort: tmpfs keeps user xattrs from Linux 6.6 on.
func labelPersist(fd int) { _ = sys.Fsetxattr(fd, sys.XattrMarker, persistMark) }
