package integration

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// infoField reads one INFO field from a node's local state.
func infoField(t *testing.T, cl *redis.Client, section, name string) int64 {
	t.Helper()
	s, err := cl.Info(t.Context(), section).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("INFO %s: %q", name, line)
			}
			return n
		}
	}
	t.Fatalf("INFO %s has no %s", section, name)
	return 0
}

// TestEvictionAllkeysLRU: with maxmemory 1 MB and allkeys-lru, writing
// about 3 MB of keys, over six seconds, through a follower ends with the dataset accounting
// under maxmemory on every node, the same keys evicted everywhere (equal
// DEBUG DIGEST and key lists, equal evicted_keys), and keys read recently
// kept far more often than keys never read again.
func TestEvictionAllkeysLRU(t *testing.T) {
	ctx := deadlineCtx(t, 90*time.Second)
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	follower := leader%3 + 1
	cl := c.Client(follower)
	const limit = 1 << 20
	if err := cl.ConfigSet(ctx, "maxmemory-policy", "allkeys-lru").Err(); err != nil {
		t.Fatal(err)
	}
	if err := cl.ConfigSet(ctx, "maxmemory", strconv.Itoa(limit)).Err(); err != nil {
		t.Fatal(err)
	}
	val := strings.Repeat("v", 1000)
	// "hot" keys are written first and then read every batch, on the
	// leader (whose access clock picks the victims) — over two seconds, so
	// the LRU clock (1 s resolution) sees them as more recent.
	for i := 0; i < 50; i++ {
		if err := cl.Set(ctx, fmt.Sprintf("hot:%d", i), val, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	lc := c.Client(leader)
	peak := int64(0)
	// The LRU clock ticks once a second (as Redis's), so the writes span
	// several seconds: the dataset then holds keys of several ticks, and
	// the hot keys, read every batch, are in the newest one. Written
	// faster, the whole dataset turns over within one tick and hot keys
	// tie with most cold ones.
	const batches = 30
	for b := 0; b < batches; b++ {
		pipe := cl.Pipeline()
		for i := 0; i < 100; i++ {
			pipe.Set(ctx, fmt.Sprintf("cold:%d:%d", b, i), val, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatalf("batch %d: %v", b, err)
		}
		for i := 0; i < 50; i++ {
			lc.Get(ctx, fmt.Sprintf("hot:%d", i))
		}
		peak = max(peak, infoField(t, lc, "memory", "used_memory_dataset"))
		time.Sleep(200 * time.Millisecond)
	}
	ros := []*redis.Client{c.ReadOnlyClient(1), c.ReadOnlyClient(2), c.ReadOnlyClient(3)}
	var digests, keyLists []string
	eventually(t, 20*time.Second, "every node under maxmemory at the same index", func() error {
		digests, keyLists = nil, nil
		var applied []string
		for i, ro := range ros {
			used := infoField(t, ro, "memory", "used_memory_dataset")
			if used > limit {
				return fmt.Errorf("node %d: used_memory_dataset %d > %d", i+1, used, limit)
			}
			ri, err := c.RaftInfo(i + 1)
			if err != nil {
				return err
			}
			applied = append(applied, ri["applied_index"])
			d, err := ro.Do(ctx, "DEBUG", "DIGEST").Text()
			if err != nil {
				return err
			}
			keys, err := ro.Keys(ctx, "*").Result()
			if err != nil {
				return err
			}
			sort.Strings(keys)
			digests = append(digests, d)
			keyLists = append(keyLists, strings.Join(keys, ","))
		}
		if applied[0] != applied[1] || applied[1] != applied[2] {
			return fmt.Errorf("applied indexes differ: %v", applied)
		}
		return nil
	})
	if digests[0] != digests[1] || digests[1] != digests[2] || keyLists[0] != keyLists[1] || keyLists[1] != keyLists[2] {
		t.Fatalf("nodes differ after eviction: digests %v", digests)
	}
	evicted := []int64{}
	for _, ro := range ros {
		evicted = append(evicted, infoField(t, ro, "stats", "evicted_keys"))
	}
	if evicted[0] == 0 || evicted[0] != evicted[1] || evicted[1] != evicted[2] {
		t.Fatalf("evicted_keys per node: %v", evicted)
	}
	keys := strings.Split(keyLists[0], ",")
	hot := 0
	for _, k := range keys {
		if strings.HasPrefix(k, "hot:") {
			hot++
		}
	}
	t.Logf("%d keys written, %d kept (%d of 50 hot), evicted_keys %d on every node, peak used_memory_dataset %d (limit %d)",
		50+100*batches, len(keys), hot, evicted[0], peak, limit)
	// The LRU clock has Redis's 1 s resolution, so keys touched in the
	// same second tie and go by sampling order: LRU shows as hot keys
	// surviving far more often than cold ones, not as all of them.
	hotKept, coldKept := float64(hot)/50, float64(len(keys)-hot)/(100*batches)
	if hotKept < 1.5*coldKept {
		t.Errorf("LRU kept %.0f%% of the keys read all along, %.0f%% of the others", 100*hotKept, 100*coldKept)
	}
}
