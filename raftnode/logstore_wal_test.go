package raftnode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/raft"
	"github.com/hashicorp/raft-wal/types"
)

// countingFS counts Sync calls on the WAL's segment files.
type countingFS struct {
	types.VFS
	syncs *atomic.Int64
}

type countingFile struct {
	types.WritableFile
	syncs *atomic.Int64
}

func (f countingFile) Sync() error {
	f.syncs.Add(1)
	return f.WritableFile.Sync()
}

func (fs countingFS) Create(dir, name string, size uint64) (types.WritableFile, error) {
	f, err := fs.VFS.Create(dir, name, size)
	if err != nil {
		return nil, err
	}
	return countingFile{f, fs.syncs}, nil
}

func (fs countingFS) OpenWriter(dir, name string) (types.WritableFile, error) {
	f, err := fs.VFS.OpenWriter(dir, name)
	if err != nil {
		return nil, err
	}
	return countingFile{f, fs.syncs}, nil
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func walEntry(idx, term uint64) *raft.Log {
	data := bytes.Repeat([]byte(fmt.Sprintf("%08d-%d|", idx, term)), 2048/10)
	return &raft.Log{Index: idx, Term: term, Type: raft.LogCommand, Data: data}
}

// TestWALSyncsBeforeStoreLogsReturns: raft acknowledges an entry once
// StoreLogs returns, so each call must have synced a segment file by then
// (raft-wal: Append writes a commit frame and fsyncs). raft-nosync turns
// the syncs off, and only then.
func TestWALSyncsBeforeStoreLogsReturns(t *testing.T) {
	for _, noSync := range []bool{false, true} {
		t.Run(fmt.Sprint("nosync=", noSync), func(t *testing.T) {
			var syncs atomic.Int64
			w, meta, err := openWAL(t.TempDir(), quietLogger(), walTuning{noSync: noSync,
				wrapVFS: func(v types.VFS) types.VFS { return countingFS{v, &syncs} }})
			if err != nil {
				t.Fatal(err)
			}
			defer meta.Close()
			defer w.Close()
			for i := uint64(1); i <= 20; i++ {
				before := syncs.Load()
				if err := w.StoreLogs([]*raft.Log{walEntry(i, 1)}); err != nil {
					t.Fatal(err)
				}
				got := syncs.Load() - before
				if want := int64(1); noSync {
					if got != 0 {
						t.Fatalf("append %d: %d syncs with raft-nosync", i, got)
					}
				} else if got != want {
					t.Fatalf("append %d returned after %d syncs, want %d", i, got, want)
				}
			}
		})
	}
}

// TestWALRotationAndTruncationsSurviveReopen drives the WAL as raft does
// (appends across many segment rotations, a head truncation after a
// snapshot, a tail truncation and rewrite in a new term) and checks each
// reopen sees exactly the log it was left with.
func TestWALRotationAndTruncationsSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	tune := walTuning{segmentSize: 64 << 10} // a rotation every ~30 entries
	reopen := func() *walHandle {
		w, meta, err := openWAL(dir, quietLogger(), tune)
		if err != nil {
			t.Fatal(err)
		}
		return &walHandle{t: t, w: walLog{w}, close: func() { w.Close(); meta.Close() }}
	}
	h := reopen()
	for i := uint64(1); i <= 300; i += 3 { // batches of three, as group commits
		if err := h.w.StoreLogs([]*raft.Log{walEntry(i, 1), walEntry(i+1, 1), walEntry(i+2, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	h.close()
	if segs, _ := filepath.Glob(filepath.Join(dir, "*.wal")); len(segs) < 5 {
		t.Fatalf("%d segment files: the test meant to rotate", len(segs))
	}
	h = reopen()
	h.expect(1, 300, func(uint64) uint64 { return 1 })

	if err := h.w.DeleteRange(1, 150); err != nil { // compaction after a snapshot
		t.Fatal(err)
	}
	if err := h.w.DeleteRange(281, 300); err != nil { // a new leader's conflicting tail
		t.Fatal(err)
	}
	for i := uint64(281); i <= 290; i++ {
		if err := h.w.StoreLogs([]*raft.Log{walEntry(i, 2)}); err != nil {
			t.Fatal(err)
		}
	}
	term := func(i uint64) uint64 {
		if i > 280 {
			return 2
		}
		return 1
	}
	h.expect(151, 290, term) // before a reopen too: the segment holding 150 is still open
	h.close()
	h = reopen() // raft-wal v0.4.0 fails here without sealFixFiler
	h.expect(151, 290, term)
	// And the log goes on from there across restarts.
	for i := uint64(291); i <= 400; i++ {
		if err := h.w.StoreLogs([]*raft.Log{walEntry(i, 2)}); err != nil {
			t.Fatal(err)
		}
	}
	h.close()
	h = reopen()
	h.expect(151, 400, term)
	// A longer conflicting tail reaches back into segments sealed by rotation.
	if err := h.w.DeleteRange(201, 400); err != nil {
		t.Fatal(err)
	}
	for i := uint64(201); i <= 210; i++ {
		if err := h.w.StoreLogs([]*raft.Log{walEntry(i, 3)}); err != nil {
			t.Fatal(err)
		}
	}
	term3 := func(i uint64) uint64 {
		if i > 200 {
			return 3
		}
		return 1
	}
	h.close()
	h = reopen()
	defer h.close()
	h.expect(151, 210, term3)
	// Compaction into the open tail segment: the entries below stay in
	// its file but must not be served.
	if err := h.w.DeleteRange(151, 205); err != nil {
		t.Fatal(err)
	}
	h.expect(206, 210, term3)
}

type walHandle struct {
	t     *testing.T
	w     walLog
	close func()
}

func (h *walHandle) expect(first, last uint64, term func(uint64) uint64) {
	h.t.Helper()
	f, _ := h.w.FirstIndex()
	l, _ := h.w.LastIndex()
	if f != first || l != last {
		h.t.Fatalf("log spans %d..%d, want %d..%d", f, l, first, last)
	}
	for i := first - min(first, 40); i < first; i++ {
		var below raft.Log
		if err := h.w.GetLog(i, &below); !errors.Is(err, raft.ErrLogNotFound) {
			h.t.Fatalf("GetLog(%d) below the first index %d: %v, want ErrLogNotFound", i, first, err)
		}
	}
	for i := first; i <= last; i++ {
		var got raft.Log
		if err := h.w.GetLog(i, &got); err != nil {
			h.t.Fatalf("GetLog(%d): %v", i, err)
		}
		want := walEntry(i, term(i))
		if got.Index != i || got.Term != want.Term || !bytes.Equal(got.Data, want.Data) {
			h.t.Fatalf("entry %d: index %d term %d, want term %d (data equal %v)", i, got.Index, got.Term, want.Term, bytes.Equal(got.Data, want.Data))
		}
	}
}
