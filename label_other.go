//go:build darwin || freebsd || (linux && shm_filebackend)

package shm

// labelPersist has nothing to label where List is not implemented.
func labelPersist(int) {}
