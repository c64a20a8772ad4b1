package shm_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// FuzzName: every name is either refused with ErrInvalidName or names a
// segment that can really be created, opened and removed.
func FuzzName(f *testing.F) {
	for _, s := range []string{"a", `Local\a`, `Global\a`, `Local\`, "", ".", "..", "a/b", `a\b`,
		"a\x00", "\xff", `Local\Global\a`, strings.Repeat("x", 300), "con", " ", "-rf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, suffix string) {
		name := testutil.Name(t) + suffix
		seg, err := shm.Create(name, 1)
		if err != nil {
			if !errors.Is(err, shm.ErrInvalidName) {
				t.Fatalf("Create(%q): %v", name, err)
			}
			base := strings.TrimPrefix(name, testutil.Prefix)
			if len(name) <= 255 && utf8.ValidString(name) && !strings.ContainsAny(base, "/\\\x00") {
				t.Fatalf("refused a good name %q: %v", name, err)
			}
			return
		}
		defer seg.Close()
		other, err := shm.Open(name)
		if err != nil {
			t.Fatalf("Open(%q) after Create: %v", name, err)
		}
		other.Close()
	})
}

// FuzzAccess: any offset and length either works within the segment or is
// refused without touching it.
func FuzzAccess(f *testing.F) {
	f.Add(int64(0), 10, uint16(100))
	f.Add(int64(-1), 0, uint16(1))
	f.Add(int64(99), 2, uint16(100))
	f.Add(int64(1<<62), 1, uint16(7))
	f.Fuzz(func(t *testing.T, off int64, n int, size uint16) {
		if size == 0 || n < 0 || n > 1<<16 {
			return
		}
		seg := mustCreate(t, int64(size))
		p := bytes.Repeat([]byte{0xEE}, n)
		wn, err := seg.WriteAt(p, off)
		fits := off >= 0 && off <= int64(size) && int64(n) <= int64(size)-off
		if fits != (err == nil) || (err != nil && (wn != 0 || !errors.Is(err, shm.ErrOutOfRange))) {
			t.Fatalf("WriteAt(%d, %d) in %d = %d, %v", n, off, size, wn, err)
		}
		if err != nil && !bytes.Equal(seg.Bytes(), make([]byte, size)) {
			t.Fatal("a refused write wrote")
		}
		rn, err := seg.ReadAt(make([]byte, n), off)
		switch {
		case off < 0:
			if !errors.Is(err, shm.ErrOutOfRange) {
				t.Fatalf("ReadAt at %d: %v", off, err)
			}
		case fits && n > 0 && off+int64(n) <= int64(size):
			if rn != n || err != nil {
				t.Fatalf("ReadAt(%d, %d) = %d, %v", n, off, rn, err)
			}
		default:
			if want := max(0, min(int64(n), int64(size)-off)); int64(rn) != want || (rn < n && err != io.EOF) {
				t.Fatalf("ReadAt(%d, %d) in %d = %d, %v", n, off, size, rn, err)
			}
		}
		if _, err := seg.ReadStringAt(off, shm.UTF16LE); (off >= 0 && off < int64(size)) != (err == nil) {
			t.Fatalf("ReadStringAt(%d) in %d: %v", off, size, err)
		}
	})
}
