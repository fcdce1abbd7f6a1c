package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestRecoverLostMajority: two of three nodes are gone for good; the
// survivor, given a peers.json that lists only itself, recovers the
// cluster configuration at start, elects itself, keeps every write it
// held, and serves writes again. A restart afterwards does not recover
// again (the file is renamed).
func TestRecoverLostMajority(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	ctx := deadlineCtx(t, 60*time.Second)
	w := c.Client(c.Leader())
	for i := 0; i < 100; i++ {
		if err := w.Set(ctx, "k"+strconv.Itoa(i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	survivor := c.Node(1)
	// The survivor must hold every acknowledged write before the others go.
	eventually(t, 10*time.Second, "node1 applied the writes", func() error {
		v, err := c.ReadOnlyClient(1).Get(ctx, "k99").Result()
		if err != nil || v != "99" {
			return fmt.Errorf("k99 = %q, %v", v, err)
		}
		return nil
	})
	for i := 1; i <= 3; i++ {
		c.Kill(i)
	}
	peers := fmt.Sprintf(`[{"id": %q, "address": "%s:%d", "non_voter": false}]`, survivor.ID, survivor.Host, survivor.RaftPort)
	if err := os.WriteFile(filepath.Join(survivor.Dir, "peers.json"), []byte(peers), 0o644); err != nil {
		t.Fatal(err)
	}
	c.Restart(1)
	if got := c.LeaderWithin(20 * time.Second); got != 1 {
		t.Fatalf("leader after recovery: node %d", got)
	}
	cl := c.Client(1)
	for i := 0; i < 100; i++ {
		if v, err := cl.Get(ctx, "k"+strconv.Itoa(i)).Result(); err != nil || v != strconv.Itoa(i) {
			t.Fatalf("k%d after recovery = %q, %v", i, v, err)
		}
	}
	if err := cl.Set(ctx, "after", "1", 0).Err(); err != nil {
		t.Fatalf("write after recovery: %v", err)
	}
	if _, err := os.Stat(filepath.Join(survivor.Dir, "peers.json.recovered")); err != nil {
		t.Fatalf("peers.json was not renamed: %v", err)
	}
	c.Kill(1)
	c.Restart(1)
	if got := c.LeaderWithin(20 * time.Second); got != 1 {
		t.Fatalf("leader after a plain restart: node %d", got)
	}
	if v, err := c.Client(1).Get(ctx, "after").Result(); err != nil || v != "1" {
		t.Fatalf("after = %q, %v", v, err)
	}
}
