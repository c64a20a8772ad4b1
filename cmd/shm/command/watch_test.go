//go:build linux && !shm_filebackend

package command

import (
	"strings"
	"testing"
	"time"

	"github.com/shmkit/shm"
)

// watchInterval is how often the tests' watch looks: short, to keep them
// quick. The tests wait for each change to be printed before making the
// next, so they do not depend on it.
const watchInterval = "2ms"

// text returns the text of a line of watch's output, after its timestamp.
func text(t *testing.T, line string) string {
	t.Helper()
	stamp, text, ok := strings.Cut(line, " ")
	if _, err := time.Parse("15:04:05.000", stamp); !ok || err != nil {
		t.Fatalf("watch printed %q: no timestamp", line)
	}
	return text
}

func TestWatchText(t *testing.T) {
	seg := newSegment(t, 64)
	if _, err := seg.WriteStringAt("first", 8, shm.UTF16LE); err != nil {
		t.Fatal(err)
	}
	w := startCmd(t, "watch", seg.Name(), "--utf16", "--offset", "8", "--interval", watchInterval)
	if got := text(t, w.next()); got != "first" {
		t.Fatalf("watch began with %q", got)
	}
	for _, want := range []string{"second", "third"} {
		if _, err := seg.WriteStringAt(want, 8, shm.UTF16LE); err != nil {
			t.Fatal(err)
		}
		// watch may catch a string half written: skip those.
		for text(t, w.next()) != want {
		}
	}
	if code := w.stop(); code != ExitOK {
		t.Fatalf("interrupted watch: exit %d", code)
	}
}

// TestWatchCount changes one byte at a time, which watch cannot see half
// done, so it counts exactly the changes made.
func TestWatchCount(t *testing.T) {
	seg := newSegment(t, 64)
	seg.Bytes()[0] = 'a'
	w := startCmd(t, "watch", seg.Name(), "--interval", watchInterval, "--count", "2")
	for _, c := range "abc" {
		if c != 'a' {
			seg.Bytes()[0] = byte(c)
		}
		if got := text(t, w.next()); got != string(c) {
			t.Fatalf("watch printed %q, want %q", got, string(c))
		}
	}
	if code, stderr := w.wait(); code != ExitOK {
		t.Fatalf("watch --count 2 ended with %d: %s", code, stderr)
	}
}

func TestWatchHex(t *testing.T) {
	seg := newSegment(t, 64)
	w := startCmd(t, "watch", seg.Name(), "--hex", "--offset", "16", "--size", "32", "--interval", watchInterval)
	if line := w.next(); !strings.HasSuffix(line, " watching 32 bytes at offset 16 of "+seg.Name()) {
		t.Fatalf("watch --hex began with %q", line)
	}
	seg.Bytes()[40] = 0xab
	w.next() // the timestamp
	if got, want := w.next(), "- 00000020  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|"; got != want {
		t.Fatalf("watch --hex printed %q, want %q", got, want)
	}
	if got, want := w.next(), "+ 00000020  00 00 00 00 00 00 00 00  ab 00 00 00 00 00 00 00  |................|"; got != want {
		t.Fatalf("watch --hex printed %q, want %q", got, want)
	}
	seg.Bytes()[50] = 1 // outside the window: not a change
	seg.Bytes()[16] = 'A'
	w.next()
	if got, want := w.next(), "- 00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|"; got != want {
		t.Fatalf("watch --hex printed %q, want %q", got, want)
	}
	if got, want := w.next(), "+ 00000010  41 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |A...............|"; got != want {
		t.Fatalf("watch --hex printed %q, want %q", got, want)
	}
	if code := w.stop(); code != ExitOK {
		t.Fatalf("interrupted watch: exit %d", code)
	}
}

func TestWatchErrors(t *testing.T) {
	seg := newSegment(t, 64)
	wantExit(t, ExitUsage, "--interval must be positive", "watch", seg.Name(), "--interval", "0s")
	wantExit(t, ExitUsage, "invalid argument", "watch", seg.Name(), "--interval", "soon")
	wantExit(t, ExitUsage, "--utf16 applies to text", "watch", seg.Name(), "--hex", "--utf16")
	wantExit(t, ExitFailure, "out of range", "watch", seg.Name(), "--offset", "64")
	wantExit(t, ExitNotFound, "no such file", "watch", seg.Name()+"-missing")
}

func TestHexDiff(t *testing.T) {
	old := []byte("0123456789abcdef0123456789abcdef01")
	new := []byte("0123456789abcdef0123456789abcdeX")
	got := hexDiff("header", 0x100, old, new)
	want := "header\n" +
		"- 00000110  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n" +
		"+ 00000110  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 58  |0123456789abcdeX|\n" +
		"- 00000120  30 31                                             |01|\n"
	if got != want {
		t.Fatalf("hexDiff:\n%s\nwant:\n%s", got, want)
	}
}
