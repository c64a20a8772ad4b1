package shm

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/shmkit/shm/internal/sys"
)

// View returns a pointer to the T stored at offset off of the segment: a
// zero-copy, typed window on shared memory, such as a C struct another
// program fills in. T must hold no pointers (no pointers, strings, slices,
// maps, interfaces, channels or functions, at any depth), or View fails with
// [ErrInvalidType]; off must be aligned for T ([ErrMisaligned]) and T must
// fit in the segment ([ErrOutOfRange]).
//
// Like [Segment.Bytes], the pointer is unguarded: it is valid until Close,
// and accessing it after the segment was truncated by another process, or
// writing through it on a ReadOnly segment, crashes the process. Accesses
// are plain loads and stores; use sync/atomic on its fields, or a lock, when
// other processes write concurrently.
func View[T any](s *Segment, off int64) (*T, error) {
	b, err := window[T](s, off, 1)
	if err != nil {
		return nil, err
	}
	return sys.PointerAt[T](b, 0), nil
}

// Slice returns n consecutive T at offset off of the segment, under the same
// rules as [View].
func Slice[T any](s *Segment, off int64, n int) ([]T, error) {
	b, err := window[T](s, off, n)
	if err != nil {
		return nil, err
	}
	return sys.SliceAt[T](b, 0, n), nil
}

// window checks that n values of T can live at off and returns the bytes
// from off on.
func window[T any](s *Segment, off int64, n int) ([]byte, error) {
	t := reflect.TypeFor[T]()
	if err := checkPlain(t); err != nil {
		return nil, err
	}
	if s.closed.Load() {
		return nil, s.closedError("view")
	}
	data := s.m.data
	size := int64(t.Size())
	if off < 0 || off > int64(len(data)) || n < 0 ||
		(size > 0 && int64(n) > (int64(len(data))-off)/size) {
		return nil, s.rangeError("view", off, n*int(size))
	}
	if a := uintptr(t.Align()); sys.Addr(data, int(off))%a != 0 {
		return nil, fmt.Errorf("shm: view %s at offset %d: %w to %d bytes", t, off, ErrMisaligned, a)
	}
	s.m.exposed.Store(true)
	return data[off:], nil
}

// plainTypes caches checkPlain's verdicts.
var plainTypes sync.Map // reflect.Type -> error

// checkPlain returns an error wrapping ErrInvalidType unless values of t
// are plain bytes to the garbage collector and meaningful in another
// process.
func checkPlain(t reflect.Type) error {
	if v, ok := plainTypes.Load(t); ok {
		if v == nil {
			return nil
		}
		return v.(error)
	}
	var err error
	if bad := firstPointer(t); bad != nil {
		err = fmt.Errorf("%w: %s holds %s", ErrInvalidType, t, bad)
	}
	plainTypes.Store(t, err)
	return err
}

// firstPointer returns the first type within t that holds a pointer, or nil.
func firstPointer(t reflect.Type) reflect.Type {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return nil
	case reflect.Array:
		return firstPointer(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if bad := firstPointer(t.Field(i).Type); bad != nil {
				return bad
			}
		}
		return nil
	}
	return t
}
