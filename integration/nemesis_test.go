package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"
)

// nemesis applies one fault at a time to a cluster and heals it. It runs on
// the test goroutine (the harness fails the test on broken invariants).
type nemesis struct {
	t      *testing.T
	c      *Cluster
	fw     *firewall
	r      *rand.Rand
	faults []string
	down   map[int]bool // killed, to restart at heal
	paused map[int]bool
	count  int
	kinds  map[string]int
	log    []string
	start  time.Time
	// clockAt is when the first clock fault struck (zero if none): from
	// then on the leaders' clocks may disagree by seconds.
	clockAt time.Time
}

func newNemesis(t *testing.T, c *Cluster, fw *firewall, r *rand.Rand, faults []string) *nemesis {
	var usable []string
	for _, f := range faults {
		if f == "partition" && fw == nil {
			continue
		}
		usable = append(usable, f)
	}
	return &nemesis{t: t, c: c, fw: fw, r: r, faults: usable, down: map[int]bool{}, paused: map[int]bool{},
		kinds: map[string]int{}, start: time.Now()}
}

func (n *nemesis) note(format string, args ...any) {
	n.log = append(n.log, fmt.Sprintf("%5.1fs ", time.Since(n.start).Seconds())+fmt.Sprintf(format, args...))
}

// leader is the current leader's index, or 0 if none is agreed quickly.
func (n *nemesis) leader() int {
	i, err := n.c.findLeader(3*time.Second, nil)
	if err != nil {
		return 0
	}
	return i
}

// pick returns k distinct node indexes, the leader first when lead is set.
func (n *nemesis) pick(k int, lead bool) []int {
	idx := make([]int, len(n.c.Nodes))
	for i := range idx {
		idx[i] = i + 1
	}
	n.r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	if lead {
		if l := n.leader(); l > 0 {
			for i, v := range idx {
				if v == l {
					idx[0], idx[i] = idx[i], idx[0]
				}
			}
		}
	}
	return idx[:k]
}

func (n *nemesis) strike() {
	if len(n.faults) == 0 {
		return
	}
	n.strikeKind(n.faults[n.r.IntN(len(n.faults))])
}

// strikeKind applies one fault of kind f.
func (n *nemesis) strikeKind(f string) {
	n.count++
	n.kinds[f]++
	majority := len(n.c.Nodes)/2 + 1
	switch f {
	case "kill":
		var victims []int
		switch n.r.IntN(6) {
		case 0, 1:
			victims = n.pick(1, false)
		case 2, 3:
			victims = n.pick(1, true)
		case 4:
			victims = n.pick(majority, true)
		default:
			victims = n.pick(len(n.c.Nodes), false)
		}
		for _, i := range victims {
			n.c.Kill(i)
			n.down[i] = true
		}
		n.note("kill %v", victims)
	case "pause":
		victims := n.pick(1, true)
		if n.r.IntN(3) == 0 {
			victims = n.pick(majority, true)
		}
		for _, i := range victims {
			n.c.Pause(i)
			n.paused[i] = true
		}
		n.note("pause %v", victims)
	case "partition":
		kind := partitionKinds[n.r.IntN(len(partitionKinds))]
		n.note("%s", n.fw.partition(n.c, kind, n.leader(), n.r))
	case "membership":
		n.membership()
	case "clock":
		victim := n.pick(1, n.r.IntN(2) == 0)[0]
		skew := time.Duration(n.r.IntN(10)-5) * time.Second
		if skew == 0 {
			skew = 3 * time.Second
		}
		if n.clockAt.IsZero() {
			n.clockAt = time.Now()
		}
		n.c.Kill(victim)
		n.c.RestartWith(victim, "--debug-clock-skew", skew.String())
		n.note("clock node%d %+v", victim, skew)
	case "snapshot":
		for _, i := range n.pick(1+n.r.IntN(len(n.c.Nodes)), false) {
			_, _ = rawDo(n.c.Node(i).Addr, 2*time.Second, "RAFT", "SNAPSHOT")
		}
		n.note("snapshot")
	}
}

// membership removes a follower and adds it back, either as it is or
// replaced by a node with a wiped data directory.
func (n *nemesis) membership() {
	l := n.leader()
	if l == 0 {
		n.note("membership skipped: no leader")
		return
	}
	victim := n.pick(1, false)[0]
	if victim == l {
		victim = l%len(n.c.Nodes) + 1
	}
	nd, ld := n.c.Node(victim), n.c.Node(l)
	if n.r.IntN(2) == 0 {
		reply, err := rawDo(ld.Addr, 10*time.Second, "RAFT", "REMOVENODE", nd.ID)
		n.note("remove node%d: %q %v", victim, strings.TrimSpace(string(reply)), err)
		time.Sleep(time.Duration(300+n.r.IntN(700)) * time.Millisecond)
		reply, err = rawDo(ld.Addr, 10*time.Second, "RAFT", "JOIN", nd.ID, fmt.Sprintf("%s:%d", nd.Host, nd.RaftPort), nd.Addr)
		n.note("re-add node%d: %q %v", victim, strings.TrimSpace(string(reply)), err)
		return
	}
	if n.c.Live(victim) || n.paused[victim] {
		n.c.Kill(victim)
	}
	delete(n.paused, victim)
	delete(n.down, victim)
	reply, err := rawDo(ld.Addr, 10*time.Second, "RAFT", "REMOVENODE", nd.ID)
	n.note("replace node%d (remove: %q %v)", victim, strings.TrimSpace(string(reply)), err)
	n.c.Replace(victim, ld.Addr)
}

// heal undoes partitions and pauses and restarts killed nodes.
func (n *nemesis) heal() {
	if n.fw != nil {
		n.fw.heal()
	}
	for i := range n.paused {
		if n.c.Node(i).running() != nil {
			n.c.Resume(i)
		}
		delete(n.paused, i)
	}
	for i := range n.down {
		n.c.Restart(i)
		delete(n.down, i)
	}
}

// restore makes every node a voter again (a removal may not have been
// followed by a successful re-add while the cluster was faulty).
func (n *nemesis) restore() {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		l := n.leader()
		if l == 0 {
			continue
		}
		ms, err := n.c.Members(l)
		if err != nil {
			continue
		}
		have := map[string]bool{}
		for _, m := range ms {
			if m.Suffrage == "voter" {
				have[m.ID] = true
			}
		}
		missing := false
		for _, nd := range n.c.Nodes {
			if !have[nd.ID] {
				missing = true
				_, _ = rawDo(n.c.Node(l).Addr, 10*time.Second, "RAFT", "JOIN", nd.ID, fmt.Sprintf("%s:%d", nd.Host, nd.RaftPort), nd.Addr)
			}
		}
		if !missing {
			n.c.WaitMembers(len(n.c.Nodes))
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	n.t.Fatalf("could not restore full membership")
}

func (n *nemesis) summary() string {
	var parts []string
	for k, v := range n.kinds {
		parts = append(parts, fmt.Sprintf("%s:%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// runUntil strikes a random fault, heals it, and repeats at random
// intervals until end (or ctx ends), then heals and restores the cluster:
// the fault schedule every torture workload shares.
func (n *nemesis) runUntil(ctx context.Context, end time.Time) {
	for time.Now().Before(end) && ctx.Err() == nil {
		sleepUntil(end, time.Duration(500+n.r.IntN(1500))*time.Millisecond)
		if !time.Now().Before(end) {
			break
		}
		n.strike()
		sleepUntil(end, time.Duration(800+n.r.IntN(2500))*time.Millisecond)
		n.heal()
	}
	n.heal()
	n.restore()
}
