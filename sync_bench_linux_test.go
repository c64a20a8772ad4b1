package shm_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/sys"
	"github.com/shmkit/shm/internal/testutil"
)

// Run with
//
//	go test -run '^$' -bench 'LockUnlock|Handoff|Seqlock' -count 5 .
//
// and compare each line with its baseline from the same run: the machine's
// speed swings from minute to minute (DESIGN.md §8).

// BenchmarkLockUnlock measures an uncontended Lock+Unlock: our Mutex
// against sync.Mutex (the floor: one process) and flock(2) (what a
// cross-process lock costs with a system call each way).
func BenchmarkLockUnlock(b *testing.B) {
	b.Run("shm.Mutex", func(b *testing.B) {
		m, err := shm.OpenMutex(testutil.Name(b))
		if err != nil {
			b.Fatal(err)
		}
		defer m.Close()
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Lock(ctx); err != nil {
				b.Fatal(err)
			}
			if err := m.Unlock(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sync.Mutex", func(b *testing.B) {
		var m sync.Mutex
		b.ReportAllocs()
		for b.Loop() {
			m.Lock()
			//lint:ignore SA2001 the lock itself is what we measure
			m.Unlock()
		}
	})
	b.Run("flock", func(b *testing.B) {
		f, err := os.Create(filepath.Join(b.TempDir(), "lock"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		fd := int(f.Fd())
		b.ReportAllocs()
		for b.Loop() {
			if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
				b.Fatal(err)
			}
			if err := syscall.Flock(fd, syscall.LOCK_UN); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHandoff measures a round trip between two processes: this one
// wakes a peer process, which wakes it back. The baseline is a bare futex
// ping-pong on a word of shared memory, written here; the others go
// through our blocking primitives (spin briefly, then futex).
func BenchmarkHandoff(b *testing.B) {
	b.Run("futex", func(b *testing.B) {
		name := testutil.Name(b)
		seg, err := shm.Create(name, 8)
		if err != nil {
			b.Fatal(err)
		}
		// A cleanup, not a defer: it must run after the peer is killed,
		// so that our Close is the last and removes the segment.
		b.Cleanup(func() { seg.Close() })
		w, err := shm.View[uint32](seg, 0)
		if err != nil {
			b.Fatal(err)
		}
		startPeer(b, "futex", name)
		b.ReportAllocs()
		for b.Loop() {
			atomic.StoreUint32(w, 1)
			sys.FutexWake(w, 1)
			for atomic.LoadUint32(w) == 1 {
				sys.FutexWait(w, 1, time.Second)
			}
		}
		atomic.StoreUint32(w, 2)
		sys.FutexWake(w, 1)
	})
	b.Run("semaphore", func(b *testing.B) {
		name := testutil.Name(b)
		ping, pong := openSemaphores(b, name)
		startPeer(b, "semaphore", name)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if err := ping.Release(1); err != nil {
				b.Fatal(err)
			}
			if err := pong.Acquire(ctx, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("event", func(b *testing.B) {
		name := testutil.Name(b)
		ping, pong := openEvents(b, name)
		startPeer(b, "event", name)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if err := ping.Set(); err != nil {
				b.Fatal(err)
			}
			if err := pong.Wait(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func openSemaphores(tb testing.TB, name string) (ping, pong *shm.Semaphore) {
	ping, err := shm.OpenSemaphore(name+"-ping", 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ping.Close() })
	pong, err = shm.OpenSemaphore(name+"-pong", 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pong.Close() })
	return ping, pong
}

func openEvents(tb testing.TB, name string) (ping, pong *shm.Event) {
	ping, err := shm.OpenEvent(name+"-ping", shm.AutoReset)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ping.Close() })
	pong, err = shm.OpenEvent(name+"-pong", shm.AutoReset)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pong.Close() })
	return ping, pong
}

// startPeer runs TestHandoffPeer in a child process as the echoing side of
// a BenchmarkHandoff case, and kills it when b ends.
func startPeer(b *testing.B, kind, name string) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHandoffPeer$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SHM_TEST_ROLE=TestHandoffPeer="+kind, "SHM_TEST_NAME="+name)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "ready") {
			go func() {
				for sc.Scan() {
				}
			}()
			return
		}
	}
	b.Fatalf("peer %s ended before it was ready", kind)
}

// TestHandoffPeer is the other process of BenchmarkHandoff; run by itself
// it does nothing.
func TestHandoffPeer(t *testing.T) {
	kind := testutil.Role(t)
	if kind == "" {
		t.Skip("the peer process of BenchmarkHandoff")
	}
	name := testutil.Name(t)
	ctx := context.Background()
	switch kind {
	case "futex":
		seg, err := shm.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer seg.Close()
		w, err := shm.View[uint32](seg, 0)
		if err != nil {
			t.Fatal(err)
		}
		testutil.Say("ready")
		for {
			v := atomic.LoadUint32(w)
			switch v {
			case 0:
				sys.FutexWait(w, 0, time.Second)
			case 1:
				atomic.StoreUint32(w, 0)
				sys.FutexWake(w, 1)
			default:
				return
			}
		}
	case "semaphore":
		ping, pong := openSemaphores(t, name)
		testutil.Say("ready")
		for {
			if err := ping.Acquire(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if err := pong.Release(1); err != nil {
				t.Fatal(err)
			}
		}
	case "event":
		ping, pong := openEvents(t, name)
		testutil.Say("ready")
		for {
			if err := ping.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			if err := pong.Set(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// BenchmarkSeqlock64 compares a Seqlock Load and Store of 64 bytes with a
// plain copy of 64 bytes out of and into the same segment.
func BenchmarkSeqlock64(b *testing.B) {
	seg, err := shm.Create(testutil.Name(b), 4096)
	if err != nil {
		b.Fatal(err)
	}
	defer seg.Close()
	sl, err := shm.NewSeqlock[[64]byte](seg, 0)
	if err != nil {
		b.Fatal(err)
	}
	mem := seg.Bytes()[128 : 128+64]
	var v [64]byte
	b.Run("Load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := sl.LoadInto(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("copy-out", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			copy(v[:], mem)
		}
	})
	b.Run("Store", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := sl.Store(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("copy-in", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			copy(mem, v[:])
		}
	})
}
