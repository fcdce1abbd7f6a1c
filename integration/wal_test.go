package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// walFlags put the raft log in raft-wal and keep it from being compacted
// into snapshots, so a restart rebuilds the state from the WAL alone.
var walFlags = []string{"--raft-log-store", "wal", "--snapshot-threshold", "10000000", "--snapshot-threshold-bytes", "0"}

// checkLogStore asserts node i runs on store and its directory holds it.
func checkLogStore(ctx context.Context, t *testing.T, c *Cluster, i int, store string) {
	t.Helper()
	got, err := c.Client(i).ConfigGet(ctx, "raft-log-store").Result()
	if err != nil || got["raft-log-store"] != store {
		t.Fatalf("node%d CONFIG GET raft-log-store = %v, %v; want %s", i, got, err, store)
	}
	b, err := os.ReadFile(filepath.Join(c.Node(i).Dir, "raft-log-store"))
	if err != nil || strings.TrimSpace(string(b)) != store {
		t.Fatalf("node%d's recorded log store %q, %v; want %s", i, b, err, store)
	}
	if store == "wal" {
		segs, _ := filepath.Glob(filepath.Join(c.Node(i).Dir, "wal", "*.wal"))
		if len(segs) == 0 {
			t.Fatalf("node%d has no WAL segment files", i)
		}
	}
}

// TestWALKillDuringWrites: a single node on the WAL store is SIGKILLed
// three times while 16 clients write (SETs of unique keys and INCRs of
// one counter); it restarts on the same directory each time while the
// writers keep going. Every acknowledged write is there at the end, and
// the counter holds every acknowledged INCR and no more than were tried.
func TestWALKillDuringWrites(t *testing.T) {
	ctx := deadlineCtx(t, 120*time.Second)
	c := NewCluster(t)
	c.Flags = walFlags
	c.Start(1)
	needCommands(t, c.Node(1).Addr, "set", "get", "incr")
	checkLogStore(ctx, t, c, 1, "wal")

	w := startWriters(c, 16, "wk")
	for round := 1; round <= 3; round++ {
		w.waitAcks(t, 1500, 20*time.Second)
		c.Kill(1)
		t.Logf("round %d: killed node1; %s", round, w.summary())
		c.Restart(1)
		checkLogStore(ctx, t, c, 1, "wal")
	}
	w.waitAcks(t, 500, 20*time.Second)
	w.halt()
	t.Log(w.summary())
	w.verify(ctx, t, c.Client(1), "after three SIGKILLs during writes")

	// A node started on the directory with the other store configured
	// keeps the WAL, and still has everything.
	c.Kill(1)
	c.RestartWith(1, "--raft-log-store", "bolt")
	checkLogStore(ctx, t, c, 1, "wal")
	w.verify(ctx, t, c.Client(1), "after a restart configured for bolt")
}

// TestWALLeaderKill: a 3-node cluster on the WAL store loses its leader
// to SIGKILL twice while writers run; the killed node restarts from its
// directory each time. Every acknowledged write is on every node.
func TestWALLeaderKill(t *testing.T) {
	ctx := deadlineCtx(t, 120*time.Second)
	c := NewCluster(t)
	c.Flags = walFlags
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "set", "get", "incr")
	for i := 1; i <= 3; i++ {
		checkLogStore(ctx, t, c, i, "wal")
	}

	w := startWriters(c, 12, "wl")
	for round := 1; round <= 2; round++ {
		w.waitAcks(t, 800, 20*time.Second)
		old := c.Leader()
		c.Kill(old)
		leader := c.LeaderWithin(10 * time.Second)
		t.Logf("round %d: killed leader node%d, node%d leads; %s", round, old, leader, w.summary())
		w.waitAcks(t, 300, 20*time.Second)
		c.Restart(old)
		c.WaitMembers(3)
	}
	w.waitAcks(t, 300, 20*time.Second)
	w.halt()
	t.Log(w.summary())
	w.verify(ctx, t, c.Client(c.Leader()), "after two leader kills, through the leader")
	for i := 1; i <= 3; i++ {
		ro := c.ReadOnlyClient(i)
		eventually(t, 15*time.Second, fmt.Sprintf("node%d's local state", i), func() error {
			return w.check(ctx, ro)
		})
	}
}
