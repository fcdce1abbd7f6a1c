package raftnode

import (
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// contactTransport records, per peer, when an AppendEntries call (a
// heartbeat or a replication round) to it last succeeded. The leader sends
// heartbeats every tenth of the heartbeat timeout, so on the leader this is
// raft's own view of each follower's liveness; hashicorp/raft keeps the
// same times but does not export them.
type contactTransport struct {
	*raft.NetworkTransport
	mu   sync.Mutex
	last map[raft.ServerID]time.Time
	// ackedSent is, per peer, when the newest AppendEntries that the peer
	// accepted (Success: it still follows this term) was sent. The read
	// barrier needs it: hashicorp/raft's VerifyLeader also counts replies
	// to requests sent before the verification began (a leader paused and
	// resumed reads its followers' old answers and is told it still leads),
	// so a read also waits for a quorum of acceptances of requests sent
	// after it started.
	ackedSent map[raft.ServerID]time.Time
	acked     chan struct{} // closed and replaced when ackedSent advances
}

func newContactTransport(t *raft.NetworkTransport) *contactTransport {
	return &contactTransport{NetworkTransport: t, last: map[raft.ServerID]time.Time{}, ackedSent: map[raft.ServerID]time.Time{}, acked: make(chan struct{})}
}

// AppendEntries implements raft.Transport.
func (t *contactTransport) AppendEntries(id raft.ServerID, target raft.ServerAddress, args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) error {
	sent := time.Now()
	err := t.NetworkTransport.AppendEntries(id, target, args, resp)
	if err == nil {
		t.mu.Lock()
		t.last[id] = time.Now()
		if resp.Success && resp.Term == args.Term && sent.After(t.ackedSent[id]) {
			t.ackedSent[id] = sent
			close(t.acked)
			t.acked = make(chan struct{})
		}
		t.mu.Unlock()
	}
	return err
}

// ackedSince counts the peers among ids that accepted an AppendEntries
// sent at or after since, and returns a channel closed at the next
// acceptance, so a waiter needs no polling.
func (t *contactTransport) ackedSince(ids []raft.ServerID, since time.Time) (int, <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, id := range ids {
		if !t.ackedSent[id].Before(since) {
			n++
		}
	}
	return n, t.acked
}

func (t *contactTransport) lastContact(id raft.ServerID) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last[id]
}

// Health is how this node judges another member from raft's contact:
// Redis Cluster's PFAIL ("fail?") and FAIL ("fail").
type Health int

const (
	HealthOK      Health = iota
	HealthUnknown        // no raft contact to judge by: a follower's view of another follower
	HealthPFail          // not heard from for longer than the heartbeat timeout
	HealthFail           // not heard from for longer than twice the election timeout
)

// PeerHealth judges member id from this node's raft contact with it. The
// leader judges each follower by its last successful AppendEntries (sent at
// least every tenth of the heartbeat timeout); a follower judges the leader
// by the last message it had from it (raft.LastContact). A follower
// exchanges nothing with the other followers, so it reports them Unknown;
// a node judges itself OK. since is the time of the last contact (zero when
// none).
func (n *Node) PeerHealth(id string) (h Health, since time.Time) {
	if id == n.cfg.NodeID {
		return HealthOK, time.Now()
	}
	lid, _ := n.Leader()
	switch {
	case n.IsLeader():
		since = n.contacts.lastContact(raft.ServerID(id))
		if since.IsZero() {
			// Not contacted since this node became leader: count from then.
			since = n.leaderSince.Load().(time.Time)
		}
	case id == lid:
		since = n.raft.LastContact()
	default:
		return HealthUnknown, time.Time{}
	}
	if since.IsZero() {
		return HealthUnknown, since // leadership too new to judge by
	}
	age := time.Since(since)
	rc := n.raft.ReloadableConfig()
	switch {
	case age > 2*rc.ElectionTimeout && age > 2*rc.HeartbeatTimeout:
		return HealthFail, since
	case age > rc.HeartbeatTimeout:
		return HealthPFail, since
	}
	return HealthOK, since
}
