package fsm

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

// TestHashSetSnapshotRoundTrip takes a snapshot, keeps writing to the same
// collections (which must not reach the persisted view: Ctx.Own clones
// them first), then restores into a fresh FSM and compares everything a
// client can see, encodings and listpack order included.
func TestHashSetSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t)
	h.do("HSET", "lp", "z", "1", "a", "2", "m", "3")
	h.do("HSET", "ht", "f", string(bytes.Repeat([]byte("x"), 65)))
	h.do("SADD", "is", "5", "-2", "7")
	h.do("SADD", "hs", "a", "1")
	h.do("SREM", "hs", "a")
	h.do("PEXPIRE", "is", "100000")
	big := []string{"SADD", "big"}
	for i := 0; i < 5000; i++ {
		big = append(big, "m"+strconv.Itoa(i))
	}
	h.do(big...)
	probes := [][]string{
		{"HGETALL", "lp"}, {"HGETALL", "ht"}, {"SMEMBERS", "is"}, {"SMEMBERS", "hs"}, {"SCARD", "big"},
		{"OBJECT", "ENCODING", "lp"}, {"OBJECT", "ENCODING", "ht"}, {"OBJECT", "ENCODING", "is"},
		{"OBJECT", "ENCODING", "hs"}, {"OBJECT", "ENCODING", "big"}, {"PTTL", "is"}, {"SISMEMBER", "big", "m4999"},
	}
	var before []string
	for _, p := range probes {
		before = append(before, h.do(p...))
	}

	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	h.do("HSET", "lp", "z", "changed", "new", "x")
	h.do("HDEL", "ht", "f")
	h.do("SADD", "is", "100")
	h.do("SPOP", "big", "4000")
	h.do("SREM", "hs", "1")
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	if got := h.do("HGET", "lp", "z"); got != strBulk("changed") {
		t.Fatalf("live write lost: %q", got)
	}

	dst := newHarness(t)
	if err := dst.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	for i, p := range probes {
		got := dst.do(p...)
		if p[0] == "PTTL" {
			if got == strInt(-1) || got == strInt(-2) {
				t.Errorf("%q lost its TTL: %q", p, got)
			}
			continue
		}
		if got != before[i] {
			t.Errorf("%q after restore: %q, want %q", p, got, before[i])
		}
	}
	// The restored values are writable collections again.
	if got := dst.do("HSET", "lp", "q", "1"); got != strInt(1) {
		t.Fatalf("HSET after restore: %q", got)
	}
	if got := dst.do("HKEYS", "lp"); got != hsBulks("z", "a", "m", "q") {
		t.Fatalf("listpack order after restore: %q", got)
	}
	if got := dst.do("SADD", "is", "6"); got != strInt(1) {
		t.Fatalf("SADD after restore: %q", got)
	}
}

// TestHashSetPersistWhileWriting runs Persist concurrently with writes to
// the very collections being persisted; under -race this checks that the
// copy-on-write clone never touches what the snapshot reads.
func TestHashSetPersistWhileWriting(t *testing.T) {
	h := newHarness(t)
	hset, sadd := []string{"HSET", "h"}, []string{"SADD", "s"}
	for i := 0; i < 3000; i++ {
		hset = append(hset, "f"+strconv.Itoa(i), "v")
		sadd = append(sadd, "m"+strconv.Itoa(i))
	}
	h.do(hset...)
	h.do(sadd...)
	h.do("HSET", "small", "a", "1")
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	var sink bufSink
	go func() { done <- snap.Persist(&sink) }()
	for i := 0; i < 300; i++ {
		h.do("HSET", "h", "f"+strconv.Itoa(i), "changed", "n"+strconv.Itoa(i), "x")
		h.do("SPOP", "s")
		h.do("SADD", "s", "new"+strconv.Itoa(i))
		h.do("HSET", "small", "a", strconv.Itoa(i))
		h.do("COPY", "s", "s2", "REPLACE")
		h.do("SADD", "s2", "x")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	dst := newHarness(t)
	if err := dst.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if got := dst.do("HLEN", "h"); got != strInt(3000) {
		t.Fatalf("HLEN %q", got)
	}
	if got := dst.do("HGET", "h", "f0"); got != strBulk("v") {
		t.Fatalf("HGET %q", got)
	}
	if got := dst.do("SCARD", "s"); got != strInt(3000) {
		t.Fatalf("SCARD %q", got)
	}
	if got := dst.do("HGET", "small", "a"); got != strBulk("1") {
		t.Fatalf("small %q", got)
	}
}
