package raftnode

import (
	"errors"

	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/fsm"
)

// Errors of the write and read paths. Each says whether the command may
// have taken effect, because a client must know whether to retry.
var (
	// ErrNotLeader: this node does not lead; nothing was applied.
	ErrNotLeader = errors.New("not leader")
	// ErrNoLeader: no leader is known; nothing was applied.
	ErrNoLeader = errors.New("CLUSTERDOWN no leader is elected; the command was not applied")
	// ErrNotApplied: raft refused the command before logging it (queue
	// full, leadership transfer); nothing was applied, retrying is safe.
	ErrNotApplied = errors.New("TRYAGAIN the cluster is changing leader; the command was not applied")
	// ErrUncertain: the command reached the log but leadership was lost or
	// the node stopped before it committed. It may or may not be applied.
	ErrUncertain = errors.New("UNCERTAIN leadership was lost while the command was in flight; it may or may not have been applied")
	// ErrReadUnavailable: a linearizable read could not be confirmed; a
	// read changes nothing, so retrying is always safe.
	ErrReadUnavailable = errors.New("TRYAGAIN leadership could not be confirmed for a linearizable read; retry")
)

// DefaultMaxInflight is how many command batches may be in raft at once.
// One: everything that arrives while a batch commits goes out together as
// the next entry. Measured on 2 cores against 2, it gave more throughput
// everywhere (1 node SET -c 50 18.0k vs 12.0k/s; 3 nodes 6.0k vs 5.0k;
// -P 16 88-101k vs 74k): a second slot mostly carried a few early
// arrivals, splitting the clients into two cohorts that each paid a commit.
const DefaultMaxInflight = 1

// Submit queues one client command for the log without waiting: commands
// submitted while earlier batches are in flight share one log entry. The
// ticket's Result is the command's reply. A command over stageAbove is
// staged in chunks first, and Submit waits for them (stage.go).
func (n *Node) Submit(db int, now int64, args [][]byte) Ticket {
	if itemBound(args) > stageAbove {
		return n.submitStaged(db, now, args)
	}
	return n.batch.Submit(db, now, args)
}

// SubmitRead queues a read-only command behind the writes already
// submitted, in the same batch when they have not gone out yet: the FSM
// evaluates it in log order (without changing anything), so it sees
// exactly the writes before it and is linearizable like them, for the
// price of one more item rather than a commit wait and a read barrier.
func (n *Node) SubmitRead(db int, now int64, args [][]byte) Ticket {
	return n.batch.submit(fsm.KindRead, db, now, args)
}

// Propose hands an encoded entry to raft without waiting. Raft batches all
// entries queued at the same moment into one disk write (BatchApplyCh), so
// concurrent clients and pipelines share fsyncs.
func (n *Node) Propose(entry []byte) raft.ApplyFuture {
	if n.maxEntry > 0 && len(entry) > n.maxEntry {
		return failedFuture{ErrEntryTooLarge}
	}
	return n.raft.Apply(entry, n.cfg.ApplyTimeout)
}

// failedFuture answers an entry refused before it reached raft.
type failedFuture struct{ err error }

func (f failedFuture) Error() error  { return f.err }
func (f failedFuture) Index() uint64 { return 0 }
func (f failedFuture) Response() any { return nil }

// Result waits for fut and returns the FSM's RESP reply, or an error
// classified as not-applied or uncertain.
func Result(fut raft.ApplyFuture) ([]byte, error) {
	if err := fut.Error(); err != nil {
		return nil, classify(err)
	}
	reply, _ := fut.Response().([]byte)
	return reply, nil
}

func classify(err error) error {
	switch {
	case errors.Is(err, ErrEntryTooLarge):
		return err // refused before raft logged it: nothing applied
	case errors.Is(err, raft.ErrNotLeader):
		return ErrNotLeader
	case errors.Is(err, raft.ErrLeadershipTransferInProgress), errors.Is(err, raft.ErrEnqueueTimeout):
		return ErrNotApplied
	default:
		// ErrLeadershipLost, ErrRaftShutdown, ErrAbortedByRestore and
		// anything unforeseen: the entry may already be in a quorum's log.
		return ErrUncertain
	}
}

// ApplyMeta records id's RESP address in the replicated state ("" removes).
func (n *Node) ApplyMeta(id, respAddr string) error {
	entry := fsm.AppendEntry(nil, fsm.KindMeta, 0, n.Now(), [][]byte{[]byte(id), []byte(respAddr)})
	_, err := Result(n.Propose(entry))
	return err
}
