//go:build linux && !shm_filebackend

package command

import (
	"strings"
	"testing"

	"github.com/shmkit/shm/internal/testutil"
)

func TestHelp(t *testing.T) {
	out := mustRun(t, "help")
	for _, want := range []string{"Exit codes:", "2    usage error", "75   lock:", "send, recv: the queue", "127  lock:", "create", "hold", "write", "read", "ls", "info", "rm", "gc", "watch", "lock", "queue", "send", "recv", "bench", "demo", "completion"} {
		if !strings.Contains(out, want) {
			t.Errorf("help does not mention %q", want)
		}
	}
	if out := mustRun(t, "create", "--help"); !strings.Contains(out, "persistent") {
		t.Errorf("create --help does not say the segment is persistent:\n%s", out)
	}
	if out := mustRun(t, "hold", "--help"); !strings.Contains(out, "only way to keep a segment on Windows") {
		t.Errorf("hold --help does not talk about Windows:\n%s", out)
	}
	if out := mustRun(t, "send", "--help"); !strings.Contains(out, "goes away when send exits") {
		t.Errorf("send --help does not say what becomes of a queue --create makes:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"ls", "--bogus"},
		{"read"},
		{"read", "a", "b"},
		{"read", "x", "--size", "1Q"},
		{"read", "x", "--offset", "99999999999999999999"},
		{"create", "x", "--size", "8E"},
		{"watch", "x", "--count", "many"},
		{"rm", ""},
	} {
		r := wantExit(t, ExitUsage, "shm", args...)
		if !strings.Contains(r.err, "--help' for usage") {
			t.Errorf("shm %q: no pointer to the help: %q", args, r.err)
		}
	}
}

func TestCompletion(t *testing.T) {
	if out := mustRun(t, "completion", "bash"); !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash printed:\n%.200s", out)
	}
	seg := newSegment(t, 64)
	out := mustRun(t, "__complete", "info", testutil.Prefix)
	if !strings.Contains(out, seg.Name()+"\n") {
		t.Errorf("completing a segment name printed:\n%s", out)
	}
}
