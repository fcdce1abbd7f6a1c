package raftnode

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	"go.etcd.io/bbolt"
)

// The durable write path is bounded by how long one group commit takes to
// reach the disk. These benchmarks compare the raft log's commit (a bbolt
// transaction: page writes, fdatasync, meta page, fdatasync) with what
// Redis's appendfsync always pays per event-loop turn (one append, one
// fdatasync), on the same disk. Run with -benchtime=500x; ns/op is the
// latency of one commit.

func BenchmarkLogCommitBolt(b *testing.B) {
	store, err := raftboltdb.New(raftboltdb.Options{
		Path:        filepath.Join(b.TempDir(), "raft.db"),
		BoltOptions: &bbolt.Options{Timeout: time.Second, NoFreelistSync: true, FreelistType: bbolt.FreelistMapType},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	// One batch entry of 50 SETs, as a busy -c 50 benchmark produces.
	data := make([]byte, 50*40)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := &raft.Log{Index: uint64(i + 1), Term: 1, Type: raft.LogCommand, Data: data}
		if err := store.StoreLogs([]*raft.Log{l}); err != nil {
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
