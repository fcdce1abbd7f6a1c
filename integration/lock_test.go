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

	"github.com/redis/go-redis/v9"
	"github.com/zeebo/xxh3"

	"github.com/quoris/quoris/examples/lock/lock"
)

// TestGoRedisCompareAndSet runs go-redis v9's Redis 8.4 helpers (SetIFEQ,
// SetIFNE, SetIFDEQ, SetIFDNE, their Get forms, DelExArgs, Digest) against
// quoris through a follower: the commands they send and the replies they
// parse.
func TestGoRedisCompareAndSet(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "delex", "digest", "keyversion")
	leader := c.Leader()
	rdb := c.Client(leader%3 + 1)

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(rdb.Set(ctx, "cas", "old", 0).Err())
	d, err := rdb.Digest(ctx, "cas").Result()
	must(err)
	if d != xxh3.HashString("old") {
		t.Fatalf("Digest %016x, want XXH3 %016x", d, xxh3.HashString("old"))
	}
	if _, err := rdb.Digest(ctx, "missing").Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("Digest of a missing key: %v", err)
	}

	if err := rdb.SetIFEQ(ctx, "cas", "new", "wrong", 0).Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("SetIFEQ mismatch: %v", err)
	}
	if v, err := rdb.SetIFEQ(ctx, "cas", "new", "old", time.Minute).Result(); err != nil || v != "OK" {
		t.Fatalf("SetIFEQ match: %q %v", v, err)
	}
	if ttl := rdb.PTTL(ctx, "cas").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("SetIFEQ with expiration: PTTL %v", ttl)
	}
	if v, err := rdb.SetIFEQGet(ctx, "cas", "newer", "new", 0).Result(); err != nil || v != "new" {
		t.Fatalf("SetIFEQGet: %q %v", v, err)
	}
	if err := rdb.SetIFNE(ctx, "cas", "x", "newer", 0).Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("SetIFNE equal: %v", err)
	}
	if v, err := rdb.SetIFNEGet(ctx, "cas", "v2", "other", 0).Result(); err != nil || v != "newer" {
		t.Fatalf("SetIFNEGet: %q %v", v, err)
	}
	if err := rdb.SetIFDEQ(ctx, "cas", "v3", xxh3.HashString("nope"), 0).Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("SetIFDEQ mismatch: %v", err)
	}
	must(rdb.SetIFDEQ(ctx, "cas", "v3", xxh3.HashString("v2"), 0).Err())
	if err := rdb.SetIFDNE(ctx, "cas", "v4", xxh3.HashString("v3"), 0).Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("SetIFDNE equal: %v", err)
	}
	if v, err := rdb.SetIFDNEGet(ctx, "cas", "v4", 1, 0).Result(); err != nil || v != "v3" {
		t.Fatalf("SetIFDNEGet: %q %v", v, err)
	}
	if v, err := rdb.SetIFDEQGet(ctx, "cas", "v5", xxh3.HashString("v4"), 0).Result(); err != nil || v != "v4" {
		t.Fatalf("SetIFDEQGet: %q %v", v, err)
	}
	if v, err := rdb.SetArgs(ctx, "cas", "v6", redis.SetArgs{Mode: "IFEQ", MatchValue: "v5", TTL: time.Minute, Get: true}).Result(); err != nil || v != "v5" {
		t.Fatalf("SetArgs IFEQ GET: %q %v", v, err)
	}

	for _, tc := range []struct {
		args redis.DelExArgs
		want int64
	}{
		{redis.DelExArgs{Mode: "IFEQ", MatchValue: "v5"}, 0},
		{redis.DelExArgs{Mode: "IFNE", MatchValue: "v6"}, 0},
		{redis.DelExArgs{Mode: "IFDEQ", MatchDigest: xxh3.HashString("v5")}, 0},
		{redis.DelExArgs{Mode: "IFDNE", MatchDigest: xxh3.HashString("v6")}, 0},
		{redis.DelExArgs{Mode: "IFDEQ", MatchDigest: xxh3.HashString("v6")}, 1},
	} {
		if n, err := rdb.DelExArgs(ctx, "cas", tc.args).Result(); err != nil || n != tc.want {
			t.Fatalf("DelExArgs %+v: %d %v, want %d", tc.args, n, err, tc.want)
		}
	}
	must(rdb.Set(ctx, "cas", "a", 0).Err())
	if n, err := rdb.DelExArgs(ctx, "cas", redis.DelExArgs{Mode: "IFEQ", MatchValue: "a"}).Result(); err != nil || n != 1 {
		t.Fatalf("DelExArgs IFEQ: %d %v", n, err)
	}
	must(rdb.RPush(ctx, "list", "a").Err())
	if err := rdb.DelExArgs(ctx, "list", redis.DelExArgs{Mode: "IFNE", MatchValue: "a"}).Err(); err == nil ||
		err.Error() != "ERR Key should be of string type if conditions are specified" {
		t.Fatalf("DelExArgs on a list: %v", err)
	}
	if n, err := rdb.DelExArgs(ctx, "list", redis.DelExArgs{}).Result(); err != nil || n != 1 {
		t.Fatalf("DelExArgs without a condition: %d %v", n, err)
	}
}

