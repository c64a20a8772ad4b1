package queue_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmkit/shm/internal/testutil"
	"github.com/shmkit/shm/queue"
)

const maxTestMessage = 256

// message builds producer p's message number seq: p, seq, filler of a
// length that varies with seq, and a CRC-32 of all that.
func message(p, seq uint32) []byte {
	n := 12 + int((p*7919+seq*104729)%(maxTestMessage-12+1))
	b := make([]byte, n)
	binary.LittleEndian.PutUint32(b, p)
	binary.LittleEndian.PutUint32(b[4:], seq)
	for i := 8; i < n-4; i++ {
		b[i] = byte(int(seq) + i)
	}
	binary.LittleEndian.PutUint32(b[n-4:], crc32.ChecksumIEEE(b[:n-4]))
	return b
}

// check validates a received message and returns its producer and number.
func check(b []byte) (p, seq uint32, err error) {
	if len(b) < 12 {
		return 0, 0, fmt.Errorf("short message of %d bytes", len(b))
	}
	if crc32.ChecksumIEEE(b[:len(b)-4]) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return 0, 0, fmt.Errorf("bad checksum in % x", b[:12])
	}
	return binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), nil
}

// producerChild sends QN messages as producer QP, or with QN=0 until told
// to stop, saying SENT after each. It builds each message in a reserved
// slot, so that a kill can land between reserving and committing.
func producerChild(name string) {
	p, _ := strconv.Atoi(os.Getenv("QP"))
	count, _ := strconv.Atoi(os.Getenv("QN"))
	q, err := queue.Open(name)
	if err != nil {
		testutil.Say("ERR %v", err)
		return
	}
	defer q.Close()
	var stop atomic.Bool
	if count == 0 {
		go func() { testutil.Hear(); stop.Store(true) }()
	}
	for seq := 0; count == 0 && !stop.Load() || seq < count; seq++ {
		msg := message(uint32(p), uint32(seq))
		r, err := q.Reserve(context.Background(), len(msg))
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		copy(r.Data, msg)
		if err := r.Commit(); err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		testutil.Say("SENT %d %d", p, seq)
	}
	testutil.Say("DONE")
}

// consumerChild receives until told to stop, saying GOT for each message
// while it still holds it (view), so that a consumer killed after saying
// GOT and before releasing is told apart from a lost message.
func consumerChild(name string) {
	q, err := queue.Open(name)
	if err != nil {
		testutil.Say("ERR %v", err)
		return
	}
	defer q.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { testutil.Hear(); cancel() }()
	testutil.Say("READY")
	for {
		v, err := q.RecvView(ctx)
		if err != nil {
			if ctx.Err() == nil {
				testutil.Say("ERR %v", err)
			}
			testutil.Say("DONE")
			return
		}
		p, seq, err := check(v.Data)
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		testutil.Say("GOT %d %d", p, seq)
		if err := v.Release(); err != nil {
			testutil.Say("ERR %v", err)
			return
		}
	}
}

// playChild plays the producer or consumer part if this process is one of
// t's children, and reports whether it did.
func playChild(t *testing.T) bool {
	switch testutil.Role(t) {
	case "producer":
		producerChild(testutil.Name(t))
	case "consumer":
		consumerChild(testutil.Name(t))
	default:
		return false
	}
	return true
}

// ledger collects what children say.
type ledger struct {
	mu   sync.Mutex
	sent map[[2]uint32]bool
	got  map[[2]uint32][]int // message -> consumers that said GOT
	last map[int][2]uint32   // consumer -> its last GOT
	seq  map[int][][2]uint32 // consumer -> its GOTs in order
	errs []string
}

func newLedger() *ledger {
	return &ledger{sent: map[[2]uint32]bool{}, got: map[[2]uint32][]int{}, last: map[int][2]uint32{}, seq: map[int][][2]uint32{}}
}

// follow reads child c's lines until it ends, and closes done then.
func (l *ledger) follow(id int, c *testutil.Child, done chan<- struct{}) {
	defer close(done)
	for {
		line, ok := c.TryNext()
		if !ok {
			return
		}
		var p, seq uint32
		l.mu.Lock()
		switch {
		case strings.HasPrefix(line, "SENT "):
			fmt.Sscan(line[5:], &p, &seq)
			l.sent[[2]uint32{p, seq}] = true
		case strings.HasPrefix(line, "GOT "):
			fmt.Sscan(line[4:], &p, &seq)
			m := [2]uint32{p, seq}
			l.got[m] = append(l.got[m], id)
			l.last[id] = m
			l.seq[id] = append(l.seq[id], m)
		case strings.HasPrefix(line, "ERR "):
			l.errs = append(l.errs, fmt.Sprintf("child %d: %s", id, line))
		}
		l.mu.Unlock()
	}
}

