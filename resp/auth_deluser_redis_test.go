package resp

import (
	"errors"
	"io"
	"testing"
	"time"
)

// TestDelUserClosesItsClients: ACL DELUSER closes the connections
// authenticated as the deleted user, an idle one and one that sends a
// command, as redis-server does; other users' connections stay.
func TestDelUserClosesItsClients(t *testing.T) {
	redisAddr := startRedisOrSkip(t)
	addr, _ := startTestServer(t)
	for _, a := range []string{redisAddr, addr} {
		admin := dialRaw(t, a)
		if got := admin.do("ACL", "SETUSER", "gone", "on", ">pw", "+@all", "~*"); got != "+OK\r\n" {
			t.Fatalf("%s: SETUSER: %q", a, got)
		}
		idle, busy := dialRaw(t, a), dialRaw(t, a)
		for _, c := range []*rawConn{idle, busy} {
			if got := c.do("AUTH", "gone", "pw"); got != "+OK\r\n" {
				t.Fatalf("%s: AUTH: %q", a, got)
			}
		}
		if got := admin.do("ACL", "DELUSER", "gone"); got != ":1\r\n" {
			t.Fatalf("%s: DELUSER: %q", a, got)
		}
		// The idle connection is closed without being asked anything.
		idle.c.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := idle.rd.ReadByte(); !errors.Is(err, io.EOF) {
			t.Errorf("%s: the deleted user's idle connection: read %v, want EOF", a, err)
		}
		busy.c.SetDeadline(time.Now().Add(3 * time.Second))
		_, _ = busy.c.Write([]byte("PING\r\n"))
		if b, err := busy.rd.ReadByte(); err == nil {
			t.Errorf("%s: the deleted user's connection answered %q", a, b)
		}
		if got := admin.do("PING"); got != "+PONG\r\n" {
			t.Errorf("%s: admin PING: %q", a, got)
		}
	}
}
