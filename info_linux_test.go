//go:build !shm_filebackend

package shm_test

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func TestStatLifetimes(t *testing.T) {
	held := mustCreate(t, 4096, shm.Perm(0o640))
	info, err := shm.Stat(`Local\` + held.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", info)
	if info.Name != held.Name() || info.Size != 4096 || info.Mode != 0o640 ||
		info.Lifetime != shm.LifetimeHandles || info.Holders != 1 || info.Orphan ||
		!slices.Equal(info.PIDs, []int{os.Getpid()}) || info.UID != os.Getuid() || info.Owner == "" {
		t.Fatalf("Stat of a held segment = %+v", info)
	}

	second, err := shm.Open(held.Name())
	if err != nil {
		t.Fatal(err)
	}
	if info, err := shm.Stat(held.Name()); err != nil || info.Holders != 2 {
		t.Fatalf("Stat with two handles = %+v, %v", info, err)
	}
	second.Close()

	name := testutil.Name(t)
	p, err := shm.Create(name, 100, shm.Persist())
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	t.Cleanup(func() { shm.Remove(name) })
	if info, err := shm.Stat(name); err != nil || info.Lifetime != shm.LifetimePersist || info.Holders != 0 || info.Orphan {
		t.Fatalf("Stat of a persistent segment = %+v, %v", info, err)
	}

	if _, err := shm.Stat(testutil.Name(t)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat of a missing name: %v", err)
	}
	if _, err := shm.Stat("a/b"); !errors.Is(err, shm.ErrInvalidName) {
		t.Fatalf("Stat of a bad name: %v", err)
	}
}

// TestOrphans kills a holder and checks that List sees the orphan and that
// RemoveOrphans removes it and nothing else.
func TestOrphans(t *testing.T) {
	if testutil.Role(t) == "holder" {
		seg, err := shm.Create(testutil.Name(t), 4096)
		if err != nil {
			testutil.Say("error %v", err)
			return
		}
		defer seg.Close()
		testutil.Say("holding")
		testutil.Hear()
		return
	}
	orphan := testutil.Name(t)
	c := testutil.Start(t, "holder", orphan)
	c.Expect("holding")
	c.Kill()
	t.Cleanup(func() { os.Remove(pathOf(orphan)) })

	held := mustCreate(t, 4096)
	persistent := testutil.Name(t)
	p, err := shm.Create(persistent, 4096, shm.Persist())
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	t.Cleanup(func() { shm.Remove(persistent) })
	foreign := testutil.Name(t)
	if err := os.WriteFile(pathOf(foreign), []byte("made by someone else"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(pathOf(foreign)) })

	infos, err := shm.List()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]shm.Info{}
	for _, info := range infos {
		if strings.HasPrefix(info.Name, testutil.Prefix) {
			want[info.Name] = info
		}
	}
	t.Logf("listed %+v", want)
	check := func(name string, lifetime shm.Lifetime, orphan bool) {
		t.Helper()
		info, ok := want[name]
		if !ok || info.Lifetime != lifetime || info.Orphan != orphan {
			t.Errorf("List: %s = %+v (listed %v), want lifetime %v orphan %v", name, info, ok, lifetime, orphan)
		}
	}
	check(orphan, shm.LifetimeHandles, true)
	check(held.Name(), shm.LifetimeHandles, false)
	check(persistent, shm.LifetimePersist, false)
	check(foreign, shm.LifetimeForeign, false)

	pattern := testutil.Prefix + "*"
	for _, dry := range []bool{true, false} {
		removed, err := shm.RemoveOrphans(pattern, dry)
		if err != nil || !slices.Equal(removed, []string{orphan}) {
			t.Fatalf("RemoveOrphans(dryRun=%v) = %v, %v; want [%s]", dry, removed, err, orphan)
		}
		if exists(t, orphan) == !dry {
			t.Fatalf("after RemoveOrphans(dryRun=%v) the orphan exists: %v", dry, !dry)
		}
	}
	for _, name := range []string{held.Name(), persistent, foreign} {
		if !exists(t, name) {
			t.Errorf("RemoveOrphans removed %s", name)
		}
	}
	if removed, err := shm.RemoveOrphans(pattern, false); err != nil || len(removed) != 0 {
		t.Fatalf("second RemoveOrphans = %v, %v", removed, err)
	}
	if _, err := shm.RemoveOrphans("[", true); err == nil {
		t.Fatal("RemoveOrphans accepted a bad pattern")
	}
}
