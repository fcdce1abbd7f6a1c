package fsm

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// datasetSum recomputes the accounting from scratch, for comparison with
// the incrementally kept one.
func datasetSum(f *FSM) int64 {
	var n int64
	for _, db := range f.dbs {
		db.keys.Scan(func(s slot) bool {
			db.entries(s, func(e *entry) bool {
				if e.coll != nil {
					n += datasetSize(&entry{kv: e.kv, exp: e.exp, meta: e.meta, coll: &collVal{size: collSize(e.coll.v)}})
				} else {
					n += datasetSize(e)
				}
				return true
			})
			return true
		})
	}
	return n
}

// TestDatasetAccounting: the kept count equals a recomputation from the
// content after every kind of write (in-place collection edits included),
// returns to zero when everything is removed, and a node restored from a
// snapshot holds the same number.
func TestDatasetAccounting(t *testing.T) {
	h := newHarness(t)
	steps := [][]string{
		{"set", "s", "hello"},
		{"set", "s", strings.Repeat("x", 5000)},
		{"append", "s", "more"},
		{"set", "t", "v", "px", "100000"},
		{"persist", "t"},
		{"expire", "t", "100"},
		{"rpush", "l", "a", "b", "c"},
		{"rpush", "l", strings.Repeat("y", 300)},
		{"lpop", "l"},
		{"hset", "h", "f", "v", "g", strings.Repeat("w", 100)},
		{"hdel", "h", "f"},
		{"sadd", "set", "1", "2", "three"},
		{"zadd", "z", "1", "a", "2", "bb"},
		{"zrem", "z", "a"},
		{"rename", "s", "s2"},
		{"copy", "l", "l2"},
		{"move", "h", "3"},
		{"swapdb", "0", "3"},
		{"incr", "n"},
	}
	for _, s := range steps {
		h.do(s...)
		if got, want := h.f.UsedDataset(), datasetSum(h.f); got != want || got <= 0 {
			t.Fatalf("after %q: accounted %d, recomputed %d", s, got, want)
		}
	}
	var sink bufSink
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	dst := New(16, nil)
	if err := dst.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if got, want := dst.UsedDataset(), h.f.UsedDataset(); got != want {
		t.Fatalf("restored node accounts %d, source %d", got, want)
	}
	h.do("flushall")
	if got := h.f.UsedDataset(); got != 0 {
		t.Fatalf("after FLUSHALL: %d", got)
	}
}

// TestMaxmemoryOOM: over maxmemory, denyoom writes are refused under
// noeviction and under a volatile policy with no TTL keys, and accepted
// under an evicting policy with candidates; non-denyoom writes (DEL) and
// reads always run; EXEC of a transaction with a denyoom command is
// refused as a whole.
func TestMaxmemoryOOM(t *testing.T) {
	h := newHarness(t)
	h.do("set", "a", strings.Repeat("x", 1000))
	oom := "-" + ErrOOM.Error() + "\r\n"
	h.do("quoris.config", "maxmemory", "100")
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"set", "b", "1"}, oom},
		{[]string{"get", "a"}, "$1000\r\n" + strings.Repeat("x", 1000) + "\r\n"},
		{[]string{"expire", "a", "100"}, ":1\r\n"}, // not denyoom
		{[]string{"quoris.config", "maxmemory-policy", "volatile-lru"}, "+OK\r\n"},
		{[]string{"set", "b", "1"}, "+OK\r\n"}, // a has a TTL: evictable
		{[]string{"persist", "a"}, ":1\r\n"},
		{[]string{"setex", "c", "10", "1"}, oom}, // b and a have no TTL now
		{[]string{"quoris.config", "maxmemory-policy", "allkeys-random"}, "+OK\r\n"},
		{[]string{"set", "c", "1"}, "+OK\r\n"},
		{[]string{"quoris.config", "maxmemory-policy", "noeviction"}, "+OK\r\n"},
		{[]string{"del", "c"}, ":1\r\n"},
		{[]string{"quoris.config", "maxmemory", "0"}, "+OK\r\n"},
		{[]string{"set", "c", "1"}, "+OK\r\n"},
	})
}

// TestEviction: for each policy the leader's candidates, applied as an
// eviction entry, bring the accounting under maxmemory; volatile policies
// remove only keys with a TTL and volatile-ttl the soonest first; the
// entry stops removing once under the limit; evicted_keys counts.
func TestEviction(t *testing.T) {
	for _, policy := range []string{"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"} {
		t.Run(policy, func(t *testing.T) {
			h := newHarness(t)
			h.f.SetAccessPolicy(strings.HasSuffix(policy, "lfu"), 10, 1)
			for i := 0; i < 200; i++ {
				args := []string{"set", fmt.Sprintf("k%03d", i), strings.Repeat("v", 100)}
				if i%2 == 0 {
					args = append(args, "px", fmt.Sprint(100000+i))
				}
				h.do(args...)
			}
			used := h.f.UsedDataset()
			keySize := datasetSize(h.f.dbs[0].find("k000"))
			limit := used * 3 / 4
			h.do("quoris.config", "maxmemory-policy", policy, "maxmemory", fmt.Sprint(limit))
			r := rand.New(rand.NewPCG(1, 2))
			for round := 0; h.f.UsedDataset() > limit; round++ {
				if round > 50 {
					t.Fatalf("still over after 50 rounds: %d > %d", h.f.UsedDataset(), limit)
				}
				picks := h.f.EvictionCandidates(h.now, 64, r)
				if len(picks[0]) == 0 {
					t.Fatalf("no candidates while over (%d > %d)", h.f.UsedDataset(), limit)
				}
				h.idx++
				args := make([]string, len(picks[0]))
				for i, k := range picks[0] {
					args[i] = string(k)
				}
				applyEntry(h.f, h.idx, KindEvict, 0, h.now, args...)
			}
			evicted := 200 - h.f.dbs[0].Len()
			if evicted == 0 || evicted != int(h.f.stats.EvictedKeys.Load()) {
				t.Fatalf("evicted %d keys, stat %d", evicted, h.f.stats.EvictedKeys.Load())
			}
			// Just under the limit: one more key would not have been needed.
			if h.f.UsedDataset() < limit-keySize {
				t.Errorf("evicted too much: %d, limit %d", h.f.UsedDataset(), limit)
			}
			for i := 0; i < 200; i++ {
				k := fmt.Sprintf("k%03d", i)
				_, ok := h.f.dbs[0].raw(k)
				if strings.HasPrefix(policy, "volatile") && i%2 == 1 && !ok {
					t.Fatalf("%s evicted %s, which has no TTL", policy, k)
				}
				if policy == "volatile-ttl" && i%2 == 0 && i >= 2*evicted && !ok {
					t.Fatalf("volatile-ttl evicted %s before sooner deadlines (%d evicted)", k, evicted)
				}
			}
			if picks := h.f.EvictionCandidates(h.now, 64, r); len(picks) != 0 {
				t.Fatalf("candidates while under the limit: %v", picks)
			}
			// An eviction entry arriving when no longer over removes nothing.
			h.idx++
			if got := applyEntry(h.f, h.idx, KindEvict, 0, h.now, "k001", "k003"); got != ":0\r\n" {
				t.Fatalf("evict under the limit: %q", got)
			}
		})
	}
}
