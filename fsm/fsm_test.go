package fsm

import (
	"strings"
	"testing"

	"github.com/hashicorp/raft"
)

func applyEntry(f *FSM, idx uint64, kind byte, db int, now int64, args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	out := f.Apply(&raft.Log{Index: idx, Type: raft.LogCommand, Data: AppendEntry(nil, kind, db, now, argv)})
	b, _ := out.([]byte)
	return string(b)
}

func TestActiveExpiryRechecksDeadline(t *testing.T) {
	f := New(4, nil)
	f.dbs[1].put("gone", Item{Value: []byte("a"), ExpireAt: 1000})
	f.dbs[1].put("extended", Item{Value: []byte("b"), ExpireAt: 5000}) // TTL moved after the proposal
	f.dbs[1].put("forever", Item{Value: []byte("c")})
	applyEntry(f, 1, KindExpire, 1, 1500, "gone", "extended", "forever", "missing")
	tests := []struct {
		key  string
		want bool
	}{{"gone", false}, {"extended", true}, {"forever", true}}
	for _, tc := range tests {
		if _, ok := f.dbs[1].raw(tc.key); ok != tc.want {
			t.Errorf("%s present=%v, want %v", tc.key, ok, tc.want)
		}
	}
	if f.AppliedIndex() != 1 {
		t.Fatalf("applied=%d", f.AppliedIndex())
	}
}

func TestClockNeverRunsBackwards(t *testing.T) {
	f := New(1, nil)
	tests := []struct {
		entryTime, want int64
	}{{1000, 1000}, {900, 1000}, {1001, 1001}, {0, 1001}}
	for i, tc := range tests {
		applyEntry(f, uint64(i+1), KindMeta, 0, tc.entryTime, "n", "a")
		if f.Now() != tc.want {
			t.Fatalf("after entry time %d: now=%d want %d", tc.entryTime, f.Now(), tc.want)
		}
	}
}

func TestReadsHideExpiredKeysWithoutRemoving(t *testing.T) {
	f := New(1, nil)
	f.dbs[0].put("k", Item{Value: []byte("v"), ExpireAt: 2000})
	c := &Ctx{f: f, DB: f.dbs[0], Now: 2500}
	if _, ok := c.Lookup("k"); ok {
		t.Fatal("expired key visible to a read")
	}
	if _, ok := f.dbs[0].raw("k"); !ok {
		t.Fatal("a read removed a key: only log entries may")
	}
}

func TestBadEntriesAnswerErrors(t *testing.T) {
	f := New(2, nil)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"garbage", []byte{0xff, 0x01}, "-ERR internal: malformed log entry"},
		{"unknown kind", AppendEntry(nil, 99, 0, 1, nil), "-ERR internal: malformed log entry"},
		{"db out of range", AppendEntry(nil, KindCommand, 7, 1, [][]byte{[]byte("x")}), "-ERR DB index is out of range"},
		{"unknown command", AppendEntry(nil, KindCommand, 0, 1, [][]byte{[]byte("nosuch")}), "-ERR unknown command 'nosuch'"},
	}
	for i, tc := range tests {
		out := f.Apply(&raft.Log{Index: uint64(i + 1), Type: raft.LogCommand, Data: tc.data})
		if got := string(out.([]byte)); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: got %q want prefix %q", tc.name, got, tc.want)
		}
	}
}

func TestApplyBatchSkipsNonCommands(t *testing.T) {
	f := New(1, nil)
	logs := []*raft.Log{
		{Index: 5, Type: raft.LogConfiguration},
		{Index: 6, Type: raft.LogCommand, Data: AppendEntry(nil, KindMeta, 0, 10, [][]byte{[]byte("n1"), []byte("x:1")})},
	}
	out := f.ApplyBatch(logs)
	if len(out) != 2 || out[0] != nil || string(out[1].([]byte)) != "+OK\r\n" {
		t.Fatalf("out=%v", out)
	}
	if f.AppliedIndex() != 6 || f.Nodes()["n1"] != "x:1" {
		t.Fatalf("applied=%d nodes=%v", f.AppliedIndex(), f.Nodes())
	}
}
