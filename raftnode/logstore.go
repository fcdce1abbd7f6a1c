package raftnode

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	wal "github.com/hashicorp/raft-wal"
	walfs "github.com/hashicorp/raft-wal/fs"
	"github.com/hashicorp/raft-wal/metadb"
	"github.com/hashicorp/raft-wal/segment"
	"github.com/hashicorp/raft-wal/types"
	"go.etcd.io/bbolt"
)

// Log store kinds (setting raft-log-store).
const (
	LogStoreWAL  = "wal"  // hashicorp/raft-wal: segment files, one fsync per append
	LogStoreBolt = "bolt" // raft-boltdb: the log in raft.db beside the stable store
)

// DefaultLogStore is what a fresh data directory uses.
const DefaultLogStore = LogStoreWAL

const (
	logStoreFile = "raft-log-store" // the data directory's choice, written before any log
	walDir       = "wal"
	boltFile     = "raft.db"
)

// ErrEntryTooLarge: a command would make a log entry larger than the log
// store can read back; nothing was applied.
var ErrEntryTooLarge = errors.New("ERR command too large for the raft log (over 64 MiB); nothing was applied")

// maxWALEntry is raft-wal's limit on one record: it writes larger ones but
// refuses to read them back (segment.MaxEntrySize), so an entry past it
// would be acknowledged and then unreadable on replay or replication. The
// margin covers the codec's index, term, type and length fields. Nodes
// refuse larger commands whatever their own store, since a cluster may
// mix stores.
const maxWALEntry = segment.MaxEntrySize - 1<<10

// ValidLogStore reports whether kind names a log store.
func ValidLogStore(kind string) bool { return kind == LogStoreWAL || kind == LogStoreBolt }

