package integration

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// TestLaggingFollowerSnapshot: a follower that was down while the leader
// compacted its log past the follower's last entry catches up by
// installing a snapshot, and then has every key.
func TestLaggingFollowerSnapshot(t *testing.T) {
	ctx := deadlineCtx(t, 45*time.Second)
	c := NewCluster(t)
	c.Flags = []string{"--snapshot-threshold", "64", "--trailing-logs", "16", "--snapshot-interval", "1s"}
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "set", "get")
	leader := c.Leader()
	lagger := leader%3 + 1

	info, err := c.RaftInfo(lagger)
	if err != nil {
		t.Fatal(err)
	}
	if code := c.Stop(lagger); code != 0 {
		t.Errorf("node%d exited %d after SIGTERM", lagger, code)
	}
	laggerLast, _ := strconv.ParseUint(info["last_log_index"], 10, 64)

	// One write at a time: concurrent or pipelined writes share log
	// entries, and the lagger must fall behind by many entries.
	const n = 400
	cl := c.Client(leader)
	for i := 0; i < n; i++ {
		if err := cl.Set(ctx, fmt.Sprintf("snap:%d", i), fmt.Sprintf("value-%d", i), 0).Err(); err != nil {
			t.Fatalf("writing keys: %v", err)
		}
	}
	// Force snapshots now rather than waiting for the interval.
	for i := 1; i <= 3; i++ {
		if i == lagger {
			continue
		}
		if err := c.Client(i).Do(ctx, "RAFT", "SNAPSHOT").Err(); err != nil {
			t.Fatalf("RAFT SNAPSHOT on node%d: %v", i, err)
		}
	}
	li, err := c.RaftInfo(leader)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := strconv.ParseUint(li["last_snapshot_index"], 10, 64)
	t.Logf("lagger node%d stopped at log index %d; leader snapshot at %d, last index %s", lagger, laggerLast, snap, li["last_log_index"])
	if snap < laggerLast+16+n/2 {
		t.Fatalf("leader's last_snapshot_index %d: too low to have compacted past the lagger's %d", snap, laggerLast)
	}

	c.Restart(lagger)
	eventually(t, 15*time.Second, fmt.Sprintf("node%d installs a snapshot", lagger), func() error {
		info, err := c.RaftInfo(lagger)
		if err != nil {
			return err
		}
		if r, _ := strconv.Atoi(info["snapshots_restored"]); r == 0 {
			return fmt.Errorf("snapshots_restored:%s last_snapshot_index:%s applied_index:%s",
				info["snapshots_restored"], info["last_snapshot_index"], info["applied_index"])
		}
		t.Logf("node%d: snapshots_restored:%s last_snapshot_index:%s applied_index:%s", lagger,
			info["snapshots_restored"], info["last_snapshot_index"], info["applied_index"])
		return nil
	})
	ro := c.ReadOnlyClient(lagger)
	eventually(t, 10*time.Second, fmt.Sprintf("all keys on node%d", lagger), func() error {
		pipe := ro.Pipeline()
		for i := 0; i < n; i++ {
			pipe.Get(ctx, fmt.Sprintf("snap:%d", i))
		}
		cmds, _ := pipe.Exec(ctx)
		for i, cmd := range cmds {
			if got, err := cmd.(interface{ Result() (string, error) }).Result(); err != nil || got != fmt.Sprintf("value-%d", i) {
				return fmt.Errorf("READONLY GET snap:%d = %q, %v", i, got, err)
			}
		}
		return nil
	})
	// The FSM's applied index covers the installed snapshot: RAFT INFO's
	// applied_index (and INFO persistence, CLUSTER INFO) read it.
	if info, err := c.RaftInfo(lagger); err == nil {
		applied, _ := strconv.ParseUint(info["applied_index"], 10, 64)
		snapIdx, _ := strconv.ParseUint(info["last_snapshot_index"], 10, 64)
		if applied < snapIdx {
			t.Errorf("node%d after installing the snapshot at index %d reports applied_index:%d (FSM.Restore does not advance the applied index)", lagger, snapIdx, applied)
		}
	}
	// Replication continues normally after the install.
	if err := cl.Set(ctx, "snap:after", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "a write after the install reaches the lagger", func() error {
		if got := ro.Get(ctx, "snap:after").Val(); got != "x" {
			return fmt.Errorf("got %q", got)
		}
		return nil
	})
}
