//go:build linux && !shm_filebackend

package command

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func TestRead(t *testing.T) {
	seg := newSegment(t, 100)
	name := seg.Name()
	if _, err := seg.WriteStringAt("hello", 0, shm.UTF8); err != nil {
		t.Fatal(err)
	}
	if _, err := seg.WriteStringAt("wide ✓", 64, shm.UTF16LE); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"read", name}, "hello\n"},
		{[]string{"read", name, "--size", "3"}, "hel\n"},
		{[]string{"read", name, "--utf16", "--offset", "64"}, "wide ✓\n"},
		{[]string{"read", name, "--utf16", "--offset", "64", "--size", "8"}, "wide\n"},
		{[]string{"read", name, "--raw", "--offset", "1", "--size", "5"}, "ello\x00"},
		{[]string{"read", name, "--raw", "--offset", "98"}, "\x00\x00"},
		{[]string{"read", name, "--raw", "--offset", "100"}, ""},
		{[]string{"read", name, "--hex", "--size", "20"},
			"00000000  68 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |hello...........|\n" +
				"00000010  00 00 00 00                                       |....|\n"},
		{[]string{"read", name, "--hex", "--offset", "64", "--size", "4"},
			"00000040  77 00 69 00                                       |w.i.|\n"},
	} {
		if got := mustRun(t, tt.args...); got != tt.want {
			t.Errorf("shm %q printed %q, want %q", tt.args, got, tt.want)
		}
	}

	var text readJSON
	if err := json.Unmarshal([]byte(mustRun(t, "read", name, "--json", "--utf16", "--offset", "64")), &text); err != nil {
		t.Fatal(err)
	}
	if text.Name != name || text.Offset != 64 || text.Text == nil || *text.Text != "wide ✓" ||
		text.Encoding != "UTF-16LE" || text.Size != 12 || text.Hex != nil || text.Base64 != nil {
		t.Errorf("read --json: %+v", text)
	}
	var raw readJSON
	if err := json.Unmarshal([]byte(mustRun(t, "read", name, "--json", "--raw", "--size", "6")), &raw); err != nil {
		t.Fatal(err)
	}
	if b, err := base64.StdEncoding.DecodeString(*raw.Base64); err != nil || string(b) != "hello\x00" || raw.Size != 6 {
		t.Errorf("read --json --raw: %+v (%q, %v)", raw, b, err)
	}
	var hexed readJSON
	if err := json.Unmarshal([]byte(mustRun(t, "read", name, "--json", "--hex", "--size", "2")), &hexed); err != nil {
		t.Fatal(err)
	}
	if hexed.Hex == nil || *hexed.Hex != "6865" {
		t.Errorf("read --json --hex: %+v", hexed)
	}

	out := filepath.Join(t.TempDir(), "out")
	mustRun(t, "read", name, "--raw", "--out", out)
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, seg.Bytes()) {
		t.Fatalf("read --raw --out wrote %q, %v", got, err)
	}

	wantExit(t, ExitUsage, "none of the others can be", "read", name, "--hex", "--raw")
	wantExit(t, ExitUsage, "--utf16 applies to text", "read", name, "--hex", "--utf16")
	wantExit(t, ExitFailure, "out of range", "read", name, "--offset", "100")
	wantExit(t, ExitFailure, "past the end", "read", name, "--raw", "--offset", "101")
	wantExit(t, ExitNotFound, "no such file", "read", testutil.Name(t))
	wantExit(t, ExitNotFound, "no such file", "read", name, "--out", filepath.Join(t.TempDir(), "no", "dir"))
}

// TestReadLarge reads more than one chunk.
func TestReadLarge(t *testing.T) {
	seg := newSegment(t, 3*readChunk+5)
	for i := range seg.Bytes() {
		seg.Bytes()[i] = byte(i * 7)
	}
	out := filepath.Join(t.TempDir(), "out")
	mustRun(t, "read", seg.Name(), "--raw", "--offset", "3", "--out", out)
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, seg.Bytes()[3:]) {
		t.Fatalf("read of %d bytes: got %d, %v", len(seg.Bytes())-3, len(got), err)
	}
}
