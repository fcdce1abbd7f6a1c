package integration

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/go-redis/redis_rate/v10"
	"github.com/go-redsync/redsync/v4"
	"github.com/go-redsync/redsync/v4/redis/goredis/v9"
	"github.com/redis/go-redis/v9"
)

// The popular Go lock and rate-limit libraries, unmodified, against a
// 3-node cluster through its followers while the leader is killed. They
// run Lua scripts (EVAL/EVALSHA) for every step but acquisition, so these
// tests skip on a server without EVAL.

// needScripts skips t when the server has no EVAL.
func needScripts(t *testing.T, addr string) {
	t.Helper()
	for _, n := range []string{"eval", "evalsha", "script"} {
		ok, err := knownCommand(addr, n)
		if err != nil {
			t.Fatalf("probing %s: %v", n, err)
		}
		if !ok {
			t.Skipf("the server has no %s yet (scripting lands with issue #9's EVAL work)", strings.ToUpper(n))
		}
	}
}

// libOutcome classifies a library call's error: "ok"; "busy" (the lock is
// taken or gone, the library's own verdict); "not-applied" (quoris
// guarantees nothing happened); "uncertain" (it may have happened: a lease
// may exist that its taker does not act on, until it expires); or
// "unexpected", which fails the test.
func libOutcome(err error, busy ...error) string {
	if err == nil {
		return "ok"
	}
	for _, b := range busy {
		if errors.Is(err, b) {
			return "busy"
		}
	}
	var taken *redsync.ErrTaken
	if errors.As(err, &taken) {
		return "busy"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return "not-applied"
	}
	msg := err.Error()
	for _, p := range []string{"TRYAGAIN", "CLUSTERDOWN", "ERR server is shutting down", "connection refused"} {
		if strings.Contains(msg, p) {
			return "not-applied"
		}
	}
	for _, p := range []string{"UNCERTAIN", "EOF", "i/o timeout", "context deadline exceeded", "connection reset", "broken pipe", "use of closed"} {
		if strings.Contains(msg, p) {
			return "uncertain"
		}
	}
	return "unexpected"
}

// libLease is a held lock of some library.
type libLease interface {
	until() time.Time
	extend(ctx context.Context) error
	release(ctx context.Context) error
}

