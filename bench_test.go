package shm_test

import (
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

var ioSizes = []struct {
	name string
	n    int
}{{"64B", 64}, {"4KiB", 4 << 10}, {"1MiB", 1 << 20}}

// BenchmarkWriteAt compares WriteAt with a plain copy into the same mapping,
// the physical limit; the ratio is the price of bounds checks and the fault
// guard.
func BenchmarkWriteAt(b *testing.B) {
	seg := benchSegment(b, 4<<20)
	for _, sz := range ioSizes {
		p := make([]byte, sz.n)
		b.Run(sz.name+"/shm", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := seg.WriteAt(p, 4096); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(sz.name+"/copy", func(b *testing.B) {
			dst := seg.Bytes()[4096:]
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				copy(dst, p)
			}
		})
		if sz.n < 1<<20 {
			continue
		}
		// Go's memmove takes non-temporal stores from 1 MiB on (on CPUs
		// without fast REP MOVSB); copying in 512 KiB pieces stays on the
		// cached path. Measured here to decide whether WriteAt should.
		b.Run(sz.name+"/copy-512KiB-pieces", func(b *testing.B) {
			dst := seg.Bytes()[4096:]
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				for i := 0; i < len(p); i += 512 << 10 {
					copy(dst[i:], p[i:i+512<<10])
				}
			}
		})
	}
}

// BenchmarkReadAt is BenchmarkWriteAt the other way round.
func BenchmarkReadAt(b *testing.B) {
	seg := benchSegment(b, 4<<20)
	for _, sz := range ioSizes {
		p := make([]byte, sz.n)
		b.Run(sz.name+"/shm", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := seg.ReadAt(p, 4096); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(sz.name+"/copy", func(b *testing.B) {
			src := seg.Bytes()[4096:]
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				copy(p, src)
			}
		})
	}
}

// BenchmarkOpenClose opens and closes an existing segment; the python
// sub-benchmark times Python's SharedMemory(name) attach and close of the
// same segment, measured inside Python so that its start-up does not count.
func BenchmarkOpenClose(b *testing.B) {
	seg := benchSegment(b, 10000)
	b.Run("shm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := shm.Open(seg.Name())
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
	if runtime.GOOS != "linux" {
		return
	}
	b.Run("python", func(b *testing.B) {
		const rounds = 20000
		out, err := exec.Command("python3", "-c", `
import sys, time
from multiprocessing import shared_memory, resource_tracker
name, n = sys.argv[1], int(sys.argv[2])
for _ in range(1000):  # warm up
    shared_memory.SharedMemory(name=name).close()
t = time.perf_counter_ns()
for _ in range(n):
    shared_memory.SharedMemory(name=name).close()
t = time.perf_counter_ns() - t
resource_tracker.unregister("/" + name, "shared_memory")
print(t / n)
`, seg.Name(), strconv.Itoa(rounds)).CombinedOutput()
		if err != nil {
			b.Fatalf("python: %v\n%s", err, out)
		}
		ns, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err != nil {
			b.Fatalf("python said %q", out)
		}
		for b.Loop() {
		}
		b.ReportMetric(ns, "ns/op")
	})
}

func benchSegment(b *testing.B, size int64) *shm.Segment {
	b.Helper()
	seg, err := shm.Create(fmt.Sprintf("%sbench-%s", testutil.Prefix, strings.ReplaceAll(b.Name(), "/", "_")), size, shm.Prefault())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { seg.Close() })
	return seg
}
