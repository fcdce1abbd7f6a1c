package raftnode

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/raft"
)

// snapStore is raft's SnapshotStore, on the layout of raft.FileSnapshotStore
// (snapshots/<term>-<index>-<ms>/{meta.json,state.bin}, written under a
// ".tmp" name and renamed into place), so it reads the snapshots an older
// quoris left. It exists because FileSnapshotSink writes the whole state
// file and fsyncs it once at the end: on ext4 that final fsync of a 100+ MB
// file holds up the raft log's fdatasync for as long as the disk takes to
// write it, stalling every write. The sink here pushes the file to disk as
// it goes (see writeback), so the final fsync has only the last MB left.
// See DESIGN.md.
type snapStore struct {
	dir       string
	retain    int
	log       *slog.Logger
	syncEvery int64 // bytes between writebacks
	noSync    bool  // tests only: no fsync, no writeback
}

const (
	snapMetaFile   = "meta.json"
	snapStateFile  = "state.bin"
	snapTmpSuffix  = ".tmp"
	snapRetain     = 2
	snapSyncEvery  = 1 << 20
	snapWriteBufSz = 1 << 20
)

// snapMeta is meta.json, field for field raft's fileSnapshotMeta. CRC is
// FileSnapshotStore's CRC-64 of state.bin; this store neither checks nor
// writes it (see Open), which spares a snapshot ~10% of its CPU, so an older
// quoris cannot restore a snapshot written here.
type snapMeta struct {
	raft.SnapshotMeta
	CRC []byte
}

// newSnapStore opens the store under base/snapshots. A ".tmp" directory
// found there is a snapshot a crash interrupted: nothing can be writing it
// yet, so it is removed rather than left to fill the disk.
func newSnapStore(base string, retain int, log *slog.Logger) (*snapStore, error) {
	if retain < 1 {
		return nil, errors.New("snapshot store: must retain at least one snapshot")
	}
	dir := filepath.Join(base, "snapshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("snapshot store: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("snapshot store: %w", err)
	}
	for _, e := range ents {
		if e.IsDir() && strings.HasSuffix(e.Name(), snapTmpSuffix) {
			log.Warn("removing unfinished snapshot", "name", e.Name())
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return nil, fmt.Errorf("snapshot store: %w", err)
			}
		}
	}
	return &snapStore{dir: dir, retain: retain, log: log, syncEvery: snapSyncEvery}, nil
}

// Create implements raft.SnapshotStore.
func (s *snapStore) Create(version raft.SnapshotVersion, index, term uint64, conf raft.Configuration,
	confIndex uint64, _ raft.Transport) (raft.SnapshotSink, error) {
	if version != 1 {
		return nil, fmt.Errorf("unsupported snapshot version %d", version)
	}
	id := fmt.Sprintf("%d-%d-%d", term, index, time.Now().UnixMilli())
	tmp := filepath.Join(s.dir, id+snapTmpSuffix)
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(tmp, snapStateFile))
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s.log.Info("creating snapshot", "id", id)
	return newSnapSink(s, tmp, f, snapMeta{SnapshotMeta: raft.SnapshotMeta{
		Version: version, ID: id, Index: index, Term: term,
		Configuration: conf, ConfigurationIndex: confIndex,
	}}), nil
}

// List implements raft.SnapshotStore: the newest snapshots first, at most
// retain of them.
func (s *snapStore) List() ([]*raft.SnapshotMeta, error) {
	all, err := s.all()
	if err != nil {
		return nil, err
	}
	out := make([]*raft.SnapshotMeta, 0, min(len(all), s.retain))
	for _, m := range all[:min(len(all), s.retain)] {
		out = append(out, &m.SnapshotMeta)
	}
	return out, nil
}

// all returns every published snapshot, newest first, skipping any whose
// meta cannot be read.
func (s *snapStore) all() ([]*snapMeta, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var metas []*snapMeta
	for _, e := range ents {
		if !e.IsDir() || strings.HasSuffix(e.Name(), snapTmpSuffix) {
			continue
		}
		m, err := s.readMeta(e.Name())
		if err != nil {
			s.log.Warn("skipping snapshot with unreadable meta", "name", e.Name(), "err", err)
			continue
		}
		if m.Version < raft.SnapshotVersionMin || m.Version > raft.SnapshotVersionMax {
			s.log.Warn("skipping snapshot of unsupported version", "name", e.Name(), "version", m.Version)
			continue
		}
		metas = append(metas, m)
	}
	// FileSnapshotStore's order, newest first.
	slices.SortFunc(metas, func(a, b *snapMeta) int {
		switch {
		case a.Term != b.Term:
			return cmpDesc(a.Term, b.Term)
		case a.Index != b.Index:
			return cmpDesc(a.Index, b.Index)
		default:
			return strings.Compare(b.ID, a.ID)
		}
	})
	return metas, nil
}

func cmpDesc(a, b uint64) int {
	if a > b {
		return -1
	}
	return 1
}

func (s *snapStore) readMeta(id string) (*snapMeta, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, id, snapMetaFile))
	if err != nil {
		return nil, err
	}
	m := &snapMeta{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Open implements raft.SnapshotStore. Unlike FileSnapshotStore it does not
// read the whole file for a CRC-64 before handing it out: the snapshot
// format carries its own CRC-32C, which FSM.Restore verifies before it
// replaces any state (and a follower's restore verifies for a snapshot sent
// over the network), so the extra pass would only delay a restart. A size
// mismatch, the cheap sign of a truncated file, is refused here.
func (s *snapStore) Open(id string) (*raft.SnapshotMeta, io.ReadCloser, error) {
	m, err := s.readMeta(id)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot %s: %w", id, err)
	}
	f, err := os.Open(filepath.Join(s.dir, id, snapStateFile))
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() != m.Size {
		err = fmt.Errorf("snapshot %s: state file has %d bytes, meta says %d", id, fi.Size(), m.Size)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return &m.SnapshotMeta, f, nil
}

// reap removes published snapshots beyond retain, oldest first.
func (s *snapStore) reap() error {
	all, err := s.all()
	if err != nil {
		return err
	}
	for _, m := range all[min(len(all), s.retain):] {
		s.log.Info("removing old snapshot", "id", m.ID)
		if err := os.RemoveAll(filepath.Join(s.dir, m.ID)); err != nil {
			return err
		}
	}
	return nil
}

var _ raft.SnapshotStore = (*snapStore)(nil)

// syncDir makes a rename in dir durable where directories can be synced.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
