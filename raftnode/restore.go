package raftnode

import (
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/fsm"
)

// raft restores a snapshot by opening it from the store and handing only
// the stream to FSM.Restore, so the FSM never learns the snapshot's index.
// snapshotStore remembers the index of the snapshot last opened, and
// restoringFSM passes it on once the restore succeeds; without it the FSM's
// applied index (which reads wait on) would stay behind until the next write.
type snapshotStore struct {
	raft.SnapshotStore
	opened atomic.Uint64
}

func (s *snapshotStore) Open(id string) (*raft.SnapshotMeta, io.ReadCloser, error) {
	meta, rc, err := s.SnapshotStore.Open(id)
	if err == nil {
		s.opened.Store(meta.Index)
	}
	return meta, rc, err
}

type restoringFSM struct {
	*fsm.FSM
	snaps   *snapshotStore
	timings *Timings
	log     *slog.Logger
}

func (r restoringFSM) Restore(rc io.ReadCloser) error {
	start := time.Now()
	// A large snapshot takes seconds to load, during which this node
	// serves nothing: say so, and when it is done.
	r.log.Info("restoring snapshot", "index", r.snaps.opened.Load())
	err := r.FSM.Restore(rc)
	took := time.Since(start)
	r.timings.Restores.Add(1)
	r.timings.RestoreNanos.Add(int64(took))
	if err != nil {
		r.log.Error("snapshot restore failed", "index", r.snaps.opened.Load(), "took", took, "err", err)
		return err
	}
	r.FSM.MarkRestored(r.snaps.opened.Load())
	r.log.Info("snapshot restored", "index", r.snaps.opened.Load(), "took", took.Round(time.Millisecond))
	return nil
}

// Snapshot times the snapshot's Persist (see Timings).
func (r restoringFSM) Snapshot() (raft.FSMSnapshot, error) {
	s, err := r.FSM.Snapshot()
	if err != nil {
		return nil, err
	}
	return timedSnapshot{FSMSnapshot: s, t: r.timings, log: r.log}, nil
}

var _ raft.BatchingFSM = restoringFSM{}

// campaignIfAlone starts an election at once when this node is the only
// voter of its configuration, as after the restart of a one-node cluster:
// nobody else can lead, so waiting out a heartbeat timeout (up to twice
// raft-heartbeat-timeout) only delays the first write and read. Lowering
// the heartbeat timeout through ReloadConfig makes raft's follower loop
// fire its timer now (with no leader ever heard from, it then campaigns);
// the configured value is put back straight away. An election is always
// safe in raft; this only makes it earlier.
func (n *Node) campaignIfAlone() {
	fut := n.raft.GetConfiguration()
	if fut.Error() != nil {
		return
	}
	s := fut.Configuration().Servers
	if len(s) != 1 || s[0].ID != raft.ServerID(n.cfg.NodeID) || s[0].Suffrage != raft.Voter {
		return
	}
	rc := n.raft.ReloadableConfig()
	hb := rc.HeartbeatTimeout
	rc.HeartbeatTimeout = hb - 1
	if err := n.raft.ReloadConfig(rc); err != nil {
		n.log.Warn("could not hasten the election of a lone voter", "err", err)
		return
	}
	rc.HeartbeatTimeout = hb
	if err := n.raft.ReloadConfig(rc); err != nil {
		n.log.Error("could not restore the heartbeat timeout", "err", err)
	}
}
