// Demo shows two processes sharing memory: this one creates a segment and
// writes a UTF-16 string and a struct into it, then starts a second process
// (itself again) that opens the segment by name, reads both, writes a reply
// and exits. Once both have closed it, the segment is gone.
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"

	"github.com/shmkit/shm"
)

// Telemetry is a C-compatible struct shared in place with shm.View.
type Telemetry struct {
	Frame uint64
	Speed float64
	Gear  int32
	_     int32
}

func main() {
	log.SetFlags(0)
	name := fmt.Sprintf(`Local\shm-demo-%d`, os.Getpid())
	if len(os.Args) == 3 && os.Args[1] == "reader" {
		reader(os.Args[2])
		return
	}

	seg, err := shm.Create(name, 4096)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Close()
	if _, err := seg.WriteStringAt("This is data shared between scripts", 0, shm.UTF16LE); err != nil {
		log.Fatal(err)
	}
	tel, err := shm.View[Telemetry](seg, 1024)
	if err != nil {
		log.Fatal(err)
	}
	*tel = Telemetry{Frame: 1234, Speed: 88.5, Gear: 3}
	fmt.Printf("writer (pid %d): created %s, wrote a UTF-16 string and %+v\n", os.Getpid(), name, *tel)

	cmd := exec.Command(os.Args[0], "reader", name)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatal(err)
	}
	reply, err := seg.ReadStringAt(2048, shm.UTF8)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("writer (pid %d): the reader replied %q\n", os.Getpid(), reply)
	if err := seg.Close(); err != nil {
		log.Fatal(err)
	}
	_, err = shm.Open(name)
	fmt.Printf("writer (pid %d): closed; opening %s again: %v\n", os.Getpid(), name, err)
}

func reader(name string) {
	seg, err := shm.Open(name)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Close()
	s, err := seg.ReadStringAt(0, shm.UTF16LE)
	if err != nil {
		log.Fatal(err)
	}
	tel, err := shm.View[Telemetry](seg, 1024)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("reader (pid %d): opened %s (%d bytes), read %q and %+v\n", os.Getpid(), name, seg.Size(), s, *tel)
	if _, err := seg.WriteStringAt(fmt.Sprintf("thanks from pid %d", os.Getpid()), 2048, shm.UTF8); err != nil {
		log.Fatal(err)
	}
}
