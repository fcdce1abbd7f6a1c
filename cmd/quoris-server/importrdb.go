package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/datatypes/rdb"
	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// import-rdb turns a Redis RDB file into a quoris snapshot file: each key
// is RESTOREd (with ABSTTL) into an in-memory FSM, exactly as a RESTORE
// command would load it, and the FSM is then written as a snapshot. With
// --out the snapshot is the result; otherwise the server starts as the
// first node of a new cluster and seeds itself from it, as `restore` does.
// Keys already expired when the import runs are left out, as Redis leaves
// them out when it loads an RDB file.

const importUsage = "usage: quoris-server import-rdb DUMP.RDB [--out SNAPSHOT] [server flags...]"

func runImportRDB(args []string) error {
	out, rest, err := takeFlag(args, "out", importUsage)
	if err != nil {
		return err
	}
	file, rest, err := splitFile(rest, importUsage)
	if err != nil {
		return err
	}
	cfg, _, err := loadConfig(rest)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	target := out
	if target == "" {
		f, err := os.CreateTemp("", "quoris-import-*.snap")
		if err != nil {
			return err
		}
		f.Close()
		target = f.Name()
		defer os.Remove(target)
	}
	st, err := convertRDB(file, target, cfg.Databases)
	if err != nil {
		return err
	}
	logger.Info("RDB file converted", "file", file, "keys", st.keys, "expired_skipped", st.expired, "functions", st.functions)
	if out != "" {
		return nil
	}
	return run(rest, func(node *raftnode.Node) error { return seedFromFile(node, target) })
}

type importStats struct{ keys, expired, functions int }

// convertRDB reads rdbPath completely, then writes the snapshot to outPath
// (through a temporary name, so a failed import leaves no file).
func convertRDB(rdbPath, outPath string, databases int) (importStats, error) {
	var st importStats
	data, err := os.ReadFile(rdbPath)
	if err != nil {
		return st, err
	}
	f := fsm.New(databases, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	now := time.Now().UnixMilli()
	var idx uint64
	apply := func(db int, argv ...[]byte) error {
		idx++
		out := f.Apply(&raft.Log{Index: idx, Type: raft.LogCommand, Data: fsm.AppendEntry(nil, fsm.KindCommand, db, now, argv)})
		if b, ok := out.([]byte); ok && len(b) > 0 && b[0] == '-' {
			return errors.New(strings.TrimSpace(string(b[1:])))
		}
		return nil
	}
	err = rdb.ReadFile(data, rdb.FileHandler{
		Key: func(k rdb.FileKey) error {
			if k.DB >= databases {
				return fmt.Errorf("key %q is in database %d; the server has %d (--databases)", k.Key, k.DB, databases)
			}
			if k.ExpireAt != 0 && k.ExpireAt <= now {
				st.expired++
				return nil
			}
			if err := apply(k.DB, []byte("RESTORE"), k.Key, []byte(strconv.FormatInt(k.ExpireAt, 10)), k.Payload, []byte("ABSTTL")); err != nil {
				return fmt.Errorf("key %q (db %d): %w", k.Key, k.DB, err)
			}
			st.keys++
			return nil
		},
		Function: func(code []byte) error {
			// FUNCTION DUMP's payload for one library (see fsm/functions_dump.go).
			p := rdb.AppendString([]byte{245}, code)
			p = binary.LittleEndian.AppendUint16(p, rdb.Version)
			p = binary.LittleEndian.AppendUint64(p, rdb.CRC64(0, p))
			if err := apply(0, []byte("FUNCTION"), []byte("RESTORE"), p); err != nil {
				return fmt.Errorf("function library: %w", err)
			}
			st.functions++
			return nil
		},
	})
	if err != nil {
		return st, fmt.Errorf("%s: %w", filepath.Base(rdbPath), err)
	}
	return st, writeSnapshot(f, outPath)
}

func writeSnapshot(f *fsm.FSM, path string) error {
	snap, err := f.Snapshot()
	if err != nil {
		return err
	}
	defer snap.Release()
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	sink := &fileSink{File: out}
	if err := snap.Persist(sink); err != nil {
		os.Remove(tmp)
		return err
	}
	if sink.err != nil {
		os.Remove(tmp)
		return sink.err
	}
	return os.Rename(tmp, path)
}

// fileSink is a raft.SnapshotSink on a file, synced when closed.
type fileSink struct {
	*os.File
	err error
}

func (s *fileSink) ID() string { return "import" }
func (s *fileSink) Cancel() error {
	s.err = errors.New("snapshot cancelled")
	return s.File.Close()
}
func (s *fileSink) Close() error {
	if err := s.File.Sync(); err != nil {
		s.err = err
		s.File.Close()
		return err
	}
	if err := s.File.Close(); err != nil {
		s.err = err
		return err
	}
	return nil
}

// takeFlag removes --name VALUE (or --name=VALUE) from args.
func takeFlag(args []string, name, usage string) (string, []string, error) {
	var val string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--"+name:
			if i+1 >= len(args) {
				return "", nil, errors.New(usage)
			}
			i++
			val = args[i]
		case strings.HasPrefix(a, "--"+name+"="):
			val = strings.TrimPrefix(a, "--"+name+"=")
		default:
			rest = append(rest, a)
		}
	}
	return val, rest, nil
}
