package command

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		err  string
	}{
		{"0", 0, ""}, {"4096", 4096, ""}, {"0x1000", 4096, ""}, {"0x1b", 27, ""},
		{"64K", 64 << 10, ""}, {"64k", 64 << 10, ""}, {"64KiB", 64 << 10, ""}, {"1 MiB", 1 << 20, ""},
		{"2M", 2 << 20, ""}, {"3G", 3 << 30, ""}, {"1t", 1 << 40, ""}, {"100B", 100, ""},
		{"", 0, "not a number"}, {"K", 0, "not a number"}, {"1.5M", 0, "not a number"}, {"lots", 0, "not a number"},
		{"-1", 0, "negative"}, {"8E", 0, "not a number"}, {"9000000T", 0, "too large"},
		{"99999999999999999999", 0, "not a number"},
	} {
		got, err := parseBytes(tt.in)
		if tt.err == "" && (err != nil || got != tt.want) || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("parseBytes(%q) = %d, %v; want %d, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestPermValue(t *testing.T) {
	var p permValue
	for _, ok := range []string{"0", "600", "0640", "777"} {
		if err := p.Set(ok); err != nil {
			t.Errorf("perm %q: %v", ok, err)
		}
	}
	if p.String() != "0777" {
		t.Errorf("String = %q", p.String())
	}
	for _, bad := range []string{"", "0999", "1777", "rw", "-1"} {
		if err := p.Set(bad); err == nil {
			t.Errorf("perm %q accepted", bad)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 10000: "9.8 KiB", 1 << 20: "1.0 MiB", 3 << 40: "3.0 TiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestHexDumper(t *testing.T) {
	var buf bytes.Buffer
	d := &hexDumper{w: &buf, off: 0x20}
	for _, piece := range []string{"Hello, ", "shared memory", "!\x00\x7f"} {
		d.Write([]byte(piece))
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	want := "00000020  48 65 6c 6c 6f 2c 20 73  68 61 72 65 64 20 6d 65  |Hello, shared me|\n" +
		"00000030  6d 6f 72 79 21 00 7f                              |mory!..|\n"
	if buf.String() != want {
		t.Fatalf("hex dump:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestDecodeString(t *testing.T) {
	utf16 := []byte{'h', 0, 'i', 0, 0x3d, 0xd8, 0x00, 0xde, 0, 0, 'x', 0} // "hi😀" NUL "x"
	for _, tt := range []struct {
		b    []byte
		wide bool
		want string
	}{
		{[]byte("abc\x00def"), false, "abc"},
		{[]byte("abc"), false, "abc"},
		{utf16, true, "hi😀"},
		{utf16[:5], true, "hi"},
		{utf16[:6], true, "hi\uFFFD"},
	} {
		enc := encodingOf(tt.wide)
		if got := decodeString(tt.b, enc); got != tt.want {
			t.Errorf("decodeString(% x, %v) = %q, want %q", tt.b, enc, got, tt.want)
		}
	}
}
