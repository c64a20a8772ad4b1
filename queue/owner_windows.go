package queue

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/sys"
)

// Owner ids on Windows. Each queue handle creates a named event called
// after the queue and its id, `Local\jobs/owner.1234` for the queue
// `Local\jobs`, and holds the only handle to it for as long as it is open.
// Nobody waits on the event or sets it: it exists to be found. The kernel
// destroys a named object when its last handle closes, and closes every
// handle of a process that ends, however it ends (TerminateProcess
// included). So "no object has the name" means "the owner with that id is
// gone", checked with one OpenEventW, and no PID is ever trusted.
//
// An id is claimed by creating its event: CreateEventW reports
// ERROR_ALREADY_EXISTS when a live handle (or a checker that has it open
// for a moment) holds the name, and the claimer tries another id. As on
// Linux, an id that still stands in the queue's memory (a dead owner's) is
// skipped too, or that owner would look alive again.
//
// Why an event rather than a mutex: a mutex has an owning thread and can be
// abandoned, neither of which means anything here; an event that is never
// waited on is the plainest named object there is.
type owners struct {
	base string // objectBase of the queue's name
	h    sys.Handle
	me   uint16
}

func newOwners(seg *shm.Segment, mem []byte, g geometry) (*owners, error) {
	o := &owners{base: objectBase(seg.Name())}
	for range 1000 {
		id := uint16(rand.Uint32())
		if id == 0 {
			continue
		}
		name := o.name(id)
		h, err := sys.CreateNewEvent(name)
		if errors.Is(err, sys.ErrorAlreadyExists) || errors.Is(err, sys.ErrorInvalidHandle) {
			continue // a live handle has it (or an object of another kind)
		}
		if err != nil {
			return nil, &fs.PathError{Op: "create", Path: name, Err: err}
		}
		if idInUse(mem, g, id) {
			sys.CloseHandle(h)
			continue
		}
		o.h, o.me = h, id
		return o, nil
	}
	return nil, fmt.Errorf("shm/queue: %s: no free owner id", seg.Name())
}

// name is the name of owner id's event.
func (o *owners) name(id uint16) string {
	return o.base + "/owner." + strconv.Itoa(int(id))
}

// alive reports whether the handle with owner id is open: whether its
// event exists. Only "not found" means dead; any other failure (access
// denied by a DACL, the name taken by another kind of object) leaves the
// owner alive: waiting is safe, stealing is not.
func (o *owners) alive(id uint16) bool {
	h, err := sys.OpenEvent(o.name(id))
	if err == nil {
		sys.CloseHandle(h)
		return true
	}
	return !errors.Is(err, sys.ErrorFileNotFound)
}

func (o *owners) close() error { return sys.CloseHandle(o.h) }

// Names of the queue's kernel objects. They are the queue's name, a slash
// and what the object is: Windows allows '/' in a kernel object name, and
// package shm does not in the names of its segments and sync objects, so
// these names cannot be taken by any of them (kernel objects of all kinds
// share one namespace, so a segment called `jobs.notFull` would otherwise
// keep the queue `jobs` from opening). Windows limits a kernel object name
// to MAX_PATH (260) UTF-16 units, terminating NUL included, and a queue
// name may already use 7 + 255 of them (`Global\` and the longest base
// shm accepts). The objects are called base + suffix, where base is the
// queue's name when that always fits, and otherwise the namespace prefix
// plus a digest of the name. The choice depends on the part after the
// prefix only, so that `jobs` and `Local\jobs`, which are the same queue,
// also name the same objects.
const (
	maxObjectName = 260 - 1 // MAX_PATH, less the NUL
	// longestPrefix and longestSuffix are `Global\` and "/owner.65535".
	longestPrefix = 7
	longestSuffix = 12
)

// objectBase returns what the names of the kernel objects of the queue
// called name start with.
func objectBase(name string) string {
	prefix, base := "", name
	for _, p := range []string{`Local\`, `Global\`} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			prefix, base = p, rest
			break
		}
	}
	if longestPrefix+len(utf16.Encode([]rune(base)))+longestSuffix <= maxObjectName {
		return name
	}
	sum := sha256.Sum256([]byte(base))
	return prefix + "shmqueue-" + hex.EncodeToString(sum[:16])
}
