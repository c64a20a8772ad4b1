//go:build linux && !shm_filebackend

package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// newSegment creates a segment for t, held until the test ends.
func newSegment(t *testing.T, size int64) *shm.Segment {
	t.Helper()
	seg, err := shm.Create(testutil.Name(t), size)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Close() })
	return seg
}

func TestWrite(t *testing.T) {
	seg := newSegment(t, 256)
	name := seg.Name()
	mem := seg.Bytes()

	out := mustRun(t, "write", name, "hello")
	if !bytes.Equal(mem[:6], []byte("hello\x00")) || out != "wrote 6 bytes to "+name+" at offset 0\n" {
		t.Fatalf("write TEXT: %q, said %q", mem[:8], out)
	}

	// --utf16 stores what WriteStringAt stores.
	text := "héllo 𝄞"
	ref := newSegment(t, 256)
	n, err := ref.WriteStringAt(text, 100, shm.UTF16LE)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, "write", name, text, "--utf16", "--offset", "100")
	if !bytes.Equal(mem[100:100+n], ref.Bytes()[100:100+n]) {
		t.Fatalf("write --utf16 stored % x, WriteStringAt % x", mem[100:100+n], ref.Bytes()[100:100+n])
	}

	// Standard input and --file are written byte for byte.
	r := shmCmd(t, "from\x00stdin", "write", name, "--offset", "0x10")
	if r.code != ExitOK || !bytes.Equal(mem[16:26], []byte("from\x00stdin")) {
		t.Fatalf("write from stdin: exit %d, stored %q", r.code, mem[16:26])
	}
	file := filepath.Join(t.TempDir(), "data")
	data := []byte{0, 1, 2, 0xff, 0xfe}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "write", name, "--file", file, "--offset", "200")
	if !bytes.Equal(mem[200:205], data) {
		t.Fatalf("write --file stored % x", mem[200:205])
	}
	if r := shmCmd(t, "wide", "write", name, "--utf16", "--offset", "240"); r.code != ExitOK ||
		!bytes.Equal(mem[240:250], []byte("w\x00i\x00d\x00e\x00\x00\x00")) {
		t.Fatalf("write --utf16 from stdin: exit %d, stored % x", r.code, mem[240:250])
	}

	// What does not fit writes nothing.
	before := bytes.Clone(mem)
	wantExit(t, ExitFailure, "does not fit", "write", name, "--file", file, "--offset", "252")
	if r := shmCmd(t, strings.Repeat("x", 300), "write", name); r.code != ExitFailure {
		t.Fatalf("write of 300 bytes into 256: exit %d", r.code)
	}
	wantExit(t, ExitFailure, "out of range", "write", name, "too long for the end", "--offset", "250")
	wantExit(t, ExitFailure, "past the end", "write", name, "--file", file, "--offset", "1000")
	if !bytes.Equal(mem, before) {
		t.Fatal("a failed write changed the segment")
	}

	wantExit(t, ExitUsage, "not both", "write", name, "text", "--file", file)
	wantExit(t, ExitNotFound, "no such file", "write", testutil.Name(t), "text")
	wantExit(t, ExitNotFound, "no such file", "write", name, "--file", filepath.Join(t.TempDir(), "missing"))
	wantExit(t, ExitUsage, "accepts between 1 and 2 arg", "write", name, "a", "b")
	wantExit(t, ExitUsage, "negative", "write", name, "a", "--offset", "-1")
}
