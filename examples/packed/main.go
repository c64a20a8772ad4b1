// Packed is the seed's third example: AutoHotkey's
//
//	NumPut("Int", 42, "Double", 3.14159, "Int", 100, buffer)
//
// lays out a 4-byte int, an 8-byte double and a 4-byte int back to back (16
// bytes, no padding). encoding/binary reads and writes that layout; with
// no arguments this program writes it and then reads it back in a second
// process, as the seed does in another script.
package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"

	"github.com/shmkit/shm"
)

// Record is the packed layout. binary.Write and binary.Read use no padding,
// like NumPut; a View[T] of a Go struct would pad Value to offset 8.
type Record struct {
	Value1 int32   // NumGet(buf, 0, "Int")
	Value2 float64 // NumGet(buf, 4, "Double")
	Value3 int32   // NumGet(buf, 12, "Int")
}

const name = `Local\MyStructuredData`

func main() {
	if len(os.Args) > 1 && os.Args[1] == "read" {
		read()
		return
	}
	mapping, err := shm.OpenOrCreate(name, 10000)
	if err != nil {
		log.Fatal(err)
	}
	defer mapping.Close()
	rec := Record{42, 3.14159, 100}
	w := io.NewOffsetWriter(mapping, 0)
	if err := binary.Write(w, binary.LittleEndian, rec); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("pid %d wrote %+v (%d bytes)\n", os.Getpid(), rec, binary.Size(rec))

	// "In another script": a second process opens the mapping and reads.
	cmd := exec.Command(os.Args[0], "read")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatal(err)
	}
}

func read() {
	mapping, err := shm.Open(name, shm.ReadOnly())
	if err != nil {
		log.Fatal(err)
	}
	defer mapping.Close()
	var rec Record
	if err := binary.Read(io.NewSectionReader(mapping, 0, 16), binary.LittleEndian, &rec); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("pid %d read  value1=%d value2=%g value3=%d\n", os.Getpid(), rec.Value1, rec.Value2, rec.Value3)
}
