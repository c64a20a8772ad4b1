package command

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

// Exit codes, documented in the root command's help.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitNotFound    = 3
	ExitExists      = 4
	ExitPermission  = 5
	ExitUnsupported = 6
	ExitInterrupted = 130

	// Exit codes of lock, which otherwise exits with its command's status,
	// and of send and recv. ExitBusy is sysexits.h's EX_TEMPFAIL ("try
	// again later"), clear of the small codes commands use most: lock found
	// the mutex held, send the queue full or recv it empty, and --nonblock
	// or --timeout said not to wait (longer). 126 and 127 are what POSIX
	// shells, env(1) and timeout(1) return for a command they cannot run or
	// find.
	ExitBusy       = 75
	ExitCannotRun  = 126
	ExitCmdMissing = 127
)

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// runError is the failure of a command that started running. Anything
// else cobra returns (an unknown command or flag, a bad flag value, a wrong
// number of arguments) is a usage error.
type runError struct{ err error }

func (e runError) Error() string { return e.err.Error() }
func (e runError) Unwrap() error { return e.err }

// exitStatus is the exit status of the command lock ran: Main exits with
// it and prints nothing, since that command spoke for itself.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("the command exited with status %d", int(s)) }

// codedError is a failure with an exit code of its own.
type codedError struct {
	code int
	err  error
}

func (e codedError) Error() string { return e.err.Error() }
func (e codedError) Unwrap() error { return e.err }

// run adapts a command's body to cobra, marking its errors as run errors
// unless it reports a usage error itself.
func run(body func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := body(cmd, args)
		var usage usageError
		if err == nil || errors.As(err, &usage) {
			return err
		}
		return runError{err}
	}
}

// exitCode maps an error from the command tree to the process's exit code.
func exitCode(err error) int {
	var usage usageError
	var failed runError
	var status exitStatus
	var coded codedError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &coded):
		return coded.code
	case errors.As(err, &usage) || !errors.As(err, &failed), errors.Is(err, shm.ErrInvalidName):
		return ExitUsage
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, fs.ErrNotExist):
		return ExitNotFound
	case errors.Is(err, fs.ErrExist):
		return ExitExists
	case errors.Is(err, fs.ErrPermission):
		return ExitPermission
	case errors.Is(err, errors.ErrUnsupported):
		return ExitUnsupported
	}
	return ExitFailure
}

// args returns a positional-argument check whose errors are usage errors.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			return usageError{err}
		}
		return nil
	}
}
