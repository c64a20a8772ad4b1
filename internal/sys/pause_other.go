//go:build !amd64 && !arm64

package sys

import "sync/atomic"

var pauseSink atomic.Uint32

// Pause is a short delay between polls of a spin loop, on architectures
// where we have no spin hint instruction.
func Pause() {
	for range 16 {
		pauseSink.Load()
	}
}
