package queue

import (
	"encoding/binary"
	"errors"
	"testing"
)

// FuzzHeader: any bytes either fail readHeader with ErrCorrupt or give a
// geometry whose slots fit in the memory.
func FuzzHeader(f *testing.F) {
	good := make([]byte, 1<<16)
	g, _ := Config{Capacity: 4, MaxMessage: 100}.geometry()
	writeHeader(good, g)
	binary.LittleEndian.PutUint32(good[offVersion:], version)
	f.Add(good[:headerSize+64])
	f.Add(good)
	f.Fuzz(func(t *testing.T, mem []byte) {
		g, err := readHeader(mem)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if g.size() > int64(len(mem)) || g.capacity&(g.capacity-1) != 0 || int(g.slotSize) < slotHeader+g.maxMessage {
			t.Fatalf("accepted geometry %+v for %d bytes", g, len(mem))
		}
	})
}

// FuzzRing runs sends and receives over a queue whose head, tail and slots
// hold arbitrary bytes, as a hostile or crashed peer could leave them: it
// may refuse, skip or report ErrCorrupt, but never panic or touch memory
// outside the queue.
func FuzzRing(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{0xff}, uint8(3))
	f.Add(make([]byte, 64), []byte{0, 1, 0, 1, 1}, uint8(0))
	f.Fuzz(func(t *testing.T, junk []byte, ops []byte, deadMask uint8) {
		g, _ := Config{Capacity: 4, MaxMessage: 40}.geometry()
		mem := make([]byte, g.size()+64) // room past the queue to catch overruns
		writeHeader(mem, g)
		// Scribble over head, tail and the slots.
		for i, b := range junk {
			off := offTail + i*7
			if off >= int(g.size()) {
				break
			}
			if off < offTail+16 || off >= headerSize {
				mem[off] ^= b
			}
			if i < 8 {
				mem[offHead+i] ^= b
			}
		}
		guard := append([]byte(nil), mem[g.size():]...)
		r := newRing(mem[:g.size()], g, 7, func(id uint16) bool { return id&uint16(deadMask) == 0 })
		msg := []byte("0123456789")
		for i, op := range ops {
			if i > 64 {
				break
			}
			check := op&2 != 0
			if op&1 == 0 {
				pos, body, o := r.claimSend()
				for tries := 0; o == retry; tries++ {
					if tries > 1000 {
						t.Fatal("claimSend retries without end")
					}
					pos, body, o = r.claimSend()
				}
				if o == done {
					copy(body[8:], msg)
					r.commit(pos, body, len(msg))
				}
				continue
			}
			pos, body, n, o, err := r.claimRecv(check)
			for tries := 0; o == retry && err == nil; tries++ {
				if tries > 1000 {
					t.Fatal("claimRecv retries without end")
				}
				pos, body, n, o, err = r.claimRecv(check)
			}
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatal(err)
			}
			if o == done {
				if n < 1 || n > g.maxMessage || 8+n > len(body) {
					t.Fatalf("claimRecv gave a %d-byte message", n)
				}
				r.release(pos)
			}
			r.readable()
			r.writable()
			if l := r.length(); l < 0 || l > int(g.capacity) {
				t.Fatalf("length %d", l)
			}
		}
		if string(mem[g.size():]) != string(guard) {
			t.Fatal("wrote past the queue")
		}
	})
}