// verify checks exactly-once delivery. killed lists consumers killed with
// SIGKILL: a message may be said twice only if one saying is the last of
// a killed consumer (it died holding the view, so the message came again).
func (l *ledger) verify(t *testing.T, killed map[int]bool) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.errs {
		t.Error(e)
	}
	for m := range l.sent {
		if len(l.got[m]) == 0 {
			t.Errorf("message %v was sent and never received", m)
		}
	}
	redelivered := 0
	for m, who := range l.got {
		if len(who) == 1 {
			continue
		}
		excused := 0
		for _, c := range who {
			if killed[c] && l.last[c] == m {
				excused++
			}
		}
		if len(who)-excused != 1 {
			t.Errorf("message %v received by consumers %v", m, who)
		}
		redelivered++
	}
	t.Logf("%d messages sent, %d received, %d received again after their consumer was killed", len(l.sent), len(l.got), redelivered)
}

// TestProcessesExactlyOnce: P producers and C consumers in separate
// processes; every message arrives once, intact.
func TestProcessesExactlyOnce(t *testing.T) {
	if playChild(t) {
		return
	}
	for _, tc := range []struct{ producers, consumers, each int }{{3, 1, 3000}, {3, 3, 3000}} {
		t.Run(fmt.Sprintf("%dx%d", tc.producers, tc.consumers), func(t *testing.T) {
			name := testutil.Name(t)
			q, err := queue.Create(name, queue.Config{Capacity: 64, MaxMessage: maxTestMessage})
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			l := newLedger()
			var consumers []*testutil.Child
			var done []chan struct{}
			for c := range tc.consumers {
				child := testutil.StartTest(t, "TestProcessesExactlyOnce", "consumer", name)
				child.Expect("READY")
				consumers = append(consumers, child)
				d := make(chan struct{})
				done = append(done, d)
				go l.follow(c, child, d)
			}
			var producers []chan struct{}
			for p := range tc.producers {
				child := testutil.StartTest(t, "TestProcessesExactlyOnce", "producer", name, "QP="+strconv.Itoa(p), "QN="+strconv.Itoa(tc.each))
				d := make(chan struct{})
				producers = append(producers, d)
				go l.follow(100+p, child, d)
			}
			for _, d := range producers {
				<-d
			}
			waitDrained(t, q)
			for i, c := range consumers {
				c.Tell("stop")
				<-done[i]
			}
			l.verify(t, nil)
			if len(l.sent) != tc.producers*tc.each {
				t.Fatalf("%d messages sent, want %d", len(l.sent), tc.producers*tc.each)
			}
			if tc.consumers == 1 {
				// One consumer sees each producer's messages in order.
				next := map[uint32]uint32{}
				for _, m := range l.seq[0] {
					if m[1] != next[m[0]] {
						t.Fatalf("producer %d: message %d came after %d", m[0], m[1], next[m[0]]-1)
					}
					next[m[0]]++
				}
			}
		})
	}
}

func waitDrained(t *testing.T, q *queue.Queue) {
	t.Helper()
	deadline := time.Now().Add(testutil.Patience)
	for q.Len() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("queue still holds %d messages", q.Len())
		}
		time.Sleep(time.Millisecond)
	}
}

