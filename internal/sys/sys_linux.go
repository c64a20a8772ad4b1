//go:build linux

package sys

import "golang.org/x/sys/unix"

// mmapPopulate prefaults a mapping (mmap(2), MAP_POPULATE).
const mmapPopulate = unix.MAP_POPULATE
