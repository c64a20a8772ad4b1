package queue_test

// shmDir is empty: Windows keeps a queue's mapping, owner events and
// semaphores in the kernel's object namespace, not in a directory, and
// none can outlive the processes that hold them, so there is no leak to
// look for after the tests. TestKernelObjectsGone checks that they go.
func shmDir() string { return "" }
