package raftnode

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/fsm"
)

// Staging (fsm/stage.go): a command larger than stageAbove is not one log
// entry. Its encoded entry goes out as stageChunk-sized KindStage entries,
// at most stageWindow in flight, and then a small KindStaged batch item
// runs it. Entries commit in log order, so one 32 MB entry held every
// other client's commit behind its replication and fsyncs (measured: 3.0 s
// for a concurrent INCR, the SET itself 3.7 s); chunks let other clients'
// batches interleave, and heartbeats never queue behind a huge message.
const (
	stageAbove  = 1 << 20
	stageChunk  = 1 << 20
	stageWindow = 2
)

// DefaultMaxCommandBytes is the default of max-entry-size, the largest
// command a node accepts. 32 MiB values commit without disturbing other
// clients; a 200 MiB one, on a busy 2-core machine with one shared disk,
// cost the leader its lease (some 600 MB of log and snapshot writes per
// node), so the default refuses it and an operator may raise it.
const DefaultMaxCommandBytes = 128 << 20

// CommandTooLarge is the error for a command over max-entry-size.
func CommandTooLarge(limit int64) error {
	return fmt.Errorf("ERR command too large (over max-entry-size, %d bytes); nothing was applied", limit)
}

// MaxCommandBytes is the largest command this node accepts.
func (n *Node) MaxCommandBytes() int64 { return n.maxCommand }

// submitStaged stages args, then queues the item that runs them. It blocks
// its caller (that client's goroutine) while the chunks commit, so the
// client's later commands still enter the log after this one.
func (n *Node) submitStaged(db int, now int64, args [][]byte) Ticket {
	if bound := itemBound(args); int64(bound) > n.maxCommand || bound > fsm.MaxStagedBytes {
		return failedTicket(CommandTooLarge(min(n.maxCommand, fsm.MaxStagedBytes)))
	}
	blob := fsm.AppendEntry(make([]byte, 0, itemBound(args)), fsm.KindCommand, db, now, args)
	id := n.stageIDs.Add(1)
	start := time.Now()
	if err := n.stage(id, blob); err != nil {
		// Best effort: a leader change discards the chunks anyway.
		go func() { _ = n.raft.Apply(fsm.AppendStageAbort(nil, id), n.cfg.ApplyTimeout).Error() }()
		return failedTicket(err)
	}
	n.log.Info("staged a large command", "bytes", len(blob), "chunks", (len(blob)+stageChunk-1)/stageChunk, "took", time.Since(start))
	return n.batch.submit(fsm.KindStaged, db, n.Now(), fsm.StagedArgs(id))
}

// stage proposes blob's chunks and waits for all of them to apply.
func (n *Node) stage(id uint64, blob []byte) error {
	total := uint64(len(blob))
	var window []raft.ApplyFuture
	var firstErr error
	wait := func(f raft.ApplyFuture) {
		err := f.Error()
		if err == nil {
			if r, _ := f.Response().([]byte); len(r) > 0 {
				err = fmt.Errorf("stage chunk refused: %s", r)
			}
		}
		if err != nil && firstErr == nil {
			firstErr = stageErr(err)
		}
	}
	for off := 0; off < len(blob) && firstErr == nil; off += stageChunk {
		end := min(off+stageChunk, len(blob))
		entry := fsm.AppendStageChunk(make([]byte, 0, end-off+32), id, total, uint64(off), blob[off:end])
		if len(window) == stageWindow {
			wait(window[0])
			window = window[1:]
		}
		window = append(window, n.raft.Apply(entry, n.cfg.ApplyTimeout))
	}
	for _, f := range window {
		wait(f)
	}
	return firstErr
}

// stageErr classifies a failed chunk. Chunks change nothing a client can
// see, so a failure is never uncertain: the command was not applied.
func stageErr(err error) error {
	switch c := classify(err); {
	case errors.Is(c, ErrNotLeader):
		return ErrNotLeader
	case errors.Is(c, ErrUncertain), errors.Is(c, ErrNotApplied):
		return ErrNotApplied
	default:
		return fmt.Errorf("ERR %v; nothing was applied", err)
	}
}
