//go:build !unix

package command

import "os"

// forwardedSignals is empty: on Windows the console delivers Ctrl-C and
// Ctrl-Break to every process attached to it, the command included, and
// os.Process.Signal cannot send them.
var forwardedSignals []os.Signal

// terminate ends the command lock runs.
func terminate(p *os.Process) { p.Kill() }

// exitCodeOf returns a process's exit status.
func exitCodeOf(ps *os.ProcessState) int {
	if code := ps.ExitCode(); code != -1 {
		return code
	}
	return ExitFailure
}
