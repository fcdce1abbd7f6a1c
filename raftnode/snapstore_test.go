package raftnode

import (
	"bytes"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
)

func testSnapStore(t *testing.T, dir string) *snapStore {
	t.Helper()
	s, err := newSnapStore(dir, snapRetain, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s.syncEvery = 64 << 10 // exercise the writeback with small snapshots
	return s
}

var testConf = raft.Configuration{Servers: []raft.Server{
	{ID: "n1", Address: "127.0.0.1:1", Suffrage: raft.Voter},
	{ID: "n2", Address: "127.0.0.1:2", Suffrage: raft.Nonvoter},
}}

func randomBytes(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// writeSnap creates a snapshot of data at index/term and closes it (or
// cancels it), writing in uneven pieces as a snapshot encoder does.
func writeSnap(t *testing.T, s raft.SnapshotStore, index, term uint64, data []byte, cancel bool) string {
	t.Helper()
	_, trans := raft.NewInmemTransport("") // FileSnapshotStore encodes peers with it
	sink, err := s.Create(1, index, term, testConf, 3, trans)
	if err != nil {
		t.Fatal(err)
	}
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 1+len(rest)%70_001)
		if _, err := sink.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if cancel {
		err = sink.Cancel()
	} else {
		err = sink.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return sink.ID()
}

func readSnap(t *testing.T, s raft.SnapshotStore, id string) (*raft.SnapshotMeta, []byte) {
	t.Helper()
	meta, rc, err := s.Open(id)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return meta, b
}

func snapDirs(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestSnapStoreLifecycle(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, dir string, s *snapStore)
	}{
		{"write, publish, list, open", func(t *testing.T, dir string, s *snapStore) {
			data := randomBytes(1<<20+123, 1)
			id := writeSnap(t, s, 10, 2, data, false)
			list, err := s.List()
			if err != nil || len(list) != 1 {
				t.Fatalf("List: %v, %v", list, err)
			}
			m := list[0]
			if m.ID != id || m.Index != 10 || m.Term != 2 || m.ConfigurationIndex != 3 ||
				m.Size != int64(len(data)) || m.Version != 1 || !reflect.DeepEqual(m.Configuration, testConf) {
				t.Fatalf("meta %+v", m)
			}
			om, got := readSnap(t, s, id)
			if !bytes.Equal(got, data) || !reflect.DeepEqual(om, m) {
				t.Fatalf("Open: %d bytes, meta %+v", len(got), om)
			}
		}},
		{"cancel leaves nothing", func(t *testing.T, dir string, s *snapStore) {
			writeSnap(t, s, 10, 2, randomBytes(300_000, 2), true)
			if list, _ := s.List(); len(list) != 0 {
				t.Fatalf("List: %v", list)
			}
			if d := snapDirs(t, dir); len(d) != 0 {
				t.Fatalf("left behind: %v", d)
			}
		}},
		{"retain the newest two", func(t *testing.T, dir string, s *snapStore) {
			var ids []string
			for i := uint64(1); i <= 4; i++ {
				ids = append(ids, writeSnap(t, s, 100*i, 1+i/3, randomBytes(1000, i), false))
			}
			list, _ := s.List()
			if len(list) != 2 || list[0].ID != ids[3] || list[1].ID != ids[2] {
				t.Fatalf("List: %v (made %v)", list, ids)
			}
			if d := snapDirs(t, dir); len(d) != 2 {
				t.Fatalf("on disk: %v", d)
			}
		}},
		{"newest by term, then index", func(t *testing.T, dir string, s *snapStore) {
			a := writeSnap(t, s, 500, 1, []byte("a"), false)
			b := writeSnap(t, s, 20, 2, []byte("b"), false)
			if list, _ := s.List(); list[0].ID != b || list[1].ID != a {
				t.Fatalf("List: %v", list)
			}
		}},
		{"unfinished snapshots are invisible", func(t *testing.T, dir string, s *snapStore) {
			sink, err := s.Create(1, 5, 1, testConf, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			sink.Write([]byte("partial"))
			if list, _ := s.List(); len(list) != 0 {
				t.Fatalf("List: %v", list)
			}
			// A crash here leaves the .tmp directory; the next start removes it.
			if d := snapDirs(t, dir); len(d) != 1 || !strings.HasSuffix(d[0], snapTmpSuffix) {
				t.Fatalf("on disk: %v", d)
			}
			testSnapStore(t, dir)
			if d := snapDirs(t, dir); len(d) != 0 {
				t.Fatalf("after restart: %v", d)
			}
		}},
		{"close and cancel are idempotent", func(t *testing.T, dir string, s *snapStore) {
			sink, _ := s.Create(1, 5, 1, testConf, 1, nil)
			sink.Write([]byte("x"))
			if err := sink.Close(); err != nil {
				t.Fatal(err)
			}
			if err := sink.Close(); err != nil {
				t.Fatal(err)
			}
			if err := sink.Cancel(); err != nil { // raft may cancel after a failed close
				t.Fatal(err)
			}
			if _, err := sink.Write([]byte("late")); err == nil {
				t.Fatal("write after close accepted")
			}
			if list, _ := s.List(); len(list) != 1 {
				t.Fatalf("List: %v", list)
			}
		}},
		{"truncated state file is refused", func(t *testing.T, dir string, s *snapStore) {
			id := writeSnap(t, s, 7, 1, randomBytes(5000, 3), false)
			if err := os.Truncate(filepath.Join(dir, "snapshots", id, snapStateFile), 4000); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Open(id); err == nil {
				t.Fatal("opened a truncated snapshot")
			}
		}},
		{"unreadable meta is skipped", func(t *testing.T, dir string, s *snapStore) {
			good := writeSnap(t, s, 7, 1, []byte("good"), false)
			bad := writeSnap(t, s, 9, 1, []byte("bad"), false)
			os.WriteFile(filepath.Join(dir, "snapshots", bad, snapMetaFile), []byte("{"), 0o644)
			if list, _ := s.List(); len(list) != 1 || list[0].ID != good {
				t.Fatalf("List: %v", list)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.run(t, dir, testSnapStore(t, dir))
		})
	}
}

// TestSnapStoreReadsFileStore: a data directory written by an older
// quoris (raft's FileSnapshotStore) restarts on this store, whose snapshots
// then sort among the old ones.
func TestSnapStoreReadsFileStore(t *testing.T) {
	dir := t.TempDir()
	theirs, err := raft.NewFileSnapshotStoreWithLogger(dir, snapRetain, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	old := randomBytes(150_000, 5)
	idOld := writeSnap(t, theirs, 20, 1, old, false)
	ours := testSnapStore(t, dir)
	if m, got := readSnap(t, ours, idOld); !bytes.Equal(got, old) || m.Index != 20 || !reflect.DeepEqual(m.Configuration, testConf) {
		t.Fatalf("our Open of FileSnapshotStore's snapshot: %+v", m)
	}
	idNew := writeSnap(t, ours, 30, 1, randomBytes(1000, 6), false)
	list, err := ours.List()
	if err != nil || len(list) != 2 || list[0].ID != idNew || list[1].ID != idOld {
		t.Fatalf("List: %v, %v", list, err)
	}
}
