//go:build unix

package command

import (
	"os"
	"syscall"
)

// forwardedSignals are the signals lock passes on to its command. SIGHUP
// is among them because a hung-up terminal would otherwise end shm, and
// release the mutex, before the command it also reaches.
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// terminate asks the command lock runs to end.
func terminate(p *os.Process) { p.Signal(syscall.SIGTERM) }

// exitCodeOf returns a process's exit status as a shell reports it: 128+N
// if signal N killed it.
func exitCodeOf(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
