package raftnode

import (
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"
)

// Timings are node-local observations for monitoring (/metrics): how long
// snapshots and restores take, and how often the leader changed.
type Timings struct {
	Snapshots     atomic.Int64 // snapshots persisted
	SnapshotNanos atomic.Int64 // total time persisting them
	Restores      atomic.Int64
	RestoreNanos  atomic.Int64
	LeaderChanges atomic.Int64 // leader observations: elections won or lost anywhere
}

// Timings returns the node's monitoring counters.
func (n *Node) Timings() *Timings { return n.timings }

// timedSnapshot measures Persist, where a snapshot's time goes.
type timedSnapshot struct {
	raft.FSMSnapshot
	t   *Timings
	log *slog.Logger
}

func (s timedSnapshot) Persist(sink raft.SnapshotSink) error {
	start := time.Now()
	err := s.FSMSnapshot.Persist(sink)
	took := time.Since(start)
	s.t.Snapshots.Add(1)
	s.t.SnapshotNanos.Add(int64(took))
	if err != nil {
		s.log.Error("snapshot write failed", "id", sink.ID(), "took", took, "err", err)
	} else {
		s.log.Info("snapshot written", "id", sink.ID(), "took", took.Round(time.Millisecond))
	}
	return err
}

// watchLeaderChanges counts raft's leader observations until stop.
func (n *Node) watchLeaderChanges() {
	ch := make(chan raft.Observation, 16)
	obs := raft.NewObserver(ch, false, func(o *raft.Observation) bool {
		_, ok := o.Data.(raft.LeaderObservation)
		return ok
	})
	n.raft.RegisterObserver(obs)
	defer n.raft.DeregisterObserver(obs)
	for {
		select {
		case <-n.stop:
			return
		case <-ch:
			n.timings.LeaderChanges.Add(1)
		}
	}
}

// LogDiskBytes is the size on disk of the raft log (the WAL's segment
// files, or raft.db for the bolt store), for monitoring.
func (n *Node) LogDiskBytes() int64 {
	path := filepath.Join(n.cfg.Dir, boltFile)
	if n.stores.kind == LogStoreWAL {
		path = filepath.Join(n.cfg.Dir, walDir)
	}
	var total int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}
