package shm_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/sys"
	"github.com/shmkit/shm/internal/testutil"
)

// TestOpenOrCreateRace has 8 processes call OpenOrCreate on one name at
// once: exactly one creates, and all of them share its memory.
func TestOpenOrCreateRace(t *testing.T) {
	const procs = 8
	if testutil.Role(t) == "racer" {
		testutil.Hear() // go
		seg, err := shm.OpenOrCreate(testutil.Name(t), 4096)
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		defer seg.Close()
		counter := sys.PointerAt[uint32](seg.Bytes(), 0)
		atomic.AddUint32(counter, 1)
		testutil.Say("CREATED %v", seg.Created())
		// Hold the segment until every racer has counted itself in it.
		for atomic.LoadUint32(counter) < procs {
			time.Sleep(time.Millisecond)
		}
		testutil.Say("SAW %d", atomic.LoadUint32(counter))
		testutil.Hear() // done
		return
	}
	for round := range 3 {
		name := testutil.Name(t)
		var kids []*testutil.Child
		for range procs {
			kids = append(kids, testutil.Start(t, "racer", name))
		}
		for _, k := range kids {
			k.Tell("go")
		}
		created := 0
		for _, k := range kids {
			switch v := k.Expect("CREATED "); v {
			case "true":
				created++
			case "false":
			default:
				t.Fatalf("racer said %q", v)
			}
		}
		for _, k := range kids {
			if got := k.Expect("SAW "); got != strconv.Itoa(procs) {
				t.Fatalf("a racer saw %s processes in its segment, want %d", got, procs)
			}
		}
		for _, k := range kids {
			k.Tell("done")
			k.Wait()
		}
		if created != 1 {
			t.Fatalf("round %d: %d processes report Created(), want exactly 1", round, created)
		}
		if exists(t, name) {
			t.Fatalf("round %d: the segment outlived all its handles", round)
		}
	}
}

// TestNoHalfMadeSegment has one process create and drop a segment over and
// over while another opens it as fast as it can: every successful open must
// see the full size and the creator's initial contents, never an empty or
// partly made segment.
func TestNoHalfMadeSegment(t *testing.T) {
	const size = 1 << 16
	const stamp = 0x5eed5eed
	name := testutil.Name(t)
	if testutil.Role(t) == "churn" {
		go func() { testutil.Hear(); os.Exit(0) }()
		deadline := time.Now().Add(testutil.Patience)
		for time.Now().Before(deadline) {
			seg, err := shm.OpenOrCreate(name, size)
			if err != nil {
				testutil.Say("ERR %v", err)
				return
			}
			if seg.Created() {
				// The segment is zeroed when published; the stamp is ours.
				atomic.StoreUint32(sys.PointerAt[uint32](seg.Bytes(), size-4), stamp)
			}
			seg.Close()
		}
		return
	}
	churn := testutil.Start(t, "churn", name)
	seen, missing := 0, 0
	for seen < 2000 {
		seg, err := shm.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			missing++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		seen++
		if seg.Size() != size {
			t.Fatalf("opened a %d-byte segment, want %d", seg.Size(), size)
		}
		// The last word is 0 (just published) or the stamp (initialised):
		// anything else is memory that was never this segment's.
		if v := atomic.LoadUint32(sys.PointerAt[uint32](seg.Bytes(), size-4)); v != 0 && v != stamp {
			t.Fatalf("last word %#x", v)
		}
		seg.Close()
	}
	churn.Kill()
	t.Logf("%d opens succeeded, %d found no segment", seen, missing)
	// The killed churner may have left an orphan; OpenOrCreate reaps it.
	if seg, err := shm.OpenOrCreate(name, size); err == nil {
		seg.Close()
	}
	if exists(t, name) {
		t.Fatal("segment left behind")
	}
}

// TestSharedAcrossProcesses writes in one process and reads in another.
func TestSharedAcrossProcesses(t *testing.T) {
	if testutil.Role(t) == "reader" {
		seg, err := shm.Open(testutil.Name(t))
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		s, err := seg.ReadStringAt(0, shm.UTF16LE)
		testutil.Say("READ %q %v", s, err)
		seg.WriteStringAt("reply from "+fmt.Sprint(seg.Size()), 512, shm.UTF8)
		seg.Close()
		return
	}
	seg := mustCreate(t, 10000)
	if _, err := seg.WriteStringAt("This is data shared between scripts", 0, shm.UTF16LE); err != nil {
		t.Fatal(err)
	}
	r := testutil.Start(t, "reader", seg.Name())
	if got := r.Expect("READ "); got != `"This is data shared between scripts" <nil>` {
		t.Fatalf("reader got %s", got)
	}
	r.Wait()
	if s, _ := seg.ReadStringAt(512, shm.UTF8); s != fmt.Sprint("reply from ", openedSize(10000)) {
		t.Fatalf("reader's reply: %q", s)
	}
}
