// Package command implements the subcommands of the shm command-line tool,
// one file each. [NewRoot] builds the command tree and [Main] runs it, so
// that tests can run any command in process.
package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

const rootLong = `shm creates, inspects, writes, reads, watches and cleans up named shared
memory segments: the ones the github.com/shmkit/shm library makes, and (on
Linux) the ones Python's multiprocessing.shared_memory, C shm_open and Boost
make in /dev/shm. "shm lock" runs a command while holding a named mutex,
like flock(1). "shm queue", "shm send" and "shm recv" pass messages through
a shared memory queue (package github.com/shmkit/shm/queue).

A NAME may carry a Local\ or Global\ prefix; on Linux and macOS it is
dropped, so Local\Telemetry and Telemetry are the same segment. Sizes and
offsets are bytes, with an optional suffix: K or KiB, M or MiB, G or GiB
(powers of 1024), e.g. --size 64K.

Exit codes:
  0    success (also when hold, queue, watch or recv --count 0 is interrupted)
  1    the operation failed
  2    usage error: bad command, flag, argument or name
  3    no segment (or queue) by that name
  4    a segment by that name exists already
  5    permission denied
  6    not supported on this operating system
  75   lock: the mutex is held elsewhere (--nonblock) or --timeout passed;
       send, recv: the queue stayed full or empty (--nonblock, --timeout)
  126  lock: the command could not be run
  127  lock: the command was not found
  130  interrupted (bench, demo, lock, send or recv while they wait)
Otherwise lock exits with the status of its command, or with 128+N when
signal N killed it, as shells do.`

// NewRoot returns the shm command with every subcommand.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "shm",
		Short: "Named shared memory between processes",
		Long:  rootLong,
		// Main prints errors itself, with the exit code it picks.
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newCreate(), newHold(), newWrite(), newRead(),
		newLs(), newInfo(), newRm(), newGC(),
		newWatch(), newLock(), newQueue(), newSend(), newRecv(), newBench(), newDemo(),
	)
	return root
}

// Main runs the shm command with args (without the program's name) and
// returns its exit code. Errors go to stderr. Cancelling ctx interrupts the
// command; lock then terminates the command it runs, unless a cause says
// that signal.NotifyContext cancelled ctx, whose signal lock passes on.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := NewRoot()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var status exitStatus
	if errors.As(err, &status) {
		return int(status) // lock's command: its own messages are enough
	}
	code := exitCode(err)
	msg := err.Error()
	if !strings.HasPrefix(msg, "shm: ") { // the library's errors have it
		msg = "shm: " + msg
	}
	fmt.Fprintln(stderr, msg)
	if code == ExitUsage {
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}
