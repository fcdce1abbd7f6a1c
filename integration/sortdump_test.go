package integration

import (
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestSortDumpRestoreCluster: SORT without STORE is served from local
// state (even by a READONLY follower), SORT ... STORE and RESTORE go
// through the log, and every node then DUMPs the same bytes.
func TestSortDumpRestoreCluster(t *testing.T) {
	ctx := deadlineCtx(t, 45*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "sort", "sort_ro", "dump", "restore")
	leader := c.Leader()
	follower := leader%3 + 1
	w := c.Client(follower) // proxies writes to the leader
	if err := w.RPush(ctx, "l", "3", "1", "2").Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := w.Sort(ctx, "l", &redis.Sort{}).Result(); err != nil || fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("SORT l = %v, %v", got, err)
	}
	ro := c.ReadOnlyClient(follower)
	eventually(t, 5*time.Second, "READONLY SORT on a follower", func() error {
		got, err := ro.Do(ctx, "SORT", "l", "DESC").StringSlice()
		if err != nil || fmt.Sprint(got) != "[3 2 1]" {
			return fmt.Errorf("SORT l DESC = %v, %v", got, err)
		}
		return nil
	})
	// A STORE from a READONLY client is a write: it goes to the leader.
	if n, err := ro.Do(ctx, "SORT", "l", "STORE", "sorted").Int(); err != nil || n != 3 {
		t.Fatalf("SORT l STORE sorted = %d, %v", n, err)
	}
	payload, err := w.Dump(ctx, "sorted").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Restore(ctx, "copy", 10*time.Second, payload).Err(); err != nil {
		t.Fatalf("RESTORE: %v", err)
	}
	for i := 1; i <= 3; i++ {
		cl := c.ReadOnlyClient(i)
		eventually(t, 5*time.Second, fmt.Sprintf("node%d replicas", i), func() error {
			for _, k := range []string{"sorted", "copy"} {
				got, err := cl.Dump(ctx, k).Result()
				if err != nil || got != payload {
					return fmt.Errorf("DUMP %s = %q, %v; want %q", k, got, err, payload)
				}
			}
			if ttl, err := cl.PTTL(ctx, "copy").Result(); err != nil || ttl <= 0 || ttl > 10*time.Second {
				return fmt.Errorf("PTTL copy = %v, %v", ttl, err)
			}
			return nil
		})
	}
}
