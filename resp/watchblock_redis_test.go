package resp

import (
	"strings"
	"testing"
	"time"
)

// TestWatchFlushMatchesRedis runs WATCH x, then another client's commands,
// then MULTI/PING/EXEC on both redis-server and quoris, and compares
// whether EXEC ran. Redis 7.0 dirties a watched key on FLUSHDB/FLUSHALL/
// SWAPDB only when the key exists in a database involved.
func TestWatchFlushMatchesRedis(t *testing.T) {
	redisAddr := startRedisServer(t)
	quorisAddr, _ := startTestServer(t)
	cases := []struct {
		name           string
		setup, between []string
	}{
		{"missing, FLUSHALL", nil, []string{"FLUSHALL"}},
		{"missing, FLUSHDB", nil, []string{"FLUSHDB"}},
		{"missing, FLUSHDB of another db", nil, []string{"SELECT 1", "FLUSHDB"}},
		{"existing, FLUSHALL", []string{"SET x 1"}, []string{"FLUSHALL"}},
		{"existing, FLUSHDB", []string{"SET x 1"}, []string{"FLUSHDB"}},
		{"existing, FLUSHDB ASYNC", []string{"SET x 1"}, []string{"FLUSHDB ASYNC"}},
		{"existing, FLUSHDB of another db", []string{"SET x 1"}, []string{"SELECT 1", "FLUSHDB"}},
		{"missing, SET then FLUSHALL", nil, []string{"SET x 1", "FLUSHALL"}},
		{"missing, other key then FLUSHALL", nil, []string{"SET y 1", "FLUSHALL"}},
		{"existing, DEL then FLUSHALL", []string{"SET x 1"}, []string{"DEL x", "FLUSHALL"}},
		{"missing, FLUSHALL twice", nil, []string{"FLUSHALL", "FLUSHALL"}},
		{"existing, FLUSHALL, SET again", []string{"SET x 1"}, []string{"FLUSHALL", "SET x 1"}},
		{"missing, SWAPDB with an empty db", nil, []string{"SWAPDB 0 1"}},
		{"missing, SWAPDB with a db holding x", nil, []string{"SELECT 1", "SET x 1", "SWAPDB 0 1"}},
		{"existing, SWAPDB", []string{"SET x 1"}, []string{"SWAPDB 0 1"}},
		{"existing in both, SWAPDB", []string{"SET x 1", "SELECT 1", "SET x 1", "SELECT 0"}, []string{"SWAPDB 0 1"}},
		{"missing, SWAPDB of two other dbs", nil, []string{"SELECT 1", "SET x 1", "SWAPDB 1 2"}},
		{"missing, SWAPDB 0 0", nil, []string{"SWAPDB 0 0"}},
		{"existing, SWAPDB 0 0", []string{"SET x 1"}, []string{"SWAPDB 0 0"}},
		{"existing, SWAPDB twice", []string{"SET x 1"}, []string{"SWAPDB 0 1", "SWAPDB 0 1"}},
	}
	run := func(t *testing.T, addr string, setup, between []string) string {
		a, b := dialRaw(t, addr), dialRaw(t, addr)
		a.do("FLUSHALL")
		for _, c := range setup {
			a.do(strings.Fields(c)...)
		}
		a.do("WATCH", "x")
		for _, c := range between {
			b.do(strings.Fields(c)...)
		}
		a.do("MULTI")
		a.do("PING")
		return a.do("EXEC")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := run(t, redisAddr, tc.setup, tc.between)
			if got := run(t, quorisAddr, tc.setup, tc.between); got != want {
				t.Fatalf("EXEC: quoris %q, redis %q", got, want)
			}
		})
	}
}

