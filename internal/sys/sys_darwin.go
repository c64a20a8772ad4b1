//go:build darwin

package sys

// mmapPopulate is 0: macOS's mmap(2) has no flag to prefault a shared
// mapping, so Prefault does nothing there.
const mmapPopulate = 0
