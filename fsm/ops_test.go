package fsm

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

func digestHex(d Digest) string { return hex.EncodeToString(d[:]) }

func TestDatasetDigest(t *testing.T) {
	a, b := newHarness(t), newHarness(t)
	if d := a.f.DatasetDigest(a.now); d != (Digest{}) {
		t.Fatalf("empty digest %x", d)
	}
	// Unordered types digest the same whatever the insertion order.
	a.do("SADD", "s", "x", "y", "z")
	b.do("SADD", "s", "z", "x", "y")
	a.do("HSET", "h", "f", "1", "g", "2")
	b.do("HSET", "h", "g", "2", "f", "1")
	a.do("ZADD", "z", "1", "m", "2", "n")
	b.do("ZADD", "z", "2", "n", "1", "m")
	a.do("SET", "k", "v")
	b.do("SET", "k", "v")
	if da, db := a.f.DatasetDigest(a.now), b.f.DatasetDigest(b.now); da != db {
		t.Errorf("same data, different digests %x %x", da, db)
	}
	tests := []struct {
		name   string
		change []string
	}{
		{"list order", []string{"RPUSH", "l", "a", "b"}},
		{"ttl", []string{"EXPIRE", "k", "100"}},
		{"score", []string{"ZADD", "z", "3", "m"}},
		{"type", []string{"SET", "h", "f"}},
	}
	prev := a.f.DatasetDigest(a.now)
	for _, tc := range tests {
		a.do(tc.change...)
		if d := a.f.DatasetDigest(a.now); d == prev {
			t.Errorf("%s: digest unchanged", tc.name)
		} else {
			prev = d
		}
	}
	// The same key in another database digests differently.
	c, d := newHarness(t), newHarness(t)
	c.do("SET", "k", "v")
	d.db = 1
	d.do("SET", "k", "v")
	if c.f.DatasetDigest(c.now) == d.f.DatasetDigest(d.now) {
		t.Error("database number not in the digest")
	}
	// Expired keys are gone for the digest as for reads.
	e := newHarness(t)
	e.do("SET", "k", "v", "PX", "10")
	e.advance(20)
	if dg := e.f.DatasetDigest(e.now); dg != (Digest{}) {
		t.Errorf("expired key digested: %x", dg)
	}
}

func TestValueDigests(t *testing.T) {
	h := newHarness(t)
	h.do("SET", "k", "v")
	h.do("RPUSH", "l", "a", "b")
	ds, err := h.f.ValueDigests(0, h.now, [][]byte{[]byte("k"), []byte("missing"), []byte("l")})
	if err != nil || len(ds) != 3 || ds[1] != (Digest{}) || ds[0] == (Digest{}) || ds[0] == ds[2] {
		t.Fatalf("ValueDigests = %v, %v", ds, err)
	}
	// redis-server 7.0.15's DEBUG DIGEST-VALUE of the string "v".
	if got := digestHex(ds[0]); got != "d79ee9fe5d5ad902d7f6620efc3b07b75ddd742f" {
		t.Errorf("digest %s", got)
	}
	if _, err := h.f.ValueDigests(99, h.now, nil); err == nil {
		t.Error("bad database accepted")
	}
}