// chooseLogStore decides which log store dir uses and records it. A
// directory remembers its store in logStoreFile; one without it but with a
// raft.db was written by a quoris from before the WAL, whose log lives in
// raft.db, so it stays on bolt. A directory's store never changes after
// the first start: a different configured value is logged and ignored,
// since switching would start raft on an empty log beside the real one.
func chooseLogStore(dir, configured string) (kind, why string, err error) {
	if configured == "" {
		configured = DefaultLogStore
	}
	if !ValidLogStore(configured) {
		return "", "", fmt.Errorf("raft-log-store must be wal or bolt, not %q", configured)
	}
	path := filepath.Join(dir, logStoreFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		kind = strings.TrimSpace(string(b))
		if !ValidLogStore(kind) {
			return "", "", fmt.Errorf("%s: unknown log store %q", path, kind)
		}
		return kind, "recorded in " + logStoreFile, nil
	case !errors.Is(err, os.ErrNotExist):
		return "", "", err
	}
	switch {
	case exists(filepath.Join(dir, walDir)):
		kind, why = LogStoreWAL, "found a wal directory"
	case exists(filepath.Join(dir, boltFile)):
		kind, why = LogStoreBolt, "found raft.db from a quoris without raft-log-store: its log is in bolt"
	default:
		kind, why = configured, "new data directory"
	}
	return kind, why, writeFileSync(dir, logStoreFile, []byte(kind+"\n"))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeFileSync replaces dir/name durably: temp file, fsync, rename, fsync
// of the directory.
func writeFileSync(dir, name string, data []byte) error {
	tmp := filepath.Join(dir, name+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}

// stores are a node's raft log and stable store. The stable store is
// always raft.db (bolt); the log is raft.db too or the WAL.
type stores struct {
	kind   string
	log    raft.LogStore
	stable *raftboltdb.BoltStore
	wal    *wal.WAL // nil for bolt
	meta   *metadb.BoltMetaDB
}

func openStores(cfg Config) (*stores, error) {
	kind, why, err := chooseLogStore(cfg.Dir, cfg.LogStore)
	if err != nil {
		return nil, err
	}
	if cfg.LogStore != "" && kind != cfg.LogStore {
		cfg.Logger.Warn("raft-log-store setting ignored: a data directory keeps the store it was created with",
			"configured", cfg.LogStore, "using", kind, "dir", cfg.Dir)
	}
	cfg.Logger.Info("raft log store", "store", kind, "why", why)

	bolt, err := raftboltdb.New(raftboltdb.Options{
		Path:   filepath.Join(cfg.Dir, boltFile),
		NoSync: cfg.NoSync,
		// Log compaction frees many pages; by default bbolt rewrites its
		// whole freelist on every commit, which makes each group commit
		// slower as the log churns. The map freelist, rebuilt on open,
		// keeps commits proportional to the batch.
		BoltOptions: &bbolt.Options{Timeout: time.Second, NoFreelistSync: true, FreelistType: bbolt.FreelistMapType},
	})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", boltFile, err)
	}
	s := &stores{kind: kind, log: bolt, stable: bolt}
	if kind == LogStoreBolt {
		return s, nil
	}
	dir := filepath.Join(cfg.Dir, walDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		bolt.Close()
		return nil, err
	}
	w, meta, err := openWAL(dir, cfg.Logger, walTuning{noSync: cfg.NoSync})
	if err != nil {
		bolt.Close()
		return nil, err
	}
	s.log, s.wal, s.meta = walLog{w}, w, meta
	return s, nil
}

// walTuning is what tests change about the WAL; zero values are the
// production settings.
type walTuning struct {
	noSync      bool
	segmentSize int                       // 0: raft-wal's 64 MiB
	wrapVFS     func(types.VFS) types.VFS // observes the files' own operations, beneath noSync
}

func openWAL(dir string, logger *slog.Logger, tune walTuning) (*wal.WAL, *metadb.BoltMetaDB, error) {
	var vfs types.VFS = walfs.New()
	if tune.wrapVFS != nil {
		vfs = tune.wrapVFS(vfs)
	}
	if tune.noSync {
		vfs = noSyncFS{vfs}
	}
	// WAL.Close leaves its meta database open (raft-wal v0.4.0), and
	// its flock would block the next Open in this process forever: we
	// hand it one we close ourselves.
	meta := &metadb.BoltMetaDB{}
	w, err := wal.Open(dir,
		wal.WithLogger(NewHCLog(logger, "raft.wal", 0)),
		wal.WithMetaStore(meta),
		wal.WithSegmentFiler(sealFixFiler{segment.NewFiler(dir, vfs)}),
		wal.WithSegmentSize(tune.segmentSize))
	if err != nil {
		meta.Close()
		return nil, nil, fmt.Errorf("open raft log %s: %w", dir, err)
	}
	return w, meta, nil
}

func (s *stores) Close() error {
	var err error
	if s.wal != nil {
		err = s.wal.Close()
		if cerr := s.meta.Close(); err == nil {
			err = cerr
		}
	}
	if cerr := s.stable.Close(); err == nil {
		err = cerr
	}
	return err
}

// walLog is the WAL as raft's LogStore, holding raft-wal v0.4.0 to the
// interface's contract where it strays.
type walLog struct{ *wal.WAL }

// GetLog answers ErrLogNotFound outside FirstIndex..LastIndex. raft-wal's
// head truncation only moves the log's first index; until the whole
// segment goes, its entries below that stay readable (the open segments
// keep the bounds they were opened with). raft takes a found entry below
// the first index as a reason to replicate from the log instead of
// sending a snapshot, so a follower's catch-up would depend on where
// segment boundaries fall, and differ across a restart.
func (l walLog) GetLog(idx uint64, log *raft.Log) error {
	first, err := l.WAL.FirstIndex()
	if err != nil {
		return err
	}
	if idx < first {
		return raft.ErrLogNotFound
	}
	return l.WAL.GetLog(idx, log)
}

// StoreLogs refuses entries raft-wal could not read back. Submit and
// Propose refuse them first with a client error; this is the last line,
// because a refused StoreLogs makes a leader step down.
func (l walLog) StoreLogs(logs []*raft.Log) error {
	for _, e := range logs {
		if len(e.Data)+len(e.Extensions) > maxWALEntry {
			return fmt.Errorf("%w: entry %d is %d bytes, the WAL's limit is %d", ErrEntryTooLarge, e.Index, len(e.Data)+len(e.Extensions), maxWALEntry)
		}
	}
	return l.WAL.StoreLogs(logs)
}

func (l walLog) StoreLog(e *raft.Log) error { return l.StoreLogs([]*raft.Log{e}) }

// sealFixFiler works around hashicorp/raft-wal#31 (fixed upstream by
// #33, after v0.4.0): a tail truncation, which a follower does when a new
// leader overwrites entries it got from a deposed one, records the tail
// segment as sealed without writing its index block. Reopening such a
// segment fails ("sealed segment has no index block") and raft panics on
// the next start. Such a segment is opened the way the tail is recovered
// instead: by scanning its frames up to the last valid commit frame,
// which only reads the file. Entries past its recorded MaxIndex are
// never reached: the next segment starts at MaxIndex+1 and lookups take
// the newest segment whose base is at or below the index.
type sealFixFiler struct{ types.SegmentFiler }

func (f sealFixFiler) Open(info types.SegmentInfo) (types.SegmentReader, error) {
	if !info.SealTime.IsZero() && info.IndexStart == 0 {
		return f.SegmentFiler.RecoverTail(info)
	}
	return f.SegmentFiler.Open(info)
}

// noSyncFS is raft-nosync for the WAL: segment files are never fsynced.
// NOT durable, for benchmarking only, like raft-boltdb's NoSync.
type noSyncFS struct{ types.VFS }

type noSyncFile struct{ types.WritableFile }

func (noSyncFile) Sync() error { return nil }

func (fs noSyncFS) Create(dir, name string, size uint64) (types.WritableFile, error) {
	f, err := fs.VFS.Create(dir, name, size)
	if err != nil {
		return nil, err
	}
	return noSyncFile{f}, nil
}

func (fs noSyncFS) OpenWriter(dir, name string) (types.WritableFile, error) {
	f, err := fs.VFS.OpenWriter(dir, name)
	if err != nil {
		return nil, err
	}
	return noSyncFile{f}, nil
}
