//go:build linux && !shm_filebackend

package command

import (
	"strings"
	"testing"

	"github.com/shmkit/shm"
	"github.com/shmkit/shm/internal/testutil"
)

// TestDemo runs the demo, whose writer and reader are this test binary run
// again (see TestMain).
func TestDemo(t *testing.T) {
	name := testutil.Name(t)
	out := mustRun(t, "demo", "--name", name)
	var roles []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if role, _, ok := strings.Cut(strings.TrimPrefix(line, "["), " "); ok && strings.HasPrefix(line, "[") {
			roles = append(roles, role)
		}
	}
	// The writer publishes each sample before the reader takes it, and
	// waits for it to be taken: the order of their lines is fixed.
	want := "writer writer reader reader writer reader writer reader writer"
	if got := strings.Join(roles, " "); got != want {
		t.Errorf("demo lines came from %q, want %q", got, want)
	}
	for _, want := range []string{
		`created segment "` + name + `"`,
		`read "Hello from process `,
		"got sample 3: {Temperature: 21.5, Position: [3 6 0.5], Status: 1}",
		`closing the last handle removed "` + name + `"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo did not say %q", want)
		}
	}
	if _, err := shm.Stat(name); err == nil {
		t.Error("the demo left its segment behind")
	}
	wantExit(t, ExitUsage, "unknown --role", "demo", "--role", "bystander", "--name", testutil.Name(t))
}
