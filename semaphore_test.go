package shm_test

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func mustOpenSemaphore(t *testing.T, name string, initial int) *shm.Semaphore {
	t.Helper()
	s, err := shm.OpenSemaphore(name, initial)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// drain takes units one by one until TryAcquire fails, and returns how
// many it got: the count, which it leaves at 0.
func drain(t *testing.T, s *shm.Semaphore) int {
	t.Helper()
	n := 0
	for {
		ok, err := s.TryAcquire(1)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return n
		}
		n++
	}
}

func TestSemaphoreCounts(t *testing.T) {
	name := testutil.Name(t)
	s := mustOpenSemaphore(t, name, 3)
	other := mustOpenSemaphore(t, name, 100) // exists: keeps its count
	if ok, err := other.TryAcquire(2); !ok || err != nil {
		t.Fatalf("TryAcquire(2) of 3 = %v, %v", ok, err)
	}
	if ok, err := s.TryAcquire(2); ok || err != nil {
		t.Fatalf("TryAcquire(2) of 1 = %v, %v", ok, err)
	}
	if err := s.Release(4); err != nil {
		t.Fatal(err)
	}
	if err := s.Acquire(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	if n := drain(t, s); n != 0 {
		t.Fatalf("count = %d, want 0", n)
	}
	bad := []int{0, -1}
	if big := int64(shm.SemaphoreMax) + 1; big <= math.MaxInt {
		bad = append(bad, int(big))
	}
	for _, n := range bad {
		if err := s.Release(n); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Release(%d) = %v, want fs.ErrInvalid", n, err)
		}
		if _, err := s.TryAcquire(n); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("TryAcquire(%d) = %v, want fs.ErrInvalid", n, err)
		}
	}
	if err := s.Release(shm.SemaphoreMax); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(1); !errors.Is(err, shm.ErrOverflow) {
		t.Fatalf("Release past the maximum = %v, want ErrOverflow", err)
	}
	// Still at the maximum: the failed Release changed nothing. (Checked
	// this way rather than by acquiring SemaphoreMax units, which Windows
	// semaphores can only take one at a time.)
	if err := s.Release(1); !errors.Is(err, shm.ErrOverflow) {
		t.Fatalf("the count changed on overflow: Release(1) = %v", err)
	}
	if _, err := shm.OpenSemaphore(testutil.Name(t), -1); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("OpenSemaphore(-1) = %v", err)
	}
	s.Close()
	if err := s.Release(1); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Release after Close = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
}

func TestSemaphoreContextLeavesCountUnchanged(t *testing.T) {
	s := mustOpenSemaphore(t, testutil.Name(t), 2)
	ctx, cancel := context.WithTimeout(context.Background(), probablyBlocked)
	defer cancel()
	if err := s.Acquire(ctx, 3); err != context.DeadlineExceeded {
		t.Fatalf("Acquire(3) of 2 with a timeout = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(probablyBlocked, cancel)
	if err := s.Acquire(ctx, 3); err != context.Canceled {
		t.Fatalf("Acquire(3) of 2 cancelled = %v", err)
	}
	if n := drain(t, s); n != 2 {
		t.Fatalf("count after failed Acquires = %d, want 2", n)
	}
	// A done context still gets what is there.
	if err := s.Release(1); err != nil {
		t.Fatal(err)
	}
	if err := s.Acquire(ctx, 1); err != nil {
		t.Fatalf("Acquire of an available unit with a done context = %v", err)
	}
}

func TestSemaphoreAcrossProcesses(t *testing.T) {
	const rounds = 1000
	name := testutil.Name(t)
	if testutil.Role(t) == "echo" {
		ping, err := shm.OpenSemaphore(name+"-ping", 0)
		if err != nil {
			t.Fatal(err)
		}
		defer ping.Close()
		pong, err := shm.OpenSemaphore(name+"-pong", 0)
		if err != nil {
			t.Fatal(err)
		}
		defer pong.Close()
		testutil.Say("ready")
		for range rounds {
			if err := ping.Acquire(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			if err := pong.Release(1); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	ping := mustOpenSemaphore(t, name+"-ping", 0)
	pong := mustOpenSemaphore(t, name+"-pong", 0)
	echo := testutil.Start(t, "echo", name)
	echo.Expect("ready")
	ctx, cancel := context.WithTimeout(context.Background(), testutil.Patience)
	defer cancel()
	for range rounds {
		if err := ping.Release(1); err != nil {
			t.Fatal(err)
		}
		if err := pong.Acquire(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	echo.Wait()
}

func TestSemaphoreWakesSleepersOfDifferentSizes(t *testing.T) {
	s := mustOpenSemaphore(t, testutil.Name(t), 0)
	got := make(chan error, 2)
	for _, n := range []int{5, 1} {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), testutil.Patience)
			defer cancel()
			got <- s.Acquire(ctx, n)
		}()
	}
	time.Sleep(probablyBlocked)
	if err := s.Release(6); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-got; err != nil {
			t.Fatal(err)
		}
	}
}
