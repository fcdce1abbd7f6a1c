package raftnode

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// ReadBarrier makes a following local read linearizable (the ReadIndex
// technique): it takes the commit index, confirms leadership with one
// heartbeat round shared by every read waiting at that moment, and waits
// until the FSM has applied that index. A new leader serves no read until
// an entry of its own term has been applied (see watchLeadership), because
// until then its commit index may be behind the cluster's.
func (n *Node) ReadBarrier(ctx context.Context) error {
	if n.raft.State() != raft.Leader {
		return ErrNotLeader
	}
	term := n.raft.CurrentTerm()
	if err := n.waitReady(ctx, term); err != nil {
		return err
	}
	ci := n.raft.CommitIndex()
	if err := n.verify.verify(term); err != nil {
		return ErrReadUnavailable
	}
	if n.raft.CurrentTerm() != term {
		return ErrReadUnavailable
	}
	return n.WaitApplied(ctx, ci)
}

// waitReady waits (briefly) for this leader's first entry of term to apply.
func (n *Node) waitReady(ctx context.Context, term uint64) error {
	if n.ready.Load() == term {
		return nil
	}
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	for n.ready.Load() != term {
		select {
		case <-ctx.Done():
			return ErrReadUnavailable
		case <-t.C:
			return ErrReadUnavailable
		case <-time.After(2 * time.Millisecond):
		}
		if n.raft.State() != raft.Leader || n.raft.CurrentTerm() != term {
			return ErrReadUnavailable
		}
	}
	return nil
}

// WaitApplied blocks until the FSM has applied index idx.
func (n *Node) WaitApplied(ctx context.Context, idx uint64) error {
	for {
		// The common case needs no channel (and no lock to fetch it).
		if n.fsm.AppliedIndex() >= idx {
			return nil
		}
		ch := n.fsm.AppliedCh()
		if n.fsm.AppliedIndex() >= idx {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ErrReadUnavailable
		case <-n.stop:
			return ErrReadUnavailable
		}
	}
}

// verifier coalesces VerifyLeader calls: every caller that arrives while a
// round is in flight waits for the next round, which starts after it
// arrived, so each caller's confirmation postdates its commit-index read.
type verifier struct {
	r       *raft.Raft
	voters  *voterCache
	acks    *contactTransport
	wait    time.Duration // how long fresh acknowledgements may take
	mu      sync.Mutex
	waiting []chan error
	spare   []chan error // the previous round's slice, reused for the next
	running bool
}

func newVerifier(r *raft.Raft, self raft.ServerID, acks *contactTransport, wait time.Duration) *verifier {
	return &verifier{r: r, voters: newVoterCache(r, self), acks: acks, wait: wait}
}

var errChPool = sync.Pool{New: func() any { return make(chan error, 1) }}

// verify confirms that this node, leader in term, still led after verify
// was called.
func (v *verifier) verify(term uint64) error {
	vs, err := v.voters.get(term)
	if err != nil {
		return err
	}
	if vs.sole() {
		// No other node can win an election this node does not vote
		// in, and raft's own check would answer at once, after a trip
		// through its main loop.
		return nil
	}
	ch := errChPool.Get().(chan error)
	v.mu.Lock()
	v.waiting = append(v.waiting, ch)
	if !v.running {
		v.running = true
		go v.loop()
	}
	v.mu.Unlock()
	err = <-ch
	errChPool.Put(ch)
	return err
}

func (v *verifier) loop() {
	for {
		v.mu.Lock()
		batch := v.waiting
		if len(batch) == 0 {
			v.running = false
			v.mu.Unlock()
			return
		}
		v.waiting, v.spare = v.spare[:0], nil
		v.mu.Unlock()
		start := time.Now() // every waiter of batch registered before this
		term := v.r.CurrentTerm()
		err := v.r.VerifyLeader().Error()
		if err == nil {
			err = v.freshQuorum(term, start)
		}
		for i, ch := range batch {
			ch <- err
			batch[i] = nil
		}
		v.mu.Lock()
		v.spare = batch
		v.mu.Unlock()
	}
}

// errStaleVerify: no quorum accepted a request sent after the read began.
var errStaleVerify = errors.New("raftnode: leadership not confirmed by requests sent after the read")

// freshQuorum waits until a quorum of voters (this node included) has
// accepted AppendEntries sent at or after start. VerifyLeader alone may be
// satisfied by answers to requests sent before start (see contactTransport);
// the heartbeats VerifyLeader triggers are sent after start, so a live
// leader passes within one round trip.
func (v *verifier) freshQuorum(term uint64, start time.Time) error {
	if v.acks == nil {
		return nil
	}
	vs, err := v.voters.get(term)
	if err != nil {
		return err
	}
	peers, need := vs.peers, vs.need()
	n, next := v.acks.ackedSince(peers, start)
	if n >= need {
		return nil // the usual case: VerifyLeader waited for fresh replies
	}
	timeout := time.NewTimer(v.wait)
	defer timeout.Stop()
	for ; n < need; n, next = v.acks.ackedSince(peers, start) {
		select {
		case <-next:
		case <-timeout.C:
			return errStaleVerify
		}
	}
	return nil
}
