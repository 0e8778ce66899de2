//go:build !linux

package bench

import "syscall"

// childAttr is empty where the kernel cannot kill a child with its parent:
// workers then exit when their standard input closes, and redis-server
// when the benchmark's cleanup kills it.
func childAttr() *syscall.SysProcAttr { return nil }
