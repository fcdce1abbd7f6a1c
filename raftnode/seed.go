package raftnode

import (
	"errors"
	"io"
	"time"

	"github.com/hashicorp/raft"
)

// ErrSeedNotNew is a seed attempted on a node that is not a new cluster's
// lone leader.
var ErrSeedNotNew = errors.New("seeding needs a new single-node cluster (empty --dir, no --join) that leads")

// SeedState replaces the state of a new cluster, of which this node is the
// lone voter and leader, with a snapshot stream in quoris's format (a
// backup, or an imported RDB file). It uses raft's user restore: the
// stream becomes a snapshot past the log's end, so nodes that join later
// receive it by snapshot install. The FSM verifies the stream's checksum
// before it replaces anything. The node addresses the stream carries are
// another cluster's: they are dropped, and this node's own is recorded
// again (joining nodes record theirs as usual).
func (n *Node) SeedState(r io.Reader, size int64, timeout time.Duration) error {
	if !n.LoneVoter() || !n.IsLeader() {
		return ErrSeedNotNew
	}
	meta := &raft.SnapshotMeta{Version: raft.SnapshotVersionMax, Size: size}
	if err := n.raft.Restore(meta, r, timeout); err != nil {
		return err
	}
	for id := range n.fsm.Nodes() {
		if id != n.cfg.NodeID {
			if err := n.ApplyMeta(id, ""); err != nil {
				return err
			}
		}
	}
	return n.ApplyMeta(n.cfg.NodeID, n.cfg.RespAddr)
}
