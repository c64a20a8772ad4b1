//go:build linux && !shm_filebackend

package command

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// ours returns what ls --json listed of this test run's segments, by name.
func ours(t *testing.T, out string) map[string]infoJSON {
	t.Helper()
	var infos []infoJSON
	if err := json.Unmarshal([]byte(out), &infos); err != nil {
		t.Fatalf("ls --json printed %q: %v", out, err)
	}
	m := map[string]infoJSON{}
	for _, info := range infos {
		if strings.HasPrefix(info.Name, testutil.Prefix) {
			m[info.Name] = info
		}
	}
	return m
}

// foreignSegment makes a segment the way a program without this library
// would, and removes it at the end of the test.
func foreignSegment(t *testing.T, data string) string {
	t.Helper()
	name := testutil.Name(t)
	path := "/dev/shm/" + name
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })
	return name
}

func TestLs(t *testing.T) {
	held := newSegment(t, 4096)
	persistent := testutil.Name(t)
	t.Cleanup(func() { shm.Remove(persistent) })
	mustRun(t, "create", persistent, "--size", "100", "--perm", "644")
	foreign := foreignSegment(t, "made elsewhere")

	got := ours(t, mustRun(t, "ls", "--json"))
	want := map[string]infoJSON{
		held.Name(): {Name: held.Name(), Size: 4096, Holders: 1, PIDs: []int{os.Getpid()},
			Lifetime: shm.LifetimeHandles, UID: os.Getuid(), Mode: "0600"},
		persistent: {Name: persistent, Size: 100, Holders: 0, PIDs: []int{},
			Lifetime: shm.LifetimePersist, UID: os.Getuid(), Mode: "0644"},
	}
	check := func(got, want map[string]infoJSON) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("ls listed %v, want %v", got, want)
		}
		for name, w := range want {
			g := got[name]
			w.Owner = g.Owner
			if g.Name != w.Name || g.Size != w.Size || g.Holders != w.Holders || !slices.Equal(g.PIDs, w.PIDs) ||
				g.Lifetime != w.Lifetime || g.Orphan != w.Orphan || g.UID != w.UID || g.Mode != w.Mode || g.Owner == "" {
				t.Errorf("ls: %s = %+v, want %+v", name, g, w)
			}
		}
	}
	check(got, want)

	want[foreign] = infoJSON{Name: foreign, Size: 14, PIDs: []int{}, Lifetime: shm.LifetimeForeign, UID: os.Getuid(), Mode: "0600"}
	check(ours(t, mustRun(t, "ls", "--all", "--json")), want)

	table := mustRun(t, "ls", "-a")
	lines := strings.Split(table, "\n")
	if !strings.HasPrefix(lines[0], "NAME") || !strings.Contains(lines[0], "HOLDERS") {
		t.Errorf("ls table header: %q", lines[0])
	}
	for _, name := range []string{held.Name(), persistent, foreign} {
		if !strings.Contains(table, name) {
			t.Errorf("ls -a does not list %s", name)
		}
	}
	if table := mustRun(t, "ls"); strings.Contains(table, foreign) || !strings.Contains(table, persistent) {
		t.Errorf("ls without --all:\n%s", table)
	}
	wantExit(t, ExitUsage, "unknown command", "ls", "extra")
}
