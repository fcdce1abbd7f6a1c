package fsm

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/raft"
)

// testBatch encodes cmds as one KindBatch entry, as raftnode's batcher does.
func testBatch(db int, now int64, cmds ...[][]byte) []byte {
	var body []byte
	for _, c := range cmds {
		body = AppendBatchItem(body, db, now, c)
	}
	return append(AppendBatchHeader(nil, len(cmds)), body...)
}

func argv(s string) [][]byte {
	var out [][]byte
	for _, f := range strings.Fields(s) {
		out = append(out, []byte(f))
	}
	return out
}

func TestBatchItemsRoundTrip(t *testing.T) {
	long := bytes.Repeat([]byte{'x'}, 300) // two-byte length prefixes
	tests := []struct {
		name string
		cmds [][][]byte
	}{
		{"empty batch", nil},
		{"one command", [][][]byte{argv("SET k v")}},
		{"no arguments", [][][]byte{{}}},
		{"long argument", [][][]byte{{[]byte("SET"), []byte("k"), long}, argv("GET k")}},
		{"many", func() (c [][][]byte) {
			for i := 0; i < 200; i++ {
				c = append(c, argv("INCR counter"))
			}
			return c
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := testBatch(3, 77, tc.cmds...)
			if got := BatchCount(b); got != len(tc.cmds) {
				t.Fatalf("BatchCount = %d, want %d", got, len(tc.cmds))
			}
			n := 0
			err := batchItems(b[1:], func(i int, item []byte) {
				e, err := DecodeEntry(item)
				if err != nil {
					t.Fatalf("item %d: %v", i, err)
				}
				if e.Kind != KindCommand || e.DB != 3 || e.Time != 77 || len(e.Args) != len(tc.cmds[i]) {
					t.Fatalf("item %d: %+v", i, e)
				}
				for j := range e.Args {
					if !bytes.Equal(e.Args[j], tc.cmds[i][j]) {
						t.Fatalf("item %d arg %d: %q", i, j, e.Args[j])
					}
				}
				n++
			})
			if err != nil || n != len(tc.cmds) {
				t.Fatalf("batchItems: %d items, err %v", n, err)
			}
		})
	}
}

func TestBatchItemsRejectsGarbage(t *testing.T) {
	good := testBatch(0, 1, argv("SET a 1"), argv("SET b 2"))
	for name, b := range map[string][]byte{
		"truncated":      good[:len(good)-1],
		"trailing byte":  append(append([]byte{}, good...), 0),
		"count too high": append([]byte{KindBatch, 3}, good[2:]...),
		"no count":       {KindBatch},
	} {
		if err := batchItems(b[1:], func(int, []byte) {}); !errors.Is(err, ErrBadEntry) {
			t.Errorf("%s: err = %v, want ErrBadEntry", name, err)
		}
	}
}

func TestApplyBatchRepliesInOrder(t *testing.T) {
	f := New(2, nil)
	bad := AppendEntry(nil, KindExpire, 0, 1, argv("k"))
	var body []byte
	body = AppendBatchItem(body, 0, 10, argv("SET k v"))
	body = AppendBatchItem(body, 0, 10, argv("APPEND k w"))
	body = AppendBatchItem(body, 5, 10, argv("GET k")) // no such db
	body = append(body, byte(len(bad)))
	body = append(body, bad...) // only commands may be batched
	body = AppendBatchItem(body, 0, 10, argv("NOSUCH"))
	body = AppendBatchItem(body, 0, 10, argv("GET k"))
	entry := append(AppendBatchHeader(nil, 6), body...)

	out := f.ApplyBatch([]*raft.Log{{Index: 7, Type: raft.LogCommand, Data: entry}})
	r, ok := out[0].(*BatchReply)
	if !ok {
		t.Fatalf("reply type %T", out[0])
	}
	want := []string{
		"+OK\r\n",
		":2\r\n",
		"-ERR DB index is out of range\r\n",
		"-ERR internal: malformed log entry: kind 2 in a batch\r\n",
		"-ERR unknown command 'NOSUCH'\r\n",
		"$2\r\nvw\r\n",
	}
	if r.Len() != len(want) {
		t.Fatalf("%d replies, want %d", r.Len(), len(want))
	}
	for i, w := range want {
		if got := string(r.Reply(i)); got != w {
			t.Errorf("reply %d = %q, want %q", i, got, w)
		}
	}
	if f.AppliedIndex() != 7 {
		t.Fatalf("applied index %d", f.AppliedIndex())
	}
	if it, ok := f.dbs[0].raw("k"); !ok || it.Version != 7 {
		t.Fatalf("version of k = %d, want the batch's index", it.Version)
	}
}

func TestApplyBatchDamagedTailAnswersEveryCommand(t *testing.T) {
	f := New(1, nil)
	entry := testBatch(0, 1, argv("SET a 1"), argv("SET b 2"), argv("SET c 3"))
	entry = entry[:len(entry)-3] // cut into the last command
	r := f.applyEntry(1, entry).(*BatchReply)
	if r.Len() != 3 || string(r.Reply(0)) != "+OK\r\n" || !bytes.HasPrefix(r.Reply(2), []byte("-")) {
		t.Fatalf("replies %d: %q %q", r.Len(), r.Reply(0), r.Reply(2))
	}
}

// Commands sharing a batch share its index; their random draws must not.
func TestApplyBatchSeedsDifferPerCommand(t *testing.T) {
	f := New(1, nil)
	var cmds [][][]byte
	cmds = append(cmds, [][]byte{[]byte("SADD"), []byte("s")})
	for i := 0; i < 64; i++ {
		cmds[0] = append(cmds[0], []byte{byte('a' + i%26), byte('A' + i/26)})
	}
	for i := 0; i < 8; i++ {
		cmds = append(cmds, argv("SRANDMEMBER s 5"))
	}
	r := f.applyEntry(1, testBatch(0, 1, cmds...)).(*BatchReply)
	distinct := map[string]bool{}
	for i := 1; i < r.Len(); i++ {
		distinct[string(r.Reply(i))] = true
	}
	if len(distinct) < 2 {
		t.Fatalf("all SRANDMEMBER replies in one batch are identical: %q", r.Reply(1))
	}
}
