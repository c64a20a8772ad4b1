package command

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	// Not a terminal: never a bar.
	var buf bytes.Buffer
	p := newProgress(&buf, "copying", 4<<20)
	io.Copy(io.Discard, p.reader(bytes.NewReader(make([]byte, 4<<20))))
	p.finish()
	if buf.Len() != 0 {
		t.Errorf("a progress bar on a buffer: %q", buf.String())
	}

	for _, tt := range []struct {
		total, n int64
		bar      bool
	}{
		{1 << 20, 1 << 20, false},    // 1 MiB: no bar
		{1<<20 + 1, 1<<20 + 1, true}, // more: a bar
		{-1, 1 << 20, false},         // unknown size, 1 MiB so far: no bar
		{-1, 2 << 20, true},          // unknown size, more: a bar
	} {
		var buf bytes.Buffer
		p := &progress{w: &buf, desc: "copying", total: tt.total, on: true}
		for left := tt.n; left > 0; left -= 64 << 10 {
			p.add(int(min(left, 64<<10)))
		}
		p.finish()
		if got := strings.Contains(buf.String(), "copying"); got != tt.bar || p.done != tt.n {
			t.Errorf("total %d, %d bytes: bar %v (%q), done %d; want bar %v", tt.total, tt.n, got, buf.String(), p.done, tt.bar)
		}
	}
}
