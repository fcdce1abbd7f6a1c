package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/quoris/quoris/examples/configwatch/configwatch"
)

// cwRun records what the configwatch writers were told.
type cwRun struct {
	mu        sync.Mutex
	acked     map[int64]configwatch.Update // by version
	values    map[int64]map[string]string
	dup       []string
	conflicts int
	replayed  int // acknowledged after a retry found the lost attempt applied
	retried   int // acknowledged after more than one attempt
	failures  []string
}

func (r *cwRun) successes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.acked)
}

// waitSuccesses waits until n more updates than now are acknowledged.
func (r *cwRun) waitSuccesses(t *testing.T, n int, timeout time.Duration, what string) {
	t.Helper()
	want := r.successes() + n
	deadline := time.Now().Add(timeout)
	for r.successes() < want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d of %d acknowledged updates within %v", what, r.successes(), want, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writer changes config name by compare-and-set until stop closes:
// read the version, write the next values, re-read on a conflict.
func (r *cwRun) writer(ctx context.Context, id int, store *configwatch.Store, name string, stop <-chan struct{}) {
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		cur, err := store.Get(rctx, name)
		cancel()
		if err != nil && !errors.Is(err, configwatch.ErrNotFound) {
			time.Sleep(50 * time.Millisecond) // leader change: read again
			continue
		}
		values := map[string]string{"writer": strconv.Itoa(id), "n": strconv.Itoa(n), "after": strconv.FormatInt(cur.Version, 10)}
		uctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		u, err := store.Update(uctx, name, cur.Version, values)
		cancel()
		r.mu.Lock()
		switch {
		case err == nil:
			if prev, dup := r.acked[u.Version]; dup {
				r.dup = append(r.dup, fmt.Sprintf("version %d acknowledged to changes %s and %s", u.Version, prev.ID, u.ID))
			}
			r.acked[u.Version] = u
			r.values[u.Version] = values
			if u.Replayed {
				r.replayed++
			}
			if u.Attempts > 1 {
				r.retried++
			}
		case errors.Is(err, configwatch.ErrConflict):
			r.conflicts++
		default:
			r.failures = append(r.failures, fmt.Sprintf("writer %d: %v", id, err))
		}
		r.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
}

// TestConfigWatchFailover: examples/configwatch on a 3-node cluster. A
// watcher follows a config through a follower's keyspace notifications
// while two writers change it by compare-and-set (through the other
// follower and through the watcher's node, two each). The leader is
// killed, later restarted; then the watcher's own node is killed, the last
// updates are made while it is down, and it is restarted. Every
// update gets a definite answer (none unknown), each version is
// acknowledged to exactly one update, the final version is the number of
// acknowledged updates, the history holds the acknowledged changes, and
// the watcher, whose events during its node's downtime were lost, ends at
// the latest version with the latest values, never going backwards.
func TestConfigWatchFailover(t *testing.T) {
	ctx := deadlineCtx(t, 90*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "eval", "psubscribe", "xadd", "xrevrange", "hset")
	leader := c.Leader()
	wnode := leader%3 + 1 // the watcher's follower
	other := wnode%3 + 1
	if err := configwatch.EnableNotifications(ctx, c.Client(leader)); err != nil {
		t.Fatal(err)
	}
	const name = "service"
	const histLen = 50

	var seenMu sync.Mutex
	var seen []configwatch.Config
	// The watcher reaches its node through a proxy the test can cut: its
	// connections drop while the node runs on and publishes to no one.
	proxy := newCutProxy(t, c.Node(wnode).Addr)
	w := configwatch.NewWatcher(c.clientFor(proxy.Addr()), []string{name}, func(cfg configwatch.Config) {
		seenMu.Lock()
		seen = append(seen, cfg)
		seenMu.Unlock()
	})
	w.Health = 500 * time.Millisecond
	wctx, wcancel := context.WithCancel(ctx)
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		_ = w.Run(wctx)
	}()
	defer func() { wcancel(); <-watchDone }()

	// A second watcher follows every config (PSUBSCRIBE cfg:*, SCAN after
	// each subscription) from the other follower, directly.
	wall := configwatch.NewWatcher(c.Client(other), nil, func(configwatch.Config) {})
	wallDone := make(chan struct{})
	go func() {
		defer close(wallDone)
		_ = wall.Run(wctx)
	}()
	defer func() { wcancel(); <-wallDone }()

	run := &cwRun{acked: map[int64]configwatch.Update{}, values: map[int64]map[string]string{}}
	// startWriters starts one writer per node given and returns the
	// function that stops them and waits until they are done (each with
	// its last update answered).
	nextID := 0
	startWriters := func(nodes ...int) func() {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for _, node := range nodes {
			store := configwatch.New(c.Client(node))
			store.HistoryLen = histLen
			wg.Add(1)
			go func(id int) {
				defer wg.Done()
				run.writer(ctx, id, store, name, stop)
			}(nextID)
			nextID++
		}
		return sync.OnceFunc(func() { close(stop); wg.Wait() })
	}
	latest := func() int64 {
		cfg, err := configwatch.New(c.Client(other)).Get(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return cfg.Version
	}

	stop := startWriters(other, wnode, other, wnode)
	defer stop()
	run.waitSuccesses(t, 20, 15*time.Second, "before the leader kill")
	c.Kill(leader)
	t.Logf("killed leader node%d at %d acknowledged updates", leader, run.successes())
	run.waitSuccesses(t, 20, 15*time.Second, "after the leader kill")
	c.Restart(leader)
	run.waitSuccesses(t, 20, 15*time.Second, "after the old leader's restart")
	stop()

	// waitCaughtUp waits until the watcher is at the latest version.
	waitCaughtUp := func(what string) int64 {
		t.Helper()
		v := latest()
		eventually(t, 10*time.Second, what, func() error {
			if got := w.Latest(name); got != v {
				return fmt.Errorf("watcher at version %d, latest %d", got, v)
			}
			return nil
		})
		return v
	}
	// Cut the watcher's connection while it is caught up, with nothing
	// left to read, and update while it is cut: those events are lost to
	// it for certain; only its read after resubscribing finds them.
	before := waitCaughtUp("watcher caught up before the cut")
	proxy.Cut()
	stop = startWriters(other, other)
	run.waitSuccesses(t, 10, 15*time.Second, "while the watcher is cut off")
	stop()
	time.Sleep(200 * time.Millisecond)
	if v := w.Latest(name); v != before {
		t.Fatalf("watcher moved from %d to %d while cut off", before, v)
	}
	subs := w.Stats().Subscriptions
	proxy.Heal()
	waitCaughtUp("watcher caught up after the cut")
	if got := w.Stats().Subscriptions; got <= subs {
		t.Fatalf("watcher caught up without resubscribing (%d subscriptions)", got)
	}

	// Kill the watcher's node, update while it is down, restart it.
	c.Kill(wnode)
	t.Logf("killed the watcher's node%d at %d acknowledged updates", wnode, run.successes())
	stop = startWriters(other, other)
	defer stop()
	run.waitSuccesses(t, 10, 15*time.Second, "while the watcher's node is down")
	stop()
	c.Restart(wnode)

	final, err := configwatch.New(c.Client(other)).Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	run.mu.Lock()
	defer run.mu.Unlock()
	t.Logf("final version %d; %d acknowledged updates (%d after retries, %d of them found applied by a retry), %d conflicts",
		final.Version, len(run.acked), run.retried, run.replayed, run.conflicts)
	for _, f := range run.failures {
		t.Errorf("update without a definite answer: %s", f)
	}
	for _, d := range run.dup {
		t.Error(d)
	}
	if final.Version != int64(len(run.acked)) {
		t.Errorf("final version %d, but %d updates were acknowledged", final.Version, len(run.acked))
	}
	for v := int64(1); v <= final.Version; v++ {
		if _, ok := run.acked[v]; !ok {
			t.Errorf("version %d was never acknowledged", v)
		}
	}
	if !maps.Equal(final.Values, run.values[final.Version]) {
		t.Errorf("final values %v, acknowledged %v", final.Values, run.values[final.Version])
	}

	// The history's newest entries are the acknowledged changes.
	hist, err := configwatch.New(c.Client(other)).History(ctx, name, histLen)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != histLen && int64(len(hist)) != final.Version {
		t.Errorf("history returned %d entries for %d versions", len(hist), final.Version)
	}
	for i, h := range hist {
		want := final.Version - int64(i)
		if h.Version != want || h.ID != run.acked[want].ID || !maps.Equal(h.Values, run.values[want]) {
			t.Errorf("history entry %d: %+v, want version %d id %s %v", i, h, want, run.acked[want].ID, run.values[want])
		}
	}
	if n, err := c.Client(other).XLen(ctx, configwatch.HistoryKey(name)).Result(); err != nil || n < histLen || n > histLen+100 {
		t.Errorf("history length %d (%v), want about %d", n, err, histLen)
	}

	// The watcher catches up with the last acknowledged version.
	eventually(t, 10*time.Second, "watcher at the final version", func() error {
		if v := w.Latest(name); v != final.Version {
			return fmt.Errorf("watcher at version %d, final %d", v, final.Version)
		}
		return nil
	})
	eventually(t, 10*time.Second, "the watcher of every config at the final version", func() error {
		if v := wall.Latest(name); v != final.Version {
			return fmt.Errorf("at version %d, final %d", v, final.Version)
		}
		return nil
	})
	seenMu.Lock()
	defer seenMu.Unlock()
	last := seen[len(seen)-1]
	if !maps.Equal(last.Values, final.Values) {
		t.Errorf("watcher's last values %v, final %v", last.Values, final.Values)
	}
	versions := make([]int64, len(seen))
	for i, s := range seen {
		versions[i] = s.Version
	}
	if !slices.IsSorted(versions) || len(slices.Compact(slices.Clone(versions))) != len(versions) {
		t.Errorf("watcher's versions not strictly increasing: %v", versions)
	}
	st := w.Stats()
	t.Logf("watcher delivered %d versions; %+v", len(seen), st)
	if st.Subscriptions < 3 || st.Events == 0 {
		t.Errorf("watcher stats %+v: want resubscriptions after the cut and the restart, and some events", st)
	}
}

// cutProxy relays TCP connections to a target until Cut closes them all
// and refuses new ones (accepting and closing them at once); Heal ends
// the cut.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go p.serve()
	return p
}

func (p *cutProxy) Addr() string { return p.ln.Addr().String() }

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.DialTimeout("tcp", p.target, 2*time.Second)
		p.mu.Lock()
		if err != nil || p.cut {
			p.mu.Unlock()
			c.Close()
			if up != nil {
				up.Close()
			}
			continue
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		relay := func(dst, src net.Conn) {
			_, _ = io.Copy(dst, src)
			dst.Close()
			src.Close()
		}
		go relay(up, c)
		go relay(c, up)
	}
}

// Cut closes every relayed connection, both sides, and refuses new ones.
func (p *cutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Heal accepts connections again.
func (p *cutProxy) Heal() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}
