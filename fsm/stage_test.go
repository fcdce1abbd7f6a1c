package fsm

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/raft"
)

// stager feeds an FSM raft logs with indexes and terms, as raft would.
type stager struct {
	f     *FSM
	index uint64
	term  uint64
}

func (s *stager) apply(data []byte) any {
	s.index++
	return s.f.Apply(&raft.Log{Index: s.index, Term: s.term, Type: raft.LogCommand, Data: data})
}

// chunks encodes args as the KindStage entries of staged command id.
func stageChunks(id uint64, args [][]byte, size int) [][]byte {
	blob := AppendEntry(nil, KindCommand, 0, 1000, args)
	var out [][]byte
	for off := 0; off < len(blob); off += size {
		end := min(off+size, len(blob))
		out = append(out, AppendStageChunk(nil, id, uint64(len(blob)), uint64(off), blob[off:end]))
	}
	return out
}

func stagedItem(id uint64) []byte { return stagedBatch(StagedArgs(id)) }

func stagedBatch(args [][]byte) []byte {
	return AppendBatchItemKind(AppendBatchHeader(nil, 1), KindStaged, 0, 1000, args)
}

func batchReply(t *testing.T, out any) string {
	t.Helper()
	r, ok := out.(*BatchReply)
	if !ok || r.Len() != 1 {
		t.Fatalf("batch reply %#v", out)
	}
	return string(r.Reply(0))
}

func TestStagedCommand(t *testing.T) {
	value := bytes.Repeat([]byte("0123456789"), 1000)
	set := [][]byte{[]byte("SET"), []byte("big"), value}
	tests := []struct {
		name string
		// between runs after chunk `at` has applied.
		at      int
		between func(s *stager, id uint64)
		want    string
		exists  bool
	}{
		{"complete", -1, nil, "+OK\r\n", true},
		{"leader change discards", 3, func(s *stager, _ uint64) {
			s.term++
			s.apply(AppendEntry(nil, KindMeta, 0, 1000, [][]byte{[]byte("n2"), []byte("addr")}))
		}, "-" + ErrStagedLost.Error() + "\r\n", false},
		{"abort discards", 2, func(s *stager, id uint64) { s.apply(AppendStageAbort(nil, id)) }, "-" + ErrStagedLost.Error() + "\r\n", false},
		{"out of order discards", 1, func(s *stager, id uint64) {
			if r, _ := s.apply(AppendStageChunk(nil, id, 10003, 7, []byte("x"))).([]byte); !strings.Contains(string(r), "malformed") {
				t.Errorf("out-of-order chunk answered %q", r)
			}
		}, "", false},
		{"same term entries keep it", 2, func(s *stager, _ uint64) {
			s.apply(testBatch(0, 1000, argv("SET other 1")))
		}, "+OK\r\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &stager{f: New(2, nil), term: 1}
			const id = 42
			chunks := stageChunks(id, set, 1000)
			for i, ch := range chunks {
				// Chunks after a discard are refused; those before must not be.
				if r, _ := s.apply(ch).([]byte); len(r) > 0 && (tc.at < 0 || i <= tc.at) {
					t.Fatalf("chunk %d answered %q", i, r)
				}
				if _, ok := s.f.dbs[0].raw("big"); ok {
					t.Fatal("a staged value is visible before its command applied")
				}
				if i == tc.at {
					tc.between(s, id)
				}
			}
			got := batchReply(t, s.apply(stagedItem(id)))
			if tc.want != "" && got != tc.want {
				t.Fatalf("staged SET answered %q, want %q", got, tc.want)
			}
			it, ok := s.f.dbs[0].raw("big")
			if ok != tc.exists {
				t.Fatalf("big exists = %v, want %v", ok, tc.exists)
			}
			if ok && !bytes.Equal(it.Str, value) {
				t.Fatalf("big holds %d bytes, not the value", len(it.Str))
			}
			if len(s.f.staged) != 0 {
				t.Fatalf("%d staged commands left behind", len(s.f.staged))
			}
		})
	}
}

// A snapshot taken mid-staging carries the chunks received so far: a node
// restored from it completes the command like one that applied them.
func TestStagedSurvivesSnapshot(t *testing.T) {
	value := bytes.Repeat([]byte("abcdefgh"), 2000)
	chunks := stageChunks(7, [][]byte{[]byte("SET"), []byte("k"), value}, 3000)
	live := &stager{f: New(2, nil), term: 3}
	for _, ch := range chunks[:3] {
		live.apply(ch)
	}
	snap, err := live.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	restored := &stager{f: New(2, nil), index: live.index, term: 3}
	if err := restored.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*stager{live, restored} {
		for _, ch := range chunks[3:] {
			s.apply(ch)
		}
		if got := batchReply(t, s.apply(stagedItem(7))); got != "+OK\r\n" {
			t.Fatalf("staged SET answered %q", got)
		}
		if it, ok := s.f.dbs[0].raw("k"); !ok || !bytes.Equal(it.Str, value) {
			t.Fatal("value differs after completing the staged command")
		}
	}
}

func TestStageRejectsBadChunks(t *testing.T) {
	for _, data := range [][]byte{
		{KindStage},
		{KindStage, 1, 2},
		AppendStageChunk(nil, 1, MaxStagedBytes+1, 0, []byte("x")),
		AppendStageChunk(nil, 1, 3, 1, []byte("x")), // a new stage must start at 0
		AppendStageChunk(nil, 1, 3, 0, []byte("xxxx")),
	} {
		s := &stager{f: New(1, nil), term: 1}
		r, _ := s.apply(data).([]byte)
		if !strings.Contains(string(r), "malformed") {
			t.Errorf("chunk %x answered %q", data, r)
		}
		if len(s.f.staged) != 0 {
			t.Errorf("chunk %x left a staged command", data)
		}
	}
	// A staged item naming garbage answers an error in its slot.
	s := &stager{f: New(1, nil), term: 1}
	if got := batchReply(t, s.apply(stagedBatch([][]byte{[]byte("x")}))); !strings.HasPrefix(got, "-") {
		t.Fatalf("got %q", got)
	}
}
