package resp

import (
	"strconv"
	"strings"
	"testing"

	"github.com/quoris/quoris/redisconf"
)

// configDifferences are the parameters whose CONFIG GET intentionally
// differs between quoris and a redis-server started with no arguments.
var configDifferences = map[string]string{
	"dir":                    "each process's own working directory",
	"port":                   "each server's own port",
	"lua-instruction-budget": "quoris's own: Redis has no instruction budget",
}

// TestConfigGetMatchesRedis compares CONFIG GET of every Redis 7.0
// parameter, alias and hidden one included, and the set of names CONFIG
// GET * lists, with a redis-server started with no arguments.
func TestConfigGetMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServerWith(t, nil)
	q, r := dialRaw(t, qaddr), dialRaw(t, raddr)
	names := map[string]bool{}
	for _, p := range redisconf.All() {
		names[p.Name] = true
		if p.Alias != "" {
			names[p.Alias] = true
		}
	}
	for name := range names {
		if _, differs := configDifferences[name]; differs {
			continue
		}
		if got, want := q.do("CONFIG", "GET", name), r.do("CONFIG", "GET", name); got != want {
			t.Errorf("CONFIG GET %s: quoris %q, redis %q", name, got, want)
		}
	}
	all := func(c *rawConn) map[string]bool {
		out := map[string]bool{}
		kv := c.val("CONFIG", "GET", "*").([]any)
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = true
		}
		return out
	}
	qa, ra := all(q), all(r)
	for n := range ra {
		if !qa[n] {
			t.Errorf("CONFIG GET * lacks %s", n)
		}
	}
	for n := range qa {
		if _, differs := configDifferences[n]; !ra[n] && !differs {
			t.Errorf("CONFIG GET * has %s, which redis-server does not", n)
		}
	}
	if len(ra) < 190 {
		t.Fatalf("redis-server listed only %d parameters", len(ra))
	}
}

// TestConfigSetMatchesRedis sends the same CONFIG SET to both servers:
// probe values of every kind against every parameter either may change,
// then hand-made cases (several pairs, aliases, duplicates, multi-word
// values); the replies, and CONFIG GET after each, must be identical.
// Every change is put back on both afterwards.
func TestConfigSetMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServerWith(t, nil)
	q, r := dialRaw(t, qaddr), dialRaw(t, raddr)
	// Values Redis would act on outside its own process state, or that
	// would stop this test talking to it; and parameters whose CONFIG SET
	// Redis refuses or alters depending on how it was built or started
	// (activedefrag needs its jemalloc, tls-* a TLS setup, the watchdog a
	// minimum period), which mean nothing in quoris, which stores them.
	skip := map[string]bool{"port": true, "bind": true, "dir": true, "requirepass": true, "masterauth": true,
		"masteruser": true, "maxclients": true, "oom-score-adj": true, "appendonly": true, "unixsocket": true,
		"tls-port": true, "cluster-announce-hostname": true, "activedefrag": true, "tls-cluster": true,
		"tls-replication": true, "watchdog-period": true}
	check := func(args ...string) {
		t.Helper()
		got, want := q.do(args...), r.do(args...)
		if got != want {
			t.Errorf("%q: quoris %q, redis %q", args, got, want)
		}
	}
	restore := func(name string) {
		def := r.val("CONFIG", "GET", name).([]any)
		if len(def) == 2 {
			q.do("CONFIG", "SET", name, def[1].(string))
			r.do("CONFIG", "SET", name, def[1].(string))
		}
	}
	probes := []string{"abc", "-1", "0", "1", "99999999999999999999999", "18446744073709551615", "9223372036854775808",
		"1.5", "1k", "1KB", "2gb", "", "101%", "50%", "-0%", "0x10", "05", "+5", " 5", "YES", "no", "yes no"}
	cases := 0
	for _, p := range redisconf.All() {
		if _, differs := configDifferences[p.Name]; skip[p.Name] || differs || p.Kind == redisconf.String {
			continue
		}
		for _, v := range probes {
			check("CONFIG", "SET", p.Name, v)
			check("CONFIG", "GET", p.Name)
			if p.Alias != "" {
				check("CONFIG", "GET", p.Alias)
			}
			restore(p.Name)
			cases++
		}
	}
	for _, args := range [][]string{
		{"nosuch", "1"},
		{"maxmemory", "1k", "nosuch", "1"},
		{"maxmemory", "abc", "daemonize", "yes"},
		{"maxmemory", "1k", "MAXMEMORY", "2k"},
		{"hash-max-ziplist-entries", "5", "hash-max-listpack-entries", "6"},
		{"maxmemory", "5k", "maxmemory-policy", "bad"},
		{"Maxmemory-Policy", "ALLKEYS-LRU"},
		{"maxmemory", "1"},
		{"maxmemory"},
		{"save", "3600 1 300 100"}, {"save", "0003600 01"}, {"save", "bad"}, {"save", "1 2 3"}, {"save", "0 1"}, {"save", ""},
		{"notify-keyspace-events", "KEA"}, {"notify-keyspace-events", "Ag$mn"}, {"notify-keyspace-events", "lshzxeKEtmd"},
		{"notify-keyspace-events", "q"}, {"notify-keyspace-events", ""},
		{"shutdown-on-sigint", "nosave now"}, {"shutdown-on-sigint", "save nosave"}, {"shutdown-on-sigint", "default now"},
		{"shutdown-on-sigint", "NOW Force"}, {"shutdown-on-sigterm", "default"},
		{"client-output-buffer-limit", "replica 1kb 2 3"}, {"client-output-buffer-limit", "pubsub 1 2 3 normal 4 5 6"},
		{"client-output-buffer-limit", "master 1 2 3"}, {"client-output-buffer-limit", "normal 1 2"},
		{"client-output-buffer-limit", "normal x 2 3"}, {"client-output-buffer-limit", "normal 1 2 -3"},
		{"oom-score-adj-values", "0 100 200"}, {"oom-score-adj-values", "0 100"}, {"oom-score-adj-values", "0 100 3000"},
		{"latency-tracking-info-percentiles", "1.50 99"}, {"latency-tracking-info-percentiles", "101"},
		{"latency-tracking-info-percentiles", "x"}, {"latency-tracking-info-percentiles", ""},
		{"maxmemory-clients", "10%"}, {"maxmemory-clients", "1mb"},
		{"loglevel", "WARNING"}, {"appendfsync", "Always"}, {"lua-time-limit", "100"},
		{"list-max-ziplist-size", "-5"}, {"list-max-ziplist-size", "-2147483649"},
	} {
		check(append([]string{"CONFIG", "SET"}, args...)...)
		for i := 0; i < len(args); i += 2 {
			check("CONFIG", "GET", args[i])
		}
		for i := 0; i < len(args); i += 2 {
			restore(strings.ToLower(args[i]))
		}
		cases++
	}
	if cases < 2000 {
		t.Fatalf("only %d cases", cases)
	}
	t.Logf("%d CONFIG SET cases compared", cases)
}

