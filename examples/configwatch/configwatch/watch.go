package configwatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Watcher follows configs through one node's keyspace notifications and
// calls a function with every newer version it reads.
//
// Notifications are hints, never data: after each event on cfg:<name>,
// and after each (re)subscription for every watched config, the watcher
// reads the config again. Events published while it is disconnected are
// lost (pub/sub keeps nothing), but the read that follows the new
// subscription's confirmation sees every change made before it, and every
// change after it produces an event. So once writes stop, the watcher
// ends at the latest version.
//
// The node may be any node of a quoris cluster, a follower included:
// every node publishes the events of every write it applies. Reads go
// through the same client (a follower proxies them to the leader).
type Watcher struct {
	rdb   *redis.Client
	store *Store
	names []string // none: every config (PSUBSCRIBE and SCAN)
	fn    func(Config)
	db    int

	// Health is how long the subscription may stay silent before the
	// watcher pings it; a second silent Health ends the session.
	Health time.Duration
	// Log receives reconnections and read failures (default: discard).
	Log *slog.Logger

	mu      sync.Mutex
	last    map[string]int64 // delivered version per config
	dirty   map[string]bool
	scanAll bool // read every config (SCAN) at the next pass
	wake    chan struct{}

	events, subscriptions, reads, readErrors atomic.Int64
}

// WatchStats counts what a watcher did.
type WatchStats struct {
	Events        int64 // keyspace notifications received
	Subscriptions int64 // confirmed (re)subscriptions
	Reads         int64 // successful config reads
	ReadErrors    int64 // failed reads (retried)
}

// NewWatcher returns a watcher for names (none: every config) that calls
// fn, from one goroutine, with each version of a config it reads that is
// not the last it delivered for that config: a newer one, Config{Version:
// 0} when the config was deleted, a lower one if it was created again.
// rdb is a client of the node to follow; keyspace notifications must be
// on (EnableNotifications).
func NewWatcher(rdb *redis.Client, names []string, fn func(Config)) *Watcher {
	return &Watcher{
		rdb:    rdb,
		store:  New(rdb),
		names:  names,
		fn:     fn,
		db:     rdb.Options().DB,
		Health: 2 * time.Second,
		Log:    slog.New(slog.DiscardHandler),
		last:   map[string]int64{},
		dirty:  map[string]bool{},
		wake:   make(chan struct{}, 1),
	}
}

// Latest returns the last version delivered for name (0 if none).
func (w *Watcher) Latest(name string) int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last[name]
}

// Stats returns the watcher's counters.
func (w *Watcher) Stats() WatchStats {
	return WatchStats{w.events.Load(), w.subscriptions.Load(), w.reads.Load(), w.readErrors.Load()}
}

// EnableNotifications adds the classes the watcher needs (K: keyspace
// channel; h: hash commands; g: DEL, RENAME, EXPIRE ...) to the server's
// notify-keyspace-events, keeping the classes already on. On quoris the
// setting is replicated to every node.
func EnableNotifications(ctx context.Context, rdb redis.Cmdable) error {
	cur, err := rdb.ConfigGet(ctx, "notify-keyspace-events").Result()
	if err != nil {
		return err
	}
	flags := cur["notify-keyspace-events"]
	want := flags
	need := "Kgh"
	if strings.Contains(flags, "A") {
		need = "K" // A already covers g and h
	}
	for _, c := range need {
		if !strings.ContainsRune(want, c) {
			want += string(c)
		}
	}
	if want == flags {
		return nil
	}
	return rdb.ConfigSet(ctx, "notify-keyspace-events", want).Err()
}

// Run follows the configs until ctx ends, reconnecting after every
// failure, and returns ctx's error.
func (w *Watcher) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.readLoop(ctx)
	}()
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		confirmed, err := w.session(ctx)
		if ctx.Err() != nil {
			break
		}
		if confirmed {
			backoff = 50 * time.Millisecond
		}
		w.Log.Info("configwatch: subscription ended; reconnecting", "addr", w.rdb.Options().Addr, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
	cancel()
	wg.Wait()
	return ctx.Err()
}

func (w *Watcher) channelPrefix() string {
	return fmt.Sprintf("__keyspace@%d__:", w.db)
}

