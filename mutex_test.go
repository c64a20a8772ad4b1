package shm_test

import (
	"context"
	"errors"
	"io/fs"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// Timing constants for the lock tests. None asserts how fast something
// happens; they bound how long a broken implementation may hang.
const (
	// deathBound is how long a waiter may take to get a lock whose owner
	// died. We promise 100 ms; a waiter that never notices misses this.
	deathBound = 5 * time.Second
	// probablyBlocked is how long we let a call that should block run
	// before we conclude that it does.
	probablyBlocked = 50 * time.Millisecond
)

func mustOpenMutex(t *testing.T, name string) *shm.Mutex {
	t.Helper()
	m, err := shm.OpenMutex(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestMutexCounterAcrossProcesses(t *testing.T) {
	const procs, rounds = 4, 50_000
	name := testutil.Name(t)
	if testutil.Role(t) == "increment" {
		seg, err := shm.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer seg.Close()
		counter, err := shm.View[uint64](seg, 0)
		if err != nil {
			t.Fatal(err)
		}
		testutil.Say("ready")
		testutil.Hear()
		ctx := context.Background()
		for range rounds {
			if err := seg.Lock(ctx); err != nil {
				t.Fatal(err)
			}
			*counter++ // plain read-modify-write: only the lock makes it safe
			if err := seg.Unlock(); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	seg := mustCreate(t, 8)

	var children []*testutil.Child
	for range procs {
		children = append(children, testutil.Start(t, "increment", seg.Name()))
	}
	for _, c := range children {
		c.Expect("ready")
	}
	start := time.Now()
	for _, c := range children {
		c.Tell("go")
	}
	for _, c := range children {
		c.Wait()
	}
	t.Logf("%d processes x %d increments in %v", procs, rounds, time.Since(start))
	counter, err := shm.View[uint64](seg, 0)
	if err != nil {
		t.Fatal(err)
	}
	if *counter != procs*rounds {
		t.Fatalf("counter = %d, want %d", *counter, procs*rounds)
	}
}

func TestMutexCounterAcrossGoroutines(t *testing.T) {
	const goroutines, rounds = 4, 10_000
	name := testutil.Name(t)
	n := 0
	var wg sync.WaitGroup
	for range goroutines {
		m := mustOpenMutex(t, name) // a handle each, and
		shared := mustOpenMutex(t, name)
		for _, m := range []*shm.Mutex{m, shared} {
			wg.Go(func() {
				for range rounds / 2 {
					if err := m.Lock(context.Background()); err != nil {
						t.Error(err)
						return
					}
					n++
					if err := m.Unlock(); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	if n != goroutines*rounds {
		t.Fatalf("n = %d, want %d", n, goroutines*rounds)
	}
}

func TestMutexOwnerKilled(t *testing.T) {
	name := testutil.Name(t)
	if testutil.Role(t) == "holder" {
		m, err := shm.OpenMutex(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Lock(context.Background()); err != nil {
			t.Fatal(err)
		}
		testutil.Say("locked")
		testutil.Hear() // until killed
		return
	}
	m := mustOpenMutex(t, name)
	holder := testutil.Start(t, "holder", name)
	holder.Expect("locked")
	if ok, err := m.TryLock(); ok || err != nil {
		t.Fatalf("TryLock of a lock held by a live process = %v, %v", ok, err)
	}
	// Fall asleep in Lock before the owner dies: a sleeping waiter must
	// notice the death, not only a newcomer.
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), deathBound)
		defer cancel()
		got <- m.Lock(ctx)
	}()
	select {
	case err := <-got:
		t.Fatalf("Lock returned %v while the owner lives", err)
	case <-time.After(probablyBlocked):
	}
	holder.Kill()
	killed := time.Now()
	err := <-got
	t.Logf("Lock returned %v, %v after the kill", err, time.Since(killed))
	if !errors.Is(err, shm.ErrOwnerDead) {
		t.Fatalf("Lock after the owner was killed = %v, want ErrOwnerDead", err)
	}
	// We hold it now, cleanly.
	if ok, err := m.TryLock(); ok || err != nil {
		t.Fatalf("TryLock of our own lock = %v, %v", ok, err)
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := m.Lock(context.Background()); err != nil {
		t.Fatalf("Lock after recovery = %v", err)
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestMutexOwnerKilledTryLock(t *testing.T) {
	name := testutil.Name(t)
	if testutil.Role(t) == "holder" {
		m, err := shm.OpenMutex(name)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := m.TryLock(); !ok || err != nil {
			t.Fatal(ok, err)
		}
		testutil.Say("locked")
		testutil.Hear()
		return
	}
	m := mustOpenMutex(t, name)
	holder := testutil.Start(t, "holder", name)
	holder.Expect("locked")
	holder.Kill()
	ok, err := m.TryLock()
	if !ok || !errors.Is(err, shm.ErrOwnerDead) {
		t.Fatalf("TryLock after the owner was killed = %v, %v; want true, ErrOwnerDead", ok, err)
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestMutexCloseWhileHeldAbandons(t *testing.T) {
	name := testutil.Name(t)
	a, err := shm.OpenMutex(name)
	if err != nil {
		t.Fatal(err)
	}
	b := mustOpenMutex(t, name)
	if err := a.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), deathBound)
		defer cancel()
		got <- b.Lock(ctx)
	}()
	time.Sleep(probablyBlocked)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; !errors.Is(err, shm.ErrOwnerDead) {
		t.Fatalf("Lock after the owner closed its handle = %v, want ErrOwnerDead", err)
	}
	if err := b.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestMutexContextLeavesLockUnchanged(t *testing.T) {
	name := testutil.Name(t)
	a, b := mustOpenMutex(t, name), mustOpenMutex(t, name)
	if err := a.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), probablyBlocked)
	defer cancel()
	if err := b.Lock(ctx); err != context.DeadlineExceeded {
		t.Fatalf("Lock with a timeout on a held lock = %v, want DeadlineExceeded", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(probablyBlocked, cancel)
	if err := b.Lock(ctx); err != context.Canceled {
		t.Fatalf("Lock cancelled = %v, want Canceled", err)
	}
	if err := b.Lock(ctx); err != context.Canceled {
		t.Fatalf("Lock with a done context on a held lock = %v, want Canceled", err)
	}
	// Unchanged: a still holds it, b does not.
	if ok, err := b.TryLock(); ok || err != nil {
		t.Fatalf("TryLock after failed Locks = %v, %v", ok, err)
	}
	if err := b.Unlock(); !errors.Is(err, shm.ErrNotLocked) {
		t.Fatalf("Unlock by a non-holder = %v, want ErrNotLocked", err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatalf("Unlock by the holder after others gave up = %v", err)
	}
	// A free lock is taken even with a done context.
	if err := b.Lock(ctx); err != nil {
		t.Fatalf("Lock of a free lock with a done context = %v", err)
	}
	if err := b.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := b.Unlock(); !errors.Is(err, shm.ErrNotLocked) {
		t.Fatalf("second Unlock = %v, want ErrNotLocked", err)
	}
}

func TestMutexCloseAndErrors(t *testing.T) {
	name := testutil.Name(t)
	m, err := shm.OpenMutex(name)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != name {
		t.Fatalf("Name = %q", m.Name())
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := m.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := m.Lock(context.Background()); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Lock after Close = %v", err)
	}
	if _, err := m.TryLock(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("TryLock after Close = %v", err)
	}
	if err := m.Unlock(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Unlock after Close = %v", err)
	}
	for _, bad := range []string{"", "a/b", `Local\`, "..", string(make([]byte, 254))} {
		if _, err := shm.OpenMutex(bad); !errors.Is(err, shm.ErrInvalidName) {
			t.Errorf("OpenMutex(%q) = %v, want ErrInvalidName", bad, err)
		}
	}
	if _, err := shm.OpenMutex(name, shm.ReadOnly()); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("OpenMutex with ReadOnly = %v, want fs.ErrInvalid", err)
	}
}

func TestSyncObjectsDoNotCollideWithSegments(t *testing.T) {
	name := testutil.Name(t)
	seg := mustCreateNamed(t, name, 64)
	if runtime.GOOS == "windows" {
		// Windows keeps file mappings and mutexes in one namespace, and
		// other programs must find our objects by their names, so a
		// mutex cannot share a segment's name there: a clear error.
		if _, err := shm.OpenMutex(name); !errors.Is(err, fs.ErrExist) {
			t.Fatalf("OpenMutex on a segment's name = %v, want fs.ErrExist", err)
		}
		return
	}
	m := mustOpenMutex(t, name)
	if err := m.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := seg.WriteAt([]byte("still a segment"), 0); err != nil {
		t.Fatal(err)
	}
	// One namespace for the sync objects themselves, as on Windows.
	if _, err := shm.OpenEvent(name, shm.AutoReset); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("OpenEvent on a mutex's name = %v, want fs.ErrExist", err)
	}
	if _, err := shm.OpenSemaphore(name, 1); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("OpenSemaphore on a mutex's name = %v, want fs.ErrExist", err)
	}
}

func TestSegmentLock(t *testing.T) {
	name := testutil.Name(t)
	a := mustCreateNamed(t, name, 64)
	b, err := shm.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Unlock(); !errors.Is(err, shm.ErrNotLocked) {
		t.Fatalf("Unlock before any Lock = %v, want ErrNotLocked", err)
	}
	if err := a.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); ok || err != nil {
		t.Fatalf("TryLock through another handle = %v, %v", ok, err)
	}
	// It is the named mutex Name()+".lock".
	m := mustOpenMutex(t, name+".lock")
	if ok, err := m.TryLock(); ok || err != nil {
		t.Fatalf("TryLock of the segment's mutex by name = %v, %v", ok, err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock after Unlock = %v, %v", ok, err)
	}
	// Closing the segment while holding its lock abandons the lock.
	b.Close()
	if err := a.Lock(context.Background()); !errors.Is(err, shm.ErrOwnerDead) {
		t.Fatalf("Lock after the holder closed = %v, want ErrOwnerDead", err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := a.Lock(context.Background()); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Lock after Close = %v, want fs.ErrClosed", err)
	}
}

func mustCreateNamed(t *testing.T, name string, size int64) *shm.Segment {
	t.Helper()
	seg, err := shm.Create(name, size)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Close() })
	return seg
}
