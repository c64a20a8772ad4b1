package sys

import "unsafe"

// PointerAt returns a *T that aliases b[off:off+size of T].
//
// The caller has checked that the range lies inside b, that b[off] is
// suitably aligned for T, and that T holds no Go pointers. b is memory the
// Go garbage collector does not manage (an mmap'd segment), so the result
// never hides a pointer from the collector, and the region cannot move.
// Converting &b[off] through unsafe.Pointer to *T is rule (1) of
// unsafe.Pointer's documentation: T is no larger than the remaining memory
// and shares its layout with the bytes underneath.
func PointerAt[T any](b []byte, off int) *T {
	return (*T)(unsafe.Pointer(&b[off]))
}

// SliceAt returns a []T of length n that aliases b[off:], under the same
// conditions as PointerAt (with the whole n elements inside b).
func SliceAt[T any](b []byte, off, n int) []T {
	if n == 0 {
		return []T{}
	}
	return unsafe.Slice(PointerAt[T](b, off), n)
}

// Addr is the address of b[off], used for alignment checks only.
func Addr(b []byte, off int) uintptr {
	return uintptr(unsafe.Pointer(unsafe.SliceData(b))) + uintptr(off)
}

// BytesOf returns the memory of *p as bytes, for copying a value into or
// out of shared memory word by word. T must hold no Go pointers (the
// callers check it with the same rule as PointerAt), so viewing it as bytes
// hides nothing from the garbage collector; the slice aliases *p and is as
// long as T (unsafe.Slice over a valid pointer, rule (1)).
func BytesOf[T any](p *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}
