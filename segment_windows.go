package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"github.com/shmkit/shm/internal/sys"
	"golang.org/x/sys/windows"
)

// The Windows backend uses named file mapping objects backed by the paging
// file, exactly what the AutoHotkey FileMapping class, .NET's
// MemoryMappedFile.CreateOrOpen and C programs calling CreateFileMappingW
// with INVALID_HANDLE_VALUE make, so they all share the same names.
//
// Lifetime is the kernel's: a mapping lives while any handle or view of it
// is open, in any process, and goes when the last one closes or its
// process dies. Nothing is emulated and nothing can leak past the last
// process.
//
// Names are passed to the kernel unchanged: a bare name and `Local\` name
// the same object, in the session's namespace; `Global\` names one in the
// machine-wide namespace (creating one there needs SeCreateGlobalPrivilege
// outside session 0).

// handle is an open file mapping object.
type handle struct {
	h windows.Handle
}

func openSegment(name, _ string, size int64, mode openMode, o *options) (*mapping, bool, error) {
	pathErr := func(op string, err error) error { return &fs.PathError{Op: op, Path: name, Err: err} }
	if o.persist && mode != modeOpen {
		return nil, false, pathErr("create", fmt.Errorf("shm: Persist: a Windows file mapping lives only while a handle is open: %w", errors.ErrUnsupported))
	}
	access := uint32(sys.FileMapRead | sys.FileMapWrite)
	if o.readOnly {
		access = sys.FileMapRead
	}
	if mode == modeOpen {
		h, err := sys.OpenFileMappingByName(name, access)
		if err != nil {
			return nil, false, pathErr("open", err)
		}
		m, err := mapView(h, access, 0, o)
		if err != nil {
			return nil, false, pathErr("mmap", err)
		}
		return m, false, nil
	}

	sddl, err := securityDescriptor(o.perm)
	if err != nil {
		return nil, false, pathErr("create", err)
	}
	// CreateFileMappingW creates the object or, atomically, opens the one
	// that has the name: with N racing callers exactly one gets no
	// ERROR_ALREADY_EXISTS, which settles Created.
	h, err := sys.CreateFileMapping(name, size, sddl)
	created := err == nil
	switch {
	case created:
	case h != 0 && errors.Is(err, sys.ErrorAlreadyExists):
		if mode == modeCreate {
			sys.CloseHandle(h)
			return nil, false, pathErr("create", err)
		}
	case mode == modeOpenOrCreate && errors.Is(err, windows.ERROR_ACCESS_DENIED):
		// Opening an existing object through CreateFileMappingW asks for
		// all access; one whose DACL grants us less (a Perm'd segment of
		// another user) may still open for what we need.
		h, err = sys.OpenFileMappingByName(name, access)
		if err != nil {
			return nil, false, pathErr("open", err)
		}
	default:
		return nil, false, pathErr("create", err)
	}
	// The creator maps exactly size bytes; an opener maps the whole object,
	// whose size only the page-rounded view tells.
	viewSize := uintptr(0)
	if created {
		viewSize = uintptr(size)
	}
	m, err := mapView(h, access, viewSize, o)
	if err != nil {
		return nil, false, pathErr("mmap", err)
	}
	return m, created, nil
}

// mapView maps size bytes of h (0: all of it); on failure it closes h.
func mapView(h windows.Handle, access uint32, size uintptr, o *options) (*mapping, error) {
	data, err := sys.MapViewOfFile(h, access, size)
	if err != nil {
		return nil, errors.Join(err, sys.CloseHandle(h))
	}
	if o.prefault {
		prefault(data)
	}
	return &mapping{data: data, h: handle{h: h}}, nil
}

// prefault reads one byte of every page of data so that the page faults
// are taken now rather than on first use. Windows has no MAP_POPULATE for
// views; reading is enough to make the section's pages resident, and
// unlike a write it cannot race with another process's data.
func prefault(data []byte) {
	var x byte
	for i := 0; i < len(data); i += os.Getpagesize() {
		x ^= data[i]
	}
	runtime.KeepAlive(x) // the reads are the point: keep them
}

// close unmaps data and closes the mapping handle, in that order. The
// kernel destroys the mapping once no process holds a handle or a view.
func (h *handle) close(data []byte) error {
	var errs []error
	if data != nil {
		errs = append(errs, sys.UnmapViewOfFile(data))
	}
	errs = append(errs, sys.CloseHandle(h.h))
	return errors.Join(errs...)
}

// Access rights that permission bits grant to group and others: r gives
// SECTION_MAP_READ and SECTION_QUERY (what FILE_MAP_READ needs) plus
// READ_CONTROL; w gives SECTION_MAP_WRITE (FILE_MAP_WRITE). x grants
// nothing: segments are never mapped executable.
const (
	rightsRead  = sys.SectionMapRead | sys.SectionQuery | windows.READ_CONTROL
	rightsWrite = sys.SectionMapWrite
)

func permRights(bits fs.FileMode) uint32 {
	var r uint32
	if bits&0o4 != 0 {
		r |= rightsRead
	}
	if bits&0o2 != 0 {
		r |= rightsWrite
	}
	return r
}

// securityDescriptor maps Perm bits to an SDDL security descriptor, or to
// "" (the creator's default DACL) when group and other have no bits.
//
// The DACL it builds is protected (no inherited entries) and grants:
//   - the creating user, always: full access (GA);
//   - SYSTEM: full access, as the default DACL does;
//   - the token's primary group, for the group bits (on a workgroup machine
//     that is "None", which holds every local user; on a domain, "Domain
//     Users"): rightsRead for r, rightsWrite for w;
//   - Everyone (WD), for the other bits, likewise.
func securityDescriptor(perm fs.FileMode) (string, error) {
	if perm&0o077 == 0 {
		return "", nil
	}
	user, group, err := sys.CurrentUserSIDs()
	if err != nil {
		return "", err
	}
	sddl := "D:P(A;;GA;;;" + user + ")(A;;GA;;;SY)"
	if r := permRights(perm >> 3 & 0o7); r != 0 {
		sddl += fmt.Sprintf("(A;;%#x;;;%s)", r, group)
	}
	if r := permRights(perm & 0o7); r != 0 {
		sddl += fmt.Sprintf("(A;;%#x;;;WD)", r)
	}
	return sddl, nil
}

// removeSegment cannot remove anything: a Windows mapping has no name to
// delete apart from the object, which lives until its last handle closes.
// It reports a name that exists with an error wrapping
// errors.ErrUnsupported, and one that does not with fs.ErrNotExist, as on
// other systems.
func removeSegment(name, _ string) error {
	h, err := sys.OpenFileMappingByName(name, sys.SectionQuery)
	switch {
	case err == nil:
		sys.CloseHandle(h)
		fallthrough
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		err = fmt.Errorf("shm: a Windows file mapping lives until its last handle closes and cannot be removed: %w", errors.ErrUnsupported)
	}
	return &fs.PathError{Op: "remove", Path: name, Err: err}
}
