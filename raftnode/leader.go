package raftnode

import (
	"math/rand/v2"
	"time"

	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/fsm"
)

// watchLeadership runs the leader's duties: on election it applies an entry
// of its own term (its RESP address, which followers need for proxying and
// MOVED) and only then opens linearizable reads; while leading it runs the
// active expiry cycle.
func (n *Node) watchLeadership() {
	var stopExpiry chan struct{}
	for {
		select {
		case <-n.stop:
			if stopExpiry != nil {
				close(stopExpiry)
			}
			return
		case leader := <-n.raft.LeaderCh():
			if stopExpiry != nil {
				close(stopExpiry)
				stopExpiry = nil
			}
			if !leader {
				continue
			}
			n.leaderSince.Store(time.Now())
			stopExpiry = make(chan struct{})
			go n.becomeReady(stopExpiry)
			go n.expiryLoop(stopExpiry)
			go n.evictionLoop(stopExpiry)
		}
	}
}

func (n *Node) becomeReady(stop chan struct{}) {
	for {
		term := n.raft.CurrentTerm()
		err := n.ApplyMeta(n.cfg.NodeID, n.cfg.RespAddr)
		if err == nil {
			if n.raft.State() == raft.Leader && n.raft.CurrentTerm() == term {
				n.ready.Store(term)
				n.log.Info("leader ready", "term", term)
			}
			return
		}
		n.log.Warn("leader could not apply its first entry", "err", err)
		select {
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
		if n.raft.State() != raft.Leader {
			return
		}
	}
}

// Active expiry, like Redis's activeExpireCycle: every tick the leader
// proposes deletion of keys whose deadline has passed, bounded per cycle.
// The FSM re-checks each deadline against the entry's own time.
const (
	expiryTick     = 100 * time.Millisecond
	expiryPerEntry = 256
	expiryEntries  = 8 // entries per db per tick at most
)

// SetActiveExpire turns the leader's active expiry cycle on or off
// (DEBUG SET-ACTIVE-EXPIRE). It is node-local: each node that becomes
// leader follows its own setting.
func (n *Node) SetActiveExpire(on bool) { n.noActiveExpire.Store(!on) }

func (n *Node) expiryLoop(stop chan struct{}) {
	t := time.NewTicker(expiryTick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if n.raft.State() != raft.Leader || n.noActiveExpire.Load() {
			continue
		}
		for db := 0; db < n.fsm.Databases(); db++ {
			for i := 0; i < expiryEntries; i++ {
				now := n.Now()
				keys, more := n.fsm.ExpiredKeys(db, now, expiryPerEntry)
				if len(keys) == 0 {
					break
				}
				entry := fsm.AppendEntry(nil, fsm.KindExpire, db, now, keys)
				if _, err := Result(n.Propose(entry)); err != nil {
					break
				}
				if !more {
					break
				}
			}
		}
	}
}

// Eviction: while the dataset accounting is over maxmemory the leader
// proposes KindEvict entries naming the keys its policy picked; the FSM
// removes them only while still over, so every node evicts the same keys.
// The check is cheap (a sum under the read lock), so it runs often: writes
// are accepted over maxmemory under an evicting policy until it catches up.
const (
	evictTick     = 10 * time.Millisecond
	evictPerEntry = 64
	evictRounds   = 64 // entries per tick at most
)

func (n *Node) evictionLoop(stop chan struct{}) {
	t := time.NewTicker(evictTick)
	defer t.Stop()
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x9e3779b97f4a7c15))
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if n.raft.State() != raft.Leader {
			continue
		}
		for i := 0; i < evictRounds; i++ {
			now := n.Now()
			picks := n.fsm.EvictionCandidates(now, evictPerEntry, r)
			if len(picks) == 0 {
				break
			}
			failed := false
			for db, keys := range picks {
				entry := fsm.AppendEntry(nil, fsm.KindEvict, db, now, keys)
				if _, err := Result(n.Propose(entry)); err != nil {
					failed = true
					break
				}
			}
			if failed {
				break
			}
		}
	}
}
