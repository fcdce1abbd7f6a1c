package raftnode

import (
	"strconv"
	"time"
)

// snapshotBySize takes a snapshot whenever more than limit bytes of command
// entries were applied since the last snapshot this loop saw. raft's own
// trigger counts entries, and a batched entry holds anything from one
// command to thousands, so entries alone bound neither the log's size on
// disk nor how long a restart spends replaying it. (Redis's AOF rewrite is
// triggered by size for the same reason.)
func (n *Node) snapshotBySize(limit uint64, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	lastIdx := n.lastSnapshotIndex()
	base := n.fsm.AppliedBytes()
	for {
		select {
		case <-n.stop:
			return
		case <-t.C:
		}
		if idx := n.lastSnapshotIndex(); idx != lastIdx {
			// A snapshot happened (raft's entry threshold, RAFT SNAPSHOT):
			// what was applied before it is covered.
			lastIdx, base = idx, n.fsm.AppliedBytes()
			continue
		}
		applied := n.fsm.AppliedBytes()
		if applied-base < limit {
			continue
		}
		if err := n.raft.Snapshot().Error(); err != nil {
			n.log.Warn("size-triggered snapshot failed", "err", err, "bytes_since_snapshot", applied-base)
		}
		lastIdx, base = n.lastSnapshotIndex(), applied
	}
}

func (n *Node) lastSnapshotIndex() uint64 {
	idx, _ := strconv.ParseUint(n.raft.Stats()["last_snapshot_index"], 10, 64)
	return idx
}
