package configwatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/quoris/quoris/integration/redistest"
)

// The store's semantics are checked against a real redis-server here;
// integration/configwatch_test.go runs it on a quoris cluster with a
// leader killed under it.

func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	addr := redistest.StartOrSkip(t, redistest.Quiet...)
	rdb := redis.NewClient(&redis.Options{
		Addr: addr, Protocol: 2, MaxRetries: -1, DisableIdentity: true,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func TestUpdateCompareAndSet(t *testing.T) {
	ctx := context.Background()
	rdb := redisClient(t)
	s := New(rdb)
	if _, err := s.Get(ctx, "app"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing config: %v", err)
	}
	steps := []struct {
		expect  int64
		values  map[string]string
		version int64 // 0: a conflict
		current int64
	}{
		{0, map[string]string{"timeout": "5s", "replicas": "3"}, 1, 0},
		{0, map[string]string{"timeout": "6s"}, 0, 1},
		{2, map[string]string{"timeout": "6s"}, 0, 1},
		{1, map[string]string{"timeout": "7s", "mode": "fast"}, 2, 0},
		{2, map[string]string{}, 3, 0},
		{3, map[string]string{"a": "1"}, 4, 0},
	}
	for i, st := range steps {
		u, err := s.Update(ctx, "app", st.expect, st.values)
		if st.version == 0 {
			var ce *ConflictError
			if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) || ce.Current != st.current || ce.Expected != st.expect {
				t.Fatalf("step %d: Update(%d) = %+v, %v; want a conflict at %d", i, st.expect, u, err, st.current)
			}
			continue
		}
		if err != nil || u.Version != st.version || u.Replayed || u.Attempts != 1 {
			t.Fatalf("step %d: Update(%d) = %+v, %v; want version %d", i, st.expect, u, err, st.version)
		}
		cfg, err := s.Get(ctx, "app")
		if err != nil || cfg.Version != st.version || !maps.Equal(cfg.Values, st.values) {
			t.Fatalf("step %d: Get = %+v, %v; want version %d %v", i, cfg, err, st.version, st.values)
		}
	}
	// The hash holds exactly the version and the values: removed fields
	// are gone.
	if m := rdb.HGetAll(ctx, Key("app")).Val(); !maps.Equal(m, map[string]string{"version": "4", "a": "1"}) {
		t.Fatalf("hash %v", m)
	}
	hist, err := s.History(ctx, "app", 10)
	if err != nil || len(hist) != 4 {
		t.Fatalf("History: %+v %v", hist, err)
	}
	for i, c := range hist {
		if c.Version != int64(4-i) || c.ID == "" || c.At.IsZero() || time.Since(c.At) > time.Minute {
			t.Fatalf("history entry %d: %+v", i, c)
		}
	}
	if !maps.Equal(hist[3].Values, steps[0].values) || len(hist[1].Values) != 0 {
		t.Fatalf("history values: %+v", hist)
	}
}

func TestUpdateInvalid(t *testing.T) {
	ctx := context.Background()
	rdb := redisClient(t)
	s := New(rdb)
	big := map[string]string{}
	for i := range MaxValues + 1 {
		big[fmt.Sprint(i)] = "x"
	}
	for _, tc := range []struct {
		name   string
		expect int64
		values map[string]string
	}{
		{"", 0, nil},
		{"x", -1, nil},
		{"x", 0, map[string]string{"version": "9"}},
		{"x", 0, big},
	} {
		if _, err := s.Update(ctx, tc.name, tc.expect, tc.values); !errors.Is(err, ErrInvalid) {
			t.Errorf("Update(%q, %d, %d values): %v, want ErrInvalid", tc.name, tc.expect, len(tc.values), err)
		}
	}
	// The largest config allowed goes through in one script call.
	delete(big, "0")
	if u, err := s.Update(ctx, "big", 0, big); err != nil || u.Version != 1 {
		t.Fatalf("Update with %d values: %+v %v", len(big), u, err)
	}
	if n := rdb.HLen(ctx, Key("big")).Val(); n != MaxValues+1 {
		t.Fatalf("HLEN %d", n)
	}
	// Not a hash, or a bad version field: the script's error, not retried.
	rdb.Set(ctx, Key("str"), "v", 0)
	if _, err := s.Update(ctx, "str", 0, nil); err == nil || Retryable(err) {
		t.Fatalf("Update of a string key: %v", err)
	}
	rdb.HSet(ctx, Key("bad"), "version", "x")
	if _, err := s.Update(ctx, "bad", 0, nil); err == nil || Retryable(err) {
		t.Fatalf("Update of a bad version: %v", err)
	}
	if _, err := s.Get(ctx, "bad"); err == nil {
		t.Fatal("Get of a bad version field succeeded")
	}
}

// TestUpdateReplay: a change whose first attempt applied but whose reply
// was lost is sent again with the same id; the retry reports it applied
// (at its version) instead of a conflict, and does not apply it twice.
func TestUpdateReplay(t *testing.T) {
	ctx := context.Background()
	rdb := redisClient(t)
	s := New(rdb)
	if _, err := s.Update(ctx, "svc", 0, map[string]string{"k": "0"}); err != nil {
		t.Fatal(err)
	}
	run := func(expect int64, id string) []int64 {
		t.Helper()
		res, err := casScript.Run(ctx, rdb, []string{Key("svc"), HistoryKey("svc")}, expect, id, 100, `{"k":"x"}`, "k", "x").Int64Slice()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := run(1, "first"); res[0] != casApplied || res[1] != 2 {
		t.Fatalf("first attempt: %v", res)
	}
	for i := range 3 { // another writer moves on
		if _, err := s.Update(ctx, "svc", int64(2+i), map[string]string{"k": fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if res := run(1, "first"); res[0] != casReplayed || res[1] != 2 {
		t.Fatalf("retry of an applied change: %v, want [2 2]", res)
	}
	if res := run(1, "other"); res[0] != casConflict || res[1] != 5 {
		t.Fatalf("a change that never applied: %v, want [0 5]", res)
	}
	if v := rdb.HGet(ctx, Key("svc"), "version").Val(); v != "5" {
		t.Fatalf("version %s after the retries, want 5", v)
	}
}

// TestUpdateRetriesThroughDroppedReplies runs Update through a proxy that
// cuts the connection after the request is forwarded, before the reply:
// every change applies exactly once and Update reports it applied.
func TestUpdateRetriesThroughDroppedReplies(t *testing.T) {
	ctx := context.Background()
	addr := redistest.StartOrSkip(t, redistest.Quiet...)
	direct := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true})
	t.Cleanup(func() { direct.Close() })
	// Load the script through the direct client so the proxied EVALSHA
	// applies (the proxy would cut the NOSCRIPT reply otherwise too).
	if err := casScript.Load(ctx, direct).Err(); err != nil {
		t.Fatal(err)
	}
	proxy := dropReplies(t, addr, 3)
	rdb := redis.NewClient(&redis.Options{Addr: proxy, Protocol: 2, MaxRetries: -1, DisableIdentity: true,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	t.Cleanup(func() { rdb.Close() })
	s := New(rdb)
	for i := range 5 {
		u, err := s.Update(ctx, "cut", int64(i), map[string]string{"n": fmt.Sprint(i + 1)})
		if err != nil || u.Version != int64(i+1) {
			t.Fatalf("update %d: %+v %v", i, u, err)
		}
		if i < 3 && (!u.Replayed || u.Attempts < 2) {
			t.Fatalf("update %d should have been replayed after a cut reply: %+v", i, u)
		}
	}
	cfg, err := New(direct).Get(ctx, "cut")
	if err != nil || cfg.Version != 5 || cfg.Values["n"] != "5" {
		t.Fatalf("final %+v %v", cfg, err)
	}
	if n := direct.XLen(ctx, HistoryKey("cut")).Val(); n != 5 {
		t.Fatalf("history has %d entries, want 5", n)
	}
}

// dropReplies is a TCP proxy to addr that, for every other request
// carrying EVALSHA (the first cuts of them), closes the client's side
// first, then forwards the request and lets the server apply it: the
// client sees its connection drop with the change applied.
func dropReplies(t *testing.T, addr string, cuts int) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	seen, left := 0, cuts
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := net.Dial("tcp", addr)
				if err != nil {
					return
				}
				defer up.Close()
				go func() { _, _ = io.Copy(c, up) }()
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						mu.Lock()
						cut := false
						if containsFold(buf[:n], "evalsha") {
							cut = left > 0 && seen%2 == 0
							seen++
							if cut {
								left--
							}
						}
						mu.Unlock()
						if cut {
							c.Close()
						}
						if _, werr := up.Write(buf[:n]); werr != nil || cut {
							time.Sleep(50 * time.Millisecond)
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func containsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		match := true
		for j := 0; j < len(s); j++ {
			c := b[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != s[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{redisErr("TRYAGAIN the cluster is changing leader; the command was not applied"), true},
		{redisErr("CLUSTERDOWN no leader; the command was not applied"), true},
		{redisErr("UNCERTAIN leadership was lost; it may or may not have been applied"), true},
		{redisErr("ERR server is shutting down"), true},
		{redisErr("WRONGTYPE Operation against a key holding the wrong kind of value"), false},
		{redisErr("ERR config cfg:x has a non-numeric version field"), false},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{io.EOF, true},
		{context.DeadlineExceeded, false},
		{redis.ErrClosed, false},
	} {
		if got := Retryable(tc.err); got != tc.want {
			t.Errorf("Retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// redisErr is a server error as go-redis returns it (a redis.Error).
func redisErr(msg string) error { return fakeRedisError(msg) }

type fakeRedisError string

func (e fakeRedisError) Error() string { return string(e) }
func (fakeRedisError) RedisError()     {}
