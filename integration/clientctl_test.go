package integration

import (
	"strings"
	"testing"
	"time"
)

// TestUnblockProxiedBlockingPop: a client blocked in BLPOP through a
// follower is freed by CLIENT UNBLOCK sent to that follower (ERROR, then
// TIMEOUT), and the leader stops waiting for it: an element pushed
// afterwards stays in the list.
func TestUnblockProxiedBlockingPop(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	follower := leader%3 + 1
	addr := c.Node(follower).Addr
	for _, tc := range []struct{ reason, want string }{
		{"ERROR", "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
		{"TIMEOUT", "*-1\r\n"},
	} {
		b, err := dialRESP(addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		b.SetDeadline(time.Now().Add(20 * time.Second))
		idr, err := b.Do("CLIENT", "ID")
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSpace(strings.TrimPrefix(string(idr), ":"))
		b.Queue("BLPOP", "unblock-list", "0")
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		eventually(t, 10*time.Second, "CLIENT UNBLOCK "+tc.reason, func() error {
			r, err := rawDo(addr, 5*time.Second, "CLIENT", "UNBLOCK", id, tc.reason)
			if err != nil {
				return err
			}
			if string(r) != ":1\r\n" {
				return &failoverErr{string(r)}
			}
			return nil
		})
		got, err := b.Read()
		if err != nil || string(got) != tc.want {
			t.Fatalf("%s: blocked client got %q %v, want %q", tc.reason, got, err, tc.want)
		}
		b.Close()
	}
	time.Sleep(300 * time.Millisecond) // the leader notices the closed peer connection
	if r, err := rawDo(c.Node(leader).Addr, 5*time.Second, "RPUSH", "unblock-list", "x"); err != nil || string(r) != ":1\r\n" {
		t.Fatalf("RPUSH: %q %v", r, err)
	}
	time.Sleep(500 * time.Millisecond)
	if r, err := rawDo(c.Node(leader).Addr, 5*time.Second, "LLEN", "unblock-list"); err != nil || string(r) != ":1\r\n" {
		t.Fatalf("LLEN after the unblocked pops: %q %v (an abandoned wait popped it)", r, err)
	}
}
