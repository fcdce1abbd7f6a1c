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

// TestReadRoutedBeforeScriptLoad: an EVALSHA routed to the read path while
// its script was unknown (a new leader that had not applied the SCRIPT LOAD
// yet) runs as a write once the load is applied before it, in a batch's
// read slot and on the read path alike, instead of failing.
func TestReadRoutedBeforeScriptLoad(t *testing.T) {
	const body = "return redis.call('SET', KEYS[1], ARGV[1])"
	sha := sha1Hex([]byte(body))
	f := New(1, nil)
	evalsha := argv("EVALSHA " + sha + " 1 k v1")
	if got, ok := f.TryRead(0, 1000, evalsha, nil); !ok || string(got) != "-NOSCRIPT No matching script. Please use EVAL.\r\n" {
		t.Fatalf("EVALSHA before the load: %q, %v", got, ok)
	}
	var items []byte
	items = AppendBatchItemKind(items, KindCommand, 0, 2000, [][]byte{[]byte("SCRIPT"), []byte("LOAD"), []byte(body)})
	items = AppendBatchItemKind(items, KindRead, 0, 2000, evalsha)
	entry := append(AppendBatchHeader(nil, 2), items...)
	r := f.ApplyBatch([]*raft.Log{{Index: 2, Type: raft.LogCommand, Data: entry}})[0].(*BatchReply)
	if got := string(r.Reply(1)); got != "+OK\r\n" {
		t.Fatalf("EVALSHA in a read slot after the load = %q, want +OK", got)
	}
	if got := f.Read(0, 2000, argv("GET k"), nil); string(got) != "$2\r\nv1\r\n" {
		t.Fatalf("k = %q", got)
	}
	if got, ok := f.TryRead(0, 2000, argv("EVALSHA "+sha+" 1 k v2"), nil); ok {
		t.Fatalf("TryRead ran a writing EVALSHA on the read path: %q", got)
	}
	if got, ok := f.TryRead(0, 2000, argv("GET k"), nil); !ok || string(got) != "$2\r\nv1\r\n" {
		t.Fatalf("GET after refused TryRead = %q, %v", got, ok)
	}
}
