//go:build linux

package queue_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/sys"
	"github.com/shmkit/shm/internal/testutil"
	"github.com/shmkit/shm/queue"
)

// The benchmarks move messages from a second process to this one and
// compare the queue, in the same run, with what else could carry them: a
// pipe, a Unix socket, and a bare single-producer ring in shared memory
// (the physical limit for handing over messages one at a time); and
// round trips with a bare futex ping-pong (the limit for waking a sleeping
// receiver) and a bare spin ping-pong. They use b.N rather than b.Loop
// because the other process must know the count in advance.
//
//	go test -run '^$' -bench . -count 5 ./queue

const benchPeerEnv = "SHM_QUEUE_BENCH_PEER"

// A benchmark's other process runs this test binary with benchPeerEnv set:
// it plays its part and exits before any test runs.
func init() {
	if role := os.Getenv(benchPeerEnv); role != "" {
		os.Exit(benchPeer(role))
	}
}

var benchSizes = []int{64, 4096}

// startPeer starts the other process in role and waits until it is ready;
// it starts working when go is called.
func startPeer(b *testing.B, role, name string, size int, extra *os.File) (start func(), wait func()) {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), benchPeerEnv+"="+role, "QB_NAME="+name,
		"QB_SIZE="+strconv.Itoa(size), "QB_COUNT="+strconv.Itoa(b.N))
	if extra != nil {
		cmd.ExtraFiles = []*os.File{extra}
	}
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	r := bufio.NewReader(out)
	if line, err := r.ReadString('\n'); line != "READY\n" {
		cmd.Process.Kill()
		b.Fatalf("peer %s: %q, %v", role, line, err)
	}
	return func() { io.WriteString(in, "GO\n") }, func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			b.Fatalf("peer %s: %v", role, err)
		}
	}
}

// benchPeer is the other process: it opens what the benchmark made, says
// READY, waits for GO, and does its part.
func benchPeer(role string) int {
	name := os.Getenv("QB_NAME")
	size, _ := strconv.Atoi(os.Getenv("QB_SIZE"))
	count, _ := strconv.Atoi(os.Getenv("QB_COUNT"))
	fail := func(err error) int { fmt.Fprintln(os.Stderr, role+":", err); return 1 }
	ready := func() { fmt.Println("READY"); bufio.NewReader(os.Stdin).ReadString('\n') }
	msg := make([]byte, size)
	ctx := context.Background()
	switch role {
	case "queue-send", "queue-echo", "queue-echo-sleeping":
		if role == "queue-echo-sleeping" {
			queue.SetSpinning(false)
		}
		q, err := queue.Open(name)
		if err != nil {
			return fail(err)
		}
		defer q.Close()
		var back *queue.Queue
		if role != "queue-send" {
			if back, err = queue.Open(name + "-back"); err != nil {
				return fail(err)
			}
			defer back.Close()
		}
		ready()
		for range count {
			if back == nil {
				err = q.Send(ctx, msg)
			} else if _, err = q.Recv(ctx, msg); err == nil {
				err = back.Send(ctx, msg)
			}
			if err != nil {
				return fail(err)
			}
		}
	case "ring-send":
		seg, err := shm.Open(name)
		if err != nil {
			return fail(err)
		}
		defer seg.Close()
		r := newBareRing(seg.Bytes(), size)
		ready()
		for range count {
			r.send(msg)
		}
	case "pipe-send", "unix-send":
		f := os.NewFile(3, "peer")
		ready()
		for range count {
			if _, err := f.Write(msg); err != nil {
				return fail(err)
			}
		}
	case "futex-echo", "spin-echo":
		seg, err := shm.Open(name)
		if err != nil {
			return fail(err)
		}
		defer seg.Close()
		word := sys.PointerAt[uint32](seg.Bytes(), 0)
		ready()
		for i := range uint32(count) {
			awaitWord(word, 2*i+1, role == "futex-echo")
			atomic.StoreUint32(word, 2*i+2)
			if role == "futex-echo" {
				sys.FutexWake(word, 1)
			}
		}
	default:
		return fail(fmt.Errorf("unknown role"))
	}
	return 0
}

// awaitWord waits until *word == v, sleeping on the futex or spinning.
func awaitWord(word *uint32, v uint32, sleep bool) {
	for {
		w := atomic.LoadUint32(word)
		if w == v {
			return
		}
		if sleep {
			sys.FutexWait(word, w, time.Second)
		} else {
			sys.Pause()
		}
	}
}

// bareRing is a minimal single-producer single-consumer ring of fixed-size
// messages: a head and a tail on their own cache lines, an atomic store of
// the tail for every message sent and of the head for every message
// received, and each side keeps the last value it read of the other's
// index, reading it again only when the ring looks full or empty (the
// usual trick that keeps the two cores from trading those lines on every
// message). No claims, no crash safety, one producer: the limit.
type bareRing struct {
	head, tail *uint64
	slots      []byte
	size       int
	cap        uint64

	seenHead, seenTail uint64 // the producer's view of head, the consumer's of tail
}

const bareRingCap = 1024

func bareRingBytes(size int) int64 { return 128 + bareRingCap*int64(size) }

func newBareRing(mem []byte, size int) *bareRing {
	return &bareRing{head: sys.PointerAt[uint64](mem, 0), tail: sys.PointerAt[uint64](mem, 64),
		slots: mem[128:], size: size, cap: bareRingCap}
}

