package bench

import "syscall"

// childAttr makes the kernel kill a child process when the benchmark
// process dies, however it dies, so that no worker or redis-server is left
// behind.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
