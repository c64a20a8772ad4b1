package shm_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shmkit/shm"
)

// StrPut(s, p, "UTF-16") writes s as UTF-16LE code units and a NUL unit;
// the expected bytes below were worked out by hand from the Unicode tables.
func TestUTF16MatchesStrPut(t *testing.T) {
	tests := []struct {
		s   string
		hex string
	}{
		{"", "0000"},
		{"A", "41000000"},
		{"héllo", "6800e9006c006c006f000000"},
		{"€", "ac200000"},     // U+20AC, one unit
		{"😀", "3dd800de0000"}, // U+1F600 = D83D DE00, a surrogate pair
		{"a😀b", "61003dd800de62000000"},
		{"日本", "e5652c670000"},
		{"\U0010FFFF", "ffdbffdf0000"},                          // the last code point: DBFF DFFF
		{"bad\xffutf8", "620061006400fdff75007400660038000000"}, // U+FFFD for the bad byte
	}
	seg := mustCreate(t, 64)
	for _, tt := range tests {
		want, err := hex.DecodeString(tt.hex)
		if err != nil {
			t.Fatal(err)
		}
		clear(seg.Bytes())
		n, err := seg.WriteStringAt(tt.s, 3, shm.UTF16LE) // odd offset: StrPut does not align
		if err != nil || n != len(want) {
			t.Fatalf("WriteStringAt(%q) = %d, %v; want %d bytes", tt.s, n, err, len(want))
		}
		if got := seg.Bytes()[3 : 3+n]; !bytes.Equal(got, want) {
			t.Errorf("WriteStringAt(%q) wrote % x, want % x", tt.s, got, want)
		}
		got, err := seg.ReadStringAt(3, shm.UTF16LE)
		if wantS := strings.ToValidUTF8(tt.s, "\uFFFD"); got != wantS || err != nil {
			t.Errorf("ReadStringAt = %q, %v; want %q", got, err, wantS)
		}
	}
}

func TestUTF16Decoding(t *testing.T) {
	tests := []struct {
		name  string
		bytes []byte
		want  string
	}{
		{"stops at NUL", []byte{'h', 0, 'i', 0, 0, 0, 'x', 0}, "hi"},
		{"lone high surrogate", []byte{0x3d, 0xd8, 'a', 0, 0, 0}, "\uFFFDa"},
		{"lone low surrogate", []byte{0x00, 0xde, 0, 0}, "\uFFFD"},
		{"high surrogate at end", []byte{'a', 0, 0x3d, 0xd8}, "a\uFFFD"},
		{"reversed pair", []byte{0x00, 0xde, 0x3d, 0xd8, 0, 0}, "\uFFFD\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seg := mustCreate(t, int64(len(tt.bytes)))
			copy(seg.Bytes(), tt.bytes)
			got, err := seg.ReadStringAt(0, shm.UTF16LE)
			if got != tt.want || err != nil {
				t.Fatalf("ReadStringAt = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// A string with no terminator ends at the end of the segment, never beyond.
func TestReadStringStopsAtEnd(t *testing.T) {
	seg := mustCreate(t, 9) // odd size: the last byte is half a unit
	copy(seg.Bytes(), "abcdefghi")
	if s, err := seg.ReadStringAt(2, shm.UTF8); s != "cdefghi" || err != nil {
		t.Fatalf("UTF8: %q, %v", s, err)
	}
	copy(seg.Bytes(), []byte{'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e'})
	if s, err := seg.ReadStringAt(0, shm.UTF16LE); s != "abcd" || err != nil {
		t.Fatalf("UTF16LE: %q, %v", s, err)
	}
	for _, off := range []int64{-1, 9, 1 << 50} {
		if _, err := seg.ReadStringAt(off, shm.UTF8); !errors.Is(err, shm.ErrOutOfRange) {
			t.Fatalf("ReadStringAt(%d): %v, want ErrOutOfRange", off, err)
		}
	}
}

func TestUTF8RoundTrip(t *testing.T) {
	seg := mustCreate(t, 32)
	n, err := seg.WriteStringAt("héllo", 4, shm.UTF8)
	if n != 7 || err != nil {
		t.Fatalf("WriteStringAt = %d, %v", n, err)
	}
	if !bytes.Equal(seg.Bytes()[4:11], []byte("héllo\x00")) {
		t.Fatalf("wrote % x", seg.Bytes()[4:11])
	}
	if s, _ := seg.ReadStringAt(4, shm.UTF8); s != "héllo" {
		t.Fatalf("read %q", s)
	}
	// Exactly fitting, terminator included.
	if _, err := seg.WriteStringAt(strings.Repeat("x", 31), 0, shm.UTF8); err != nil {
		t.Fatal(err)
	}
	if _, err := seg.WriteStringAt(strings.Repeat("x", 32), 0, shm.UTF8); !errors.Is(err, shm.ErrOutOfRange) {
		t.Fatalf("a string without room for its NUL: %v", err)
	}
}

func TestUnknownEncoding(t *testing.T) {
	seg := mustCreate(t, 8)
	if _, err := seg.WriteStringAt("x", 0, shm.Encoding(9)); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("WriteStringAt: %v", err)
	}
	if _, err := seg.ReadStringAt(0, 0); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("ReadStringAt: %v", err)
	}
}

func FuzzStringRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a", "héllo", "😀", "\x00", "\xed\xa0\x80", "日本語"} {
		f.Add(s, uint16(0), true)
	}
	f.Fuzz(func(t *testing.T, s string, off uint16, utf16 bool) {
		seg := mustCreate(t, 256)
		enc := shm.UTF8
		if utf16 {
			enc = shm.UTF16LE
		}
		n, err := seg.WriteStringAt(s, int64(off), enc)
		if err != nil {
			if !errors.Is(err, shm.ErrOutOfRange) {
				t.Fatalf("WriteStringAt: %v", err)
			}
			if !bytes.Equal(seg.Bytes(), make([]byte, 256)) {
				t.Fatal("a failed write wrote")
			}
			return
		}
		if int(off)+n > 256 {
			t.Fatalf("wrote %d bytes at %d into 256", n, off)
		}
		got, err := seg.ReadStringAt(int64(off), enc)
		if err != nil {
			t.Fatal(err)
		}
		want := s
		if i := strings.IndexByte(want, 0); i >= 0 {
			want = want[:i]
		}
		if enc == shm.UTF16LE {
			want = strings.ToValidUTF8(want, "\uFFFD")
			if !utf8.ValidString(got) {
				t.Fatalf("decoded invalid UTF-8 %q", got)
			}
			// ToValidUTF8 merges runs of bad bytes; we replace each.
			want = strings.ReplaceAll(want, "\uFFFD", "")
			got = strings.ReplaceAll(got, "\uFFFD", "")
		}
		if got != want {
			t.Fatalf("round trip of %q gave %q", want, got)
		}
	})
}
