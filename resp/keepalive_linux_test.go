package resp

import (
	"net"
	"syscall"
	"testing"
)

// tcp-keepalive reaches the accepted socket through the counting wrapper:
// probes after the configured idle seconds, or none for 0.
func TestSetKeepAlive(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, secs := range []int{120, 0, 7} {
		cl, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		sc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		setKeepAlive(&countConn{Conn: sc}, secs)
		raw, err := sc.(*net.TCPConn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var on, idle int
		_ = raw.Control(func(fd uintptr) {
			on, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
			idle, _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
		})
		if (on != 0) != (secs > 0) || (secs > 0 && idle != secs) {
			t.Errorf("tcp-keepalive %d: SO_KEEPALIVE %d, TCP_KEEPIDLE %d", secs, on, idle)
		}
		cl.Close()
		sc.Close()
	}
}