// holding is one lease a worker believed it held, from the reply that gave
// it to the last moment its lease was valid or its release was sent.
type holding struct {
	worker     int
	token      uint64
	start, end time.Time
	out        lock.Outcome
}

// lockRun records what contending workers saw.
type lockRun struct {
	mu        sync.Mutex
	holdings  []holding
	outcomes  map[string]int
	unexpect  []string
	staleOK   int // rejected writes whose lease had run out: fencing at work
	staleBad  []string
	afterKill int
	killedAt  time.Time
	trace     []string // the first events, for a failure's log
	t0        time.Time
}

func (r *lockRun) event(format string, args ...any) {
	r.mu.Lock()
	if len(r.trace) < 80 {
		r.trace = append(r.trace, fmt.Sprintf("%6.3fs ", time.Since(r.t0).Seconds())+fmt.Sprintf(format, args...))
	}
	r.mu.Unlock()
}

func (r *lockRun) count(what string) {
	r.mu.Lock()
	r.outcomes[what]++
	r.mu.Unlock()
}

// expectedLockErr reports whether err is one quoris may answer during a
// leader change: nothing else is acceptable.
func expectedLockErr(err error) bool {
	if errors.Is(err, lock.ErrHeld) || errors.Is(err, lock.ErrNotHeld) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"TRYAGAIN", "CLUSTERDOWN", "UNCERTAIN", "ERR server is shutting down", "EOF", "i/o timeout", "context deadline exceeded", "connection reset", "broken pipe", "use of closed"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (r *lockRun) worker(t *testing.T, id int, rdb *redis.Client, store *lock.Storage, stop <-chan struct{}) {
	locks := lock.New(rdb)
	const ttl = 600 * time.Millisecond
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		l, out, err := locks.Acquire(ctx, "lk:lock", ttl)
		replied := time.Now()
		r.count(out.String())
		if out != lock.Busy {
			r.event("w%d acquire: %s %v", id, out, err)
		}
		if err != nil {
			cancel()
			if !expectedLockErr(err) {
				r.mu.Lock()
				r.unexpect = append(r.unexpect, fmt.Sprintf("acquire: %v", err))
				r.mu.Unlock()
			}
			time.Sleep(5 * time.Millisecond)
			continue
		}
		h := holding{worker: id, token: l.Token, start: replied, out: out}
		holder := fmt.Sprintf("w%d/%d", id, i)
		if l.Valid(time.Now()) {
			err := store.Put(l.Token, holder, "data")
			after := time.Now()
			if err != nil {
				r.mu.Lock()
				// A refusal is right only if a newer holder has started,
				// which the lease says cannot be before ours ran out.
				if after.Before(l.Until) {
					r.staleBad = append(r.staleBad, fmt.Sprintf("%s token %d refused %v before its lease ran out: %v", holder, l.Token, l.Until.Sub(after), err))
				} else {
					r.staleOK++
				}
				r.mu.Unlock()
			}
		}
		if i%2 == 0 {
			err := locks.Renew(ctx, l, ttl)
			r.event("w%d renew: %v", id, err)
			if err != nil && !expectedLockErr(err) {
				r.mu.Lock()
				r.unexpect = append(r.unexpect, fmt.Sprintf("renew: %v", err))
				r.mu.Unlock()
			}
		}
		time.Sleep(10 * time.Millisecond)
		h.end = l.Until
		if now := time.Now(); now.Before(h.end) {
			h.end = now // the release is sent now: the holder stops acting
		}
		err = locks.Release(ctx, l)
		r.event("w%d release: %v", id, err)
		if err != nil && !expectedLockErr(err) {
			r.mu.Lock()
			r.unexpect = append(r.unexpect, fmt.Sprintf("release: %v", err))
			r.mu.Unlock()
		}
		cancel()
		r.mu.Lock()
		r.holdings = append(r.holdings, h)
		if !r.killedAt.IsZero() && h.start.After(r.killedAt) {
			r.afterKill++
		}
		r.mu.Unlock()
	}
}

