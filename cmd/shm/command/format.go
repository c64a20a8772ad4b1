package command

import (
	"fmt"
	"io"
	"strings"
)

// hexDumper writes what it is given as a canonical hex dump (hexdump -C),
// numbering lines from off. Close writes the last, partial line.
type hexDumper struct {
	w    io.Writer
	off  int64
	line []byte
}

func (d *hexDumper) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(16-len(d.line), len(p))
		d.line = append(d.line, p[:k]...)
		p = p[k:]
		if len(d.line) == 16 {
			if err := d.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

func (d *hexDumper) flush() error {
	_, err := io.WriteString(d.w, hexLine(d.off, d.line)+"\n")
	d.off += int64(len(d.line))
	d.line = d.line[:0]
	return err
}

// Close writes the last line, if it is partial.
func (d *hexDumper) Close() error {
	if len(d.line) == 0 {
		return nil
	}
	return d.flush()
}

// hexLine formats up to 16 bytes found at off as one line of a hex dump:
//
//	00000000  48 65 6c 6c 6f 00 00 00  00 00 00 00 00 00 00 00  |Hello...........|
func hexLine(off int64, b []byte) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%08x  ", off)
	for i := range 16 {
		if i < len(b) {
			fmt.Fprintf(&sb, "%02x ", b[i])
		} else {
			sb.WriteString("   ")
		}
		if i == 7 {
			sb.WriteByte(' ')
		}
	}
	sb.WriteString(" |")
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		sb.WriteByte(c)
	}
	sb.WriteByte('|')
	return sb.String()
}
