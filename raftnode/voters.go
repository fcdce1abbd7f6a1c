package raftnode

import (
	"sync"
	"sync/atomic"

	"github.com/hashicorp/raft"
)

// voterCache holds the leader's voter set for the read barrier, which
// otherwise asked raft's main loop for the configuration on every read
// round (a channel round trip and a copy of every server).
//
// Within one term a leader's configuration changes only by its own
// membership calls (Join, Remove): another node's entries reach this log
// only under another leader, hence another term. Those calls hold
// changes above zero while they run and bump gen when they return, so a
// set is used only if it was fetched in the current term, no change was
// running, and none has finished since its fetch began.
type voterCache struct {
	fetch   func() (raft.Configuration, error) // raft's latest configuration
	self    raft.ServerID
	changes atomic.Int32  // membership calls running
	gen     atomic.Uint64 // membership calls finished

	mu  sync.Mutex
	cur *voterSet // nil: fetch
}

// voterSet is one fetched configuration's voters other than this node.
type voterSet struct {
	term, gen uint64
	peers     []raft.ServerID
	selfVotes bool
}

// need is how many peers must confirm leadership besides this node's own
// vote: a majority of all voters.
func (s *voterSet) need() int {
	n := len(s.peers)
	if s.selfVotes {
		n++
	}
	need := n/2 + 1
	if s.selfVotes {
		need--
	}
	return need
}

// sole: this node is the configuration's only voter, so no other node can
// be elected while it leads this term and a read needs no heartbeat round.
func (s *voterSet) sole() bool { return s.selfVotes && len(s.peers) == 0 }

func newVoterCache(r *raft.Raft, self raft.ServerID) *voterCache {
	return &voterCache{self: self, fetch: func() (raft.Configuration, error) {
		f := r.GetConfiguration()
		if err := f.Error(); err != nil {
			return raft.Configuration{}, err
		}
		return f.Configuration(), nil
	}}
}

// changing marks a membership call; the returned func ends it.
func (c *voterCache) changing() func() {
	c.changes.Add(1)
	return func() {
		c.gen.Add(1)
		c.changes.Add(-1)
	}
}

// get returns the voter set of the latest configuration, as of a moment
// after get was called, for a leader in term.
func (c *voterCache) get(term uint64) (*voterSet, error) {
	gen := c.gen.Load()
	running := c.changes.Load() != 0
	c.mu.Lock()
	s := c.cur
	c.mu.Unlock()
	if s != nil && !running && s.term == term && s.gen == gen {
		return s, nil
	}
	cf, err := c.fetch()
	if err != nil {
		return nil, err
	}
	s = &voterSet{term: term, gen: gen}
	for _, srv := range cf.Servers {
		switch {
		case srv.Suffrage != raft.Voter:
		case srv.ID == c.self:
			s.selfVotes = true
		default:
			s.peers = append(s.peers, srv.ID)
		}
	}
	if !running {
		c.mu.Lock()
		c.cur = s
		c.mu.Unlock()
	}
	return s, nil
}