// libRun drives workers that take a lock with acquire, extend it once in
// two, and release it, through the followers, killing the leader once
// leases come and go; then checks that no two leases overlapped and every error was
// classified.
func libRun(t *testing.T, name string, acquire func(ctx context.Context, rdb *redis.Client) (libLease, error), busy ...error) {
	c := NewCluster(t)
	c.Start(3)
	needScripts(t, c.Node(1).Addr)
	old := c.Leader()
	var followers []int
	for i := 1; i <= 3; i++ {
		if i != old {
			followers = append(followers, i)
		}
	}
	var (
		mu        sync.Mutex
		holdings  []holding
		outcomes  = map[string]int{}
		unexpect  []string
		killedAt  time.Time
		afterKill int
	)
	note := func(step string, err error) {
		out := libOutcome(err, busy...)
		mu.Lock()
		outcomes[step+":"+out]++
		if out == "unexpected" {
			unexpect = append(unexpect, fmt.Sprintf("%s: %v", step, err))
		}
		mu.Unlock()
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		rdb := c.Client(followers[w%len(followers)])
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				l, err := acquire(ctx, rdb)
				note("acquire", err)
				if err != nil {
					cancel()
					time.Sleep(5 * time.Millisecond)
					continue
				}
				h := holding{worker: w, start: time.Now()}
				if i%2 == 0 {
					note("extend", l.extend(ctx))
				}
				time.Sleep(10 * time.Millisecond)
				h.end = l.until()
				if now := time.Now(); now.Before(h.end) {
					h.end = now
				}
				note("release", l.release(ctx))
				cancel()
				mu.Lock()
				holdings = append(holdings, h)
				if !killedAt.IsZero() && h.start.After(killedAt) {
					afterKill++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(time.Second)
	waitLeases(func() int { mu.Lock(); defer mu.Unlock(); return len(holdings) }, 10, 15*time.Second)
	mu.Lock()
	before := len(holdings)
	killedAt = time.Now()
	mu.Unlock()
	c.Kill(old)
	leader := c.LeaderWithin(10 * time.Second)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		mu.Lock()
		n := afterKill
		mu.Unlock()
		if n >= 20 {
			break
		}
	}
	close(stop)
	wg.Wait()

	keys := make([]string, 0, len(outcomes))
	for k := range outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var summary []string
	for _, k := range keys {
		summary = append(summary, fmt.Sprintf("%s=%d", k, outcomes[k]))
	}
	t.Logf("%s: killed leader node%d, node%d leads; %d leases before the kill, %d after; %s",
		name, old, leader, before, afterKill, strings.Join(summary, " "))
	for _, u := range unexpect {
		t.Errorf("unexpected error: %s", u)
	}
	if before < 5 || afterKill < 5 {
		t.Errorf("too few leases: %d before the kill, %d after", before, afterKill)
	}
	checkHoldings(t, holdings, killedAt, false)
}

const libTTL = 600 * time.Millisecond

type redsyncLease struct{ m *redsync.Mutex }

func (l redsyncLease) until() time.Time { return l.m.Until() }
func (l redsyncLease) extend(ctx context.Context) error {
	ok, err := l.m.ExtendContext(ctx)
	if err == nil && !ok {
		err = redsync.ErrExtendFailed
	}
	return err
}
func (l redsyncLease) release(ctx context.Context) error {
	ok, err := l.m.UnlockContext(ctx)
	if err == nil && !ok {
		err = redsync.ErrLockAlreadyExpired
	}
	return err
}

// TestRedsyncLeaderKill: redsync's Lock (SET NX), Extend and Unlock (Lua)
// with one pool, the way a single-instance deployment uses it.
func TestRedsyncLeaderKill(t *testing.T) {
	libRun(t, "redsync", func(ctx context.Context, rdb *redis.Client) (libLease, error) {
		m := redsync.New(goredis.NewPool(rdb)).NewMutex("rs:lock",
			redsync.WithExpiry(libTTL), redsync.WithTries(1))
		if err := m.TryLockContext(ctx); err != nil {
			return nil, err
		}
		return redsyncLease{m}, nil
	}, redsync.ErrFailed, redsync.ErrExtendFailed, redsync.ErrLockAlreadyExpired)
}

// redislockLease tracks validity itself: redislock leaves it to the caller.
type redislockLease struct {
	l     *redislock.Lock
	valid time.Time
}

func (l *redislockLease) until() time.Time { return l.valid }
func (l *redislockLease) extend(ctx context.Context) error {
	start := time.Now()
	err := l.l.Refresh(ctx, libTTL, nil)
	if err == nil {
		l.valid = start.Add(libTTL - 5*time.Millisecond)
	}
	return err
}
func (l *redislockLease) release(ctx context.Context) error { return l.l.Release(ctx) }

// TestRedislockLeaderKill: bsm/redislock's Obtain, Refresh and Release,
// all Lua scripts.
func TestRedislockLeaderKill(t *testing.T) {
	libRun(t, "redislock", func(ctx context.Context, rdb *redis.Client) (libLease, error) {
		start := time.Now()
		l, err := redislock.New(rdb).Obtain(ctx, "rl:lock", libTTL, &redislock.Options{RetryStrategy: redislock.NoRetry()})
		if err != nil {
			return nil, err
		}
		return &redislockLease{l: l, valid: start.Add(libTTL - 5*time.Millisecond)}, nil
	}, redislock.ErrNotObtained, redislock.ErrLockNotHeld)
}

// TestRedisRateLeaderKill: go-redis/redis_rate's GCRA script through the
// followers across a leader kill. No window admits more than the limit
// allows (burst plus rate times the window), judged by calls whose whole
// round trip fell in the window, and every error is classified.
func TestRedisRateLeaderKill(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	needScripts(t, c.Node(1).Addr)
	old := c.Leader()
	const rate = 20
	limit := redis_rate.PerSecond(rate)
	type call struct{ sent, replied time.Time }
	var (
		mu       sync.Mutex
		allowed  []call
		outcomes = map[string]int{}
		unexpect []string
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		target := old%3 + 1 + w%2
		if target > 3 {
			target -= 3
		}
		if target == old {
			target = old%3 + 1
		}
		limiter := redis_rate.NewLimiter(c.Client(target))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				sent := time.Now()
				res, err := limiter.Allow(ctx, "rate:key", limit)
				replied := time.Now()
				cancel()
				out := libOutcome(err)
				mu.Lock()
				switch {
				case err == nil && res.Allowed > 0:
					outcomes["allowed"]++
					allowed = append(allowed, call{sent, replied})
				case err == nil:
					outcomes["limited"]++
				default:
					outcomes[out]++
					if out == "unexpected" {
						unexpect = append(unexpect, err.Error())
					}
				}
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	time.Sleep(2 * time.Second)
	c.Kill(old)
	leader := c.LeaderWithin(10 * time.Second)
	time.Sleep(4 * time.Second)
	close(stop)
	wg.Wait()
	t.Logf("killed leader node%d, node%d leads; outcomes %v", old, leader, outcomes)
	for _, u := range unexpect {
		t.Errorf("unexpected error: %s", u)
	}
	if outcomes["allowed"] < rate || outcomes["limited"] == 0 {
		t.Errorf("the limiter did not both allow and limit: %v", outcomes)
	}
	sort.Slice(allowed, func(i, j int) bool { return allowed[i].sent.Before(allowed[j].sent) })
	for i, a := range allowed {
		end := a.sent.Add(time.Second)
		n := 0
		for _, b := range allowed[i:] {
			if !b.sent.Before(end) {
				break
			}
			if !b.replied.After(end) {
				n++
			}
		}
		if n > limit.Burst+limit.Rate+1 {
			t.Errorf("%d calls allowed within one second from %v (limit: burst %d + rate %d/s)", n, a.sent, limit.Burst, limit.Rate)
			break
		}
	}
}
