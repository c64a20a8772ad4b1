// Package shm provides named shared memory between processes: segments
// that any process can create or open by name, read and write at offsets,
// and share with programs written in other languages.
//
// It grows from AutoHotkey's FileMapping class, and keeps its model: a
// segment is created or opened by name ([OpenOrCreate]), written and read
// at byte offsets ([Segment.WriteAt], [Segment.ReadAt]) or as strings
// ([Segment.WriteStringAt] in [UTF8] or AutoHotkey's [UTF16LE]), and lives
// while any process has it open.
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
// so other Windows programs share the object. POSIX systems drop the
// prefix and use the POSIX shared memory name "/Name", which Python's
// multiprocessing.shared_memory.SharedMemory("Name"), C's shm_open("/Name")
// and Boost's shared_memory_object see. A name must be valid UTF-8, at most
// 255 bytes after the prefix, and free of '/', '\' and NUL; "." and ".."
// are refused ([ErrInvalidName]).
//
// # Lifetime
//
// A segment lives while any handle to it is open, on every OS, as on
// Windows: the last [Segment.Close] removes it, and so does the death of the
// last process holding it, however it died.
//
// On Linux the rule is emulated over /dev/shm, crash-proof: each handle
// holds a shared flock(2) on the segment's file, which the kernel drops when
// the process exits or is killed; the closer that can take the lock
// exclusively removes the name. Segments made this way carry the sticky bit
// as a marker. A marked segment whose every holder was killed (an orphan)
// is treated as absent: the next [OpenOrCreate] or [Create] replaces it with
// fresh zeroed memory and [Open] reports [fs.ErrNotExist]. Segments without
// the marker, made by Python, C or with [Persist], are never removed by this
// package except through [Remove], and programs that do not flock do not
// count as holders.
//
// [Persist] opts out on POSIX: the segment stays until [Remove], like
// Python's and Boost's. Windows has no such objects.
//
// # Concurrency
//
// A [Segment]'s methods are safe for concurrent use, except that Close must
// not race with the others. The shared memory itself is not synchronised:
// coordinate writers with atomics on [View] memory, or a lock.
//
// # Safety
//
// Every offset and length is checked: a bad one returns an error wrapping
// [ErrOutOfRange], and a write that does not fit writes nothing. If another
// process truncates a segment, touching the lost pages raises SIGBUS:
// ReadAt, WriteAt and the string methods turn that into [ErrFault], at a
// cost of a few nanoseconds a call. [Segment.Bytes], [View] and [Slice] are
// the unguarded zero-copy path: no copy and no guard, but a fault there
// crashes the process.
//
// # Platforms
//
//	OS       mechanism                      lifetime                      status
//	Linux    /dev/shm files (shm_open's)     flock emulation, crash-proof  tested
//	Windows  CreateFileMapping (page file)   kernel                        not yet: ErrUnsupported
//	macOS    -                               -                             not yet: ErrUnsupported
//	FreeBSD  -                               -                             not yet: ErrUnsupported
//	other    -                               -                             ErrUnsupported
//
// Where a feature cannot work, the call returns an error wrapping
// [errors.ErrUnsupported].
package shm
