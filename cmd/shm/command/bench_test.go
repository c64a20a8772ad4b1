//go:build linux && !shm_filebackend

package command

import (
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func TestBench(t *testing.T) {
	name := testutil.Name(t)
	out := mustRun(t, "bench", "--duration", "1ms", "--name", name)
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "WriteAt" && f[0] != "ReadAt" && f[0] != "message" && f[0] != "queue" {
			continue
		}
		rows++
		if ratio := f[len(f)-1]; !strings.Contains(ratio, ".") {
			t.Errorf("row %q ends without a ratio", line)
		}
	}
	// WriteAt and ReadAt at 3 sizes, messages and queue streams at 2 sizes
	// against 2 baselines.
	if rows != 14 {
		t.Errorf("bench printed %d rows, want 14:\n%s", rows, out)
	}
	if !strings.Contains(out, "\nqueue ") || !strings.Contains(out, "KiB") {
		t.Errorf("bench output lacks queue rows")
	}
	for _, want := range []string{"OPERATION", "(copy)", "(pipe)", "(unix socket)", "1.0 MiB", "RATIO is"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q", want)
		}
	}
	for _, n := range []string{name, name + "-queue"} {
		if _, err := shm.Stat(n); err == nil {
			t.Errorf("bench left %s behind", n)
		}
	}
	wantExit(t, ExitUsage, "--duration must be positive", "bench", "--duration", "-1s")
}

func TestMeasure(t *testing.T) {
	b := &bench{d: 1}
	calls := 0
	ns, err := b.measure(func(n int) error { calls += n; return nil })
	if err != nil || ns < 0 || calls == 0 {
		t.Fatalf("measure = %v, %v after %d iterations", ns, err, calls)
	}
	for _, tt := range []struct {
		ns   float64
		want string
	}{{3.14, "3.1 ns"}, {1500, "1.50 µs"}, {2.5e6, "2.50 ms"}, {3e9, "3.00 s"}} {
		if got := nanos(tt.ns); got != tt.want {
			t.Errorf("nanos(%v) = %q, want %q", tt.ns, got, tt.want)
		}
	}
}