// TestBlockedThroughMultiMatchesRedis blocks one client, lets another run
// commands and transactions step by step, and compares after each step
// whether the blocked client is still waiting and what it got.
func TestBlockedThroughMultiMatchesRedis(t *testing.T) {
	redisAddr := startRedisServer(t)
	quorisAddr, _ := startTestServer(t)
	// A step is one command, or a transaction when it holds "|".
	cases := []struct {
		name, block string
		steps       []string
	}{
		{"push and delete in one tx", "BLPOP k 0", []string{"LPUSH k a|DEL k", "LPUSH k z"}},
		{"push and replace by a string", "BLPOP k 0", []string{"LPUSH k a|SET k s", "DEL k", "LPUSH k z"}},
		{"wrong type skipped for another key", "BLPOP k1 k2 0", []string{"LPUSH k1 a|SET k1 s|LPUSH k2 b"}},
		{"string first key, then push to the second", "BLPOP k1 k2 0", []string{"SET k1 s", "LPUSH k2 b"}},
		{"final state only", "BLPOP k 0", []string{"LPUSH k a b|LPOP k"}},
		{"BRPOP push and trim", "BRPOP k 0", []string{"RPUSH k a b c|LTRIM k 0 0"}},
		{"zadd and delete", "BZPOPMIN z 0", []string{"ZADD z 1 a|DEL z", "ZADD z 2 b"}},
		{"zadd and replace by a string", "BZPOPMIN z 0", []string{"ZADD z 1 a|SET z s", "DEL z", "ZADD z 2 b"}},
		{"zadd and replace by a list", "BZPOPMAX z 0", []string{"ZADD z 1 a|DEL z|LPUSH z x", "DEL z", "ZADD z 2 b"}},
		{"BLMOVE source replaced", "BLMOVE k d LEFT LEFT 0", []string{"LPUSH k a|SET k s", "DEL k", "LPUSH k z"}},
		{"BLMOVE destination of another type", "BLMOVE k d LEFT LEFT 0", []string{"SET d s", "LPUSH k z"}},
		{"SWAPDB brings a list", "BLPOP k 0", []string{"SELECT 1", "LPUSH k x", "SWAPDB 0 1"}},
		{"SWAPDB brings a string", "BLPOP k 0", []string{"SELECT 1", "SET k x", "SWAPDB 0 1", "SELECT 0", "DEL k", "LPUSH k y"}},
		{"SWAPDB brings a zset", "BZPOPMIN z 0", []string{"SELECT 2", "ZADD z 5 m", "SWAPDB 2 0"}},
		{"MOVE brings a list", "BLPOP k 0", []string{"SELECT 1", "LPUSH k x", "MOVE k 0"}},
		{"FLUSHALL then push", "BLPOP k 0", []string{"FLUSHALL", "LPUSH k z"}},
		{"RENAME onto the key", "BLPOP k 0", []string{"LPUSH src v", "RENAME src k"}},
	}
	run := func(t *testing.T, addr, block string, steps []string) []string {
		a, b := dialRaw(t, addr), dialRaw(t, addr)
		b.do("FLUSHALL")
		argv := strings.Fields(block)
		bargv := make([][]byte, len(argv))
		for i, s := range argv {
			bargv[i] = []byte(s)
		}
		if _, err := a.c.Write(appendCommand(nil, bargv)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		var out []string
		for i, st := range steps {
			if strings.Contains(st, "|") {
				b.do("MULTI")
				for _, c := range strings.Split(st, "|") {
					b.do(strings.Fields(c)...)
				}
				b.do("EXEC")
			} else {
				b.do(strings.Fields(st)...)
			}
			// A wake-up costs quoris a log entry: give the last step,
			// where both usually serve, time for a loaded machine.
			wait := 300 * time.Millisecond
			if i == len(steps)-1 {
				wait = 2 * time.Second
			}
			_ = a.c.SetReadDeadline(time.Now().Add(wait))
			reply, err := appendReply(nil, a.rd)
			if err != nil {
				out = append(out, "BLOCKED")
				continue
			}
			out = append(out, string(reply))
			break
		}
		return out
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := run(t, redisAddr, tc.block, tc.steps)
			if got := run(t, quorisAddr, tc.block, tc.steps); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("quoris %q, redis %q", got, want)
			}
		})
	}
}
