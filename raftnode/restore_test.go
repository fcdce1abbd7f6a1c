package raftnode

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quoris/quoris/fsm"
)

// TestRestartRestoresAndLeadsAtOnce restarts a one-node cluster from a
// snapshot plus log entries after it: the state comes back whole, the FSM
// knows the applied index (reads wait on it), and the lone voter leads
// well within one heartbeat timeout instead of waiting one out.
func TestRestartRestoresAndLeadsAtOnce(t *testing.T) {
	const hb = 2 * time.Second
	cfg := Config{NodeID: "n1", RaftAddr: freeAddr(t), RespAddr: "resp-n1", Dir: t.TempDir(),
		HeartbeatTimeout: hb, ElectionTimeout: hb}
	open := func() *Node {
		n, err := Open(cfg, fsm.New(4, nil))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Shutdown() })
		return n
	}
	set := func(n *Node, from, to int) {
		for i := from; i < to; i++ {
			if _, err := Result(n.Propose(cmd(n.Now(), "SET", fmt.Sprint("k", i), fmt.Sprint("v", i)))); err != nil {
				t.Fatal(err)
			}
		}
	}
	n := open()
	if err := n.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "leadership", func() bool { return n.ReadBarrier(context.Background()) == nil })
	set(n, 0, 300)
	if err := n.Snapshot(); err != nil {
		t.Fatal(err)
	}
	set(n, 300, 400)
	last := n.FSM().AppliedIndex()
	if err := n.Shutdown(); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	n = open()
	waitFor(t, "leadership after restart", func() bool { return n.ReadBarrier(context.Background()) == nil })
	if took := time.Since(start); took >= hb {
		t.Errorf("lone voter took %v to lead after a restart; heartbeat timeout %v", took, hb)
	}
	if got := n.FSM().Stats().RestoredSnaps.Load(); got != 1 {
		t.Fatalf("%d snapshots restored", got)
	}
	if got := n.FSM().AppliedIndex(); got <= last {
		t.Fatalf("applied index %d, want past %d", got, last)
	}
	for _, i := range []int{0, 299, 300, 399} {
		got := n.FSM().Read(0, n.Now(), [][]byte{[]byte("GET"), []byte(fmt.Sprint("k", i))}, nil)
		if want := fmt.Sprintf("$%d\r\nv%d\r\n", len(fmt.Sprint("v", i)), i); string(got) != want {
			t.Fatalf("k%d: %q, want %q", i, got, want)
		}
	}
}
