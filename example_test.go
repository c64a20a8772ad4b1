package shm_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"

	"github.com/shmkit/shm"
)

// The seed's writer and reader, in one process for the example: a segment
// opened twice by name is the same memory.
func ExampleOpenOrCreate() {
	writer, err := shm.OpenOrCreate(`Local\ExampleSharedData`, 10000)
	if err != nil {
		log.Fatal(err)
	}
	defer writer.Close()
	writer.WriteStringAt("This is data shared between scripts", 0, shm.UTF16LE)

	reader, err := shm.OpenOrCreate(`Local\ExampleSharedData`, 10000)
	if err != nil {
		log.Fatal(err)
	}
	defer reader.Close()
	s, _ := reader.ReadStringAt(0, shm.UTF16LE)
	fmt.Println(writer.Created(), reader.Created(), s)
	// Output: true false This is data shared between scripts
}

// UTF16LE stores what AutoHotkey's StrPut stores: UTF-16LE code units and a
// NUL unit; "€" is U+20AC.
func ExampleSegment_WriteStringAt() {
	seg, err := shm.Create(`Local\ExampleUTF16`, 16)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Close()
	n, _ := seg.WriteStringAt("A€", 0, shm.UTF16LE)
	fmt.Printf("% x\n", seg.Bytes()[:n])
	// Output: 41 00 ac 20 00 00
}

// AutoHotkey's NumPut("Int", 42, "Double", 3.14159, "Int", 100, buf) packs
// 16 bytes with no padding: encoding/binary reads and writes that layout.
func Example_packed() {
	seg, err := shm.Create(`Local\ExampleStructuredData`, 16)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Close()
	type record struct {
		Value1 int32
		Value2 float64
		Value3 int32
	}
	binary.Write(io.NewOffsetWriter(seg, 0), binary.LittleEndian, record{42, 3.14159, 100})

	var got record
	binary.Read(io.NewSectionReader(seg, 0, 16), binary.LittleEndian, &got)
	fmt.Println(got.Value1, got.Value2, got.Value3)
	fmt.Println(binary.LittleEndian.Uint32(seg.Bytes()[12:]))
	// Output:
	// 42 3.14159 100
	// 100
}

// View shares a C-compatible struct in place.
func ExampleView() {
	seg, err := shm.Create(`Local\ExampleTelemetry`, 4096)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Close()
	type telemetry struct {
		Frame uint64
		Speed float64
	}
	tel, err := shm.View[telemetry](seg, 0)
	if err != nil {
		log.Fatal(err)
	}
	tel.Frame, tel.Speed = 7, 88.5
	fmt.Println(binary.LittleEndian.Uint64(seg.Bytes()))
	// Output: 7
}

func ExampleOpen() {
	_, err := shm.Open(`Local\NobodyMadeThis`)
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output: true
}
