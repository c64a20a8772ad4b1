package shm_test

import (
	"errors"
	"io/fs"
	"math"
	"math/bits"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// payload is 64 bytes whose last word checks the others, so that a torn
// copy (words from two stores) is caught.
type payload struct {
	Seq  uint64
	Data [6]uint64
	Sum  uint64
}

func makePayload(seq uint64) payload {
	p := payload{Seq: seq}
	for i := range p.Data {
		p.Data[i] = seq*0x9e3779b97f4a7c15 + uint64(i)*0xbf58476d1ce4e5b9
	}
	p.Sum = p.sum()
	return p
}

func (p payload) sum() uint64 {
	s := p.Seq
	for _, d := range p.Data {
		s = bits.RotateLeft64(s, 7) ^ d
	}
	return s
}

func TestSeqlockNoTornReadsAcrossProcesses(t *testing.T) {
	const (
		readers  = 2
		duration = 500 * time.Millisecond
		last     = math.MaxUint64
	)
	name := testutil.Name(t)
	open := func() *shm.Seqlock[payload] {
		seg, err := shm.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { seg.Close() })
		sl, err := shm.NewSeqlock[payload](seg, 0)
		if err != nil {
			t.Fatal(err)
		}
		return sl
	}
	switch testutil.Role(t) {
	case "writer":
		sl := open()
		testutil.Say("ready")
		testutil.Hear()
		n := uint64(0)
		for start := time.Now(); time.Since(start) < duration; {
			for range 1000 {
				n++
				if err := sl.Store(makePayload(n)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := sl.Store(makePayload(last)); err != nil {
			t.Fatal(err)
		}
		testutil.Say("stores %d", n)
		return
	case "reader":
		sl := open()
		testutil.Say("ready")
		loads, distinct, prev := 0, 0, uint64(0)
		for prev != last {
			p, err := sl.Load()
			if err != nil {
				t.Fatal(err)
			}
			loads++
			if p.Sum != p.sum() {
				t.Fatalf("torn value after %d loads: %+v", loads, p)
			}
			if p.Seq < prev {
				t.Fatalf("went back in time: %d after %d", p.Seq, prev)
			}
			if p.Seq != prev {
				distinct++
			}
			prev = p.Seq
		}
		testutil.Say("loads %d distinct %d", loads, distinct)
		return
	}
	mustCreateNamed(t, name, shm.SeqlockSize[payload]())
	writer := testutil.Start(t, "writer", name)
	var rs []*testutil.Child
	for range readers {
		rs = append(rs, testutil.Start(t, "reader", name))
	}
	writer.Expect("ready")
	for _, r := range rs {
		r.Expect("ready")
	}
	writer.Tell("go")
	t.Logf("writer: %s stores", writer.Expect("stores "))
	for _, r := range rs {
		t.Logf("reader: %s", r.Expect("loads "))
	}
	writer.Wait()
	for _, r := range rs {
		r.Wait()
	}
}

func TestSeqlockWriterKilledMidStore(t *testing.T) {
	name := testutil.Name(t)
	if testutil.Role(t) == "writer" {
		seg, err := shm.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sl, err := shm.NewSeqlock[payload](seg, 8)
		if err != nil {
			t.Fatal(err)
		}
		if err := sl.Store(makePayload(1)); err != nil {
			t.Fatal(err)
		}
		sl.BeginStoreForTest()
		testutil.Say("storing")
		testutil.Hear() // until killed
		return
	}
	seg := mustCreateNamed(t, name, 8+shm.SeqlockSize[payload]())
	sl, err := shm.NewSeqlock[payload](seg, 8)
	if err != nil {
		t.Fatal(err)
	}
	sl.SetStallBound(100 * time.Millisecond)
	writer := testutil.Start(t, "writer", name)
	writer.Expect("storing")
	writer.Kill()
	got := make(chan error, 1)
	go func() {
		_, err := sl.Load()
		got <- err
	}()
	select {
	case err := <-got:
		if !errors.Is(err, shm.ErrStalled) {
			t.Fatalf("Load after the writer died mid-store = %v, want ErrStalled", err)
		}
	case <-time.After(deathBound):
		t.Fatalf("Load still spinning %v after the writer died", deathBound)
	}
	// The next writer repairs it.
	if err := sl.Store(makePayload(2)); err != nil {
		t.Fatal(err)
	}
	if p, err := sl.Load(); err != nil || p != makePayload(2) {
		t.Fatalf("Load after a new Store = %+v, %v", p, err)
	}
}

func TestSeqlockArguments(t *testing.T) {
	seg := mustCreate(t, 64)
	if _, err := shm.NewSeqlock[*int](seg, 0); !errors.Is(err, shm.ErrInvalidType) {
		t.Errorf("NewSeqlock[*int] = %v, want ErrInvalidType", err)
	}
	if _, err := shm.NewSeqlock[struct{ S string }](seg, 0); !errors.Is(err, shm.ErrInvalidType) {
		t.Errorf("NewSeqlock with a string field = %v, want ErrInvalidType", err)
	}
	if _, err := shm.NewSeqlock[uint32](seg, 4); !errors.Is(err, shm.ErrMisaligned) {
		t.Errorf("NewSeqlock at offset 4 = %v, want ErrMisaligned", err)
	}
	if _, err := shm.NewSeqlock[[64]byte](seg, 0); !errors.Is(err, shm.ErrOutOfRange) {
		t.Errorf("NewSeqlock that does not fit = %v, want ErrOutOfRange", err)
	}
	if _, err := shm.NewSeqlock[uint64](seg, -8); !errors.Is(err, shm.ErrOutOfRange) {
		t.Errorf("NewSeqlock at a negative offset = %v, want ErrOutOfRange", err)
	}
	// Sizes that are not a multiple of 8 round-trip, tail included.
	type odd [13]byte
	if got := shm.SeqlockSize[odd](); got != 24 {
		t.Fatalf("SeqlockSize[[13]byte] = %d, want 24", got)
	}
	sl, err := shm.NewSeqlock[odd](seg, 40)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := sl.Load(); err != nil || v != (odd{}) {
		t.Fatalf("Load of a zeroed seqlock = %v, %v", v, err)
	}
	want := odd{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	if err := sl.Store(want); err != nil {
		t.Fatal(err)
	}
	var got odd
	if err := sl.LoadInto(&got); err != nil || got != want {
		t.Fatalf("LoadInto = %v, %v; want %v", got, err, want)
	}
	// The bytes after the value are untouched.
	if b := seg.Bytes()[40+8+13:]; b[0] != 0 || b[1] != 0 || b[2] != 0 {
		t.Fatalf("padding written: %v", b[:3])
	}

	ro, err := shm.Open(seg.Name(), shm.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	rsl, err := shm.NewSeqlock[odd](ro, 40)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := rsl.Load(); err != nil || v != want {
		t.Fatalf("Load through a ReadOnly segment = %v, %v", v, err)
	}
	if err := rsl.Store(want); !errors.Is(err, shm.ErrReadOnly) {
		t.Fatalf("Store through a ReadOnly segment = %v, want ErrReadOnly", err)
	}
	ro.Close()
	if _, err := rsl.Load(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Load after Close = %v, want fs.ErrClosed", err)
	}
	if err := rsl.Store(want); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Store after Close = %v, want fs.ErrClosed", err)
	}
}
