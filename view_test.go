package shm_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// Telemetry is laid out like the C struct
//
//	struct telemetry { int32_t gear; float rpm; double speed; uint8_t flags[8]; };
type Telemetry struct {
	Gear  int32
	RPM   float32
	Speed float64
	Flags [8]uint8
}

func TestViewSharesMemory(t *testing.T) {
	seg := mustCreate(t, 4096)
	tel, err := shm.View[Telemetry](seg, 64)
	if err != nil {
		t.Fatal(err)
	}
	tel.Gear, tel.Speed, tel.Flags[7] = 3, 88.5, 1

	other, err := shm.Open(seg.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tel2, err := shm.View[Telemetry](other, 64)
	if err != nil {
		t.Fatal(err)
	}
	if *tel2 != *tel {
		t.Fatalf("second view sees %+v, want %+v", *tel2, *tel)
	}
	s, err := shm.Slice[Telemetry](seg, 64, 10)
	if err != nil || len(s) != 10 || &s[0] != tel {
		t.Fatalf("Slice: len %d, err %v", len(s), err)
	}
	raw, err := shm.Slice[uint8](seg, 4095, 1)
	if err != nil || len(raw) != 1 {
		t.Fatalf("Slice of the last byte: %v", err)
	}
	if empty, err := shm.Slice[uint64](seg, 4096, 0); err != nil || len(empty) != 0 {
		t.Fatalf("empty Slice at the end: %v, %v", empty, err)
	}
}

func TestViewRejects(t *testing.T) {
	seg := mustCreate(t, 256)
	type withString struct{ S string }
	type nested struct {
		A [2]struct{ P *int }
	}
	checks := []struct {
		what string
		err  error
		want error
	}{
		{"pointer", errOf(shm.View[*int](seg, 0)), shm.ErrInvalidType},
		{"string field", errOf(shm.View[withString](seg, 0)), shm.ErrInvalidType},
		{"nested pointer", errOf(shm.View[nested](seg, 0)), shm.ErrInvalidType},
		{"slice", errOf(shm.Slice[[]byte](seg, 0, 1)), shm.ErrInvalidType},
		{"map", errOf(shm.View[map[int]int](seg, 0)), shm.ErrInvalidType},
		{"interface", errOf(shm.View[any](seg, 0)), shm.ErrInvalidType},
		{"func", errOf(shm.View[func()](seg, 0)), shm.ErrInvalidType},
		{"chan", errOf(shm.View[chan int](seg, 0)), shm.ErrInvalidType},
		{"misaligned", errOf(shm.View[int64](seg, 4)), shm.ErrMisaligned},
		{"past the end", errOf(shm.View[Telemetry](seg, 240)), shm.ErrOutOfRange},
		{"negative offset", errOf(shm.View[byte](seg, -1)), shm.ErrOutOfRange},
		{"too many", errOf(shm.Slice[uint64](seg, 0, 33)), shm.ErrOutOfRange},
		{"huge count", errOf(shm.Slice[uint64](seg, 0, 1<<61)), shm.ErrOutOfRange},
		{"negative count", errOf(shm.Slice[byte](seg, 0, -1)), shm.ErrOutOfRange},
	}
	for _, c := range checks {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.what, c.err, c.want)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

// A Segment dropped without Close is released by the garbage collector,
// unless its memory was handed out through Bytes or View.
func TestCleanupReleasesDroppedSegment(t *testing.T) {
	if testutil.Role(t) == "child" {
		name := testutil.Name(t)
		func() {
			_, err := shm.Create(name, 4096)
			if err != nil {
				testutil.Say("ERR %v", err)
			}
		}()
		for range 10 {
			runGC()
			if !exists(t, name) {
				testutil.Say("RELEASED")
				return
			}
		}
		testutil.Say("KEPT")
		return
	}
	c := testutil.Start(t, "child", testutil.Name(t))
	if got := c.Expect(""); got != "RELEASED" {
		t.Fatalf("child says %s", got)
	}
	c.Wait()
}

func runGC() {
	runtime.GC()
	time.Sleep(10 * time.Millisecond) // cleanups run on their own goroutine
}
