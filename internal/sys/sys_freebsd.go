//go:build freebsd

package sys

import "golang.org/x/sys/unix"

// mmapPopulate prefaults the resident pages of a mapping (mmap(2),
// MAP_PREFAULT_READ).
const mmapPopulate = unix.MAP_PREFAULT_READ
