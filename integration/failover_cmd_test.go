package integration

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFailoverCommand: FAILOVER on a follower is refused as on a Redis
// replica; FAILOVER TO names a member by its client address and hands it
// raft leadership; a target that is no member is refused; REPLICAOF NO
// ONE answers +OK only on the leader.
func TestFailoverCommand(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	follower := leader%3 + 1
	do := func(i int, args ...string) string {
		r, err := rawDo(c.Node(i).Addr, 10*time.Second, args...)
		if err != nil {
			t.Fatalf("%v on node%d: %v", args, i, err)
		}
		return string(r)
	}
	if got := do(follower, "FAILOVER"); got != "-ERR FAILOVER is not valid when server is a replica.\r\n" {
		t.Fatalf("FAILOVER on a follower: %q", got)
	}
	if got := do(follower, "REPLICAOF", "NO", "ONE"); !strings.HasPrefix(got, "-ERR this node is a raft follower") {
		t.Fatalf("REPLICAOF NO ONE on a follower: %q", got)
	}
	if got := do(leader, "REPLICAOF", "NO", "ONE"); got != "+OK\r\n" {
		t.Fatalf("REPLICAOF NO ONE on the leader: %q", got)
	}
	if got := do(leader, "FAILOVER", "TO", "127.0.0.1", "1"); got != "-ERR FAILOVER target HOST and PORT is not a replica.\r\n" {
		t.Fatalf("FAILOVER TO a stranger: %q", got)
	}
	target := c.Node(follower)
	host, port := target.Host, strconv.Itoa(target.Port)
	if host == "" {
		host = "127.0.0.1"
	}
	// The leader may not have seen the follower's heartbeat answers yet.
	eventually(t, 15*time.Second, "FAILOVER TO the follower", func() error {
		got := do(leader, "FAILOVER", "TO", host, port, "TIMEOUT", "5000")
		if got != "+OK\r\n" {
			return &failoverErr{got}
		}
		return nil
	})
	if got := c.LeaderWithin(10 * time.Second); got != follower {
		t.Fatalf("leader is node%d after FAILOVER TO node%d", got, follower)
	}
}

type failoverErr struct{ reply string }

func (e *failoverErr) Error() string { return "FAILOVER answered " + e.reply }
