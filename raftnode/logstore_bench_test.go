package raftnode

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/raft"
)

// The durable write path is bounded by how long one group commit takes to
// reach the disk. These benchmarks compare the raft log's commit through
// each log store (bolt: a bbolt transaction of page writes, fdatasync,
// meta page, fdatasync; wal: one append and one fsync) with what Redis's
// appendfsync always pays per event-loop turn (one append, one
// fdatasync), on the same disk. Run with -benchtime=500x; ns/op is the
// latency of one commit. Both stores are opened as Open does, through the
// log cache.

func BenchmarkLogCommitBolt(b *testing.B) { benchLogCommit(b, LogStoreBolt) }

func BenchmarkLogCommitWAL(b *testing.B) { benchLogCommit(b, LogStoreWAL) }

func benchLogCommit(b *testing.B, kind string) {
	st, err := openStores(Config{Dir: b.TempDir(), LogStore: kind, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	logs := newLogCache(st.log, 4096, logCacheBytes)
	// One batch entry of 50 SETs, as a busy -c 50 benchmark produces.
	data := make([]byte, 50*40)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := &raft.Log{Index: uint64(i + 1), Term: 1, Type: raft.LogCommand, Data: data}
		if err := logs.StoreLogs([]*raft.Log{l}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLogCommitAppendFdatasync(b *testing.B) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "appendonly.aof"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	data := make([]byte, 50*40)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.Write(data); err != nil {
			b.Fatal(err)
		}
		if err := fdatasync(f); err != nil {
			b.Fatal(err)
		}
	}
}