// TestLockLeaderKill: workers contend for one lock through the followers
// of a 3-node cluster with examples/lock while the leader is killed. No
// two workers ever hold the lock at once (by each lease's own validity),
// tokens grow with every acquisition, the token-guarded storage refuses
// only holders whose lease had run out, and every error is one quoris
// documents for a leader change.
func TestLockLeaderKill(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "delex", "keyversion")
	old := c.Leader()
	var followers []int
	for i := 1; i <= 3; i++ {
		if i != old {
			followers = append(followers, i)
		}
	}
	run := &lockRun{outcomes: map[string]int{}, t0: time.Now()}
	var store lock.Storage
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		rdb := c.Client(followers[w%len(followers)])
		wg.Add(1)
		go func() {
			defer wg.Done()
			run.worker(t, w, rdb, &store, stop)
		}()
	}
	// Kill once leases come and go (a loaded machine may take a while to
	// warm up the followers' proxies), at least a second in.
	time.Sleep(time.Second)
	waitLeases(func() int { run.mu.Lock(); defer run.mu.Unlock(); return len(run.holdings) }, 10, 15*time.Second)
	run.mu.Lock()
	before := len(run.holdings)
	run.killedAt = time.Now()
	run.mu.Unlock()
	c.Kill(old)
	leader := c.LeaderWithin(10 * time.Second)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		run.mu.Lock()
		n := run.afterKill
		run.mu.Unlock()
		if n >= 20 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	wg.Wait()

	writes, rejected := store.Accepted()
	t.Logf("killed leader node%d, node%d leads; %d leases before the kill, %d after; outcomes %v; %d writes accepted, %d refused (%d after the lease ran out)",
		old, leader, before, run.afterKill, run.outcomes, len(writes), rejected, run.staleOK)
	for _, u := range run.unexpect {
		t.Errorf("unexpected error: %s", u)
	}
	for _, s := range run.staleBad {
		t.Errorf("storage refused a valid holder: %s", s)
	}
	if before < 5 || run.afterKill < 5 {
		t.Errorf("too few leases: %d before the kill, %d after; first events:\n%s", before, run.afterKill, strings.Join(run.trace, "\n"))
	}

	checkHoldings(t, run.holdings, run.killedAt, true)
	for i := 1; i < len(writes); i++ {
		if writes[i].Token <= writes[i-1].Token {
			t.Errorf("storage accepted token %d after %d", writes[i].Token, writes[i-1].Token)
		}
	}
}

// checkHoldings fails the test if two leases overlap (each lease counted
// from the reply that granted it to the end of its validity or its
// release, whichever came first) or, withTokens, if fencing tokens do not
// grow strictly from one lease to the next. Validity is judged by this
// process's clock, which is also the servers' (one host): a lease's
// deadline is the leader's clock at the acquisition plus the TTL, no
// earlier than the client's send time plus the TTL.
func checkHoldings(t *testing.T, hs []holding, killedAt time.Time, withTokens bool) {
	t.Helper()
	sort.Slice(hs, func(i, j int) bool { return hs[i].start.Before(hs[j].start) })
	seen := map[uint64]int{}
	for i, h := range hs {
		if withTokens {
			if h.token == 0 {
				t.Errorf("worker %d held the lock with token 0", h.worker)
			}
			if prev, dup := seen[h.token]; dup {
				t.Errorf("token %d given to two leases (workers %d and %d)", h.token, prev, h.worker)
			}
			seen[h.token] = h.worker
		}
		if i == 0 {
			continue
		}
		p := hs[i-1]
		if h.start.Before(p.end) {
			t.Errorf("two holders at once: worker %d from %v while worker %d held until %v (relative to the kill)",
				h.worker, h.start.Sub(killedAt), p.worker, p.end.Sub(killedAt))
		}
		if withTokens && h.token <= p.token {
			t.Errorf("token went backwards: %d (%s) after %d (%s)", h.token, h.out, p.token, p.out)
		}
	}
}

// waitLeases waits until count() reaches n or timeout passes.
func waitLeases(count func() int, n int, timeout time.Duration) {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline) && count() < n; {
		time.Sleep(50 * time.Millisecond)
	}
}
