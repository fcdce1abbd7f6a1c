package raftnode

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

func voterCfg(servers ...raft.Server) raft.Configuration { return raft.Configuration{Servers: servers} }

func TestVoterSetNeed(t *testing.T) {
	v := func(id string) raft.Server { return raft.Server{ID: raft.ServerID(id), Suffrage: raft.Voter} }
	nv := func(id string) raft.Server { return raft.Server{ID: raft.ServerID(id), Suffrage: raft.Nonvoter} }
	for _, tc := range []struct {
		name string
		cfg  raft.Configuration
		need int
		sole bool
	}{
		{"alone", voterCfg(v("me")), 0, true},
		{"alone with a nonvoter", voterCfg(v("me"), nv("b")), 0, true},
		{"two voters", voterCfg(v("me"), v("b")), 1, false},
		{"three voters", voterCfg(v("me"), v("b"), v("c")), 1, false},
		{"four voters", voterCfg(v("me"), v("b"), v("c"), v("d")), 2, false},
		{"five voters", voterCfg(v("me"), v("b"), v("c"), v("d"), v("e")), 2, false},
		{"self a nonvoter", voterCfg(nv("me"), v("b"), v("c")), 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &voterCache{self: "me", fetch: func() (raft.Configuration, error) { return tc.cfg, nil }}
			s, err := c.get(1)
			if err != nil {
				t.Fatal(err)
			}
			if s.need() != tc.need || s.sole() != tc.sole {
				t.Fatalf("need %d sole %v, want %d %v", s.need(), s.sole(), tc.need, tc.sole)
			}
		})
	}
}

// The cache must never hand out a voter set older than a membership change
// that finished, or one fetched in another term.
func TestVoterCacheRefetches(t *testing.T) {
	cfg := voterCfg(raft.Server{ID: "me", Suffrage: raft.Voter})
	fetches := 0
	c := &voterCache{self: "me", fetch: func() (raft.Configuration, error) { fetches++; return cfg, nil }}
	get := func(term uint64) *voterSet {
		t.Helper()
		s, err := c.get(term)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	steps := []struct {
		name        string
		do          func() *voterSet
		wantFetches int
		wantSole    bool
	}{
		{"first read fetches", func() *voterSet { return get(1) }, 1, true},
		{"same term, no change: cached", func() *voterSet { return get(1) }, 1, true},
		{"new term fetches", func() *voterSet { return get(2) }, 2, true},
		{"a change running: fetched every time", func() *voterSet {
			done := c.changing()
			get(2)
			cfg = voterCfg(raft.Server{ID: "me", Suffrage: raft.Voter}, raft.Server{ID: "b", Suffrage: raft.Voter})
			s := get(2)
			done()
			return s
		}, 4, false},
		{"after the change: fetched once more", func() *voterSet { return get(2) }, 5, false},
		{"then cached", func() *voterSet { return get(2) }, 5, false},
	}
	for _, st := range steps {
		s := st.do()
		if fetches != st.wantFetches || s.sole() != st.wantSole {
			t.Fatalf("%s: %d fetches, sole %v; want %d, %v", st.name, fetches, s.sole(), st.wantFetches, st.wantSole)
		}
	}
	c.fetch = func() (raft.Configuration, error) { return raft.Configuration{}, raft.ErrNotLeader }
	if _, err := c.get(3); !errors.Is(err, raft.ErrNotLeader) {
		t.Fatalf("fetch error: %v", err)
	}
}

// A lone leader reads without a heartbeat round; once a second voter has
// joined, it must ask it again: with that voter gone, reads fail instead of
// being served by a node that may no longer lead.
func TestReadBarrierFollowsMembership(t *testing.T) {
	n1, n2, n3 := openNode(t, "n1"), openNode(t, "n2"), openNode(t, "n3")
	if err := n1.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "n1 ready", func() bool { return n1.ReadBarrier(context.Background()) == nil })
	for _, n := range []*Node{n2, n3} {
		if err := n1.Join(n.ID(), n.cfg.RaftAddr, n.RespAddr(), true); err != nil {
			t.Fatal(err)
		}
	}
	if err := n1.ReadBarrier(context.Background()); err != nil {
		t.Fatalf("three voters, all up: %v", err)
	}
	// Back to one voter: reads no longer need the others.
	for _, id := range []string{"n3", "n2"} {
		if err := n1.Remove(id); err != nil {
			t.Fatal(err)
		}
	}
	n3.Shutdown()
	if err := n1.ReadBarrier(context.Background()); err != nil {
		t.Fatalf("sole voter: %v", err)
	}
	// Two voters, the second one stopped: no read may succeed.
	if err := n1.Join("n2", n2.cfg.RaftAddr, n2.RespAddr(), true); err != nil {
		t.Fatal(err)
	}
	n2.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n1.ReadBarrier(ctx); err == nil {
		t.Fatal("read confirmed by a sole-voter view after a second voter joined and stopped")
	}
}
