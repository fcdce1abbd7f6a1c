package configwatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder collects what a watcher delivers.
type recorder struct {
	mu  sync.Mutex
	got []Config
}

func (r *recorder) add(c Config) {
	r.mu.Lock()
	r.got = append(r.got, c)
	r.mu.Unlock()
}

func (r *recorder) versions(name string) []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int64
	for _, c := range r.got {
		if c.Name == name {
			out = append(out, c.Version)
		}
	}
	return out
}

func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !f(); {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWatcher: against a real redis-server, a watcher of named configs and
// one of every config see creations, changes and a deletion; after their
// pub/sub connections are killed and changes are made while they
// reconnect, both end at the latest version, and versions they deliver
// only go up (until the deletion).
func TestWatcher(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rdb := redisClient(t)
	if err := EnableNotifications(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	got := rdb.ConfigGet(ctx, "notify-keyspace-events").Val()["notify-keyspace-events"]
	for _, c := range "Kgh" { // Redis prints the classes in its own order
		if !strings.ContainsRune(got, c) {
			t.Fatalf("notify-keyspace-events %q lacks %c", got, c)
		}
	}
	s := New(rdb)
	if _, err := s.Update(ctx, "a", 0, map[string]string{"x": "0"}); err != nil {
		t.Fatal(err)
	}
	var named, all recorder
	wn := NewWatcher(rdb, []string{"a", "b"}, named.add)
	wa := NewWatcher(rdb, []string{}, all.add) // empty as nil: every config
	wn.Health, wa.Health = 200*time.Millisecond, 200*time.Millisecond
	var wg sync.WaitGroup
	for _, w := range []*Watcher{wn, wa} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = w.Run(ctx) }()
	}
	// The version that existed before the watchers started is delivered
	// by the read after subscribing.
	waitFor(t, "initial read", func() bool { return wn.Latest("a") == 1 && wa.Latest("a") == 1 })
	for v := int64(1); v <= 5; v++ {
		if _, err := s.Update(ctx, "a", v, map[string]string{"x": fmt.Sprint(v)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Update(ctx, "b", 0, map[string]string{"y": "1"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "changes", func() bool {
		return wn.Latest("a") == 6 && wa.Latest("a") == 6 && wn.Latest("b") == 1 && wa.Latest("b") == 1
	})
	if st := wn.Stats(); st.Events == 0 || st.Subscriptions != 1 {
		t.Fatalf("named watcher stats %+v", st)
	}

	// Kill the watchers' subscriptions and change things before they can
	// come back: the events are lost, the re-read after resubscribing
	// finds the changes.
	for range 3 {
		if err := rdb.ClientKillByFilter(ctx, "TYPE", "pubsub").Err(); err != nil {
			t.Fatal(err)
		}
		cur := wn.Latest("a")
		if _, err := s.Update(ctx, "a", cur, map[string]string{"x": "k"}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "catch-up after a killed subscription", func() bool {
			return wn.Latest("a") == cur+1 && wa.Latest("a") == cur+1
		})
	}
	if st := wn.Stats(); st.Subscriptions < 4 {
		t.Fatalf("named watcher resubscribed %d times, want 4: %+v", st.Subscriptions, st)
	}
	// A deletion is delivered as version 0; a config outside the named
	// set is seen only by the watcher of every config.
	rdb.Del(ctx, Key("b"))
	if _, err := s.Update(ctx, "c", 0, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "deletion", func() bool {
		return slices.Contains(named.versions("b"), 0) && slices.Contains(all.versions("b"), 0) && wa.Latest("c") == 1
	})
	if v := named.versions("c"); len(v) != 0 {
		t.Fatalf("named watcher delivered c: %v", v)
	}
	cancel()
	wg.Wait()
	for _, r := range []*recorder{&named, &all} {
		vs := r.versions("a")
		strictly := slices.IsSorted(vs) && len(slices.Compact(slices.Clone(vs))) == len(vs)
		if !strictly || vs[0] != 1 || vs[len(vs)-1] != 9 {
			t.Fatalf("versions of a delivered: %v, want strictly increasing from 1 to 9", vs)
		}
	}
	if last := named.got[len(named.got)-1]; last.Name != "b" || last.Version != 0 || len(last.Values) != 0 {
		t.Fatalf("last delivery %+v, want b deleted", last)
	}
}
