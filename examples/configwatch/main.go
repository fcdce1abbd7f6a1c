// Command configwatch shows package configwatch against a quoris cluster
// (or a Redis server): a watcher follows a config from one node while two
// writers change it through another with compare-and-set, retrying on
// conflicts; at the end it prints the config's history.
//
//	go run ./examples/configwatch -addr 127.0.0.1:6379 -watch 127.0.0.1:6380
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/examples/configwatch/configwatch"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "the node the writers use (any node: followers proxy to the leader)")
	watch := flag.String("watch", "", "the node the watcher subscribes to (default: -addr)")
	name := flag.String("name", "example", "config name (key cfg:<name>)")
	updates := flag.Int("updates", 10, "successful updates per writer")
	interval := flag.Duration("interval", 100*time.Millisecond, "pause between a writer's updates")
	flag.Parse()
	if *watch == "" {
		*watch = *addr
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	wdb := client(*addr)
	defer wdb.Close()
	if err := wdb.Ping(ctx).Err(); err != nil {
		log.Fatalf("cannot reach %s: %v", *addr, err)
	}
	if err := configwatch.EnableNotifications(ctx, wdb); err != nil {
		log.Fatalf("notify-keyspace-events: %v", err)
	}
	store := configwatch.New(wdb)
	store.HistoryLen = 100

	sdb := client(*watch)
	defer sdb.Close()
	w := configwatch.NewWatcher(sdb, []string{*name}, func(c configwatch.Config) {
		fmt.Printf("watcher@%s: %s version %d %v\n", *watch, c.Name, c.Version, c.Values)
	})
	w.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		_ = w.Run(ctx)
	}()

	var wg sync.WaitGroup
	var final int64
	var mu sync.Mutex
	for id := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writer := fmt.Sprintf("writer%d", id)
			for done := 0; done < *updates; {
				cur, err := store.Get(ctx, *name)
				if err != nil && !errors.Is(err, configwatch.ErrNotFound) {
					log.Printf("%s: get: %v", writer, err)
					time.Sleep(200 * time.Millisecond)
					continue
				}
				next := map[string]string{"owner": writer, "replicas": strconv.Itoa(1 + int(cur.Version)%5)}
				u, err := store.Update(ctx, *name, cur.Version, next)
				var conflict *configwatch.ConflictError
				switch {
				case errors.As(err, &conflict):
					log.Printf("%s: conflict (expected %d, now %d); re-reading", writer, conflict.Expected, conflict.Current)
					continue
				case err != nil:
					log.Printf("%s: update: %v", writer, err)
					time.Sleep(200 * time.Millisecond)
					continue
				}
				done++
				mu.Lock()
				final = max(final, u.Version)
				mu.Unlock()
				time.Sleep(*interval)
			}
		}()
	}
	wg.Wait()
	// Let the watcher catch up with the last version, then stop it.
	for deadline := time.Now().Add(5 * time.Second); w.Latest(*name) < final && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-watchDone
	fmt.Printf("last version written %d, last seen by the watcher %d (%+v)\n", final, w.Latest(*name), w.Stats())

	hist, err := store.History(context.Background(), *name, 5)
	if err != nil {
		log.Fatalf("history: %v", err)
	}
	for _, c := range hist {
		fmt.Printf("history: version %d at %s id %s %v\n", c.Version, c.At.Format(time.RFC3339Nano), c.ID, c.Values)
	}
}

// client returns a go-redis client that never re-sends a command on its
// own: the store retries each update itself, safely.
func client(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 2 * time.Second})
}
