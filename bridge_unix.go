//go:build linux || darwin || freebsd

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
	bridge.Path = func(seg any) (string, bool) {
		s, ok := seg.(*Segment)
		if !ok || s.closed.Load() {
			return "", false
		}
		return s.m.h.path, true
	}
}
