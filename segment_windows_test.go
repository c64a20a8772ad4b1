package shm_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/sys"
	"github.com/shmkit/shm/internal/testutil"
	"golang.org/x/sys/windows"
)

// TestWindowsOpenedSizeIsPageRounded documents what VirtualQuery gives an
// opener: whole pages, so the seed's 10000 bytes open as 12288, and the
// bytes past 10000 are shared too.
func TestWindowsOpenedSizeIsPageRounded(t *testing.T) {
	c := mustCreate(t, 10000)
	o, err := shm.Open(c.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	t.Logf("created %d bytes, opened %d", c.Size(), o.Size())
	if c.Size() != 10000 || o.Size() != 12288 {
		t.Fatalf("sizes %d and %d, want 10000 and 12288", c.Size(), o.Size())
	}
	if _, err := o.WriteAt([]byte{42}, 12287); err != nil {
		t.Fatal(err)
	}
	o2, err := shm.Open(c.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer o2.Close()
	if o2.Bytes()[12287] != 42 {
		t.Fatal("the page tail is not shared")
	}
}

func TestWindowsPersistUnsupported(t *testing.T) {
	name := testutil.Name(t)
	for _, open := range []func() (*shm.Segment, error){
		func() (*shm.Segment, error) { return shm.Create(name, 64, shm.Persist()) },
		func() (*shm.Segment, error) { return shm.OpenOrCreate(name, 64, shm.Persist()) },
	} {
		seg, err := open()
		if !errors.Is(err, errors.ErrUnsupported) {
			if seg != nil {
				seg.Close()
			}
			t.Fatalf("Persist: %v, want errors.ErrUnsupported", err)
		}
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Path != name {
			t.Fatalf("error %v does not name the segment", err)
		}
	}
	if exists(t, name) {
		t.Fatal("a refused Persist left a mapping")
	}
}

func TestWindowsRemove(t *testing.T) {
	seg := mustCreate(t, 64)
	if err := shm.Remove(seg.Name()); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Remove of an open mapping: %v, want errors.ErrUnsupported", err)
	}
	if !exists(t, seg.Name()) {
		t.Fatal("Remove removed it after all")
	}
	seg.Close()
	if err := shm.Remove(seg.Name()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Remove after the last Close: %v, want fs.ErrNotExist", err)
	}
}

// TestWindowsPermDACL checks the DACL that Perm gives a new mapping, as the
// kernel reports it. Wine keeps security descriptors but does not enforce
// them, so who may open the mapping is not tested here.
func TestWindowsPermDACL(t *testing.T) {
	user, group, err := sys.CurrentUserSIDs()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("user %s, primary group %s", user, group)
	// SDDL spells section rights with the directory-style abbreviations of
	// their bits: CC = SECTION_QUERY, DC = SECTION_MAP_WRITE, LC =
	// SECTION_MAP_READ, RC = READ_CONTROL.
	const r, w, rw = "CCLCRC", "DC", "CCDCLCRC"
	tests := []struct {
		perm      fs.FileMode
		want, not []string // ACE fragments that must or must not appear
	}{
		{0o600, nil, []string{";;;WD)", ";;;" + group + ")"}},
		{0o640, []string{";;;" + user + ")", ";;;SY)", "(A;;" + r + ";;;" + group + ")"}, []string{";;;WD)"}},
		{0o666, []string{"(A;;" + rw + ";;;" + group + ")", "(A;;" + rw + ";;;WD)"}, nil},
		{0o602, []string{"(A;;" + w + ";;;WD)"}, []string{";;;" + group + ")"}},
	}
	for _, tt := range tests {
		seg := mustCreate(t, 64, shm.Perm(tt.perm))
		h, err := sys.OpenFileMappingByName(seg.Name(), windows.READ_CONTROL)
		if err != nil {
			t.Fatal(err)
		}
		dacl, err := sys.MappingDACL(h)
		sys.CloseHandle(h)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Perm(%#o): %s", tt.perm, dacl)
		for _, w := range tt.want {
			if !strings.Contains(dacl, w) {
				t.Errorf("Perm(%#o): DACL %s lacks %s", tt.perm, dacl, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(dacl, n) {
				t.Errorf("Perm(%#o): DACL %s has %s", tt.perm, dacl, n)
			}
		}
		seg.Close()
	}
}

// TestWindowsOver4GiB creates a mapping whose size needs the high DWORD
// and touches its last byte through a second handle. The memory is
// committed from the paging file, not touched: only two pages are used.
func TestWindowsOver4GiB(t *testing.T) {
	const size = 5<<30 + 12345
	seg := mustCreate(t, size)
	if seg.Size() != size {
		t.Fatalf("Size %d, want %d", seg.Size(), int64(size))
	}
	if _, err := seg.WriteAt([]byte{7}, size-1); err != nil {
		t.Fatal(err)
	}
	o, err := shm.Open(seg.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.Size() != openedSize(size) {
		t.Fatalf("opened Size %d, want %d", o.Size(), openedSize(size))
	}
	b := make([]byte, 1)
	if _, err := o.ReadAt(b, size-1); err != nil || b[0] != 7 {
		t.Fatalf("last byte %d, %v", b[0], err)
	}
}

// TestWindowsLifetimeFollowsProcesses: the mapping lives while any process
// holds it, whoever created it, and a killed holder leaves nothing behind.
func TestWindowsLifetimeFollowsProcesses(t *testing.T) {
	if testutil.Role(t) == "holder" {
		seg, err := shm.OpenOrCreate(testutil.Name(t), 10000)
		if err != nil {
			testutil.Say("ERR %v", err)
			return
		}
		seg.WriteStringAt("from the holder", 0, shm.UTF16LE)
		testutil.Say("HOLDING %v", seg.Created())
		testutil.Hear() // killed before it hears anything
		return
	}
	name := testutil.Name(t)
	holder := testutil.Start(t, "holder", name)
	if got := holder.Expect("HOLDING "); got != "true" {
		t.Fatalf("holder: %s", got)
	}
	seg, err := shm.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	holder.Kill()
	if s, err := seg.ReadStringAt(0, shm.UTF16LE); s != "from the holder" || err != nil {
		t.Fatalf("after the creator died: %q, %v", s, err)
	}
	if !exists(t, name) {
		t.Fatal("the mapping went with its creator while we held it")
	}
	seg.Close()
	if exists(t, name) {
		t.Fatal("the mapping outlived its last handle")
	}

	// A holder killed while it is the only one leaves nothing either.
	holder = testutil.Start(t, "holder", name)
	if got := holder.Expect("HOLDING "); got != "true" {
		t.Fatalf("second holder: %s", got)
	}
	holder.Kill()
	if exists(t, name) {
		t.Fatal("a killed process left its mapping behind")
	}
}

// TestWindowsReadOnlyView: a ReadOnly segment is mapped FILE_MAP_READ, so
// the memory itself refuses writes, not only the methods.
func TestWindowsReadOnlyView(t *testing.T) {
	seg := mustCreate(t, 4096)
	ro, err := shm.Open(seg.Name(), shm.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	prot, err := sys.Protection(ro.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if prot != windows.PAGE_READONLY {
		t.Fatalf("view protection %#x, want PAGE_READONLY", prot)
	}
	if prot, _ := sys.Protection(seg.Bytes()); prot != windows.PAGE_READWRITE {
		t.Fatalf("read-write view protection %#x, want PAGE_READWRITE", prot)
	}
}

// TestWindowsPrefault: Prefault reads every page at map time, for creator
// and opener, read-write or read-only, and changes nothing.
func TestWindowsPrefault(t *testing.T) {
	seg := mustCreate(t, 1<<20+1, shm.Prefault())
	seg.Bytes()[1<<20] = 9
	ro, err := shm.Open(seg.Name(), shm.Prefault(), shm.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if ro.Bytes()[1<<20] != 9 || ro.Bytes()[0] != 0 {
		t.Fatal("Prefault changed the memory")
	}
}
