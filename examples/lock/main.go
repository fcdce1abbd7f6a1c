// Command lock shows the lock client of package lock against a quoris
// node: several workers contend for one lock, each writes to a storage
// service with its fencing token while it holds the lock, and the storage
// refuses a writer whose token is older than one it has seen.
//
//	go run ./examples/lock -addr 127.0.0.1:6379
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/examples/lock/lock"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "a quoris node (any node: followers proxy to the leader)")
	workers := flag.Int("workers", 4, "contending workers")
	rounds := flag.Int("rounds", 3, "lock acquisitions per worker")
	ttl := flag.Duration("ttl", 2*time.Second, "lease TTL")
	flag.Parse()

	rdb := redis.NewClient(&redis.Options{Addr: *addr, MaxRetries: -1})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		log.Fatalf("cannot reach %s: %v", *addr, err)
	}
	locks := lock.New(rdb)
	var store lock.Storage
	var wg sync.WaitGroup
	for w := range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("worker%d", w)
			for done := 0; done < *rounds; {
				l, out, err := locks.Acquire(ctx, "example:lock", *ttl)
				if err != nil {
					if !errors.Is(err, lock.ErrHeld) {
						log.Printf("%s: acquire: %v (%s)", name, err, out)
					}
					time.Sleep(20 * time.Millisecond)
					continue
				}
				log.Printf("%s: holds the lock, token %d (%s)", name, l.Token, out)
				if err := store.Put(l.Token, name, "work"); err != nil {
					log.Printf("%s: storage refused: %v", name, err)
				}
				if err := locks.Renew(ctx, l, *ttl); err != nil {
					log.Printf("%s: renew: %v", name, err)
				}
				time.Sleep(10 * time.Millisecond)
				if err := locks.Release(ctx, l); err != nil {
					log.Printf("%s: release: %v", name, err)
				}
				done++
			}
		}()
	}
	wg.Wait()
	// A holder paused past its lease comes back with an old token: refused.
	writes, _ := store.Accepted()
	if len(writes) > 0 {
		if err := store.Put(writes[0].Token, "late-holder", "stale"); err != nil {
			log.Printf("late writer with token %d: %v", writes[0].Token, err)
		}
	}
	for _, w := range writes {
		fmt.Printf("token %d  %s\n", w.Token, w.Holder)
	}
}
