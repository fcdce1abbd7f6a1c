package fsm

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

// TestZsetSnapshotRoundTrip takes a snapshot, keeps writing to the same
// sorted sets (which must not reach the persisted view), then restores
// into a fresh FSM and compares what clients see: members, exact scores
// (a skiplist's -0 included), encodings and TTLs.
func TestZsetSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t)
	h.do("ZADD", "lp", "0.1", "a", "-0", "b", "1e20", "c", "-inf", "d")
	h.do("ZADD", "sk", "-0", "neg", "1", string(bytes.Repeat([]byte("x"), 65)))
	h.do("ZADD", "shrunk", "1", string(bytes.Repeat([]byte("y"), 65)), "2", "a")
	h.do("ZREM", "shrunk", string(bytes.Repeat([]byte("y"), 65)))
	h.do("GEOADD", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")
	h.do("PEXPIRE", "lp", "100000")
	big := []string{"ZADD", "big"}
	for i := 0; i < 5000; i++ {
		big = append(big, strconv.Itoa(i%97)+".25", "m"+strconv.Itoa(i))
	}
	h.do(big...)
	probes := [][]string{
		{"ZRANGE", "lp", "0", "-1", "WITHSCORES"}, {"ZRANGE", "sk", "0", "-1", "WITHSCORES"},
		{"ZRANGE", "shrunk", "0", "-1", "WITHSCORES"}, {"ZRANGE", "big", "0", "-1", "WITHSCORES"},
		{"OBJECT", "ENCODING", "lp"}, {"OBJECT", "ENCODING", "sk"}, {"OBJECT", "ENCODING", "shrunk"},
		{"OBJECT", "ENCODING", "big"}, {"ZSCORE", "sk", "neg"}, {"ZRANK", "big", "m4999"},
		{"GEOPOS", "geo", "Palermo"}, {"GEODIST", "geo", "Palermo", "Catania"}, {"PTTL", "lp"},
	}
	var before []string
	for _, p := range probes {
		before = append(before, h.do(p...))
	}

	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	h.do("ZADD", "lp", "5", "a", "6", "new")
	h.do("ZINCRBY", "sk", "1", "neg")
	h.do("ZPOPMIN", "big", "4000")
	h.do("ZREM", "shrunk", "a")
	h.do("GEOADD", "geo", "0", "0", "Palermo")
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	if got := h.do("ZSCORE", "lp", "a"); got != strBulk("5") {
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
			t.Errorf("%q after restore: %.200q, want %.200q", p, got, before[i])
		}
	}
	// Restored values are writable sorted sets again, in their encoding.
	if got := dst.do("ZADD", "shrunk", "0", "z"); got != strInt(1) {
		t.Fatalf("ZADD after restore: %q", got)
	}
	if got := dst.do("OBJECT", "ENCODING", "shrunk"); got != strBulk("skiplist") {
		t.Fatalf("encoding after a write: %q", got)
	}
	if got := dst.do("ZRANGE", "big", "0", "2"); got != hsBulks("m0", "m1067", "m1164") {
		t.Fatalf("order after restore: %q", got)
	}
}

// TestZsetPersistWhileWriting runs Persist concurrently with writes to the
// very sorted sets being persisted; under -race this checks that the
// copy-on-write clone never touches what the snapshot reads.
func TestZsetPersistWhileWriting(t *testing.T) {
	h := newHarness(t)
	zadd := []string{"ZADD", "z"}
	for i := 0; i < 3000; i++ {
		zadd = append(zadd, strconv.Itoa(i), "m"+strconv.Itoa(i))
	}
	h.do(zadd...)
	h.do("ZADD", "small", "1", "a")
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	var sink bufSink
	go func() { done <- snap.Persist(&sink) }()
	for i := 0; i < 300; i++ {
		h.do("ZADD", "z", "-1", "m"+strconv.Itoa(i), "5", "n"+strconv.Itoa(i))
		h.do("ZPOPMAX", "z")
		h.do("ZINCRBY", "small", "1", "a")
		h.do("COPY", "z", "z2", "REPLACE")
		h.do("ZREMRANGEBYRANK", "z2", "0", "10")
		h.do("ZUNIONSTORE", "z3", "2", "z", "small")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	dst := newHarness(t)
	if err := dst.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if got := dst.do("ZCARD", "z"); got != strInt(3000) {
		t.Fatalf("ZCARD %q", got)
	}
	if got := dst.do("ZRANGE", "z", "0", "1", "WITHSCORES"); got != hsBulks("m0", "0", "m1", "1") {
		t.Fatalf("ZRANGE %q", got)
	}
	if got := dst.do("ZSCORE", "small", "a"); got != strBulk("1") {
		t.Fatalf("ZSCORE %q", got)
	}
	if got := dst.do("EXISTS", "z2", "z3"); got != strInt(0) {
		t.Fatalf("keys written after the snapshot: %q", got)
	}
}
