package raftnode

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// snapSink writes one snapshot into its ".tmp" directory and publishes it
// on Close.
type snapSink struct {
	store *snapStore
	tmp   string
	meta  snapMeta
	f     *os.File
	out   *bufio.Writer // over file
	file  snapFile
	done  bool
}

// snapFile is what the buffer flushes into: the state file and its
// incremental writeback.
type snapFile struct {
	f      *os.File
	size   int64 // bytes written to f
	pushed int64 // bytes handed to writeback
	wb     writeback
	every  int64 // 0: no writeback
}

func (w *snapFile) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.size += int64(n)
	if err == nil && w.every > 0 && w.size-w.pushed >= w.every {
		err = w.wb.push(w.f, w.pushed, w.size-w.pushed)
		w.pushed = w.size
	}
	return n, err
}

func newSnapSink(s *snapStore, tmp string, f *os.File, meta snapMeta) *snapSink {
	k := &snapSink{store: s, tmp: tmp, meta: meta, f: f}
	k.file = snapFile{f: f}
	if !s.noSync {
		k.file.every = s.syncEvery
	}
	k.out = bufio.NewWriterSize(&k.file, snapWriteBufSz)
	return k
}

// ID implements raft.SnapshotSink.
func (k *snapSink) ID() string { return k.meta.ID }

// Write implements raft.SnapshotSink. Persist calls it for every 64 KiB
// it encodes, on a goroutine that would otherwise run flat out for the
// whole snapshot: yielding here lets client and raft goroutines waiting
// for a processor go first (Go has no goroutine priorities), so on a
// machine with few cores a snapshot slows itself down, not the writes.
func (k *snapSink) Write(p []byte) (int, error) {
	if k.done {
		return 0, errors.New("snapshot sink: write after close")
	}
	runtime.Gosched()
	return k.out.Write(p)
}

// Cancel implements raft.SnapshotSink: the snapshot is dropped.
func (k *snapSink) Cancel() error {
	if k.done {
		return nil
	}
	k.done = true
	k.f.Close()
	return os.RemoveAll(k.tmp)
}

// Close implements raft.SnapshotSink: it makes the snapshot durable, then
// publishes it with one rename, so List never sees a partial snapshot, and
// removes the ones beyond retain. On error the snapshot is dropped.
func (k *snapSink) Close() error {
	if k.done {
		return nil
	}
	k.done = true
	if err := k.finish(); err != nil {
		k.f.Close()
		os.RemoveAll(k.tmp)
		k.store.log.Error("snapshot failed", "id", k.meta.ID, "err", err)
		return err
	}
	if err := k.store.reap(); err != nil {
		// The new snapshot is in place; an old one left over is only disk.
		k.store.log.Warn("removing old snapshots", "err", err)
	}
	return nil
}

func (k *snapSink) finish() error {
	if err := k.out.Flush(); err != nil {
		return err
	}
	// Only the bytes since the last writeback are left for this fsync.
	if !k.store.noSync {
		if err := k.f.Sync(); err != nil {
			return err
		}
	}
	if err := k.f.Close(); err != nil {
		return err
	}
	k.meta.Size = k.file.size
	if err := k.writeMeta(); err != nil {
		return err
	}
	final := strings.TrimSuffix(k.tmp, snapTmpSuffix)
	if err := os.Rename(k.tmp, final); err != nil {
		return err
	}
	if k.store.noSync {
		return nil
	}
	return syncDir(k.store.dir)
}

func (k *snapSink) writeMeta() error {
	b, err := json.Marshal(&k.meta)
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(k.tmp, snapMetaFile))
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil && !k.store.noSync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
