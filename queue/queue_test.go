package queue_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
	"github.com/shmkit/shm/queue"
)

// probablyBlocked is how long a call that should block is given to return
// wrongly before we conclude it blocks.
const probablyBlocked = 50 * time.Millisecond

func newQueue(t *testing.T, c queue.Config) *queue.Queue {
	t.Helper()
	q, err := queue.Create(testutil.Name(t), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func TestSendRecvFIFO(t *testing.T) {
	q := newQueue(t, queue.Config{Capacity: 8, MaxMessage: 100})
	if q.Cap() != 8 || q.MaxMessage() != 100 || q.Len() != 0 {
		t.Fatalf("Cap %d MaxMessage %d Len %d", q.Cap(), q.MaxMessage(), q.Len())
	}
	ctx := context.Background()
	for i := range 8 {
		if err := q.Send(ctx, []byte(fmt.Sprint("message ", i))); err != nil {
			t.Fatal(err)
		}
	}
	if q.Len() != 8 {
		t.Fatalf("Len = %d after 8 sends", q.Len())
	}
	buf := make([]byte, 100)
	for i := range 8 {
		n, err := q.Recv(ctx, buf)
		if err != nil || string(buf[:n]) != fmt.Sprint("message ", i) {
			t.Fatalf("Recv %d = %q, %v", i, buf[:n], err)
		}
	}
	// Several laps round the ring.
	for i := range 100 {
		msg := bytes.Repeat([]byte{byte(i)}, 1+i%100)
		if err := q.TrySend(msg); err != nil {
			t.Fatal(err)
		}
		n, err := q.TryRecv(buf)
		if err != nil || !bytes.Equal(buf[:n], msg) {
			t.Fatalf("lap %d: %v", i, err)
		}
	}
}

func TestConfig(t *testing.T) {
	name := testutil.Name(t)
	for _, c := range []queue.Config{{Capacity: -1}, {MaxMessage: -1}, {Capacity: queue.MaxCapacity + 1}, {MaxMessage: queue.MaxMessageCap + 1}} {
		if _, err := queue.Create(name, c); !errors.Is(err, queue.ErrConfig) {
			t.Errorf("Create(%+v): %v, want ErrConfig", c, err)
		}
	}
	q, err := queue.OpenOrCreate(name, queue.Config{Capacity: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if q.Cap() != 8 || q.MaxMessage() != 4096 {
		t.Fatalf("Capacity 5 gave Cap %d, MaxMessage %d", q.Cap(), q.MaxMessage())
	}
	if _, err := queue.OpenOrCreate(name, queue.Config{Capacity: 16}); !errors.Is(err, queue.ErrConfig) {
		t.Fatalf("OpenOrCreate with another config: %v", err)
	}
	if _, err := queue.Create(name, queue.Config{}); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Create of an existing name: %v", err)
	}
	other, err := queue.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if other.Cap() != 8 {
		t.Fatalf("Open sees Cap %d", other.Cap())
	}
	if _, err := queue.Open(testutil.Name(t)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open of a missing queue: %v", err)
	}
}

func TestMessageSizes(t *testing.T) {
	q := newQueue(t, queue.Config{Capacity: 4, MaxMessage: 10})
	for _, n := range []int{0, 11, 1 << 20} {
		if err := q.TrySend(make([]byte, n)); !errors.Is(err, queue.ErrTooLarge) {
			t.Errorf("TrySend of %d bytes: %v", n, err)
		}
	}
	if err := q.TrySend([]byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	small := make([]byte, 9)
	if _, err := q.TryRecv(small); !errors.Is(err, queue.ErrShortBuffer) {
		t.Fatalf("TryRecv into 9 bytes: %v", err)
	}
	buf := make([]byte, 10)
	if n, err := q.TryRecv(buf); n != 10 || err != nil {
		t.Fatalf("the message did not stay after ErrShortBuffer: %d, %v", n, err)
	}
}

func TestFullAndEmpty(t *testing.T) {
	q := newQueue(t, queue.Config{Capacity: 2, MaxMessage: 8})
	buf := make([]byte, 8)
	if _, err := q.TryRecv(buf); err != queue.ErrEmpty {
		t.Fatalf("TryRecv on empty: %v", err)
	}
	q.TrySend([]byte("a"))
	q.TrySend([]byte("b"))
	if err := q.TrySend([]byte("c")); err != queue.ErrFull {
		t.Fatalf("TrySend on full: %v", err)
	}

	// A full queue blocks Send until a receive makes room.
	sent := make(chan error, 1)
	go func() { sent <- q.Send(context.Background(), []byte("c")) }()
	select {
	case err := <-sent:
		t.Fatalf("Send on a full queue returned %v", err)
	case <-time.After(probablyBlocked):
	}
	if n, _ := q.TryRecv(buf); string(buf[:n]) != "a" {
		t.Fatalf("got %q", buf[:n])
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}

	// An empty queue blocks Recv until a send.
	q.TryRecv(buf)
	q.TryRecv(buf)
	got := make(chan string, 1)
	go func() {
		n, err := q.Recv(context.Background(), buf)
		got <- fmt.Sprint(string(buf[:n]), err)
	}()
	select {
	case s := <-got:
		t.Fatalf("Recv on an empty queue returned %s", s)
	case <-time.After(probablyBlocked):
	}
	q.TrySend([]byte("d"))
	if s := <-got; s != "d<nil>" {
		t.Fatalf("Recv got %s", s)
	}
}

func TestContextCancels(t *testing.T) {
	q := newQueue(t, queue.Config{Capacity: 2, MaxMessage: 8})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := q.Recv(ctx, make([]byte, 8)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Recv past its deadline: %v", err)
	}
	q.TrySend([]byte("a"))
	q.TrySend([]byte("b"))
	ctx, cancel = context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if err := q.Send(ctx, []byte("c")); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Send: %v", err)
	}
	// Neither changed the queue.
	if q.Len() != 2 {
		t.Fatalf("Len = %d", q.Len())
	}
	buf := make([]byte, 8)
	for _, want := range []string{"a", "b"} {
		if n, err := q.TryRecv(buf); string(buf[:n]) != want || err != nil {
			t.Fatalf("got %q, %v; want %q", buf[:n], err, want)
		}
	}
}

func TestZeroCopy(t *testing.T) {
	q := newQueue(t, queue.Config{Capacity: 4, MaxMessage: 64})
	r, err := q.Reserve(context.Background(), 5)
	if err != nil || len(r.Data) != 5 {
		t.Fatalf("Reserve: %d bytes, %v", len(r.Data), err)
	}
	copy(r.Data, "hello")
	if _, err := q.TryRecv(make([]byte, 64)); err != queue.ErrEmpty {
		t.Fatalf("an uncommitted message was received: %v", err)
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	v, err := q.RecvView(context.Background())
	if err != nil || string(v.Data) != "hello" {
		t.Fatalf("RecvView = %q, %v", v.Data, err)
	}
	if q.Len() != 1 {
		t.Fatalf("a viewed message left the queue before Release")
	}
	if err := v.Release(); err != nil {
		t.Fatal(err)
	}
	if q.Len() != 0 {
		t.Fatalf("Len = %d after Release", q.Len())
	}
	if err := (queue.View{}).Release(); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("Release of a zero View: %v", err)
	}
}

func TestClose(t *testing.T) {
	q, err := queue.Create(testutil.Name(t), queue.Config{Capacity: 2})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := q.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := q.TrySend([]byte("x")); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("TrySend after Close: %v", err)
	}
	if _, err := q.TryRecv(make([]byte, 8)); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("TryRecv after Close: %v", err)
	}
	if _, err := shm.Open(q.Name()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the queue outlived its last handle: %v", err)
	}
}

func TestCorruptHeader(t *testing.T) {
	name := testutil.Name(t)
	seg, err := shm.Create(name, 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if _, err := queue.Open(name); !errors.Is(err, queue.ErrCorrupt) {
		t.Fatalf("Open of a segment that is not a queue: %v", err)
	}
}

// Many goroutines, one handle each, in one process: every message is
// delivered exactly once.
func TestGoroutinesMPMC(t *testing.T) {
	const producers, consumers, each = 4, 4, 5000
	q := newQueue(t, queue.Config{Capacity: 64, MaxMessage: 16})
	var wg sync.WaitGroup
	seen := make([][]int, consumers)
	for p := range producers {
		wg.Go(func() {
			h, err := queue.Open(q.Name())
			if err != nil {
				t.Error(err)
				return
			}
			defer h.Close()
			for i := range each {
				if err := h.Send(context.Background(), fmt.Appendf(nil, "%d", p*each+i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var got sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for c := range consumers {
		got.Go(func() {
			buf := make([]byte, 16)
			for {
				n, err := q.Recv(ctx, buf)
				if err != nil {
					return
				}
				var v int
				fmt.Sscan(string(buf[:n]), &v)
				seen[c] = append(seen[c], v)
			}
		})
	}
	wg.Wait()
	for q.Len() > 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond)
	cancel()
	got.Wait()
	count := make([]int, producers*each)
	for _, s := range seen {
		for _, v := range s {
			count[v]++
		}
	}
	for v, c := range count {
		if c != 1 {
			t.Fatalf("message %d delivered %d times", v, c)
		}
	}
}
