//go:build windows

package sys

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// OpenFileMapping is OpenFileMappingW, which x/sys/windows does not wrap.
// It fails with ERROR_FILE_NOT_FOUND when no object has the name.
//
//sys	OpenFileMapping(desiredAccess uint32, inheritHandle bool, name *uint16) (handle windows.Handle, err error) = kernel32.OpenFileMappingW

// Access rights of a file mapping ("section") object, from winnt.h. Only
// FILE_MAP_READ and FILE_MAP_WRITE are in x/sys/windows.
const (
	SectionQuery    = 0x0001 // SECTION_QUERY
	SectionMapWrite = 0x0002 // SECTION_MAP_WRITE, = FILE_MAP_WRITE
	SectionMapRead  = 0x0004 // SECTION_MAP_READ, = FILE_MAP_READ
	FileMapRead     = windows.FILE_MAP_READ
	FileMapWrite    = windows.FILE_MAP_WRITE
)

// Errors callers test for.
var (
	ErrorAlreadyExists = windows.ERROR_ALREADY_EXISTS
	ErrorFileNotFound  = windows.ERROR_FILE_NOT_FOUND
)

// CreateFileMapping creates a mapping of size bytes backed by the paging
// file (hFile = INVALID_HANDLE_VALUE), or opens the existing one called
// name. Like CreateFileMappingW it returns a valid handle together with
// ERROR_ALREADY_EXISTS when the name was taken: the handle is then the
// existing object's, at its own size ("If the object exists before the
// function call, the function returns a handle to the existing object (with
// its current size, not the specified size)", CreateFileMappingW docs).
// sddl, when not empty, is the security descriptor of a new object; empty
// gives the creator's default DACL.
func CreateFileMapping(name string, size int64, sddl string) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	var sa *windows.SecurityAttributes
	if sddl != "" {
		sd, err := windows.SecurityDescriptorFromString(sddl)
		if err != nil {
			return 0, err
		}
		sa = &windows.SecurityAttributes{SecurityDescriptor: sd}
		sa.Length = uint32(unsafe.Sizeof(*sa))
	}
	// The size goes in two DWORDs; a pagefile-backed mapping must not be
	// empty (ERROR_INVALID_PARAMETER), which the caller has ruled out.
	return windows.CreateFileMapping(windows.InvalidHandle, sa, windows.PAGE_READWRITE,
		uint32(uint64(size)>>32), uint32(size), p)
}

// OpenFileMappingByName opens the existing mapping called name with the
// given access (FileMapRead, optionally | FileMapWrite).
func OpenFileMappingByName(name string, access uint32) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	return OpenFileMapping(access, false, p)
}

// MapViewOfFile maps size bytes of the mapping h from its start, or all of
// it when size is 0, and returns them as a slice.
//
// When size is 0 the length comes from VirtualQuery, which reports whole
// pages: Windows does not remember the size a pagefile-backed mapping was
// created with at byte granularity, so a 10000-byte mapping opened this
// way is 12288 bytes long on 4 KiB pages. The extra bytes are real,
// zeroed, shared memory of the same section.
//
// The slice aliases memory outside the Go heap that stays valid until
// UnmapViewOfFile. Turning the address into a pointer is legal because it
// is not Go memory: the garbage collector neither moves nor frees it, so
// the uintptr cannot go stale (unsafe.Pointer's rules exist for Go
// memory). unsafe.Add from nil states that without a uintptr-to-Pointer
// conversion, and unsafe.Slice's contract holds: n bytes from the view's
// base are mapped.
func MapViewOfFile(h windows.Handle, access uint32, size uintptr) ([]byte, error) {
	addr, err := windows.MapViewOfFile(h, access, 0, 0, size)
	if err != nil {
		return nil, err
	}
	n := size
	if n == 0 {
		var mbi windows.MemoryBasicInformation
		if err := windows.VirtualQuery(addr, &mbi, unsafe.Sizeof(mbi)); err != nil {
			windows.UnmapViewOfFile(addr)
			return nil, err
		}
		n = mbi.RegionSize
	}
	return unsafe.Slice((*byte)(unsafe.Add(nil, addr)), n), nil
}

// UnmapViewOfFile unmaps the view b, which must be the slice MapViewOfFile
// returned (its first byte is the view's base address).
func UnmapViewOfFile(b []byte) error {
	return windows.UnmapViewOfFile(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

// Protection returns the page protection (PAGE_READONLY, PAGE_READWRITE...)
// of the first page of b, from VirtualQuery.
func Protection(b []byte) (uint32, error) {
	var mbi windows.MemoryBasicInformation
	err := windows.VirtualQuery(uintptr(unsafe.Pointer(unsafe.SliceData(b))), &mbi, unsafe.Sizeof(mbi))
	return mbi.Protect, err
}

// CloseHandle is CloseHandle.
func CloseHandle(h windows.Handle) error { return windows.CloseHandle(h) }

// CurrentUserSIDs returns the string SIDs of the user and the primary group
// of this process's token, for building security descriptors.
func CurrentUserSIDs() (user, group string, err error) {
	tok := windows.GetCurrentProcessToken()
	u, err := tok.GetTokenUser()
	if err != nil {
		return "", "", err
	}
	g, err := tok.GetTokenPrimaryGroup()
	if err != nil {
		return "", "", err
	}
	return u.User.Sid.String(), g.PrimaryGroup.String(), nil
}

// MappingDACL returns the DACL of the mapping h as SDDL ("D:..."), as the
// kernel keeps it.
func MappingDACL(h windows.Handle) (string, error) {
	sd, err := windows.GetSecurityInfo(h, windows.SE_KERNEL_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return "", err
	}
	return sd.String(), nil
}
