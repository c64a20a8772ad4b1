package shm

import "github.com/shmkit/shm/internal/bridge"

func init() {
	bridge.FD = func(seg any) (int, bool) {
		s, ok := seg.(*Segment)
		if !ok || s.closed.Load() {
			return -1, false
		}
		return s.m.h.fd, true
	}
}