// session subscribes once and follows events until the connection fails.
// It reports whether the subscription was confirmed.
func (w *Watcher) session(ctx context.Context) (bool, error) {
	ps := w.rdb.Subscribe(ctx) // no channels yet: the connection is made below
	defer ps.Close()
	stop := context.AfterFunc(ctx, func() { ps.Close() })
	defer stop()
	var err error
	want := len(w.names)
	if want == 0 {
		want = 1
		err = ps.PSubscribe(ctx, w.channelPrefix()+KeyPrefix+"*")
	} else {
		chans := make([]string, len(w.names))
		for i, n := range w.names {
			chans[i] = w.channelPrefix() + Key(n)
		}
		err = ps.Subscribe(ctx, chans...)
	}
	if err != nil {
		return false, err
	}
	for confirmed := 0; confirmed < want; {
		msg, err := ps.ReceiveTimeout(ctx, w.Health)
		if err != nil {
			return false, err
		}
		if _, ok := msg.(*redis.Subscription); ok {
			confirmed++
		}
	}
	// From here on every change produces an event on this connection;
	// everything before it is read now.
	w.subscriptions.Add(1)
	w.markAll()
	pinged, again := false, 0
	for {
		msg, err := ps.ReceiveTimeout(ctx, w.Health)
		if err != nil {
			var nerr net.Error
			if errors.As(err, &nerr) && nerr.Timeout() && !pinged {
				// Silent for Health: a ping's reply must come back
				// within the next Health, or the link is dead.
				if err := ps.Ping(ctx); err != nil {
					return true, err
				}
				pinged = true
				continue
			}
			return true, err
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Message:
			name, ok := strings.CutPrefix(m.Channel, w.channelPrefix()+KeyPrefix)
			if !ok {
				continue
			}
			w.events.Add(1)
			w.mark(name)
		case *redis.Subscription:
			// go-redis reconnects a broken subscription by itself
			// (inside Receive or Ping) and resubscribes: the new
			// connection's confirmations come first, and whatever changed
			// while it was down must be read again after them.
			if m.Kind == "subscribe" || m.Kind == "psubscribe" {
				if again++; again == want {
					again = 0
					w.subscriptions.Add(1)
				}
				w.markAll()
			}
		}
	}
}

func (w *Watcher) markAll() {
	w.mu.Lock()
	if len(w.names) == 0 {
		w.scanAll = true
	}
	for _, n := range w.names {
		w.dirty[n] = true
	}
	w.mu.Unlock()
	w.signal()
}

func (w *Watcher) mark(name string) {
	w.mu.Lock()
	w.dirty[name] = true
	w.mu.Unlock()
	w.signal()
}

func (w *Watcher) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// readLoop reads every config marked dirty, coalescing events that come
// faster than reads. A mark made during a read causes another read, so
// the last read of a config always starts after its last event.
func (w *Watcher) readLoop(ctx context.Context) {
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	backoff := 20 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-retry.C:
		}
		w.mu.Lock()
		dirty, scan := w.dirty, w.scanAll
		w.dirty, w.scanAll = map[string]bool{}, false
		w.mu.Unlock()
		failed := false
		if scan {
			names, err := w.scanNames(ctx)
			if err != nil {
				failed = true
				w.readErrors.Add(1)
				w.Log.Info("configwatch: listing configs failed; retrying", "err", err)
				w.mu.Lock()
				w.scanAll = true
				w.mu.Unlock()
			}
			for _, n := range names {
				dirty[n] = true
			}
		}
		for name := range dirty {
			if ctx.Err() != nil {
				return
			}
			if err := w.read(ctx, name); err != nil {
				failed = true
				w.readErrors.Add(1)
				w.Log.Info("configwatch: read failed; retrying", "config", name, "err", err)
				w.mark(name)
			}
		}
		if failed {
			retry.Reset(backoff)
			backoff = min(2*backoff, 500*time.Millisecond)
			// The wake signal the failed marks left would retry at once.
			select {
			case <-w.wake:
			default:
			}
		} else {
			backoff = 20 * time.Millisecond
		}
	}
}

// read reads one config and delivers it if it is newer than the last
// delivered version (or deleted since).
func (w *Watcher) read(ctx context.Context, name string) error {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cfg, err := w.store.Get(rctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	w.reads.Add(1)
	w.mu.Lock()
	// Linearizable reads one after another never see a version go back,
	// so any other version than the last is news: a newer one, a deletion
	// (0), or the config deleted and created again (lower).
	prev, had := w.last[name]
	deliver := cfg.Version != prev && (had || cfg.Version > 0)
	if cfg.Version == 0 {
		delete(w.last, name)
	} else if deliver {
		w.last[name] = cfg.Version
	}
	w.mu.Unlock()
	if deliver {
		w.fn(cfg)
	}
	return nil
}

func (w *Watcher) scanNames(ctx context.Context) ([]string, error) {
	var names []string
	iter := w.rdb.ScanType(ctx, 0, KeyPrefix+"*", 500, "hash").Iterator()
	for iter.Next(ctx) {
		names = append(names, strings.TrimPrefix(iter.Val(), KeyPrefix))
	}
	return names, iter.Err()
}
