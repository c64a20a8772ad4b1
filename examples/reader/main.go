// Reader is the seed's second example: it opens the existing shared memory
// Local\MySharedData (made by examples/writer, AutoHotkey or any Windows
// program), reads the string and closes it.
package main

import (
	"fmt"
	"log"

	"github.com/shmkit/shm"
)

func main() {
	mapping, err := shm.Open(`Local\MySharedData`, shm.ReadOnly())
	if err != nil {
		log.Fatal(err) // fs.ErrNotExist: start examples/writer first
	}
	defer mapping.Close()

	sharedData, err := mapping.ReadStringAt(0, shm.UTF16LE)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Data read from shared memory:", sharedData)
}
