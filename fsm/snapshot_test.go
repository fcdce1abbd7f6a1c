package fsm

import (
	"bytes"
	"io"
	"testing"
)

type bufSink struct {
	bytes.Buffer
	cancelled bool
}

func (s *bufSink) ID() string    { return "test" }
func (s *bufSink) Cancel() error { s.cancelled = true; return nil }
func (s *bufSink) Close() error  { return nil }

func TestSnapshotRestoreRoundTrip(t *testing.T) {
	src := New(16, nil)
	src.now = 5000
	src.nodes["n1"] = "127.0.0.1:6379"
	src.dbs[0].put("plain", Item{Value: []byte("v"), Version: 7})
	src.dbs[0].put("ttl", Item{Value: []byte("x"), ExpireAt: 9000, Version: 8})
	src.dbs[5].put("other", Item{Value: []byte("db5"), Version: 9, Enc: EncRaw})

	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Writes after Snapshot() must not leak into the persisted view.
	src.dbs[0].put("late", Item{Value: []byte("no")})
	src.dbs[0].remove("plain", 10)

	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	dst := New(16, nil)
	if err := dst.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if dst.now != 5000 || dst.nodes["n1"] != "127.0.0.1:6379" {
		t.Fatalf("now=%d nodes=%v", dst.now, dst.nodes)
	}
	checks := []struct {
		db       int
		key      string
		want     string
		expireAt int64
		version  uint64
		present  bool
	}{
		{0, "plain", "v", 0, 7, true},
		{0, "ttl", "x", 9000, 8, true},
		{5, "other", "db5", 0, 9, true},
		{0, "late", "", 0, 0, false},
	}
	for _, c := range checks {
		it, ok := dst.dbs[c.db].raw(c.key)
		if ok != c.present {
			t.Fatalf("%s present=%v", c.key, ok)
		}
		if !ok {
			continue
		}
		if string(it.Str) != c.want || it.ExpireAt != c.expireAt || it.Version != c.version ||
			(c.key == "other") != (it.Enc == EncRaw) {
			t.Fatalf("%s: %+v", c.key, it)
		}
	}
	if dst.dbs[0].ExpiresLen() != 1 {
		t.Fatalf("expiry index not rebuilt: %d", dst.dbs[0].ExpiresLen())
	}
}

func TestRestoreCorruptLeavesStateUntouched(t *testing.T) {
	f := New(16, nil)
	f.dbs[0].put("keep", Item{Value: []byte("me")})
	if err := f.Restore(io.NopCloser(bytes.NewReader([]byte("QUORISNP garbage")))); err == nil {
		t.Fatal("corrupt snapshot restored")
	}
	if _, ok := f.dbs[0].raw("keep"); !ok {
		t.Fatal("state changed by a failed restore")
	}
}
