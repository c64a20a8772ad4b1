package command

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

func newLock() *cobra.Command {
	var (
		timeout  time.Duration
		nonblock bool
	)
	cmd := &cobra.Command{
		Use:   "lock NAME [--timeout D] [--nonblock] -- CMD [ARGS...]",
		Short: "Run a command while holding a named mutex",
		Long: `Run CMD with its arguments while holding the mutex called NAME, like
flock(1), and exit with CMD's exit status (128+N if signal N killed it, as
shells report it). Put -- before CMD. CMD shares shm's standard input,
output and error. A SIGINT, SIGTERM or SIGHUP that shm receives while CMD
runs is passed on to CMD (so Ctrl-C at a terminal, which reaches both, gets
to CMD twice; on Windows CMD gets Ctrl-C from the console they share), and
the mutex is released only once CMD has ended. If CMD cannot be found, lock
exits with status 127 (126 if it cannot be run) and releases the mutex.

By default lock waits as long as the mutex is held elsewhere. With
--nonblock it gives up at once, and with --timeout after waiting that long:
then CMD does not run and the exit status is 75. Interrupted while it
waits, lock exits with 130.

NAME is a mutex's name, with the rules of segment names (an optional Local\
or Global\ prefix). On Linux, macOS and FreeBSD a mutex is an object of its
own, apart from the segments (on Linux /dev/shm/sync\NAME), which lives
while any process has it open; programs using the Go library open the same
one with shm.OpenMutex(NAME). On Windows it is a native named mutex, which
AutoHotkey's or C's CreateMutex(0, false, "NAME") opens too; there mutexes
and segments share one namespace, so give them different names.

If the previous holder died holding the mutex (killed, crashed), lock takes
the mutex over, prints a warning on stderr and runs CMD anyway: what the
mutex guards may be half updated. If no other process had the mutex open
when its holder died, it is made afresh, without a warning.`,
		Example: `  shm lock backup -- rsync -a src/ dst/
  shm lock nightly --nonblock -- ./job.sh || echo "busy or failed: $?"
  shm lock 'Local\Jobs' --timeout 30s -- sh -c 'step1 && step2'`,
		Args:              lockArgs,
		ValidArgsFunction: completeLock,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			waits := cmd.Flags().Changed("timeout")
			switch {
			case waits && nonblock:
				return usageErrorf("--nonblock and --timeout exclude each other")
			case waits && timeout <= 0:
				return usageErrorf("--timeout must be positive (--nonblock does not wait)")
			}
			name, argv := args[0], args[1:]
			m, err := shm.OpenMutex(name)
			if err != nil {
				return err
			}
			if err := acquire(cmd, m, timeout, nonblock); err != nil {
				return errors.Join(err, m.Close())
			}
			status := runLocked(cmd, argv)
			// Unlock before Close: closing a handle that holds the mutex
			// abandons it, and the next holder would be warned.
			if err := errors.Join(m.Unlock(), m.Close()); err != nil {
				return fmt.Errorf("releasing mutex %s after %s ended: %w", name, argv[0], err)
			}
			return status
		}),
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "give up after waiting this long for the mutex (exit status 75)")
	cmd.Flags().BoolVar(&nonblock, "nonblock", false, "give up at once if the mutex is held elsewhere (exit status 75)")
	return cmd
}

// lockArgs checks that the arguments are NAME -- CMD [ARGS...].
func lockArgs(cmd *cobra.Command, args []string) error {
	dash := cmd.ArgsLenAtDash()
	switch {
	case dash < 0 && len(args) == 0:
		return usageErrorf("requires a mutex's NAME, then -- and the command to run")
	case dash < 0 && len(args) == 1:
		return usageErrorf("requires -- and the command to run after the NAME")
	case dash < 0:
		return usageErrorf("put -- between the NAME and the command: shm lock %s -- %s", args[0], strings.Join(args[1:], " "))
	case dash == 0:
		return usageErrorf("requires a mutex's NAME before --")
	case dash > 1:
		return usageErrorf("accepts one NAME before --, received %d", dash)
	case len(args) == 1:
		return usageErrorf("requires a command to run after --")
	}
	return nil
}

