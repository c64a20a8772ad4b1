// Package sys is the only code in the module that talks to the operating
// system directly or does pointer arithmetic. Names follow the man pages and
// the Win32 documentation; every helper that uses unsafe says why it is legal.
package sys
