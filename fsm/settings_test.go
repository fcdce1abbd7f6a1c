package fsm

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

func TestQuorisConfig(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"QUORIS.CONFIG", "hash-max-listpack-entries", "2"}, "+OK\r\n"},
		{[]string{"HSET", "h", "a", "1", "b", "2"}, ":2\r\n"},
		{[]string{"OBJECT", "ENCODING", "h"}, "$8\r\nlistpack\r\n"},
		{[]string{"HSET", "h", "c", "3"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "h"}, "$9\r\nhashtable\r\n"},
		// An alias sets its parameter; the value is normalised (1kb).
		{[]string{"QUORIS.CONFIG", "zset-max-ziplist-value", "1kb"}, "+OK\r\n"},
		// All or nothing: the bad second value leaves the first unset.
		{[]string{"QUORIS.CONFIG", "set-max-intset-entries", "1", "zset-max-listpack-entries", "x"},
			"-ERR CONFIG SET failed (possibly related to argument 'zset-max-listpack-entries') - argument couldn't be parsed into an integer\r\n"},
		{[]string{"SADD", "s", "1", "2"}, ":2\r\n"},
		{[]string{"OBJECT", "ENCODING", "s"}, "$6\r\nintset\r\n"},
		{[]string{"QUORIS.CONFIG", "timeout", "5"}, "-ERR Unknown option or number of arguments for CONFIG SET - 'timeout'\r\n"},
		{[]string{"QUORIS.CONFIG", "maxmemory-policy", "allkeys-lru", "maxmemory"}, "-ERR syntax error\r\n"},
		{[]string{"QUORIS.CONFIG", "notify-keyspace-events", "Kx", "maxmemory-policy", "ALLKEYS-LRU"}, "+OK\r\n"},
		{[]string{"QUORIS.CONFIG", "zset-max-listpack-entries", "0"}, "+OK\r\n"},
		{[]string{"ZADD", "z", "1", "a"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "z"}, "$8\r\nskiplist\r\n"},
	})
	for name, want := range map[string]string{
		"hash-max-listpack-entries": "2", "hash-max-ziplist-entries": "2", "zset-max-listpack-value": "1024",
		"set-max-intset-entries": "512", "notify-keyspace-events": "xK", "maxmemory-policy": "allkeys-lru",
		"timeout": "",
	} {
		if got := h.f.Setting(name); got != want {
			t.Errorf("Setting(%s) = %q, want %q", name, got, want)
		}
	}
}

func TestSettingsSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t)
	h.do("QUORIS.CONFIG", "hash-max-listpack-entries", "3", "set-max-intset-entries", "4", "maxmemory", "1mb")
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// A change after Snapshot must not leak into it.
	h.do("QUORIS.CONFIG", "maxmemory", "5")
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	dst := New(16, nil)
	if err := dst.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"hash-max-listpack-entries": "3", "set-max-intset-entries": "4",
		"maxmemory": "1048576", "zset-max-listpack-entries": "128"} {
		if got := dst.Setting(name); got != want {
			t.Errorf("restored %s = %q, want %q", name, got, want)
		}
	}
	// The restored thresholds drive conversions.
	d := &harness{t: t, f: dst, now: h.now, idx: 100}
	for i := 0; i < 5; i++ {
		d.do("SADD", "s", strconv.Itoa(i))
		want := "$6\r\nintset\r\n"
		if i == 4 {
			want = "$9\r\nhashtable\r\n"
		}
		if got := d.do("OBJECT", "ENCODING", "s"); got != want {
			t.Fatalf("after %d members: %q, want %q", i+1, got, want)
		}
	}
	// A snapshot with no setting records (as every snapshot before them)
	// restores the defaults, replacing what the node had.
	empty := New(16, nil)
	s2, _ := empty.Snapshot()
	var sink2 bufSink
	if err := s2.Persist(&sink2); err != nil {
		t.Fatal(err)
	}
	if err := dst.Restore(io.NopCloser(bytes.NewReader(sink2.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if got := dst.Setting("hash-max-listpack-entries"); got != "512" {
		t.Fatalf("after restoring a snapshot without settings: %q", got)
	}
}