// completeLock completes nothing for the NAME, since mutexes cannot be
// listed, and files for the command and its arguments. (It cannot look at
// ArgsLenAtDash: cobra's completion parses the arguments twice, once with
// an extra "--".)
func completeLock(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveDefault
}

// acquire locks m, waiting as the flags say. If the mutex stays held
// elsewhere it returns an error with ExitBusy. Taking the mutex over from a
// holder that died is a success, with a warning on stderr.
func acquire(cmd *cobra.Command, m *shm.Mutex, timeout time.Duration, nonblock bool) error {
	var err error
	switch {
	case nonblock:
		var ok bool
		ok, err = m.TryLock()
		if !ok && err == nil {
			return codedError{ExitBusy, fmt.Errorf("mutex %s is held elsewhere (--nonblock)", m.Name())}
		}
	case timeout > 0:
		ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
		defer cancel()
		err = m.Lock(ctx)
		if errors.Is(err, context.DeadlineExceeded) && cmd.Context().Err() == nil {
			return codedError{ExitBusy, fmt.Errorf("mutex %s is still held elsewhere after --timeout %v", m.Name(), timeout)}
		}
	default:
		err = m.Lock(cmd.Context())
	}
	switch {
	case errors.Is(err, shm.ErrOwnerDead):
		fmt.Fprintf(cmd.ErrOrStderr(), "shm: warning: the previous holder of mutex %s died holding it; running the command anyway\n", m.Name())
		return nil
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted while waiting for mutex %s: %w", m.Name(), err)
	}
	return err
}

// runLocked runs argv with cmd's standard streams until it ends, passing on
// the signals shm receives meanwhile. It returns nil if the command
// succeeded, its exitStatus if it failed, and a codedError if it could not
// start.
//
// Cancelling cmd's context without a cause (in-process callers such as the
// tests) terminates the command. A cause means signal.NotifyContext
// cancelled it, as main's does on SIGINT and SIGTERM: that signal reaches
// the command through forwardedSignals (or on Windows from the console it
// shares), and shm goes on waiting for the command to end, so that the
// mutex is never released under it.
func runLocked(cmd *cobra.Command, argv []string) error {
	c := exec.Command(argv[0], argv[1:]...)
	c.Stdin, c.Stdout, c.Stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
	sigs := make(chan os.Signal, 8)
	if len(forwardedSignals) > 0 { // Notify with no signals would take them all
		// Before Start: from now on these signals no longer end shm,
		// which would leave the command running without the mutex.
		signal.Notify(sigs, forwardedSignals...)
		defer signal.Stop(sigs)
	}
	if err := c.Start(); err != nil {
		return startError(argv[0], err)
	}
	waited := make(chan error, 1)
	go func() { waited <- c.Wait() }()
	ctx := cmd.Context()
	cancelled := ctx.Done()
	for {
		select {
		case err := <-waited:
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				return err // it ran, but copying its input or output failed
			}
			if code := exitCodeOf(c.ProcessState); code != 0 {
				return exitStatus(code)
			}
			return nil
		case sig := <-sigs:
			// An error means the command has ended: waited is ready.
			c.Process.Signal(sig)
		case <-cancelled:
			cancelled = nil
			if cause := context.Cause(ctx); cause == context.Canceled || cause == context.DeadlineExceeded {
				terminate(c.Process)
			}
		}
	}
}

// startError describes why the command could not start: not found (127),
// or found but not runnable (126), as POSIX shells report them.
func startError(name string, err error) error {
	// A name without a slash was looked up in PATH; one with a slash
	// failed in execve, with ENOENT also when the file exists but its #!
	// interpreter does not.
	missing := errors.Is(err, exec.ErrNotFound)
	if !missing && errors.Is(err, fs.ErrNotExist) {
		_, serr := os.Stat(name)
		missing = errors.Is(serr, fs.ErrNotExist)
	}
	if missing {
		return codedError{ExitCmdMissing, fmt.Errorf("%s: command not found", name)}
	}
	return codedError{ExitCannotRun, fmt.Errorf("cannot run %s: %w", name, err)}
}
