package command

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

const (
	// progressMin is the largest transfer that gets no progress bar.
	progressMin = 1 << 20

	// progressThrottle is how often a bar is redrawn at most.
	progressThrottle = 65 * time.Millisecond
)

// isTerminal reports whether f, a reader or writer, is a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// A progress reports a transfer of total bytes (-1 if unknown) on w, as a
// bar that appears once the transfer is known to exceed progressMin bytes.
// It shows nothing if w is not a terminal.
type progress struct {
	w     io.Writer
	desc  string
	total int64
	on    bool
	done  int64
	bar   *progressbar.ProgressBar
}

// newProgress returns a progress for a transfer of total bytes described
// by desc, on stderr if stderr is a terminal.
func newProgress(stderr io.Writer, desc string, total int64) *progress {
	return &progress{w: stderr, desc: desc, total: total, on: isTerminal(stderr)}
}

// add records n more bytes.
func (p *progress) add(n int) {
	p.done += int64(n)
	switch {
	case p.bar != nil:
		p.bar.Add(n)
	case p.on && (p.total > progressMin || p.total < 0 && p.done > progressMin):
		p.bar = progressbar.NewOptions64(p.total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.desc),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionUseIECUnits(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(progressThrottle),
			progressbar.OptionClearOnFinish(),
		)
		p.bar.Set64(p.done)
	}
}

// finish removes the bar, if one is shown.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// Write counts len(b) bytes, so that a progress can follow an io.Copy.
func (p *progress) Write(b []byte) (int, error) {
	p.add(len(b))
	return len(b), nil
}

// reader returns r, counting what is read from it.
func (p *progress) reader(r io.Reader) io.Reader { return io.TeeReader(r, p) }
