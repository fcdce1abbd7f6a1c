package raftnode

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quoris/quoris/fsm"
)

func TestChooseLogStore(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(t *testing.T, dir string) // the data directory before the start
		configured string
		want       string
		wantErr    bool
	}{
		{name: "fresh dir takes the default", configured: "", want: DefaultLogStore},
		{name: "fresh dir takes wal", configured: LogStoreWAL, want: LogStoreWAL},
		{name: "fresh dir takes bolt", configured: LogStoreBolt, want: LogStoreBolt},
		{name: "unknown store", configured: "leveldb", wantErr: true},
		{name: "recorded bolt beats configured wal", configured: LogStoreWAL, want: LogStoreBolt,
			setup: func(t *testing.T, dir string) { writeFile(t, dir, logStoreFile, "bolt\n") }},
		{name: "recorded wal beats configured bolt", configured: LogStoreBolt, want: LogStoreWAL,
			setup: func(t *testing.T, dir string) { writeFile(t, dir, logStoreFile, "wal\n") }},
		{name: "raft.db without a record is a bolt log", configured: LogStoreWAL, want: LogStoreBolt,
			setup: func(t *testing.T, dir string) { writeFile(t, dir, boltFile, "") }},
		{name: "wal dir without a record", configured: LogStoreBolt, want: LogStoreWAL,
			setup: func(t *testing.T, dir string) {
				writeFile(t, dir, boltFile, "")
				if err := os.Mkdir(filepath.Join(dir, walDir), 0o755); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "garbled record", configured: LogStoreWAL, wantErr: true,
			setup: func(t *testing.T, dir string) { writeFile(t, dir, logStoreFile, "rocks\n") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			got, why, err := chooseLogStore(dir, tc.configured)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("chose %q (%s), want an error", got, why)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("chose %q (%s), want %q", got, why, tc.want)
			}
			// The choice is recorded: the next start agrees whatever is configured.
			for _, again := range []string{LogStoreWAL, LogStoreBolt} {
				if k, _, err := chooseLogStore(dir, again); err != nil || k != got {
					t.Fatalf("restart configured %s: chose %q, %v; want %q", again, k, err, got)
				}
			}
		})
	}
}

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLogStoreRestart writes through each store, restarts the node on its
// directory configured for the other store, and reads every write back
// from the log: a directory keeps its store. The bolt case removes the
// record first, which is the layout a quoris from before raft-log-store
// left behind.
func TestLogStoreRestart(t *testing.T) {
	for _, tc := range []struct {
		first, second string
		legacy        bool
	}{
		{first: LogStoreWAL, second: LogStoreBolt},
		{first: LogStoreBolt, second: LogStoreWAL},
		{first: LogStoreBolt, second: LogStoreWAL, legacy: true},
	} {
		t.Run(fmt.Sprintf("%s then %s legacy=%v", tc.first, tc.second, tc.legacy), func(t *testing.T) {
			dir := t.TempDir()
			open := func(store string) *Node {
				n, err := Open(Config{NodeID: "n1", RaftAddr: freeAddr(t), RespAddr: "resp-n1", Dir: dir, LogStore: store}, fsm.New(4, nil))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { n.Shutdown() })
				waitFor(t, "leader ready", func() bool { return n.ReadBarrier(context.Background()) == nil })
				return n
			}
			n, err := Open(Config{NodeID: "n1", RaftAddr: freeAddr(t), RespAddr: "resp-n1", Dir: dir, LogStore: tc.first}, fsm.New(4, nil))
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Bootstrap(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "leader ready", func() bool { return n.ReadBarrier(context.Background()) == nil })
			if n.LogStore() != tc.first {
				t.Fatalf("store %q, want %q", n.LogStore(), tc.first)
			}
			for i := 0; i < 50; i++ {
				if _, err := n.Submit(0, n.Now(), [][]byte{[]byte("SET"), []byte(fmt.Sprint("k", i)), []byte(fmt.Sprint("v", i))}).Result(); err != nil {
					t.Fatal(err)
				}
			}
			if err := n.Shutdown(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, walDir)); (err == nil) != (tc.first == LogStoreWAL) {
				t.Fatalf("wal dir present %v with store %s", err == nil, tc.first)
			}
			if tc.legacy {
				if err := os.Remove(filepath.Join(dir, logStoreFile)); err != nil {
					t.Fatal(err)
				}
			}

			n = open(tc.second)
			if n.LogStore() != tc.first {
				t.Fatalf("restarted on store %q, want the directory's %q", n.LogStore(), tc.first)
			}
			// No snapshot was taken: the state comes back from the log alone.
			for _, i := range []int{0, 25, 49} {
				got := n.FSM().Read(0, n.Now(), [][]byte{[]byte("GET"), []byte(fmt.Sprint("k", i))}, nil)
				if want := fmt.Sprintf("$%d\r\nv%d\r\n", len(fmt.Sprint("v", i)), i); string(got) != want {
					t.Fatalf("k%d: %q, want %q", i, got, want)
				}
			}
		})
	}
}

// TestRefusesEntriesTheWALCannotReadBack: raft-wal writes records over
// its MaxEntrySize but fails to read them, so such an entry must be
// refused before raft logs it, and the node keeps serving. Bolt nodes
// refuse it too: a cluster may mix stores. A client command over a MiB is
// staged in chunks instead (stage.go), up to max-entry-size.
func TestRefusesEntriesTheWALCannotReadBack(t *testing.T) {
	const limit = 4 << 20
	for _, store := range []string{LogStoreWAL, LogStoreBolt} {
		t.Run(store, func(t *testing.T) {
			n, err := Open(Config{NodeID: "n1", RaftAddr: freeAddr(t), RespAddr: "resp-n1", Dir: t.TempDir(), LogStore: store, MaxCommandBytes: limit}, fsm.New(4, nil))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { n.Shutdown() })
			if err := n.Bootstrap(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "leader ready", func() bool { return n.ReadBarrier(context.Background()) == nil })
			big := make([]byte, maxWALEntry)
			if _, err := Result(n.Propose(cmd(n.Now(), "SET", "big", string(big)))); !errors.Is(err, ErrEntryTooLarge) {
				t.Fatalf("Propose of a %d-byte value: %v", len(big), err)
			}
			over := make([]byte, limit+1)
			_, err = n.Submit(0, n.Now(), [][]byte{[]byte("SET"), []byte("over"), over}).Result()
			if err == nil || !strings.Contains(err.Error(), "max-entry-size") || !strings.Contains(err.Error(), "nothing was applied") {
				t.Fatalf("Submit over max-entry-size: %v", err)
			}
			// Under the limit, a value larger than a batch is staged.
			ok := make([]byte, limit-1024)
			for i := range ok {
				ok[i] = byte(i / 4096)
			}
			if _, err := n.Submit(0, n.Now(), [][]byte{[]byte("SET"), []byte("ok"), ok}).Result(); err != nil {
				t.Fatal(err)
			}
			if !n.IsLeader() {
				t.Fatal("lost leadership")
			}
			got := n.FSM().Read(0, n.Now(), [][]byte{[]byte("GET"), []byte("ok")}, nil)
			if want := fmt.Sprintf("$%d\r\n%s\r\n", len(ok), ok); string(got) != want {
				t.Fatalf("GET ok: %d bytes, not the value", len(got))
			}
			if got := n.FSM().Read(0, n.Now(), [][]byte{[]byte("EXISTS"), []byte("over")}, nil); string(got) != ":0\r\n" {
				t.Fatalf("EXISTS over: %q", got)
			}
		})
	}
}
