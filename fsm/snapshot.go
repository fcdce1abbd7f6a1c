package fsm

import (
	"io"
	"sort"

	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/snapshot"
)

// fsmSnapshot is a point-in-time view: O(1) copies of every database's
// B-tree, taken under the write lock, serialised later in Persist while
// Apply goes on against the live trees.
type fsmSnapshot struct {
	dbs      []*DB
	now      int64
	nodes    map[string]string
	settings [][2]string
	// Script bodies and library codes are immutable byte slices: sharing
	// them with the live state is safe.
	scripts, libs [][]byte
	staged        []snapshot.Staged // never changed in place: see stagedSnapshot
	acl           *ACLUsers         // immutable
}

// Snapshot implements raft.FSM.
func (f *FSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapshotLocked(), nil
}

// snapshotLocked captures the state; the caller holds the write lock.
func (f *FSM) snapshotLocked() *fsmSnapshot {
	s := &fsmSnapshot{now: f.now, nodes: make(map[string]string, len(f.nodes))}
	// Every collection stored so far is now shared with this snapshot: the
	// next write to each one clones it first (Ctx.Own).
	f.gen++
	for _, db := range f.dbs {
		s.dbs = append(s.dbs, db.clone())
	}
	for k, v := range f.nodes {
		s.nodes[k] = v
	}
	s.settings = f.settings.sorted()
	s.scripts, s.libs = f.scripts.persisted()
	s.staged = f.stagedSnapshot()
	s.acl = f.acl.Load()
	return s
}

// Persist implements raft.FSMSnapshot.
func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if err := s.write(sink); err != nil {
		sink.Cancel()
		return err
	}
	return sink.Close()
}

func (s *fsmSnapshot) write(out io.Writer) error {
	w := snapshot.NewWriter(out)
	if err := w.Header(snapshot.Header{Now: s.now, Databases: len(s.dbs)}); err != nil {
		return err
	}
	ids := make([]string, 0, len(s.nodes))
	for id := range s.nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := w.Node(id, s.nodes[id]); err != nil {
			return err
		}
	}
	for _, kv := range s.settings {
		if err := w.Setting(kv[0], kv[1]); err != nil {
			return err
		}
	}
	for _, b := range s.scripts {
		if err := w.Script(b); err != nil {
			return err
		}
	}
	for _, c := range s.libs {
		if err := w.Library(c); err != nil {
			return err
		}
	}
	for _, st := range s.staged {
		if err := w.Staged(st); err != nil {
			return err
		}
	}
	if s.acl != nil {
		if err := persistACL(w, s.acl); err != nil {
			return err
		}
	}
	var err error
	for i, db := range s.dbs {
		db.Ascend(0, func(key string, _ uint64, it Item) bool {
			// The snapshot format knows datatypes' values, not the
			// keyspace's Collection adapters: unwrap them.
			k := snapshot.Key{DB: i, Key: key, ExpireAt: it.ExpireAt, Version: it.Version, Pos: it.Pos, Enc: it.Enc}
			v := it.Value
			switch cv := v.(type) {
			case nil:
				err = w.StringKey(k, it.Str)
				return err == nil
			case hashValue:
				v = cv.Hash
			case setValue:
				v = cv.Set
			case listValue:
				v = cv.List
			case zsetValue:
				v = cv.ZSet
			case streamValue:
				v = cv.Stream
			}
			k.Value = v
			err = w.Key(k)
			return err == nil
		})
		if err != nil {
			return err
		}
		if err := w.DB(snapshot.DBMeta{DB: i, TombFloor: db.tombFloor, Flushed: db.flushed}); err != nil {
			return err
		}
		db.tombs.Scan(func(key string, idx uint64) bool {
			err = w.Tomb(snapshot.Tomb{DB: i, Key: key, Index: idx})
			return err == nil
		})
		if err != nil {
			return err
		}
	}
	return w.Close()
}

// Release implements raft.FSMSnapshot.
func (s *fsmSnapshot) Release() {}
