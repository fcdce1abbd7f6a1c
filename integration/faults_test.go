package integration

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// firewall cuts links between nodes with nftables: every node has its own
// loopback address (Cluster.IPPrefix) for client and raft traffic and dials
// from it, so dropping packets by (source, destination) address cuts
// exactly one direction of one link. Test clients connect from 127.0.0.1
// and are never cut. Needs root and nft; otherwise partitions are skipped.
type firewall struct {
	t     *testing.T
	table string
	cuts  map[[2]string]bool
}

// newFirewall returns nil (and says why) when partitions cannot be made.
func newFirewall(t *testing.T, tag string) *firewall {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Log("partition faults skipped: not root (nftables needs root)")
		return nil
	}
	if _, err := exec.LookPath("nft"); err != nil {
		t.Log("partition faults skipped: nft not installed (apt-get install nftables)")
		return nil
	}
	f := &firewall{t: t, table: "quoris_" + tag, cuts: map[[2]string]bool{}}
	if err := f.nft("add table inet " + f.table); err != nil {
		t.Logf("partition faults skipped: %v", err)
		return nil
	}
	if err := f.nft("add chain inet " + f.table + " out { type filter hook output priority 0 ; policy accept ; }"); err != nil {
		t.Logf("partition faults skipped: %v", err)
		f.nft("delete table inet " + f.table)
		return nil
	}
	t.Cleanup(func() { f.nft("delete table inet " + f.table) })
	return f
}

func (f *firewall) nft(cmd string) error {
	out, err := exec.Command("nft", strings.Fields(cmd)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("nft %s: %v: %s", cmd, err, out)
	}
	return nil
}

// cut drops every packet from src to dst (one direction).
func (f *firewall) cut(src, dst string) {
	if f.cuts[[2]string{src, dst}] {
		return
	}
	if err := f.nft(fmt.Sprintf("add rule inet %s out ip saddr %s ip daddr %s drop", f.table, src, dst)); err != nil {
		f.t.Fatal(err)
	}
	f.cuts[[2]string{src, dst}] = true
}

// isolate cuts both directions between every node of a and every node of b.
func (f *firewall) isolate(a, b []*Node) {
	for _, x := range a {
		for _, y := range b {
			f.cut(x.Host, y.Host)
			f.cut(y.Host, x.Host)
		}
	}
}

// heal removes every cut.
func (f *firewall) heal() {
	if len(f.cuts) == 0 {
		return
	}
	if err := f.nft("flush chain inet " + f.table + " out"); err != nil {
		f.t.Fatal(err)
	}
	f.cuts = map[[2]string]bool{}
}

// partitionKinds are the shapes a partition fault can take.
var partitionKinds = []string{"isolate-leader", "split", "bridge", "oneway-from-leader", "oneway-to-leader"}

// partition applies one shape; leader is a node index (1-based), 0 when
// unknown. It returns a description for the run's log.
func (f *firewall) partition(c *Cluster, kind string, leader int, r *rand.Rand) string {
	nodes := append([]*Node(nil), c.Nodes...)
	r.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
	if leader > 0 {
		// Put the leader first, so shapes that name it can use nodes[0].
		for i, nd := range nodes {
			if nd.Index == leader {
				nodes[0], nodes[i] = nodes[i], nodes[0]
			}
		}
	}
	ids := func(ns []*Node) string {
		var s []string
		for _, n := range ns {
			s = append(s, n.ID)
		}
		return strings.Join(s, ",")
	}
	switch kind {
	case "isolate-leader":
		f.isolate(nodes[:1], nodes[1:])
		return "isolate " + nodes[0].ID
	case "split":
		minority := (len(nodes) - 1) / 2
		f.isolate(nodes[:minority], nodes[minority:])
		return fmt.Sprintf("split [%s] | [%s]", ids(nodes[:minority]), ids(nodes[minority:]))
	case "bridge":
		// Two sides that cannot talk, and one node that talks to both.
		mid := len(nodes) / 2
		a, bridge, b := nodes[:mid], nodes[mid], nodes[mid+1:]
		f.isolate(a, b)
		return fmt.Sprintf("bridge [%s] - %s - [%s]", ids(a), bridge.ID, ids(b))
	case "oneway-from-leader":
		for _, n := range nodes[1:] {
			f.cut(nodes[0].Host, n.Host)
		}
		return "drop " + nodes[0].ID + " -> others"
	case "oneway-to-leader":
		for _, n := range nodes[1:] {
			f.cut(n.Host, nodes[0].Host)
		}
		return "drop others -> " + nodes[0].ID
	}
	f.t.Fatalf("unknown partition kind %q", kind)
	return ""
}
