package integration

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestStreamBlockingReads: XREADGROUP BLOCK and XREAD BLOCK wait on the
// leader and are served by a later XADD; a timeout answers nil; each
// blocked group read delivers an entry to exactly one consumer.
func TestStreamBlockingReads(t *testing.T) {
	ctx := deadlineCtx(t, time.Minute)
	c := NewCluster(t)
	c.Start(1)
	needCommands(t, c.Node(1).Addr, "xadd", "xreadgroup", "xread")
	cl := c.Client(1)
	if err := cl.XGroupCreateMkStream(ctx, "ev", "workers", "$").Err(); err != nil {
		t.Fatal(err)
	}
	type got struct {
		res []redis.XStream
		err error
	}
	results := make(chan got, 3)
	for _, name := range []string{"w1", "w2"} {
		go func() {
			res, err := c.Client(1).XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: name, Streams: []string{"ev", ">"}, Count: 1, Block: 5 * time.Second}).Result()
			results <- got{res, err}
		}()
	}
	go func() {
		res, err := c.Client(1).XRead(ctx, &redis.XReadArgs{Streams: []string{"ev", "0-0"}, Block: 5 * time.Second}).Result()
		results <- got{res, err}
	}()
	time.Sleep(300 * time.Millisecond)
	for _, id := range []string{"1-1", "1-2"} {
		if err := cl.XAdd(ctx, &redis.XAddArgs{Stream: "ev", ID: id, Values: []string{"k", id}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for i := 0; i < 3; i++ {
		select {
		case r := <-results:
			if r.err != nil || len(r.res) != 1 || len(r.res[0].Messages) == 0 {
				t.Fatalf("blocked read: %v %v", r.res, r.err)
			}
			for _, m := range r.res[0].Messages {
				seen[m.ID]++
			}
		case <-ctx.Done():
			t.Fatal("blocked reads not served")
		}
	}
	// XREAD saw 1-1 (at least); the two workers got one entry each.
	if seen["1-1"] < 1 || seen["1-2"] < 1 || seen["1-1"]+seen["1-2"] < 3 {
		t.Errorf("deliveries %v", seen)
	}
	pending, err := cl.XPending(ctx, "ev", "workers").Result()
	if err != nil || pending.Count != 2 || len(pending.Consumers) != 2 {
		t.Errorf("XPENDING %+v %v", pending, err)
	}
	start := time.Now()
	_, err = cl.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "w3", Streams: []string{"ev", ">"}, Block: 300 * time.Millisecond}).Result()
	if !errors.Is(err, redis.Nil) || time.Since(start) < 250*time.Millisecond {
		t.Errorf("timeout: %v after %v", err, time.Since(start))
	}
	_, err = cl.XRead(context.Background(), &redis.XReadArgs{Streams: []string{"ev", "$"}, Block: 100 * time.Millisecond}).Result()
	if err == nil || errors.Is(err, redis.Nil) {
		t.Errorf("XREAD BLOCK $: %v, want the documented error", err)
	}
}
