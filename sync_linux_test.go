package shm_test

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// syncPath is the file behind a mutex, semaphore or event name on Linux.
func syncPath(name string) string {
	return shmDir + `/sync\` + strings.TrimPrefix(strings.TrimPrefix(name, `Local\`), `Global\`)
}

// plant writes a file where the sync object called name would live, as a
// hostile or foreign program could, and removes it at the end.
func plant(t *testing.T, name string, data []byte) {
	t.Helper()
	path := syncPath(name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })
}

func header(kind, state, param uint32) []byte {
	b := make([]byte, 64)
	binary.NativeEndian.PutUint32(b[0:], 0x636e7973)
	binary.NativeEndian.PutUint32(b[4:], 1<<8|kind)
	binary.NativeEndian.PutUint32(b[8:], state)
	binary.NativeEndian.PutUint32(b[16:], param)
	return b
}

func TestSyncObjectsRejectForeignFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"zeroes", make([]byte, 64), shm.ErrCorrupt},
		{"text", []byte(strings.Repeat("not a mutex. ", 8)), shm.ErrCorrupt},
		{"newer version", func() []byte { b := header(1, 0, 0); b[5] = 9; return b }(), shm.ErrCorrupt},
		{"short", header(1, 0, 0)[:16], shm.ErrInvalidSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := testutil.Name(t)
			plant(t, name, tc.data)
			if m, err := shm.OpenMutex(name); !errors.Is(err, tc.want) {
				if err == nil {
					m.Close()
				}
				t.Fatalf("OpenMutex over %s = %v, want %v", tc.name, err, tc.want)
			}
		})
	}
}

func TestSyncObjectsSurviveHostileState(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), deathBound)
	defer cancel()

	// A mutex "held" by an owner id nobody has: a dead owner.
	name := testutil.Name(t)
	plant(t, name, header(1, 0x9234_5678, 0))
	m := mustOpenMutex(t, name)
	if err := m.Lock(ctx); !errors.Is(err, shm.ErrOwnerDead) {
		t.Fatalf("Lock of a mutex held by nobody alive = %v, want ErrOwnerDead", err)
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}

	// A semaphore whose count is beyond its maximum, with a bogus
	// waiter count: it hands out what it has and refuses to overflow.
	name = testutil.Name(t)
	plant(t, name, header(2, 0xffff_fff0, 5))
	s := mustOpenSemaphore(t, name, 0)
	if ok, err := s.TryAcquire(shm.SemaphoreMax); !ok || err != nil {
		t.Fatalf("TryAcquire from a huge count = %v, %v", ok, err)
	}
	if err := s.Release(1); !errors.Is(err, shm.ErrOverflow) {
		t.Fatalf("Release past the stored maximum = %v, want ErrOverflow", err)
	}

	// An event with a strange state and kind: set, auto-reset.
	name = testutil.Name(t)
	plant(t, name, header(3, 0xdead_beef, 7))
	e := mustOpenEvent(t, name, shm.ManualReset)
	if err := e.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), probablyBlocked)
	defer cancel2()
	if err := e.Wait(short); err != context.DeadlineExceeded {
		t.Fatalf("second Wait on an auto-reset event = %v", err)
	}
}

func TestSyncObjectsAreRemovedWithTheirLastHandle(t *testing.T) {
	name := testutil.Name(t)
	m, err := shm.OpenMutex(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(syncPath(name)); err != nil {
		t.Fatalf("no file behind an open mutex: %v", err)
	}
	if exists(t, name) {
		t.Fatal("a mutex made a segment of its name")
	}
	m.Close()
	if _, err := os.Lstat(syncPath(name)); !os.IsNotExist(err) {
		t.Fatalf("the mutex's file outlived its last handle: %v", err)
	}
}
