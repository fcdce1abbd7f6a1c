package raftnode

import (
	"io"
	"sync/atomic"

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
	snaps *snapshotStore
}

func (r restoringFSM) Restore(rc io.ReadCloser) error {
	if err := r.FSM.Restore(rc); err != nil {
		return err
	}
	r.FSM.MarkRestored(r.snaps.opened.Load())
	return nil
}

var _ raft.BatchingFSM = restoringFSM{}
