package fsm

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

// TestStreamSnapshotRoundTrip persists a snapshot while writes continue on
// the same streams (which must not reach the persisted view), restores it
// into a fresh FSM and compares everything XINFO STREAM FULL shows: entries,
// counters, node count, groups, PELs with delivery times and counts, and
// consumers with seen times, plus an empty stream that only has a group.
func TestStreamSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t)
	for i := 1; i <= 250; i++ {
		h.do("XADD", "s", strconv.Itoa(i)+"-1", "f", strconv.Itoa(i), "g", "x")
	}
	h.do("XDEL", "s", "3-1", "200-1")
	h.do("XTRIM", "s", "MAXLEN", "~", "230")
	h.do("XGROUP", "CREATE", "s", "g1", "0")
	h.do("XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "7")
	h.advance(1000)
	h.do("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "s", ">")
	h.advance(50)
	h.do("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "s", ">")
	h.do("XCLAIM", "s", "g1", "bob", "0", "2-1", "TIME", "12345", "RETRYCOUNT", "9")
	h.do("XGROUP", "CREATECONSUMER", "s", "g2", "carol")
	h.do("XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM")
	h.do("XSETID", "empty", "99-9", "ENTRIESADDED", "42", "MAXDELETEDID", "5-5")
	probes := [][]string{
		{"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}, {"XINFO", "STREAM", "s"}, {"XINFO", "GROUPS", "s"},
		{"XINFO", "STREAM", "empty", "FULL"}, {"XPENDING", "s", "g1"}, {"TYPE", "empty"},
	}
	var before []string
	for _, p := range probes {
		before = append(before, h.do(p...))
	}
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	h.do("XADD", "s", "999-0", "late", "1")
	h.do("XACK", "s", "g1", "2-1")
	h.do("XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "s", ">")
	h.do("XGROUP", "DESTROY", "empty", "g")
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	if got := h.do("XLEN", "s"); got == ":229\r\n" {
		t.Fatalf("live write lost: XLEN %q", got)
	}
	dst := newHarness(t)
	if err := dst.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	for i, p := range probes {
		if got := dst.do(p...); got != before[i] {
			t.Errorf("%q after restore:\n got  %q\n want %q", p, got, before[i])
		}
	}
	// The restored stream keeps working: node bookkeeping and PELs are live.
	if got := dst.do("XADD", "s", "1000-0", "a", "b"); got != "$6\r\n1000-0\r\n" {
		t.Errorf("XADD after restore: %q", got)
	}
	if got := dst.do("XACK", "s", "g1", "2-1", "1-1"); got != ":2\r\n" {
		t.Errorf("XACK after restore: %q", got)
	}
}
