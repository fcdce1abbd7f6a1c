package raftnode

import (
	"strings"
	"testing"
	"time"

	"github.com/quoris/quoris/fsm"
)

// A few large batched entries stay far below raft's entry threshold; the
// size trigger must still snapshot them.
func TestSnapshotBySize(t *testing.T) {
	n, err := Open(Config{
		NodeID: "n1", RaftAddr: freeAddr(t), RespAddr: "resp-n1", Dir: t.TempDir(),
		HeartbeatTimeout: 200 * time.Millisecond, ElectionTimeout: 200 * time.Millisecond,
		SnapshotBytes: 64 << 10,
	}, fsm.New(1, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Shutdown() })
	if err := n.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "leadership", n.IsLeader)
	value := strings.Repeat("v", 1000)
	tickets := make([]Ticket, 100) // ~100 KB in a handful of entries
	for i := range tickets {
		tickets[i] = n.Submit(0, n.Now(), bargs("SET", "k"+strings.Repeat("x", i), value))
	}
	for _, tk := range tickets {
		if _, err := tk.Result(); err != nil {
			t.Fatal(err)
		}
	}
	if entries := n.Raft().LastIndex(); entries > 50 {
		t.Fatalf("expected batching, got %d entries", entries)
	}
	waitFor(t, "a size-triggered snapshot", func() bool { return n.lastSnapshotIndex() > 0 })
}