func TestMemoryUsage(t *testing.T) {
	h := newHarness(t)
	h.do("SET", "small", "v")
	h.do("SET", "large", strings.Repeat("x", 10_000))
	h.do("SET", "ttl", "v", "EX", "100")
	small, ok, _ := h.f.MemoryUsage(0, h.now, []byte("small"), 5)
	large, _, _ := h.f.MemoryUsage(0, h.now, []byte("large"), 5)
	ttl, _, _ := h.f.MemoryUsage(0, h.now, []byte("ttl"), 5)
	if !ok || small < 48 || large < 10_000 || large > 11_000 || ttl <= small {
		t.Errorf("usage small %d large %d ttl %d", small, large, ttl)
	}
	if _, ok, _ := h.f.MemoryUsage(0, h.now, []byte("missing"), 5); ok {
		t.Error("missing key has a usage")
	}
	args := []string{"RPUSH", "l"}
	for i := 0; i < 1000; i++ {
		args = append(args, strings.Repeat("e", 100))
	}
	h.do(args...)
	all, _, _ := h.f.MemoryUsage(0, h.now, []byte("l"), 0)
	sampled, _, _ := h.f.MemoryUsage(0, h.now, []byte("l"), 5)
	// 1000 elements of 100 bytes (112-byte allocations) plus their nodes.
	if all < 112_000 || all > 200_000 || sampled != all {
		t.Errorf("list usage all %d sampled %d", all, sampled)
	}
	for _, cmd := range [][]string{
		{"SADD", "s", "a", "b", "c"}, {"HSET", "hh", "f", "v"}, {"ZADD", "z", "1", "m"},
	} {
		h.do(cmd...)
		if n, ok, _ := h.f.MemoryUsage(0, h.now, []byte(cmd[1]), 5); !ok || n <= keyOverhead {
			t.Errorf("%s usage %d", cmd[0], n)
		}
	}
}

func TestReload(t *testing.T) {
	h := newHarness(t)
	h.do("SET", "k", "v", "EX", "100")
	h.do("RPUSH", "l", "a", "b", "c")
	h.do("ZADD", "z", "1", "m")
	before := h.f.DatasetDigest(h.now)
	if err := h.f.Reload(); err != nil {
		t.Fatal(err)
	}
	if after := h.f.DatasetDigest(h.now); after != before {
		t.Errorf("digest %x -> %x", before, after)
	}
	if got := h.do("RPUSH", "l", "d"); got != ":4\r\n" {
		t.Errorf("write after reload: %q", got)
	}
	if got := h.do("TTL", "k"); got != ":100\r\n" {
		t.Errorf("TTL after reload: %q", got)
	}
}

func TestAccessTracking(t *testing.T) {
	h := newHarness(t)
	h.do("SET", "k", "v")
	h.advance(5000)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"OBJECT", "IDLETIME", "k"}, ":5\r\n"},
		{[]string{"OBJECT", "IDLETIME", "k"}, ":5\r\n"}, // OBJECT itself does not touch
		{[]string{"OBJECT", "IDLETIME", "nokey"}, "$-1\r\n"},
		{[]string{"OBJECT", "FREQ", "k"}, "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"},
		{[]string{"GET", "k"}, "$1\r\nv\r\n"},
		{[]string{"OBJECT", "IDLETIME", "k"}, ":0\r\n"},
	})
	h.advance(3000)
	h.do("APPEND", "k", "w") // a write is an access too
	if got := h.do("OBJECT", "IDLETIME", "k"); got != ":0\r\n" {
		t.Errorf("IDLETIME after a write = %q", got)
	}

	h.f.SetAccessPolicy(true, 10, 1)
	h.do("SET", "n", "v")
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"OBJECT", "FREQ", "n"}, ":5\r\n"},
		{[]string{"GET", "n"}, "$1\r\nv\r\n"},
		{[]string{"OBJECT", "FREQ", "n"}, ":6\r\n"}, // from 5 an access always counts
		{[]string{"OBJECT", "IDLETIME", "n"}, "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"},
	})
	for i := 0; i < 2000; i++ {
		h.advance(1)
		h.do("GET", "n")
	}
	freq := func() int {
		var n int
		fmt.Sscanf(h.do("OBJECT", "FREQ", "n"), ":%d", &n)
		return n
	}
	hot := freq()
	if hot <= 6 || hot > 40 {
		t.Errorf("FREQ after 2000 reads = %d, want logarithmic growth", hot)
	}
	h.advance(10 * 60_000) // ten lfu-decay-time periods
	if got := freq(); got != max(hot-10, 0) {
		t.Errorf("FREQ after 10 minutes = %d, want %d", got, hot-10)
	}
	// Overwriting keeps the LFU history, as Redis's dbOverwrite does.
	h.do("SET", "n", "w")
	if got := freq(); got != max(hot-10, 0) {
		t.Errorf("FREQ after overwrite = %d", got)
	}
}
