package shm

import (
	"fmt"
	"io/fs"
	"path"
)

// Info describes a segment as the operating system sees it, for tools that
// list and inspect segments (the shm command). It is a snapshot: by the
// time it is read, holders may have come and gone.
type Info struct {
	// Name is the segment's name without its Local\ or Global\ prefix,
	// as other programs (Python, C shm_open without the leading '/') use it.
	Name string

	// Size is the size of the segment in bytes.
	Size int64

	// Mode holds the permission bits (fs.ModePerm) of the segment.
	Mode fs.FileMode

	// UID is the numeric user ID of the owner, or -1 where the OS has none.
	UID int

	// Owner is the owner's user name, or UID as text if it has no name.
	Owner string

	// Lifetime says what keeps the segment alive and who made it.
	Lifetime Lifetime

	// Holders counts the open handles of this package on the segment
	// (each [Segment] is one; they keep a LifetimeHandles segment alive),
	// or is -1 if the OS does not tell. Other programs' mappings are not
	// counted, nor, on Linux, handles in other PID namespaces (containers
	// sharing the shared memory directory).
	Holders int

	// PIDs lists the processes holding those handles, one entry per
	// handle, where the OS tells.
	PIDs []int

	// Orphan reports a LifetimeHandles segment that no handle holds any
	// more (Holders is 0): every process that had it open died without
	// closing it. Opening the name treats it as absent ([OpenOrCreate]
	// and [Create] replace it by a fresh one) and [RemoveOrphans] removes
	// it; both check again under its lock first.
	Orphan bool
}

// Lifetime says what keeps a segment alive, and so who may remove it.
type Lifetime uint8

const (
	// LifetimeHandles is a segment this package made without [Persist]:
	// it lives while a handle to it is open, and the last handle to close
	// removes it.
	LifetimeHandles Lifetime = iota + 1

	// LifetimePersist is a segment this package made with [Persist]: it
	// lives until [Remove].
	LifetimePersist

	// LifetimeForeign is a segment another program made (Python's
	// multiprocessing.shared_memory, C shm_open, Boost), or this package
	// made with Persist where the OS could not record that: it lives until
	// somebody removes it, and this package never removes it on its own.
	LifetimeForeign
)

// String returns "handles", "persist" or "foreign".
func (l Lifetime) String() string {
	switch l {
	case LifetimeHandles:
		return "handles"
	case LifetimePersist:
		return "persist"
	case LifetimeForeign:
		return "foreign"
	}
	return fmt.Sprintf("Lifetime(%d)", uint8(l))
}

// MarshalText encodes the lifetime as its String, for JSON.
func (l Lifetime) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText decodes what MarshalText encodes.
func (l *Lifetime) UnmarshalText(text []byte) error {
	for _, v := range []Lifetime{LifetimeHandles, LifetimePersist, LifetimeForeign} {
		if string(text) == v.String() {
			*l = v
			return nil
		}
	}
	return fmt.Errorf("shm: unknown lifetime %q: %w", text, fs.ErrInvalid)
}

// Stat describes the segment called name, whoever made it. It fails with
// an error wrapping [fs.ErrNotExist] if there is none.
func Stat(name string) (Info, error) {
	base, err := splitName(name)
	if err != nil {
		return Info{}, err
	}
	return statSegment(name, base)
}

// List describes every segment on this machine that the caller can see,
// made by this package or by other programs, sorted by name. Objects whose
// names this package cannot use (see [ErrInvalidName]) are left out.
func List() ([]Info, error) { return listSegments() }

// RemoveOrphans removes the orphans (see [Info.Orphan]) whose names match
// pattern, a [path.Match] pattern ("" or "*" for all), and returns their
// names. With dryRun it removes nothing and returns the names it would
// remove. It never removes a segment that is held, that another program
// made, that was made with [Persist], or that was created after it looked:
// each one is checked again, under its lock, as it is removed. Segments the
// caller may not open are skipped.
func RemoveOrphans(pattern string, dryRun bool) ([]string, error) {
	if pattern == "" {
		pattern = "*"
	}
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("shm: RemoveOrphans pattern %q: %w", pattern, err)
	}
	return removeOrphans(pattern, dryRun)
}
