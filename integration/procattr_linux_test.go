package integration

import "syscall"

// procAttr makes every server die with the test binary, even if it is
// killed before its cleanups run.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
