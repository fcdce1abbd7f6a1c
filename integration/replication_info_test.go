package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// infoMap parses one INFO section.
func infoMap(s string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(s, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && !strings.HasPrefix(l, "#") {
			m[k] = v
		}
	}
	return m
}

// TestReplicationViewThreeNodes: INFO replication, ROLE and WAIT describe
// the raft cluster as a Redis master and its replicas would, with offsets
// that agree on every node, and a stopped follower drops out.
func TestReplicationViewThreeNodes(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	needCommands(t, c.Node(leader).Addr, "set")
	lc := c.Client(leader)
	if err := lc.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	// One follower is guaranteed to hold every acknowledged write on three
	// voters; asking for two waits out the timeout.
	if n, err := lc.Do(ctx, "WAIT", "1", "0").Int64(); err != nil || n != 1 {
		t.Errorf("WAIT 1 0 = %d, %v", n, err)
	}
	t0 := time.Now()
	if n, err := lc.Do(ctx, "WAIT", "2", "200").Int64(); err != nil || n != 1 || time.Since(t0) < 200*time.Millisecond {
		t.Errorf("WAIT 2 200 = %d, %v after %v", n, err, time.Since(t0))
	}
	lead := infoMap(lc.Info(ctx, "replication").Val())
	if lead["role"] != "master" || lead["connected_slaves"] != "2" || !strings.Contains(lead["slave0"], ",state=online,offset=") {
		t.Errorf("leader INFO replication: %v", lead)
	}
	// Every node reaches the same applied index: the same offset.
	deadline := time.Now().Add(10 * time.Second)
	for {
		offsets := map[string]bool{}
		var follower map[string]string
		for i := 1; i <= 3; i++ {
			m := infoMap(c.Client(i).Info(ctx, "replication").Val())
			offsets[m["master_repl_offset"]+"/"+m["master_replid"]] = true
			if i != leader {
				follower = m
			}
		}
		if len(offsets) == 1 && follower["role"] == "slave" && follower["master_link_status"] == "up" &&
			follower["master_port"] == fmt.Sprint(c.Node(leader).Port) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("offsets never agreed: %v (follower %v)", offsets, follower)
		}
		time.Sleep(50 * time.Millisecond)
	}
	other := leader%3 + 1
	role, err := c.Client(other).Do(ctx, "ROLE").Slice()
	if err != nil || len(role) != 5 || role[0] != "slave" || role[3] != "connected" {
		t.Errorf("follower ROLE = %v, %v", role, err)
	}
	// A stopped follower is no longer a connected replica.
	c.Stop(other)
	deadline = time.Now().Add(15 * time.Second)
	for {
		m := infoMap(lc.Info(ctx, "replication").Val())
		if m["connected_slaves"] == "1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stopped follower still listed: %v", m)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n, err := lc.Do(ctx, "WAIT", "1", "0").Int64(); err != nil || n != 1 {
		t.Errorf("WAIT 1 0 with one follower down = %d, %v", n, err)
	}
}

// TestShutdownCommand: SHUTDOWN on the leader hands leadership over, then
// the process exits cleanly (code 0) as it does on SIGTERM, and the
// client's connection closes without a reply.
func TestShutdownCommand(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	p := c.Node(leader).running()
	if err := c.Client(leader).Do(ctx, "SHUTDOWN").Err(); err == nil {
		t.Error("SHUTDOWN replied instead of closing the connection")
	}
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		t.Fatal("SHUTDOWN did not stop the process")
	}
	c.Node(leader).clear(p)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code after SHUTDOWN = %d", code)
	}
	var others []int
	for i := 1; i <= 3; i++ {
		if i != leader {
			others = append(others, i)
		}
	}
	if _, err := c.findLeader(5*time.Second, others); err != nil {
		t.Fatalf("no leader after SHUTDOWN: %v", err)
	}
}
