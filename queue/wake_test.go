package queue

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmkit/shm/internal/testutil"
)

// A sleeper on one handle sleeps until a waker on another wakes it, and
// then wakes at once, not at the end of its sleep: the OS wake-up works
// (a polling fallback would return early, a lost wake-up late).
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
	const long = 5 * time.Second
	for i := range 20 {
		var ready atomic.Bool
		took := make(chan time.Duration)
		go func() {
			start := time.Now()
			q.sleep(&q.notEmpty, long, ready.Load)
			took <- time.Since(start)
		}()
		// Wait until the sleeper has taken its entry, then give it time
		// to fall asleep.
		for atomic.LoadUint64(q.notEmpty.mask) == 0 {
			time.Sleep(time.Millisecond)
		}
		select {
		case d := <-took:
			t.Fatalf("round %d: the sleeper returned after %v, unwoken", i, d)
		case <-time.After(20 * time.Millisecond):
		}
		ready.Store(true)
		waker.wake(&waker.notEmpty)
		if d := <-took; d > long/5 {
			t.Fatalf("round %d: the sleeper slept %v", i, d)
		}
		if m := atomic.LoadUint64(q.notEmpty.mask); m != 0 {
			t.Fatalf("round %d: entries %b still taken", i, m)
		}
	}
}
