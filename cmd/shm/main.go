// Command shm creates, inspects, writes, reads, watches and cleans up named
// shared memory segments, and runs commands under named mutexes. See "shm
// help" and docs/cli.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/shmkit/shm/cmd/shm/command"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := command.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