// TestObjectEncodingThresholdsMatchRedis changes the encoding thresholds
// on both servers, builds values across each boundary, and compares
// OBJECT ENCODING after every step.
func TestObjectEncodingThresholdsMatchRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServerWith(t, nil)
	q, r := dialRaw(t, qaddr), dialRaw(t, raddr)
	check := func(args ...string) {
		t.Helper()
		if got, want := q.do(args...), r.do(args...); got != want {
			t.Errorf("%q: quoris %q, redis %q", args, got, want)
		}
	}
	for _, round := range [][]string{
		{"hash-max-listpack-entries", "4", "hash-max-listpack-value", "8", "set-max-intset-entries", "4",
			"zset-max-listpack-entries", "4", "zset-max-listpack-value", "8"},
		{"hash-max-ziplist-entries", "0", "hash-max-ziplist-value", "0", "set-max-intset-entries", "0",
			"zset-max-ziplist-entries", "0", "zset-max-ziplist-value", "0"},
		{"hash-max-listpack-entries", "1kb", "hash-max-listpack-value", "1", "set-max-intset-entries", "1",
			"zset-max-listpack-entries", "2", "zset-max-listpack-value", "100"},
	} {
		check("FLUSHALL")
		check(append([]string{"CONFIG", "SET"}, round...)...)
		steps := [][]string{
			{"HSET", "h", "f1", "v"}, {"HSET", "h", "f2", "v", "f3", "v"}, {"HSET", "h", "f4", "v"}, {"HSET", "h", "f5", "v"},
			{"HSET", "h2", "f", "12345678"}, {"HSET", "h2", "g", "123456789"},
			{"HSET", "h3", "f", "v"}, {"HINCRBY", "h3", "counterfield1", "1"},
			{"HSETNX", "h4", "f", "v"}, {"HSETNX", "h4", "longfield12", "v"},
			{"SADD", "s", "1", "2", "3"}, {"SADD", "s", "4"}, {"SADD", "s", "5"},
			{"SADD", "s2", "x"}, {"SADD", "s3", "1"}, {"SADD", "s3", "a"},
			{"SADD", "a", "1", "2", "3", "4", "5"}, {"SADD", "b", "3", "4", "5"},
			{"SINTERSTORE", "si", "a", "b"}, {"SUNIONSTORE", "su", "a", "b"}, {"SDIFFSTORE", "sd", "a", "b"},
			{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZADD", "z", "4", "d"}, {"ZADD", "z", "5", "e"},
			{"ZADD", "z2", "1", "12345678"}, {"ZADD", "z2", "2", "123456789"}, {"ZADD", "z3", "1", "123456789"},
			{"ZINCRBY", "z4", "1", "m"},
			{"ZUNIONSTORE", "zu", "2", "z", "z2"}, {"ZINTERSTORE", "zi", "1", "z"}, {"ZDIFFSTORE", "zd", "1", "z"},
			{"ZRANGESTORE", "zr", "z", "0", "2"}, {"ZRANGESTORE", "zr2", "z", "0", "-1"},
			{"ZRANGESTORE", "zr3", "z", "-inf", "+inf", "BYSCORE"},
			{"GEOADD", "g", "13.36", "38.11", "p1", "15.08", "37.50", "p2"},
			{"GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
		}
		for _, s := range steps {
			check(s...)
			check("OBJECT", "ENCODING", s[1])
		}
	}
	// hll-sparse-max-bytes decides when a sparse HyperLogLog turns dense:
	// GET shows the representation itself.
	check("CONFIG", "SET", "hll-sparse-max-bytes", "40")
	for i := 0; i < 40; i++ {
		check("PFADD", "hll", "element:"+strconv.Itoa(i))
		check("GET", "hll")
	}
	check("CONFIG", "SET", "hash-max-listpack-entries", "512", "hash-max-listpack-value", "64", "set-max-intset-entries", "512",
		"zset-max-listpack-entries", "128", "zset-max-listpack-value", "64", "hll-sparse-max-bytes", "3000")
}
