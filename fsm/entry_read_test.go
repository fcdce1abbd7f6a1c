package fsm

import (
	"testing"

	"github.com/hashicorp/raft"
)

// TestBatchReadItems: a read in a batch sees exactly the writes before it,
// changes nothing (a write command in a read slot is refused, an expired
// key is hidden but not removed), and counts keyspace hits and misses only
// on the node that proposed the batch.
func TestBatchReadItems(t *testing.T) {
	for _, local := range []bool{true, false} {
		f := New(1, nil)
		f.SetProposedHere(func([]byte) bool { return local })
		applyEntry(f, 1, KindCommand, 0, 1000, "SET", "old", "v", "PX", "10")
		var body []byte
		body = AppendBatchItemKind(body, KindRead, 0, 2000, argv("GET k"))
		body = AppendBatchItemKind(body, KindCommand, 0, 2000, argv("SET k 1"))
		body = AppendBatchItemKind(body, KindRead, 0, 2000, argv("GET k"))
		body = AppendBatchItemKind(body, KindCommand, 0, 2000, argv("INCR k"))
		body = AppendBatchItemKind(body, KindRead, 0, 2000, argv("GET k"))
		body = AppendBatchItemKind(body, KindRead, 0, 2000, argv("DEL k"))
		body = AppendBatchItemKind(body, KindRead, 0, 2000, argv("EXISTS old"))
		entry := append(AppendBatchHeader(nil, 7), body...)
		out := f.ApplyBatch([]*raft.Log{{Index: 2, Type: raft.LogCommand, Data: entry}})
		r := out[0].(*BatchReply)
		want := []string{"$-1\r\n", "+OK\r\n", "$1\r\n1\r\n", ":2\r\n", "$1\r\n2\r\n",
			"-ERR internal: write command on the read path\r\n", ":0\r\n"}
		for i, w := range want {
			if got := string(r.Reply(i)); got != w {
				t.Errorf("local=%v reply %d = %q, want %q", local, i, got, w)
			}
		}
		if _, ok := f.dbs[0].raw("old"); !ok {
			t.Errorf("local=%v: a read removed an expired key", local)
		}
		if got := f.Read(0, 2000, argv("GET k"), nil); string(got) != "$1\r\n2\r\n" {
			t.Errorf("local=%v: k = %q after the batch", local, got)
		}
		hits, misses := f.stats.KeyspaceHits.Load(), f.stats.KeyspaceMiss.Load()
		wantHits, wantMisses := int64(1+2), int64(2) // the Read above, plus the batch's if local
		if !local {
			wantHits, wantMisses = 1, 0
		}
		if hits != wantHits || misses != wantMisses {
			t.Errorf("local=%v: hits %d misses %d, want %d %d", local, hits, misses, wantHits, wantMisses)
		}
		if n := f.stats.AppliedCmds.Load(); n != 3 {
			t.Errorf("local=%v: %d applied commands counted, want the 3 writes", local, n)
		}
	}
}
