// Package shm provides named shared memory between processes: segments that
// one process creates by name and others open, read and write, on Linux,
// Windows, macOS and FreeBSD, without cgo.
//
// It grew from an AutoHotkey class, FileMapping, and keeps its model: a
// segment is created or opened by name ([OpenOrCreate]), read and written
// at offsets ([Segment.ReadAt], [Segment.WriteAt], and NUL-terminated
// strings in UTF-8 or UTF-16 with [Segment.WriteStringAt] and
// [Segment.ReadStringAt]), and closed ([Segment.Close]). On Windows the
// segments are the named file mappings other Windows programs use; on Linux
// they are the POSIX shared memory objects of /dev/shm that Python's
// multiprocessing.shared_memory and C's shm_open use.
//
//	seg, err := shm.OpenOrCreate(`Local\MySharedData`, 10000)
//	if err != nil { ... }
//	defer seg.Close()
//	seg.WriteStringAt("This is data shared between scripts", 0, shm.UTF16LE)
//
// Typed, zero-copy access to C-compatible structs goes through [View] and
// [Slice]; packed layouts such as AutoHotkey's NumPut are encoding/binary
// over ReadAt and WriteAt (see the examples).
//
// # Names
//
// A name is "Name", `Local\Name` or `Global\Name`. Windows uses it as it is,
// so other Windows programs share the object. The other systems drop the
// prefix, so `Local\Telemetry` and `Telemetry` are the same segment there;
// on Linux that is the POSIX shared memory name "/Telemetry", which Python's
// SharedMemory("Telemetry"), C's shm_open("/Telemetry") and Boost see. A
// name must be valid UTF-8, at most 255 bytes after the prefix, and free of
// '/', '\' and NUL; "." and ".." are refused ([ErrInvalidName]).
//
// # Lifetime
//
// A segment lives while any handle to it is open, in any process, as on
// Windows: when the last [Segment.Close] runs, or the last process holding
// one exits or is killed, it is gone. Windows does this in the kernel. On
// Linux, macOS and FreeBSD the package emulates it: every handle holds a
// shared flock(2) on the segment, the last one to close removes the name,
// and a segment left behind because all its holders were killed is treated
// as absent by the next [OpenOrCreate] or [Create], which replace it with a
// fresh one ([Open] reports [fs.ErrNotExist] for it). Segments managed
// this way carry a marker (the sticky bit on Linux); segments made by other
// programs or with [Persist] have none and are never removed except by
// [Remove]. Programs that do not hold the shared flock do not count as
// holders. [Persist] opts out (the segment stays until [Remove]); Windows cannot do
// that and returns an error wrapping [errors.ErrUnsupported].
//
// # Concurrency
//
// A [Segment]'s methods are safe for concurrent use by several goroutines,
// except that [Segment.Close] must not race with the others. The memory
// itself is not synchronised: processes that write the same bytes need a
// lock or atomics, as the seed's documentation says. [View] and [Slice]
// give typed access for atomics on aligned fields.
//
// # Safety
//
// Every offset and length is checked: a bad one returns an error wrapping
// [ErrOutOfRange], and a write that does not fit writes nothing. If another
// process truncates a segment, touching the lost pages raises SIGBUS:
// ReadAt, WriteAt and the string methods turn that into [ErrFault], at a
// cost of a few nanoseconds a call. [Segment.Bytes], [View] and [Slice] are
// the unguarded zero-copy path: no copy and no guard, but a fault there
// crashes the process, as does writing through them to a [ReadOnly]
// segment.
//
// # Operating systems
//
// What differs between systems (macOS and FreeBSD are built, vetted and
// their backend code run on Linux with the build tag shm_filebackend, but
// they could not be run here):
//
//	                 Linux             Windows                  macOS, FreeBSD
//	object           file in /dev/shm  named file mapping,      file in /tmp/shm-UID
//	                 (tmpfs)           paging-file backed       (a directory only the
//	                                                            user can enter)
//	name             prefix dropped    unchanged: bare =        prefix dropped; names
//	                                   Local\ (session);        are per user
//	                                   Global\ is machine-wide
//	shared with      Python, C         AutoHotkey, .NET, C,     this package only
//	                 shm_open, Boost   Python (same names)      (not shm_open)
//	lifetime         emulated (flock)  kernel                   emulated (flock)
//	Persist, Remove  yes               ErrUnsupported           yes
//	opened Size      exact             whole pages (10000       exact
//	                                   opens as 12288)
//	Perm             mode bits         a DACL (see below)       mode bits; the owner's
//	                                                            x bit is dropped
//	Prefault         MAP_POPULATE      reads every page         FreeBSD MAP_PREFAULT_READ;
//	                                                            macOS: nothing
//	truncation by    ErrFault (SIGBUS  cannot happen: mappings  ErrFault (SIGBUS caught)
//	another process  caught)           never shrink
//	memory           RAM (tmpfs)       RAM and paging file      the file system's page
//	                                                            cache: written back to
//	                                                            disk on macOS (APFS)
//
// Windows. [Open] maps the whole mapping; Windows only reports its size in
// whole pages, so a segment created with 10000 bytes opens with
// [Segment.Size] 12288 (the extra bytes are real, zeroed, shared memory).
// The creator's [Segment.Size] is the size it asked for. [Remove] returns
// an error wrapping [errors.ErrUnsupported] for a name that exists (a
// mapping has no name apart from the object) and one wrapping
// [fs.ErrNotExist] for one that does not.
//
// Windows permissions. Without [Perm], or with group and other bits all
// zero, a mapping gets the security descriptor of the creator's token: its
// default DACL, which usually grants full access to the creating user and
// SYSTEM (Administrators instead of the user for an elevated process) and
// read access to the creator's logon session, and nothing to other users.
// A `Local\` name is moreover visible only inside the creator's session.
// With group or other bits, the mapping gets a protected DACL: full access
// for the creating user and SYSTEM; for the group bits, the token's primary
// group ("None", every local user, on a workgroup machine; "Domain Users"
// on a domain); for the other bits, Everyone. r grants SECTION_MAP_READ,
// SECTION_QUERY and READ_CONTROL (enough for FILE_MAP_READ), w grants
// SECTION_MAP_WRITE (FILE_MAP_WRITE); x grants nothing. Programs that open
// with FILE_MAP_ALL_ACCESS, as the AutoHotkey class does by default, need
// full access: only the creating user has it. [ReadOnly] maps with
// FILE_MAP_READ. Wine, where the Windows tests run here, keeps these
// descriptors but does not enforce them, so only their content is tested.
//
// macOS and FreeBSD. Neither system's POSIX shared memory is usable without
// cgo and able to carry the lifetime protocol: macOS's shm_open is reachable
// only through libSystem, which x/sys/unix does not wrap for it, and
// FreeBSD's shm_open2 is not wrapped and its objects keep no mode bits
// beyond 0777 for the marker the protocol needs. So segments there are
// regular files in /tmp/shm-UID, made 0700 on first use and refused
// (fs.ErrPermission) if another user owns it or can enter it; Python and C
// programs on those systems cannot open them by their shm_open names, and
// other users cannot reach them whatever [Perm] says. A managed segment is
// marked with the owner's execute bit (the sticky bit, Linux's marker, is
// refused on files there). A process killed while creating a segment may
// leave a temporary file (named `\tmp-...`), removed by a later create.
//
// Other systems build, and every constructor returns an error wrapping
// [errors.ErrUnsupported].
package shm
