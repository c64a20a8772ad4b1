package shm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"runtime/debug"
	"unicode/utf16"
	"unicode/utf8"
)

// An Encoding says how [Segment.WriteStringAt] and [Segment.ReadStringAt]
// store text. Both store a NUL terminator after the text.
type Encoding uint8

const (
	// UTF8 stores a string's bytes as they are, then a NUL byte: what C
	// programs and Python's bytes expect.
	UTF8 Encoding = iota + 1

	// UTF16LE stores UTF-16 little-endian code units, then a NUL unit:
	// what AutoHotkey v2's StrPut and StrGet, .NET and the Windows "W"
	// API use. Runes above U+FFFF become surrogate pairs; invalid UTF-8
	// becomes U+FFFD.
	UTF16LE
)

func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "UTF-8"
	case UTF16LE:
		return "UTF-16LE"
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

func (e Encoding) check() error {
	if e != UTF8 && e != UTF16LE {
		return fmt.Errorf("shm: unknown encoding %v: %w", e, fs.ErrInvalid)
	}
	return nil
}

// WriteStringAt stores s at offset off in the encoding enc, followed by a
// NUL terminator, and returns the number of bytes written, terminator
// included. If it does not fit whole, it writes nothing and returns an
// error wrapping [ErrOutOfRange] (AutoHotkey's StrPut would truncate).
// A NUL inside s is stored too, and ends the string for readers.
func (s *Segment) WriteStringAt(str string, off int64, enc Encoding) (int, error) {
	if err := enc.check(); err != nil {
		return 0, err
	}
	n := len(str) + 1
	if enc == UTF16LE {
		n = 2 * (utf16Len(str) + 1)
	}
	if err := s.checkWrite(off, n); err != nil {
		return 0, err
	}
	if err := s.putString(s.m.data[off:off+int64(n)], str, enc); err != nil {
		return 0, err
	}
	return n, nil
}

// utf16Len is the number of UTF-16 code units that encode str.
func utf16Len(str string) int {
	n := 0
	for _, r := range str {
		n += utf16.RuneLen(r) // 1 or 2: a range never yields an invalid rune
	}
	return n
}

// putString encodes str and its terminator into dst, which has exactly the
// room for them.
func (s *Segment) putString(dst []byte, str string, enc Encoding) (err error) {
	defer s.recoverFault("write", &err, debug.SetPanicOnFault(true))
	if enc == UTF8 {
		dst[copy(dst, str)] = 0
		return nil
	}
	i := 0
	for _, r := range str {
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			binary.LittleEndian.PutUint16(dst[i:], uint16(r1))
			binary.LittleEndian.PutUint16(dst[i+2:], uint16(r2))
			i += 4
		} else {
			binary.LittleEndian.PutUint16(dst[i:], uint16(r))
			i += 2
		}
	}
	binary.LittleEndian.PutUint16(dst[i:], 0)
	return nil
}

// ReadStringAt reads the string stored at offset off in the encoding enc.
// It stops at the first NUL terminator or at the end of the segment,
// whichever comes first, like AutoHotkey's StrGet. UTF-8 bytes come back as
// they are; UTF-16 is decoded, with unpaired surrogates as U+FFFD and an
// odd last byte ignored. An offset outside the segment is an error wrapping
// [ErrOutOfRange].
func (s *Segment) ReadStringAt(off int64, enc Encoding) (string, error) {
	if err := enc.check(); err != nil {
		return "", err
	}
	if s.closed.Load() || off < 0 || off >= int64(len(s.m.data)) {
		return "", s.accessError("read", off, 1)
	}
	return s.getString(s.m.data[off:], enc)
}

// getString decodes the string at the start of src, reading each byte of
// shared memory once.
func (s *Segment) getString(src []byte, enc Encoding) (str string, err error) {
	defer s.recoverFault("read", &err, debug.SetPanicOnFault(true))
	if enc == UTF8 {
		if i := bytes.IndexByte(src, 0); i >= 0 {
			src = src[:i]
		}
		return string(src), nil
	}
	var buf []byte
	for i := 0; i+1 < len(src); i += 2 {
		r := rune(binary.LittleEndian.Uint16(src[i:]))
		if r == 0 {
			break
		}
		if utf16.IsSurrogate(r) && i+3 < len(src) {
			r2 := rune(binary.LittleEndian.Uint16(src[i+2:]))
			if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
				r = pair
				i += 2
			}
		}
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError
		}
		buf = utf8.AppendRune(buf, r)
	}
	return string(buf), nil
}
