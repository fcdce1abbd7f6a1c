package integration

import (
	"strings"
	"testing"
	"time"
)

// TestMonitorFollowerAndLeader: a MONITOR on a follower shows the command
// a client sent it (proxied to the leader), with the client's address; a
// MONITOR on the leader shows the same command as the leader ran it, from
// the follower's peer connection, and a command a client sent the leader
// directly. Neither shows the proxy's internal QUORIS.PEER/SELECT.
func TestMonitorFollowerAndLeader(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	follower := leader%3 + 1
	open := func(addr string) *respConn {
		m, err := dialRESP(addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		m.SetDeadline(time.Now().Add(20 * time.Second))
		if r, err := m.Do("MONITOR"); err != nil || string(r) != "+OK\r\n" {
			t.Fatalf("MONITOR: %q %v", r, err)
		}
		return m
	}
	fm, lm := open(c.Node(follower).Addr), open(c.Node(leader).Addr)

	viaFollower, err := dialRESP(c.Node(follower).Addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer viaFollower.Close()
	viaFollower.SetDeadline(time.Now().Add(20 * time.Second))
	if r, err := viaFollower.Do("SET", "mon-key", "via follower"); err != nil || string(r) != "+OK\r\n" {
		t.Fatalf("SET via follower: %q %v", r, err)
	}
	clientAddr := viaFollower.c.LocalAddr().String()
	if _, err := rawDo(c.Node(leader).Addr, 5*time.Second, "SET", "mon-key2", "direct"); err != nil {
		t.Fatal(err)
	}

	// until reads monitor lines until one contains want.
	until := func(m *respConn, want string) []string {
		var lines []string
		for {
			r, err := m.Read()
			if err != nil {
				t.Fatalf("waiting for %q: %v (got %q)", want, err, lines)
			}
			lines = append(lines, string(r))
			if strings.Contains(string(r), want) {
				return lines
			}
		}
	}
	fl := until(fm, `"mon-key"`)
	if last := fl[len(fl)-1]; !strings.Contains(last, "[0 "+clientAddr+`] "SET" "mon-key" "via follower"`) {
		t.Fatalf("follower monitor: %q, want the client %s's SET", last, clientAddr)
	}
	ll := until(lm, `"mon-key2"`)
	joined := strings.Join(ll, "")
	if !strings.Contains(joined, `"SET" "mon-key" "via follower"`) {
		t.Fatalf("leader monitor did not show the proxied SET: %q", ll)
	}
	if strings.Contains(joined, clientAddr) {
		t.Fatalf("leader monitor shows the follower's client address: %q", ll)
	}
	if strings.Contains(strings.ToUpper(joined), "QUORIS.PEER") {
		t.Fatalf("leader monitor shows the proxy handshake: %q", ll)
	}
}
