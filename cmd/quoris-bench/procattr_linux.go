package main

import "syscall"

// procAttr makes the kernel kill a server if the bench dies without
// cleaning up (SIGKILL, a crash), so no server outlives it.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
