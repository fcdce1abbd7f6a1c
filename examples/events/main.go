// Command events shows event sourcing on a quoris stream with package
// events: producers append order events, a consumer group of workers
// handles and acknowledges them, one worker crashes mid-run, and the
// others reclaim what it had read but not acknowledged.
//
//	go run ./examples/events -addr 127.0.0.1:6379
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/examples/events/events"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "a quoris node (any node: followers proxy to the leader)")
	orders := flag.Int("orders", 200, "order events to publish")
	workers := flag.Int("workers", 3, "workers in the consumer group")
	minIdle := flag.Duration("min-idle", time.Second, "how long an entry is pending before another worker reclaims it")
	flag.Parse()

	rdb := redis.NewClient(&redis.Options{Addr: *addr, MaxRetries: -1})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		log.Fatalf("cannot reach %s: %v", *addr, err)
	}
	const stream, group = "orders", "billing"
	if err := events.EnsureGroup(ctx, rdb, stream, group); err != nil {
		log.Fatalf("XGROUP CREATE: %v", err)
	}

	var mu sync.Mutex
	published := map[string]bool{}
	handled := map[string]int{}
	acked := map[string]int{}
	for i := range *orders {
		id, out, err := events.Publish(ctx, rdb, stream, map[string]any{"order": i, "amount": 10 + i%7})
		if err != nil {
			log.Printf("order %d: %v (%s)", i, err, out) // unknown: may be in the stream anyway
			continue
		}
		published[id] = true
	}

	wctx, stopAll := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for w := range *workers {
		ctx, crash := context.WithCancel(wctx)
		worker := &events.Worker{RDB: rdb, Stream: stream, Group: group, Consumer: fmt.Sprintf("worker%d", w),
			MinIdle: *minIdle, Block: 200 * time.Millisecond, Count: 5,
			OnAck: func(a events.Ack) {
				if a.Acked {
					mu.Lock()
					acked[a.ID]++
					mu.Unlock()
				}
			},
			OnError: func(op string, err error) { log.Printf("worker%d %s: %v", w, op, err) },
		}
		seen := 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = worker.Run(ctx, func(ctx context.Context, m redis.XMessage) error {
				seen++
				if w == 0 && seen == 10 {
					log.Printf("worker0 crashes holding %s unacknowledged", m.ID)
					crash()
					return ctx.Err()
				}
				mu.Lock()
				handled[m.ID]++
				mu.Unlock()
				return nil
			})
		}()
	}
	// Wait until every published order is acknowledged and nothing is
	// pending: the crashed worker's entries come back after min-idle.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		n, err := events.Pending(ctx, rdb, stream, group)
		mu.Lock()
		done := len(acked) >= len(published)
		mu.Unlock()
		if err == nil && n == 0 && done {
			break
		}
	}
	stopAll()
	wg.Wait()
	twice := 0
	for _, n := range handled {
		if n > 1 {
			twice++
		}
	}
	n, _ := events.Pending(ctx, rdb, stream, group)
	fmt.Printf("published %d, handled %d (%d more than once), acknowledged %d, pending %d\n",
		len(published), len(handled), twice, len(acked), n)
}
