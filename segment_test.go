package shm_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// mustCreate creates a fresh segment for t and closes it at the end.
func mustCreate(t *testing.T, size int64, opts ...shm.Option) *shm.Segment {
	t.Helper()
	seg, err := shm.Create(testutil.Name(t), size, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("created %s (%d bytes)", seg.Name(), seg.Size())
	t.Cleanup(func() { seg.Close() })
	return seg
}

func TestCreateOpenRoundTrip(t *testing.T) {
	name := testutil.Name(t)
	w, err := shm.Create(name, 10000)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if !w.Created() || w.Size() != 10000 || w.Name() != name {
		t.Fatalf("Create: Created=%v Size=%d Name=%q", w.Created(), w.Size(), w.Name())
	}
	if !bytes.Equal(w.Bytes(), make([]byte, 10000)) {
		t.Fatal("a new segment is not zeroed")
	}
	msg := []byte("This is data shared between scripts")
	if n, err := w.WriteAt(msg, 100); n != len(msg) || err != nil {
		t.Fatalf("WriteAt = %d, %v", n, err)
	}

	r, err := shm.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Created() || r.Size() != openedSize(10000) {
		t.Fatalf("Open: Created=%v Size=%d", r.Created(), r.Size())
	}
	got := make([]byte, len(msg))
	if n, err := r.ReadAt(got, 100); n != len(msg) || err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("ReadAt = %d, %v, %q", n, err, got)
	}

	// The two handles share memory, not copies.
	w.Bytes()[0] = 7
	if r.Bytes()[0] != 7 {
		t.Fatal("a write through one handle is not seen through the other")
	}
}

