package integration

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestTTLExpiresEverywhere: a key set with PX 1500 is visible on every
// node (READONLY, local state) before its deadline and gone on every node
// after it, at the same moment give or take polling (the deadline is part
// of the replicated write; every node compares it with its clock, and all
// nodes here share one clock). EXISTS/TTL/PTTL agree.
func TestTTLExpiresEverywhere(t *testing.T) {
	ctx := deadlineCtx(t, 30*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "set", "get", "exists", "ttl", "pttl", "dbsize")
	leader := c.Leader()
	follower := leader%3 + 1
	ros := []*redis.Client{c.ReadOnlyClient(1), c.ReadOnlyClient(2), c.ReadOnlyClient(3)}
	for _, ro := range ros { // open the connections before the clock starts
		if err := ro.Ping(ctx).Err(); err != nil {
			t.Fatal(err)
		}
	}

	const ttl = 1500 * time.Millisecond
	const key = "ttl:k"
	sent := time.Now()
	// Through a follower: the proxy path must carry the expiry too.
	if err := c.Client(follower).Set(ctx, key, "v", ttl).Err(); err != nil {
		t.Fatal(err)
	}
	acked := time.Now()
	// The deadline D satisfies sent+1500ms <= D <= acked+1500ms (to the ms).
	earliest := sent.Add(ttl - 2*time.Millisecond)
	latest := acked.Add(ttl + 2*time.Millisecond)
	if acked.Sub(sent) > 500*time.Millisecond {
		t.Fatalf("SET took %v; too slow to test expiry timing", acked.Sub(sent))
	}

	type obs struct {
		lastPresent time.Time // send time of the last read that saw the key
		goneAt      time.Time // receive time of the first read that did not
		err         error
	}
	res := make([]obs, 3)
	var wg sync.WaitGroup
	for i, ro := range ros {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := &res[i]
			seen := false
			for time.Since(sent) < 5*time.Second {
				t0 := time.Now()
				v, err := ro.Get(ctx, key).Result()
				t1 := time.Now()
				switch {
				case err == nil && v == "v":
					if !o.goneAt.IsZero() {
						o.err = fmt.Errorf("key reappeared at +%v after being gone at +%v", t0.Sub(sent), o.goneAt.Sub(sent))
						return
					}
					if !seen {
						seen = true
						// While present: EXISTS 1 and a TTL within bounds.
						n, err1 := ro.Exists(ctx, key).Result()
						pttl, err2 := ro.PTTL(ctx, key).Result()
						sec, err3 := ro.TTL(ctx, key).Result()
						if err := errors.Join(err1, err2, err3); err != nil {
							o.err = err
							return
						}
						if v2, _ := ro.Get(ctx, key).Result(); v2 == "v" { // still before the deadline
							if n != 1 || pttl <= 0 || pttl > ttl || sec <= 0 || sec > 2*time.Second {
								o.err = fmt.Errorf("while present: EXISTS=%d PTTL=%v TTL=%v", n, pttl, sec)
								return
							}
						}
					}
					o.lastPresent = t0
				case errors.Is(err, redis.Nil):
					if !seen {
						if t1.Before(earliest) {
							break // not applied here yet: followers learn commits a heartbeat later
						}
						o.err = fmt.Errorf("the key never became visible before its deadline")
						return
					}
					if o.goneAt.IsZero() {
						o.goneAt = t1
					}
					if t1.Sub(o.goneAt) > 300*time.Millisecond {
						return // stayed gone
					}
				default:
					o.err = fmt.Errorf("GET: %q, %v", v, err)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
			if o.goneAt.IsZero() {
				o.err = fmt.Errorf("key still present %v after SET", time.Since(sent))
			}
		}()
	}
	wg.Wait()
	var first, last time.Time
	for i, o := range res {
		if o.err != nil {
			t.Errorf("node%d: %v", i+1, o.err)
			continue
		}
		t.Logf("node%d: last seen at +%v, gone at +%v", i+1, o.lastPresent.Sub(sent), o.goneAt.Sub(sent))
		if o.goneAt.Before(earliest) {
			t.Errorf("node%d: gone at +%v, before the earliest possible deadline +%v", i+1, o.goneAt.Sub(sent), earliest.Sub(sent))
		}
		if o.lastPresent.After(latest) {
			t.Errorf("node%d: still present at +%v, after the latest possible deadline +%v", i+1, o.lastPresent.Sub(sent), latest.Sub(sent))
		}
		if first.IsZero() || o.goneAt.Before(first) {
			first = o.goneAt
		}
		if o.goneAt.After(last) {
			last = o.goneAt
		}
	}
	if spread := last.Sub(first); spread > 200*time.Millisecond {
		t.Errorf("nodes disagree: the key vanished over a %v window", spread)
	}
	if t.Failed() {
		return
	}
	// After expiry every node agrees: EXISTS 0, TTL -2, PTTL -2; and the
	// leader's active expiry removes it from every keyspace (DBSIZE 0).
	for i, ro := range ros {
		n, err1 := ro.Exists(ctx, key).Result()
		sec, err2 := ro.Do(ctx, "TTL", key).Int64()
		ms, err3 := ro.Do(ctx, "PTTL", key).Int64()
		if err := errors.Join(err1, err2, err3); err != nil || n != 0 || sec != -2 || ms != -2 {
			t.Errorf("node%d after expiry: EXISTS=%d TTL=%d PTTL=%d err=%v", i+1, n, sec, ms, err)
		}
		eventually(t, 3*time.Second, fmt.Sprintf("node%d DBSIZE 0 (active expiry replicated)", i+1), func() error {
			if n, err := ro.DBSize(ctx).Result(); err != nil || n != 0 {
				return fmt.Errorf("DBSIZE = %d, %v", n, err)
			}
			return nil
		})
	}
	if n, err := c.Client(leader).Exists(ctx, key).Result(); err != nil || n != 0 {
		t.Errorf("leader EXISTS after expiry = %d, %v", n, err)
	}
}
