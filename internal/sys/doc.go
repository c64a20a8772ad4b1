// Package sys is the only code in the module that talks to the operating
// system directly or does pointer arithmetic. Names follow the man pages and
// the Win32 documentation; every helper that uses unsafe says why it is legal.
package sys

// The Win32 calls that golang.org/x/sys/windows lacks are declared with
// //sys lines in sys_windows.go; this generates their bodies. It is here,
// in a file for every GOOS, so that `go generate` run on any machine (not
// only under GOOS=windows, which would build the generator for Windows)
// finds it.
//go:generate go run golang.org/x/sys/windows/mkwinsyscall -output zsyscall_windows.go sys_windows.go sync_windows.go