func (r *bareRing) send(msg []byte) {
	t := atomic.LoadUint64(r.tail)
	for t-r.seenHead == r.cap {
		if r.seenHead = atomic.LoadUint64(r.head); t-r.seenHead == r.cap {
			sys.Pause()
		}
	}
	copy(r.slots[int(t%r.cap)*r.size:], msg)
	atomic.StoreUint64(r.tail, t+1)
}

func (r *bareRing) recv(buf []byte) {
	h := atomic.LoadUint64(r.head)
	for r.seenTail == h {
		if r.seenTail = atomic.LoadUint64(r.tail); r.seenTail == h {
			sys.Pause()
		}
	}
	copy(buf, r.slots[int(h%r.cap)*r.size:int(h%r.cap)*r.size+r.size])
	atomic.StoreUint64(r.head, h+1)
}

func reportRate(b *testing.B, size int, start time.Time) {
	d := time.Since(start)
	b.ReportMetric(float64(b.N)/d.Seconds(), "msgs/s")
	b.ReportMetric(float64(b.N)*float64(size)/d.Seconds()/1e9, "GB/s")
}

// BenchmarkThroughput: one producer process, one consumer (this one).
func BenchmarkThroughput(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("%dB/queue", size), func(b *testing.B) {
			q, err := queue.Create(benchName(b), queue.Config{Capacity: 1024, MaxMessage: size})
			if err != nil {
				b.Fatal(err)
			}
			defer q.Close()
			start, wait := startPeer(b, "queue-send", q.Name(), size, nil)
			buf := make([]byte, size)
			b.ReportAllocs()
			b.ResetTimer()
			t0 := time.Now()
			start()
			for range b.N {
				if _, err := q.Recv(context.Background(), buf); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, size, t0)
			b.StopTimer()
			wait()
		})
		b.Run(fmt.Sprintf("%dB/bare-ring", size), func(b *testing.B) {
			seg, err := shm.Create(benchName(b), bareRingBytes(size))
			if err != nil {
				b.Fatal(err)
			}
			defer seg.Close()
			r := newBareRing(seg.Bytes(), size)
			start, wait := startPeer(b, "ring-send", seg.Name(), size, nil)
			buf := make([]byte, size)
			b.ResetTimer()
			t0 := time.Now()
			start()
			for range b.N {
				r.recv(buf)
			}
			reportRate(b, size, t0)
			b.StopTimer()
			wait()
		})
		for _, kind := range []string{"pipe", "unix-socket"} {
			b.Run(fmt.Sprintf("%dB/%s", size, kind), func(b *testing.B) {
				rd, wr := streamPair(b, kind)
				defer rd.Close()
				role := "pipe-send"
				if kind == "unix-socket" {
					role = "unix-send"
				}
				start, wait := startPeer(b, role, "", size, wr)
				wr.Close()
				buf := make([]byte, size)
				b.ResetTimer()
				t0 := time.Now()
				start()
				for range b.N {
					if _, err := io.ReadFull(rd, buf); err != nil {
						b.Fatal(err)
					}
				}
				reportRate(b, size, t0)
				b.StopTimer()
				wait()
			})
		}
	}
}

// streamPair returns the two ends of a pipe or of a Unix stream socket.
func streamPair(b *testing.B, kind string) (rd, wr *os.File) {
	if kind == "pipe" {
		rd, wr, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		return rd, wr
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	return os.NewFile(uintptr(fds[0]), "unix-rd"), os.NewFile(uintptr(fds[1]), "unix-wr")
}

// BenchmarkRoundTrip sends a 64-byte message to the other process, which
// sends it back: half the time per operation is the one-way latency. The
// sleeping variants make both sides sleep at once, with no spinning, so
// they measure a wake-up.
func BenchmarkRoundTrip(b *testing.B) {
	for _, sleeping := range []bool{false, true} {
		mode := "spinning"
		if sleeping {
			mode = "sleeping"
		}
		b.Run(mode+"/queue", func(b *testing.B) {
			queue.SetSpinning(!sleeping)
			defer queue.SetSpinning(true)
			name := benchName(b)
			c := queue.Config{Capacity: 16, MaxMessage: 64}
			ping, err := queue.Create(name, c)
			if err != nil {
				b.Fatal(err)
			}
			defer ping.Close()
			pong, err := queue.Create(name+"-back", c)
			if err != nil {
				b.Fatal(err)
			}
			defer pong.Close()
			role := "queue-echo"
			if sleeping {
				role = "queue-echo-sleeping"
			}
			start, wait := startPeer(b, role, name, 64, nil)
			msg := make([]byte, 64)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			start()
			for range b.N {
				if err := ping.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
				if _, err := pong.Recv(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			wait()
		})
		b.Run(mode+"/bare", func(b *testing.B) {
			seg, err := shm.Create(benchName(b), 64)
			if err != nil {
				b.Fatal(err)
			}
			defer seg.Close()
			word := sys.PointerAt[uint32](seg.Bytes(), 0)
			role := "spin-echo"
			if sleeping {
				role = "futex-echo"
			}
			start, wait := startPeer(b, role, seg.Name(), 64, nil)
			b.ResetTimer()
			start()
			for i := range uint32(b.N) {
				atomic.StoreUint32(word, 2*i+1)
				if sleeping {
					sys.FutexWake(word, 1)
				}
				awaitWord(word, 2*i+2, sleeping)
			}
			b.StopTimer()
			wait()
		})
	}
}

func benchName(b *testing.B) string {
	return testutil.Prefix + "bench-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
}