func TestPrefixesNameTheSameSegment(t *testing.T) {
	base := testutil.Name(t)
	seg, err := shm.Create(`Local\`+base, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	for _, name := range aliases(base) {
		s, err := shm.Open(name)
		if err != nil {
			t.Fatalf("Open(%q): %v", name, err)
		}
		s.Close()
	}
}

func TestCreateExclusive(t *testing.T) {
	seg := mustCreate(t, 64)
	_, err := shm.Create(seg.Name(), 64)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second Create: %v, want fs.ErrExist", err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != seg.Name() {
		t.Fatalf("error %v does not name the segment", err)
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := shm.Open(testutil.Name(t))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open of a missing name: %v, want fs.ErrNotExist", err)
	}
}

func TestOpenOrCreate(t *testing.T) {
	name := testutil.Name(t)
	a, err := shm.OpenOrCreate(name, 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := shm.OpenOrCreate(name, 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !a.Created() || b.Created() {
		t.Fatalf("Created: first %v, second %v", a.Created(), b.Created())
	}
	if b.Size() != 4096 {
		t.Fatalf("an opener asking for less maps %d bytes, want all 4096", b.Size())
	}
	if _, err := shm.OpenOrCreate(name, 4097); !errors.Is(err, shm.ErrInvalidSize) {
		t.Fatalf("asking for more than exists: %v, want ErrInvalidSize", err)
	}
	if a.Size() != 4096 {
		t.Fatal("a failed open resized the segment")
	}
}

func TestReadAtContract(t *testing.T) {
	seg := mustCreate(t, 100)
	copy(seg.Bytes(), strings.Repeat("x", 100))
	buf := make([]byte, 30)
	tests := []struct {
		off     int64
		n       int
		wantErr error
	}{
		{0, 30, nil},
		{70, 30, nil},
		{80, 20, io.EOF},
		{99, 1, io.EOF},
		{100, 0, io.EOF},
		{1 << 40, 0, io.EOF},
		{-1, 0, shm.ErrOutOfRange},
	}
	for _, tt := range tests {
		n, err := seg.ReadAt(buf, tt.off)
		if n != tt.n || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("ReadAt(30 bytes, %d) = %d, %v; want %d, %v", tt.off, n, err, tt.n, tt.wantErr)
		}
		if tt.wantErr == io.EOF && err != io.EOF {
			t.Errorf("ReadAt at %d returned %v, not io.EOF itself", tt.off, err)
		}
	}
}

func TestWriteThatDoesNotFitWritesNothing(t *testing.T) {
	seg := mustCreate(t, 100)
	for _, tt := range []struct {
		off int64
		n   int
	}{{-1, 1}, {91, 10}, {100, 1}, {101, 0}, {1 << 62, 1}, {-1 << 63, 0}, {0, 101}} {
		n, err := seg.WriteAt(bytes.Repeat([]byte{1}, tt.n), tt.off)
		if n != 0 || !errors.Is(err, shm.ErrOutOfRange) {
			t.Errorf("WriteAt(%d bytes, %d) = %d, %v; want 0, ErrOutOfRange", tt.n, tt.off, n, err)
		}
		if _, err := seg.WriteStringAt(strings.Repeat("é", tt.n), tt.off, shm.UTF16LE); !errors.Is(err, shm.ErrOutOfRange) {
			t.Errorf("WriteStringAt at %d: %v, want ErrOutOfRange", tt.off, err)
		}
	}
	if !bytes.Equal(seg.Bytes(), make([]byte, 100)) {
		t.Fatal("a rejected write changed the segment")
	}
	if n, err := seg.WriteAt(bytes.Repeat([]byte{1}, 10), 90); n != 10 || err != nil {
		t.Fatalf("WriteAt of the last 10 bytes = %d, %v", n, err)
	}
}

func TestReadOnly(t *testing.T) {
	seg := mustCreate(t, 64)
	seg.WriteAt([]byte("hello"), 0)
	ro, err := shm.Open(seg.Name(), shm.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.WriteAt([]byte("x"), 0); !errors.Is(err, shm.ErrReadOnly) {
		t.Fatalf("WriteAt on a read-only segment: %v", err)
	}
	if _, err := ro.WriteStringAt("x", 0, shm.UTF8); !errors.Is(err, shm.ErrReadOnly) {
		t.Fatalf("WriteStringAt on a read-only segment: %v", err)
	}
	if s, err := ro.ReadStringAt(0, shm.UTF8); s != "hello" || err != nil {
		t.Fatalf("ReadStringAt = %q, %v", s, err)
	}
}

func TestUseAfterClose(t *testing.T) {
	seg, err := shm.Create(testutil.Name(t), 64)
	if err != nil {
		t.Fatal(err)
	}
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := seg.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	buf := make([]byte, 8)
	checks := map[string]error{}
	_, checks["ReadAt"] = seg.ReadAt(buf, 0)
	_, checks["WriteAt"] = seg.WriteAt(buf, 0)
	_, checks["ReadStringAt"] = seg.ReadStringAt(0, shm.UTF8)
	_, checks["WriteStringAt"] = seg.WriteStringAt("x", 0, shm.UTF16LE)
	_, checks["View"] = shm.View[int64](seg, 0)
	_, checks["Slice"] = shm.Slice[byte](seg, 0, 1)
	for op, err := range checks {
		if !errors.Is(err, os.ErrClosed) {
			t.Errorf("%s after Close: %v, want os.ErrClosed", op, err)
		}
	}
	if seg.Bytes() != nil {
		t.Error("Bytes after Close is not nil")
	}
}

func TestConcurrentClose(t *testing.T) {
	seg, err := shm.Create(testutil.Name(t), 64)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = seg.Close() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Close %d: %v", i, err)
		}
	}
	if exists(t, seg.Name()) {
		t.Fatal("segment still exists after its only handle closed")
	}
}

func TestConcurrentReadWrite(t *testing.T) {
	seg := mustCreate(t, 1<<16)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			p := bytes.Repeat([]byte{byte(g)}, 1024)
			q := make([]byte, 1024)
			for i := range 200 {
				off := int64(g*8192 + i%8*1024)
				if _, err := seg.WriteAt(p, off); err != nil {
					t.Error(err)
					return
				}
				if _, err := seg.ReadAt(q, off); err != nil || !bytes.Equal(p, q) {
					t.Errorf("goroutine %d read back %v, %v", g, q[:4], err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestBadArguments(t *testing.T) {
	name := testutil.Name(t)
	tests := []struct {
		what string
		call func() error
		want error
	}{
		{"empty name", func() error { _, err := shm.Create("", 1); return err }, shm.ErrInvalidName},
		{"bare prefix", func() error { _, err := shm.Create(`Local\`, 1); return err }, shm.ErrInvalidName},
		{"slash", func() error { _, err := shm.Create("a/b", 1); return err }, shm.ErrInvalidName},
		{"dot dot", func() error { _, err := shm.Open(".."); return err }, shm.ErrInvalidName},
		{"dot", func() error { _, err := shm.OpenOrCreate(`Global\.`, 1); return err }, shm.ErrInvalidName},
		{"backslash", func() error { _, err := shm.Create(`Local\a\b`, 1); return err }, shm.ErrInvalidName},
		{"NUL", func() error { _, err := shm.Create("a\x00b", 1); return err }, shm.ErrInvalidName},
		{"bad UTF-8", func() error { _, err := shm.Create("a\xffb", 1); return err }, shm.ErrInvalidName},
		{"too long", func() error { _, err := shm.Create(strings.Repeat("n", 256), 1); return err }, shm.ErrInvalidName},
		{"remove bad name", func() error { return shm.Remove("../etc/passwd") }, shm.ErrInvalidName},
		{"zero size", func() error { _, err := shm.Create(name, 0); return err }, shm.ErrInvalidSize},
		{"negative size", func() error { _, err := shm.OpenOrCreate(name, -5); return err }, shm.ErrInvalidSize},
		{"bad perm", func() error { _, err := shm.Create(name, 1, shm.Perm(fs.ModeSetuid|0o600)); return err }, fs.ErrInvalid},
		{"remove missing", func() error { return shm.Remove(name) }, fs.ErrNotExist},
	}
	for _, tt := range tests {
		if err := tt.call(); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.what, err, tt.want)
		}
	}
	if exists(t, name) {
		t.Fatal("a failed call left a segment behind")
	}
	if n := strings.Repeat("n", 255); true {
		seg, err := shm.Create(testutil.Prefix+n[len(testutil.Prefix):], 1)
		if err != nil {
			t.Fatalf("a 255-byte name: %v", err)
		}
		seg.Close()
	}
}

func TestHugeSizeFailsCleanly(t *testing.T) {
	for _, opts := range [][]shm.Option{nil, {shm.Persist()}} {
		name := testutil.Name(t)
		_, err := shm.Create(name, 1<<62, opts...)
		if err == nil {
			shm.Remove(name)
			t.Fatal("a 4 EiB segment was created")
		}
		t.Log(err)
		if exists(t, name) {
			shm.Remove(name)
			t.Fatalf("the failed create (%d options) left its name behind", len(opts))
		}
	}
}
