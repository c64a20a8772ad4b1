package shm_test

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

func mustOpenEvent(t *testing.T, name string, kind shm.EventKind) *shm.Event {
	t.Helper()
	e, err := shm.OpenEvent(name, kind)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// isSet reports whether a Wait with an expired context succeeds.
func isSet(t *testing.T, e *shm.Event) bool {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := e.Wait(ctx)
	if err != nil && err != context.Canceled {
		t.Fatal(err)
	}
	return err == nil
}

func TestEventManualReset(t *testing.T) {
	name := testutil.Name(t)
	e := mustOpenEvent(t, name, shm.ManualReset)
	other := mustOpenEvent(t, name, shm.AutoReset) // exists: keeps its kind
	if isSet(t, e) {
		t.Fatal("a new event is set")
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), testutil.Patience)
			defer cancel()
			if err := other.Wait(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(probablyBlocked)
	if err := e.Set(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if !isSet(t, e) || !isSet(t, other) {
		t.Fatal("a manual-reset event reset itself")
	}
	if err := other.Reset(); err != nil {
		t.Fatal(err)
	}
	if isSet(t, e) {
		t.Fatal("Reset did not reset")
	}
}

func TestEventAutoReset(t *testing.T) {
	e := mustOpenEvent(t, testutil.Name(t), shm.AutoReset)
	if err := e.Set(); err != nil {
		t.Fatal(err)
	}
	if err := e.Set(); err != nil { // a flag, not a counter
		t.Fatal(err)
	}
	if !isSet(t, e) {
		t.Fatal("a set event does not release a waiter")
	}
	if isSet(t, e) {
		t.Fatal("an auto-reset event released two waiters")
	}
	// Set releases exactly one of several sleepers per Set.
	const waiters = 3
	done := make(chan error, waiters)
	for range waiters {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), testutil.Patience)
			defer cancel()
			done <- e.Wait(ctx)
		}()
	}
	time.Sleep(probablyBlocked)
	for i := range waiters {
		if err := e.Set(); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			t.Fatalf("Set %d released a second waiter (%v)", i, err)
		case <-time.After(probablyBlocked):
		}
	}
}

func TestEventContextLeavesEventUnchanged(t *testing.T) {
	e := mustOpenEvent(t, testutil.Name(t), shm.AutoReset)
	ctx, cancel := context.WithTimeout(context.Background(), probablyBlocked)
	defer cancel()
	if err := e.Wait(ctx); err != context.DeadlineExceeded {
		t.Fatalf("Wait on an unset event with a timeout = %v", err)
	}
	if isSet(t, e) {
		t.Fatal("a failed Wait set the event")
	}
	if err := e.Set(); err != nil {
		t.Fatal(err)
	}
	if !isSet(t, e) {
		t.Fatal("the event was not set")
	}
	e.Close()
	if err := e.Set(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("Set after Close = %v", err)
	}
}

func TestEventAcrossProcesses(t *testing.T) {
	name := testutil.Name(t)
	if testutil.Role(t) == "setter" {
		e, err := shm.OpenEvent(name, shm.ManualReset)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		testutil.Hear()
		if err := e.Set(); err != nil {
			t.Fatal(err)
		}
		return
	}
	e := mustOpenEvent(t, name, shm.ManualReset)
	setter := testutil.Start(t, "setter", name)
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), testutil.Patience)
		defer cancel()
		got <- e.Wait(ctx)
	}()
	time.Sleep(probablyBlocked)
	setter.Tell("set")
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	setter.Wait()
}