// TestChaos kills producers and consumers with SIGKILL at random while
// others go on. Afterwards the queue still works, every message a producer
// reported sent was received, and none twice, except that a consumer killed
// while holding a message makes it come again.
func TestChaos(t *testing.T) {
	if playChild(t) {
		return
	}
	name := testutil.Name(t)
	q, err := queue.Create(name, queue.Config{Capacity: 32, MaxMessage: maxTestMessage})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	l := newLedger()
	rng := rand.New(rand.NewPCG(1, 2))
	type proc struct {
		c    *testutil.Child
		done chan struct{}
	}
	killed := map[int]bool{}
	consumers := map[int]proc{}
	producers := map[int]proc{}
	nextID := 0
	startConsumer := func() {
		id := nextID
		nextID++
		c := testutil.StartTest(t, "TestChaos", "consumer", name)
		c.Expect("READY")
		d := make(chan struct{})
		go l.follow(id, c, d)
		consumers[id] = proc{c, d}
	}
	startProducer := func() {
		id := nextID
		nextID++
		c := testutil.StartTest(t, "TestChaos", "producer", name, "QP="+strconv.Itoa(id), "QN=0")
		d := make(chan struct{})
		go l.follow(id, c, d)
		producers[id] = proc{c, d}
	}
	for range 3 {
		startConsumer()
		startProducer()
	}
	for round := range 40 {
		time.Sleep(time.Duration(1+rng.IntN(10)) * time.Millisecond)
		pick := func(m map[int]proc) int {
			ids := make([]int, 0, len(m))
			for id := range m {
				ids = append(ids, id)
			}
			return ids[rng.IntN(len(ids))]
		}
		// Kill by hand rather than with Child.Kill, which would swallow
		// the last lines the ledger must see.
		if round%2 == 0 {
			id := pick(consumers)
			consumers[id].c.Cmd.Process.Kill()
			<-consumers[id].done
			killed[id] = true
			delete(consumers, id)
			startConsumer()
		} else {
			id := pick(producers)
			producers[id].c.Cmd.Process.Kill()
			<-producers[id].done
			delete(producers, id)
			startProducer()
		}
	}
	for _, p := range producers {
		p.c.Tell("stop")
		<-p.done
	}
	waitDrained(t, q)
	for _, c := range consumers {
		c.c.Tell("stop")
		<-c.done
	}
	l.verify(t, killed)
	if len(killed) == 0 || len(l.sent) == 0 {
		t.Fatal("the chaos run killed nobody or sent nothing")
	}
	// The queue still works.
	if err := q.TrySend([]byte("after")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	if n, err := q.TryRecv(buf); err != nil || string(buf[:n]) != "after" {
		t.Fatalf("after the chaos: %q, %v", buf[:n], err)
	}
}

// A producer killed between Reserve and Commit holds up the consumers only
// until they find it dead: they skip its slot and go on.
func TestKilledProducerHoldingReservation(t *testing.T) {
	if testutil.Role(t) == "reserver" {
		q, err := queue.Open(testutil.Name(t))
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		if _, err := q.TryReserve(8); err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		testutil.Say("RESERVED")
		testutil.Hear() // killed here
		return
	}
	q := newQueue(t, queue.Config{Capacity: 4, MaxMessage: 16})
	c := testutil.Start(t, "reserver", q.Name())
	if got := c.Next(); got != "RESERVED" {
		t.Fatalf("child: %s", got)
	}
	if err := q.TrySend([]byte("after")); err != nil {
		t.Fatal(err)
	}
	c.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), deadPeerBound)
	defer cancel()
	buf := make([]byte, 16)
	n, err := q.Recv(ctx, buf)
	if err != nil || string(buf[:n]) != "after" {
		t.Fatalf("Recv past a dead producer's slot = %q, %v", buf[:n], err)
	}
	// The skipped slot is usable again, lap after lap.
	for i := range 10 {
		if err := q.TrySend([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		if n, err := q.TryRecv(buf); n != 1 || buf[0] != byte(i) || err != nil {
			t.Fatalf("lap %d: %v", i, err)
		}
	}
}

// A consumer killed while it holds a message (RecvView, no Release) did
// not receive it: the next consumer does.
func TestKilledConsumerHoldingView(t *testing.T) {
	if testutil.Role(t) == "viewer" {
		q, err := queue.Open(testutil.Name(t))
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		v, err := q.RecvView(context.Background())
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		testutil.Say("VIEWING %s", v.Data)
		testutil.Hear() // killed here
		return
	}
	q := newQueue(t, queue.Config{Capacity: 4, MaxMessage: 16})
	q.TrySend([]byte("precious"))
	q.TrySend([]byte("second"))
	c := testutil.Start(t, "viewer", q.Name())
	if got := c.Next(); got != "VIEWING precious" {
		t.Fatalf("child: %s", got)
	}
	buf := make([]byte, 16)
	if _, err := q.TryRecv(buf); err != queue.ErrEmpty {
		t.Fatalf("a message held by a live consumer was received again: %v", err)
	}
	c.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), deadPeerBound)
	defer cancel()
	for _, want := range []string{"precious", "second"} {
		n, err := q.Recv(ctx, buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("Recv after the viewer died = %q, %v; want %q", buf[:n], err, want)
		}
	}
}

// deadPeerBound is far above the time the queue takes to notice a dead
// peer (a few sleep slices): a queue that never noticed would miss it.
const deadPeerBound = 5 * time.Second
