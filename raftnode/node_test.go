package raftnode

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/quoris/quoris/fsm"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func openNode(t *testing.T, id string) *Node {
	t.Helper()
	n, err := Open(Config{
		NodeID: id, RaftAddr: freeAddr(t), RespAddr: "resp-" + id, Dir: t.TempDir(),
		HeartbeatTimeout: 200 * time.Millisecond, ElectionTimeout: 200 * time.Millisecond,
	}, fsm.New(4, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Shutdown() })
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func cmd(now int64, args ...string) []byte {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	return fsm.AppendEntry(nil, fsm.KindCommand, 0, now, argv)
}

func TestSingleNodeWritesAndLinearizableReads(t *testing.T) {
	n := openNode(t, "n1")
	if err := n.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "leadership", n.IsLeader)
	ctx := context.Background()
	if err := n.ReadBarrier(ctx); err != nil {
		t.Fatalf("read barrier on a ready leader: %v", err)
	}
	if _, addr := n.Leader(); addr != "resp-n1" {
		t.Fatalf("leader's RESP address not replicated: %q", addr)
	}
	// Many concurrent barriers share VerifyLeader rounds and all succeed.
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		go func() { errs <- n.ReadBarrier(ctx) }()
	}
	for i := 0; i < 50; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// A bad entry gets a deterministic error reply, not a crash.
	reply, err := Result(n.Propose([]byte{0xff}))
	if err != nil || len(reply) == 0 || reply[0] != '-' {
		t.Fatalf("bad entry: reply %q err %v", reply, err)
	}
}

func TestClusterReplicatesAndClassifiesFollowerErrors(t *testing.T) {
	nodes := []*Node{openNode(t, "n1"), openNode(t, "n2"), openNode(t, "n3")}
	if err := nodes[0].Bootstrap(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "n1 leads", nodes[0].IsLeader)
	waitFor(t, "n1 ready", func() bool { return nodes[0].ReadBarrier(context.Background()) == nil })
	for _, n := range nodes[1:] {
		if err := nodes[0].Join(n.ID(), n.cfg.RaftAddr, n.RespAddr(), true); err != nil {
			t.Fatal(err)
		}
	}
	// Joining again is idempotent.
	if err := nodes[0].Join("n2", nodes[1].cfg.RaftAddr, "resp-n2", true); err != nil {
		t.Fatal(err)
	}
	servers, _ := nodes[0].Servers()
	if len(servers) != 3 {
		t.Fatalf("servers: %v", servers)
	}
	// Expiry is proposed by the leader and applied identically everywhere.
	now := nodes[0].Now()
	for i := 0; i < 3; i++ {
		entry := fsm.AppendEntry(nil, fsm.KindMeta, 0, now, [][]byte{[]byte(fmt.Sprint("x", i)), []byte("y")})
		if _, err := Result(nodes[0].Propose(entry)); err != nil {
			t.Fatal(err)
		}
	}
	idx := nodes[0].FSM().AppliedIndex()
	for _, n := range nodes[1:] {
		n := n
		waitFor(t, n.ID()+" catches up", func() bool { return n.FSM().AppliedIndex() >= idx })
		if got := n.FSM().Nodes()["x2"]; got != "y" {
			t.Fatalf("%s did not apply: %q", n.ID(), got)
		}
		if err := n.ReadBarrier(context.Background()); !errors.Is(err, ErrNotLeader) {
			t.Fatalf("follower read barrier: %v", err)
		}
		if _, err := Result(n.Propose(cmd(now, "x"))); !errors.Is(err, ErrNotLeader) {
			t.Fatalf("follower propose: %v", err)
		}
		if id, addr := n.Leader(); id != "n1" || addr != "resp-n1" {
			t.Fatalf("%s sees leader %q %q", n.ID(), id, addr)
		}
	}
	// Leadership moves on request; the new leader becomes ready for reads.
	if err := nodes[0].Transfer("n2"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "n2 leads", nodes[1].IsLeader)
	waitFor(t, "n2 ready", func() bool { return nodes[1].ReadBarrier(context.Background()) == nil })
	if err := nodes[1].Remove("n3"); err != nil {
		t.Fatal(err)
	}
	if _, ok := nodes[1].FSM().Nodes()["n3"]; ok {
		t.Fatal("removed node's address kept")
	}
}
