package fsm

import (
	"testing"

	"github.com/quoris/quoris/datatypes/rdb"
)

// FuzzRestoreStream restores arbitrary stream payload bodies (with a valid
// footer) and runs every kind of stream command on whatever is accepted:
// nothing may panic, since a panic in Apply takes every node down at once,
// and an accepted stream must DUMP and RESTORE again.
func FuzzRestoreStream(f *testing.F) {
	b := func(s ...string) [][]byte {
		out := make([][]byte, len(s))
		for i, x := range s {
			out[i] = []byte(x)
		}
		return out
	}
	seed := &rdb.Stream{
		Nodes: []rdb.StreamNode{{Master: rdb.StreamID{Ms: 1, Seq: 1}, MasterFields: b("a"), Entries: []rdb.StreamEntry{
			{ID: rdb.StreamID{Ms: 1, Seq: 1}, Fields: b("a", "1")},
			{ID: rdb.StreamID{Ms: 1, Seq: 2}, Deleted: true, Fields: b("a", "2")},
			{ID: rdb.StreamID{Ms: 3, Seq: 0}, Fields: b("b", "x", "c", "y")},
		}}},
		Length: 2, LastID: rdb.StreamID{Ms: 3}, FirstID: rdb.StreamID{Ms: 1, Seq: 1}, MaxDeletedID: rdb.StreamID{Ms: 1, Seq: 2}, EntriesAdded: 3,
		Groups: []rdb.StreamGroup{{Name: []byte("g"), LastID: rdb.StreamID{Ms: 1, Seq: 1}, EntriesRead: 1,
			PEL:       []rdb.StreamNACK{{ID: rdb.StreamID{Ms: 1, Seq: 1}, DeliveryTime: 5, DeliveryCount: 1}},
			Consumers: []rdb.StreamConsumer{{Name: []byte("c"), Pending: []rdb.StreamID{{Ms: 1, Seq: 1}}}}}},
	}
	p := rdb.Dump(&rdb.Value{Kind: rdb.KindStream, Stream: seed})
	f.Add(p[:len(p)-10])
	empty := rdb.Dump(&rdb.Value{Kind: rdb.KindStream, Stream: &rdb.Stream{LastID: rdb.StreamID{Ms: 9}}})
	f.Add(empty[:len(empty)-10])
	cmds := [][]string{
		{"XINFO", "STREAM", "k", "FULL"}, {"XINFO", "STREAM", "k"}, {"XINFO", "GROUPS", "k"}, {"XINFO", "CONSUMERS", "k", "g"},
		{"XRANGE", "k", "-", "+"}, {"XREVRANGE", "k", "+", "-", "COUNT", "2"}, {"XLEN", "k"},
		{"XADD", "k", "*", "a", "1"}, {"XADD", "k", "MAXLEN", "~", "1", "*", "z", "2"},
		{"XREADGROUP", "GROUP", "g", "c2", "COUNT", "2", "STREAMS", "k", ">"}, {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "k", "0"},
		{"XPENDING", "k", "g"}, {"XPENDING", "k", "g", "-", "+", "10"}, {"XAUTOCLAIM", "k", "g", "c3", "0", "0"},
		{"XCLAIM", "k", "g", "c", "0", "1-1", "2-0"}, {"XACK", "k", "g", "1-1"}, {"XDEL", "k", "1-1", "3-0"},
		{"XGROUP", "SETID", "k", "g", "0"}, {"XGROUP", "DELCONSUMER", "k", "g", "c"}, {"XTRIM", "k", "MINID", "2"},
		{"XTRIM", "k", "MAXLEN", "0"}, {"XSETID", "k", "99-0"}, {"MEMORY", "USAGE", "k"}, {"OBJECT", "ENCODING", "k"},
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		h := newHarness(t)
		if got := h.do("RESTORE", "k", "0", payload(10, body)); got != "+OK\r\n" {
			return
		}
		again := hsItems(h.do("DUMP", "k"))[0]
		if got := h.do("RESTORE", "k2", "0", again); got != "+OK\r\n" {
			t.Fatalf("quoris's own DUMP of an accepted payload refused: %q", got)
		}
		for _, c := range cmds {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%q panicked: %v", c, r)
					}
				}()
				h.advance(1)
				h.do(c...)
			}()
		}
		if got := h.do("DUMP", "k"); len(got) == 0 || got[0] != '$' {
			t.Fatalf("DUMP after the commands: %q", got)
		}
	})
}
