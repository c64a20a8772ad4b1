package shm_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// seedText is what interop/windows/seedpeer.c writes with "write".
const seedText = "Hello from C via the seed's calls: ünïcödé 𝄞"

// goText is what the Go side writes for the C side to read.
const goText = "Hello from Go: ∑ ünïcödé 𝄞 and more"

// seedpeerExe returns the path of the built seedpeer program. Under Wine
// the exec wrapper (.ci/wine/go_windows_amd64_exec) builds it on the host
// and passes SHM_SEEDPEER; on Windows a mingw gcc on PATH builds it here.
// Without either the test is skipped, unless SHM_REQUIRE_MINGW=1 (as in
// CI), which makes that a failure.
func seedpeerExe(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SHM_SEEDPEER"); p != "" {
		return p
	}
	for _, cc := range []string{"x86_64-w64-mingw32-gcc", "gcc"} {
		path, err := exec.LookPath(cc)
		if err != nil {
			continue
		}
		exe := filepath.Join(t.TempDir(), "seedpeer.exe")
		out, err := exec.Command(path, "-municode", "-O2", "-o", exe, filepath.Join("interop", "windows", "seedpeer.c")).CombinedOutput()
		if err != nil {
			t.Fatalf("building seedpeer with %s: %v\n%s", path, err, out)
		}
		return exe
	}
	if os.Getenv("SHM_REQUIRE_MINGW") == "1" {
		t.Fatal("SHM_REQUIRE_MINGW=1 but seedpeer is not built (SHM_SEEDPEER unset) and no mingw gcc is on PATH")
	}
	t.Skip("no mingw gcc to build interop/windows/seedpeer.c (set SHM_REQUIRE_MINGW=1 to make this a failure)")
	return ""
}

// A seedPeer is a running seedpeer process.
type seedPeer struct {
	t *testing.T
	*testutil.Child
}

func startSeedPeer(t *testing.T, name string) *seedPeer {
	t.Helper()
	c := testutil.StartCommand(t, exec.Command(seedpeerExe(t), name))
	t.Logf("started seedpeer %d for %s", c.Cmd.Process.Pid, name)
	return &seedPeer{t: t, Child: c}
}

// next returns the peer's next line.
func (p *seedPeer) next() string {
	p.t.Helper()
	line := p.Next()
	p.t.Logf("seedpeer: %s", line)
	return line
}

// do sends a command and returns the answer, which must start with want.
func (p *seedPeer) do(cmd, want string) string {
	p.t.Helper()
	p.t.Logf("to seedpeer: %s", cmd)
	p.Tell(cmd)
	line := p.next()
	if !strings.HasPrefix(line, want) {
		p.t.Fatalf("seedpeer answered %q to %q, want %q...", line, cmd, want)
	}
	return line
}

// readAt has the peer StrGet at off and decodes its answer.
func (p *seedPeer) readAt(off int) string {
	p.t.Helper()
	line := p.do(fmt.Sprintf("read %d", off), "read")
	var units []uint16
	for _, f := range strings.Fields(strings.TrimPrefix(line, "read")) {
		u, err := strconv.ParseUint(f, 16, 16)
		if err != nil {
			p.t.Fatalf("seedpeer answered %q", line)
		}
		units = append(units, uint16(u))
	}
	return string(utf16.Decode(units))
}

// TestSeedInteropCFirst: the C program creates the mapping the seed's way
// (OpenFileMapping fails, CreateFileMapping of 10000 bytes), Go opens it,
// each reads what the other wrote, and the mapping is gone once both have
// closed while the C process is still alive.
func TestSeedInteropCFirst(t *testing.T) {
	name := `Local\` + testutil.Name(t)
	peer := startSeedPeer(t, name)
	if got := peer.next(); got != "created" {
		t.Fatalf("seedpeer: %q, want created", got)
	}
	seg, err := shm.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if seg.Created() || seg.Size() != openedSize(10000) {
		t.Fatalf("Open of the seed's mapping: Created=%v Size=%d, want false, %d", seg.Created(), seg.Size(), openedSize(10000))
	}

	peer.do("write 0", "wrote")
	if s, err := seg.ReadStringAt(0, shm.UTF16LE); s != seedText || err != nil {
		t.Fatalf("Go read %q, %v; want %q", s, err, seedText)
	}
	if _, err := seg.WriteStringAt(goText, 4000, shm.UTF16LE); err != nil {
		t.Fatal(err)
	}
	if s := peer.readAt(4000); s != goText {
		t.Fatalf("C read %q, want %q", s, goText)
	}

	peer.do("close", "closed")
	if !exists(t, name) {
		t.Fatal("the mapping went while Go still had it open")
	}
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	peer.do("probe", "gone")
	if exists(t, name) {
		t.Fatal("the mapping outlived both handles")
	}
}

// TestSeedInteropGoFirst: Go creates, the C program opens with the seed's
// OpenFileMapping, and the mapping lives on in C after Go closes.
func TestSeedInteropGoFirst(t *testing.T) {
	name := `Local\` + testutil.Name(t)
	seg, err := shm.OpenOrCreate(name, 10000)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if !seg.Created() || seg.Size() != 10000 {
		t.Fatalf("OpenOrCreate: Created=%v Size=%d", seg.Created(), seg.Size())
	}
	if _, err := seg.WriteStringAt(goText, 0, shm.UTF16LE); err != nil {
		t.Fatal(err)
	}
	peer := startSeedPeer(t, name)
	if got := peer.next(); got != "opened" {
		t.Fatalf("seedpeer: %q, want opened", got)
	}
	if s := peer.readAt(0); s != goText {
		t.Fatalf("C read %q, want %q", s, goText)
	}
	peer.do("write 5000", "wrote")
	if s, err := seg.ReadStringAt(5000, shm.UTF16LE); s != seedText || err != nil {
		t.Fatalf("Go read %q, %v; want %q", s, err, seedText)
	}
	// StrPut near the end truncates and terminates within the mapping.
	peer.do("write 9990", "wrote 5")
	if s, err := seg.ReadStringAt(9990, shm.UTF16LE); s != seedText[:4] || err != nil {
		t.Fatalf("Go read %q, %v after a truncated StrPut; want %q", s, err, seedText[:4])
	}

	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	peer.do("probe", "present")
	if s := peer.readAt(5000); s != seedText {
		t.Fatalf("after Go closed, C read %q", s)
	}
	peer.do("close", "closed")
	peer.do("probe", "gone")
	if exists(t, name) {
		t.Fatal("the mapping outlived both handles")
	}
}
