package queue

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmkit/shm/internal/testutil"
)

// A sleeper on one handle sleeps until a waker on another wakes it, and
// then wakes at once, not at the end of its sleep: the OS wake-up works.
// A lost wake-up would show as a whole sleep, a polling fallback as a
// return every millisecond. A sleep may end early for nothing (a futex
// wait interrupted by a signal, say), which sends the caller back to look
// at the ring, so the sleeper loops like Recv does, and a few early
// returns are allowed.
func TestWakeUp(t *testing.T) {
	name := testutil.Name(t)
	q, err := Create(name, Config{Capacity: 2, MaxMessage: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	waker, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer waker.Close()
	const (
		rounds = 20
		long   = 5 * time.Second
		asleep = 20 * time.Millisecond
	)
	early := 0
	for i := range rounds {
		var ready atomic.Bool
		var returns atomic.Int32
		done := make(chan struct{})
		go func() {
			defer close(done)
			for !ready.Load() {
				q.sleep(&q.notEmpty, long, ready.Load)
				returns.Add(1)
			}
		}()
		// Wait until the sleeper has taken its entry, then give it time
		// to fall asleep.
		for atomic.LoadUint64(q.notEmpty.mask) == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(asleep)
		early += int(returns.Load())
		ready.Store(true)
		start := time.Now()
		waker.wake(&waker.notEmpty)
		select {
		case <-done:
		case <-time.After(long / 5):
			t.Fatalf("round %d: the sleeper was not woken", i)
		}
		t.Logf("round %d: woken in %v", i, time.Since(start))
		if m := atomic.LoadUint64(q.notEmpty.mask); m != 0 {
			t.Fatalf("round %d: entries %b still taken", i, m)
		}
	}
	// Polling would have returned about rounds*asleep/time.Millisecond
	// (400) times.
	if early > rounds {
		t.Fatalf("the sleeper returned %d times unwoken in %d rounds of %v", early, rounds, asleep)
	}
	t.Logf("%d early returns", early)
}
