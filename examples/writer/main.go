// Writer is the seed's first example: it creates (or opens) the shared
// memory called Local\MySharedData, writes a string into it the way
// AutoHotkey's StrPut does (UTF-16), and keeps the mapping open until
// interrupted, like the script's Persistent(). Run examples/reader in
// another terminal meanwhile.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/shmkit/shm"
)

func main() {
	mapping, err := shm.OpenOrCreate(`Local\MySharedData`, 10000)
	if err != nil {
		log.Fatal(err)
	}
	defer mapping.Close()

	if _, err := mapping.WriteStringAt("This is data shared between scripts", 0, shm.UTF16LE); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote to %s (%d bytes, created=%v); holding it open until Ctrl-C\n",
		mapping.Name(), mapping.Size(), mapping.Created())

	// The memory lives while a handle is open: keep ours until interrupted.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}
