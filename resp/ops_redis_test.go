package resp

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/quoris/quoris/integration/redistest"
)

// startRedisRaw runs a redis-server 7.0 with DEBUG enabled, for the
// differential tests of the operations commands, or skips.
func startRedisRaw(t *testing.T) *rawConn {
	t.Helper()
	return dialRaw(t, redistest.StartOrSkip(t, append(redistest.Quiet, "--enable-debug-command", "yes")...))
}

// opsSettings are the fake settings plus the ones the operations
// commands read, with Redis's defaults.
func opsSettings() *fakeSettings {
	f := newFakeSettings()
	for k, v := range map[string]string{
		"slowlog-log-slower-than": "10000", "slowlog-max-len": "128", "latency-monitor-threshold": "0",
		"maxmemory-policy": "noeviction", "maxclients": "10000",
	} {
		f.vals[k] = v
	}
	return f
}

// both runs the same command on quoris and redis-server.
func both(q, r *rawConn, args ...string) (string, string) {
	return q.do(args...), r.do(args...)
}

// digestDataset writes one dataset covering every type and encoding.
func digestDataset(c *rawConn) {
	c.do("FLUSHALL")
	c.do("SET", "s", "hello")
	c.do("SET", "n", "12345")
	c.do("SET", "big", strings.Repeat("x", 300))
	c.do("SET", "ttl", "v", "EX", "1000")
	c.do("RPUSH", "l", "a", "b", "c", "1", "2")
	c.do("SADD", "si", "1", "2", "3", "-7")
	c.do("SADD", "ss", "a", "b", "c")
	c.do("HSET", "h", "f1", "v1", "f2", "v2", "n", "3")
	c.do("ZADD", "z", "1", "a", "2.5", "b", "-0", "c", "0.1", "d", "inf", "e", "-inf", "f", "1e20", "g")
	args := []string{"ZADD", "zbig"}
	hargs := []string{"HSET", "hbig"}
	for i := 0; i < 200; i++ {
		args = append(args, strconv.FormatFloat(float64(i)/3, 'g', -1, 64), "m"+strconv.Itoa(i))
		hargs = append(hargs, "f"+strconv.Itoa(i), strings.Repeat("v", i))
	}
	args = append(args, "-0", "negzero")
	c.do(args...)
	c.do(hargs...)
	c.do("SELECT", "3")
	c.do("SET", "s", "hello")
	c.do("RPUSH", "l", "c", "b", "a")
	c.do("SELECT", "0")
}

func TestDebugDigestMatchesRedis(t *testing.T) {
	r := startRedisRaw(t)
	addr, _ := startTestServerWith(t, opsSettings())
	q := dialRaw(t, addr)
	if got, want := both(q, r, "DEBUG", "DIGEST"); got != want || got != "+"+strings.Repeat("0", 40)+"\r\n" {
		t.Fatalf("empty DEBUG DIGEST: quoris %q, redis %q", got, want)
	}
	digestDataset(q)
	digestDataset(r)
	for _, cmd := range [][]string{
		{"DEBUG", "DIGEST"},
		{"DEBUG", "DIGEST-VALUE", "s", "n", "big", "ttl", "l", "si", "ss", "h", "z", "zbig", "hbig", "nokey"},
		{"DEBUG", "DIGEST-VALUE"},
	} {
		if got, want := both(q, r, cmd...); got != want {
			t.Errorf("%q: quoris %q, redis %q", cmd, got, want)
		}
	}
	// The digest is of the data: order of insertion into unordered types
	// does not matter, list order does, and it follows a change.
	before := q.do("DEBUG", "DIGEST")
	q.do("RPUSH", "l", "z")
	r.do("RPUSH", "l", "z")
	if got, want := both(q, r, "DEBUG", "DIGEST"); got != want || got == before {
		t.Errorf("after RPUSH: quoris %q, redis %q, before %q", got, want, before)
	}
}

func TestOpsRepliesMatchRedis(t *testing.T) {
	r := startRedisRaw(t)
	addr, _ := startTestServerWith(t, opsSettings())
	q := dialRaw(t, addr)
	for _, c := range []*rawConn{q, r} {
		c.do("SET", "a", "b")
		c.do("RPUSH", "l", "x")
	}
	cases := [][]string{
		{"SLOWLOG", "GET", "-2"},
		{"SLOWLOG", "GET", "x"},
		{"SLOWLOG", "GET", "1", "2"},
		{"SLOWLOG", "LEN", "x"},
		{"SLOWLOG", "RESET"},
		{"SLOWLOG", "LEN"},
		{"SLOWLOG", "GET"},
		{"SLOWLOG", "HELP"},
		{"SLOWLOG", "NOPE"},
		{"LATENCY", "HISTORY"},
		{"LATENCY", "HISTORY", "command"},
		{"LATENCY", "GRAPH", "foo"},
		{"LATENCY", "HISTOGRAM", "nosuch"},
		{"LATENCY", "LATEST"},
		{"LATENCY", "RESET"},
		{"LATENCY", "DOCTOR"},
		{"LATENCY", "HELP"},
		{"LATENCY", "foo"},
		{"WAIT", "x", "0"},
		{"WAIT", "1", "-1"},
		{"WAIT", "1", "x"},
		{"WAIT", "0", "0"},
		{"WAIT", "1", "50"},
		{"MEMORY", "USAGE", "nokey"},
		{"MEMORY", "USAGE", "a", "SAMPLES", "x"},
		{"MEMORY", "USAGE", "a", "SAMPLES", "-1"},
		{"MEMORY", "USAGE", "a", "foo"},
		{"MEMORY", "USAGE", "a", "SAMPLES"},
		{"MEMORY", "HELP"},
		{"MEMORY", "PURGE"},
		{"MEMORY", "nope"},
		{"DEBUG", "OBJECT", "nokey"},
		{"DEBUG", "SLEEP", "0"},
		{"DEBUG", "SLEEP", "x"},
		{"DEBUG", "foo"},
		{"DEBUG", "jmap"},
		{"DEBUG", "SET-ACTIVE-EXPIRE", "1"},
		{"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"},
		{"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1gb"},
		{"DEBUG", "CHANGE-REPL-ID"},
		{"DEBUG", "ERROR", "FOO bar"},
		{"DEBUG", "RELOAD", "bogus"},
		{"OBJECT", "FREQ", "a"},
		{"SHUTDOWN", "ABORT"},
		{"SHUTDOWN", "foo"},
		{"SHUTDOWN", "NOSAVE", "SAVE"},
		{"SHUTDOWN", "ABORT", "NOW"},
		{"BGSAVE", "foo"},
		{"BGSAVE", "SCHEDULE", "x"},
		{"SAVE", "x"},
		{"LASTSAVE", "x"},
		{"ROLE", "x"},
	}
	for _, tc := range cases {
		if got, want := both(q, r, tc...); got != want {
			t.Errorf("%q:\n quoris %q\n redis  %q", tc, got, want)
		}
	}
	// Replies whose values differ but whose shape must not.
	shapes := []struct {
		cmd  []string
		want *regexp.Regexp
	}{
		{[]string{"SAVE"}, regexp.MustCompile(`^\+OK\r\n$`)},
		{[]string{"LASTSAVE"}, regexp.MustCompile(`^:\d{10}\r\n$`)},
		{[]string{"ROLE"}, regexp.MustCompile(`^\*3\r\n\$6\r\nmaster\r\n:\d+\r\n\*0\r\n$`)},
		{[]string{"MEMORY", "USAGE", "a"}, regexp.MustCompile(`^:\d+\r\n$`)},
		{[]string{"MEMORY", "USAGE", "l", "SAMPLES", "0"}, regexp.MustCompile(`^:\d+\r\n$`)},
		{[]string{"MEMORY", "DOCTOR"}, regexp.MustCompile(`^\$\d+\r\n(Hi Sam|Sam, I detected)`)},
		{[]string{"DEBUG", "OBJECT", "a"}, regexp.MustCompile(`^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:\d+ lru:\d+ lru_seconds_idle:\d+\r\n$`)},
		{[]string{"BGSAVE"}, regexp.MustCompile(`^\+Background saving started\r\n$`)},
	}
	for _, tc := range shapes {
		got, want := both(q, r, tc.cmd...)
		if !tc.want.MatchString(got) || !tc.want.MatchString(want) {
			t.Errorf("%q: quoris %q, redis %q, want both to match %s", tc.cmd, got, want, tc.want)
		}
	}
}

func TestSlowlogMatchesRedis(t *testing.T) {
	r := startRedisRaw(t)
	addr, _ := startTestServerWith(t, opsSettings())
	q := dialRaw(t, addr)
	long := strings.Repeat("v", 200)
	many := []string{"RPUSH", "many"}
	for i := 0; i < 40; i++ {
		many = append(many, strconv.Itoa(i))
	}
	for _, c := range []*rawConn{q, r} {
		c.do("CLIENT", "SETNAME", "slowpoke")
		if got := c.do("CONFIG", "SET", "slowlog-log-slower-than", "0"); got != "+OK\r\n" {
			t.Fatalf("CONFIG SET: %q", got)
		}
		c.do("SET", "k", long)
		c.do(many...)
	}
	for _, c := range []*rawConn{q, r} {
		c.do("CONFIG", "SET", "slowlog-log-slower-than", "-1")
	}
	// Entries newest first: CONFIG SET, RPUSH, SET.
	qv, rv := q.val("SLOWLOG", "GET", "3"), r.val("SLOWLOG", "GET", "3")
	qa, qok := qv.([]any)
	ra, rok := rv.([]any)
	if !qok || !rok || len(qa) != 3 || len(ra) != 3 {
		t.Fatalf("SLOWLOG GET 3: quoris %#v, redis %#v", qv, rv)
	}
	for i := range qa {
		qe, re := qa[i].([]any), ra[i].([]any)
		if len(qe) != 6 || len(re) != 6 {
			t.Fatalf("entry %d: quoris %#v, redis %#v", i, qe, re)
		}
		for j := 0; j < 3; j++ {
			if _, ok := qe[j].(int64); !ok {
				t.Errorf("entry %d field %d: %#v, want an integer", i, j, qe[j])
			}
		}
		if !equalAny(qe[3], re[3].([]any)) {
			t.Errorf("entry %d args:\n quoris %q\n redis  %q", i, qe[3], re[3])
		}
		if qe[5] != re[5] || qe[5] != "slowpoke" {
			t.Errorf("entry %d client name: quoris %q, redis %q", i, qe[5], re[5])
		}
		if a, _ := qe[4].(string); !strings.HasPrefix(a, "127.0.0.1:") {
			t.Errorf("entry %d client address %q", i, a)
		}
	}
	if got, want := both(q, r, "SLOWLOG", "LEN"); got != want {
		t.Errorf("SLOWLOG LEN: quoris %q, redis %q", got, want)
	}
}

// TestInfoFieldsMatchRedis checks that the fields quoris prints in each
// section are spelled as Redis 7.0 spells them (quoris's own go_*,
// quoris_* fields aside), and that the lines of the statistics sections
// have Redis's format.
func TestInfoFieldsMatchRedis(t *testing.T) {
	r := startRedisRaw(t)
	addr, _ := startTestServerWith(t, opsSettings())
	q := dialRaw(t, addr)
	for _, c := range []*rawConn{q, r} {
		c.do("SET", "a", "1")
		c.do("GET", "a")
		c.do("INCR", "nokey-is-fine")
		c.do("LPUSH", "a", "x") // WRONGTYPE
		c.do("GET")             // arity: rejected
	}
	for _, sec := range []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "cluster"} {
		qf, rf := infoFields(t, q, sec), infoFields(t, r, sec)
		for k := range qf {
			if strings.HasPrefix(k, "go_") || strings.HasPrefix(k, "quoris_") || strings.HasPrefix(k, "slave") && sec == "replication" {
				continue
			}
			if _, ok := rf[k]; !ok {
				t.Errorf("INFO %s: quoris prints %q, which Redis 7.0 does not", sec, k)
			}
		}
	}
	lines := map[string]*regexp.Regexp{
		"commandstats": regexp.MustCompile(`^cmdstat_[a-z|_-]+:calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+$`),
		"errorstats":   regexp.MustCompile(`^errorstat_[A-Z]+:count=\d+$`),
		"latencystats": regexp.MustCompile(`^latency_percentiles_usec_[a-z|_-]+:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$`),
	}
	for sec, re := range lines {
		for name, c := range map[string]*rawConn{"quoris": q, "redis": r} {
			info, _ := c.val("INFO", sec).(string)
			n := 0
			for _, l := range strings.Split(strings.TrimSpace(info), "\r\n")[1:] {
				n++
				if !re.MatchString(l) {
					t.Errorf("%s INFO %s line %q", name, sec, l)
				}
			}
			if n == 0 {
				t.Errorf("%s INFO %s is empty", name, sec)
			}
		}
	}
	for _, k := range []string{"cmdstat_set", "cmdstat_get", "cmdstat_lpush"} {
		qs, rs := infoFields(t, q, "commandstats")[k], infoFields(t, r, "commandstats")[k]
		// calls, rejected and failed counts agree; timings do not.
		strip := regexp.MustCompile(`usec=\d+,usec_per_call=[\d.]+,`)
		if strip.ReplaceAllString(qs, "") != strip.ReplaceAllString(rs, "") {
			t.Errorf("%s: quoris %q, redis %q", k, qs, rs)
		}
	}
	if qs, rs := infoFields(t, q, "errorstats"), infoFields(t, r, "errorstats"); qs["errorstat_WRONGTYPE"] != rs["errorstat_WRONGTYPE"] || qs["errorstat_ERR"] != rs["errorstat_ERR"] {
		t.Errorf("errorstats: quoris %v, redis %v", qs, rs)
	}
	if qh, rh := q.val("LATENCY", "HISTOGRAM", "set"), r.val("LATENCY", "HISTOGRAM", "set"); !sameShape(qh, rh) {
		t.Errorf("LATENCY HISTOGRAM set: quoris %#v, redis %#v", qh, rh)
	}
}

// sameShape compares two parsed replies' types and array lengths at the
// top two levels, and strings exactly.
func sameShape(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if _, nested := x[i].([]any); nested {
				if _, ok := y[i].([]any); !ok {
					return false
				}
				continue
			}
			if !sameShape(x[i], y[i]) {
				return false
			}
		}
		return true
	case string:
		return a == b
	case int64:
		_, ok := b.(int64)
		return ok
	}
	return a == b
}

// TestOpsCommandInfoMatchesRedis compares COMMAND INFO's arity, flags and
// key positions of the commands and subcommands this family adds.
func TestOpsCommandInfoMatchesRedis(t *testing.T) {
	r := startRedisRaw(t)
	addr, _ := startTestServerWith(t, opsSettings())
	q := dialRaw(t, addr)
	shape := func(v any) string {
		arr, _ := v.([]any)
		if len(arr) != 1 {
			return "missing"
		}
		info, _ := arr[0].([]any)
		if len(info) < 6 {
			return "malformed"
		}
		var flags []string
		for _, f := range info[2].([]any) {
			flags = append(flags, f.(string))
		}
		sort.Strings(flags)
		return strings.Join([]string{strconv.FormatInt(info[1].(int64), 10), strings.Join(flags, ","),
			strconv.FormatInt(info[3].(int64), 10), strconv.FormatInt(info[4].(int64), 10), strconv.FormatInt(info[5].(int64), 10)}, " ")
	}
	for _, name := range []string{"slowlog", "slowlog|get", "slowlog|len", "slowlog|reset", "slowlog|help",
		"latency", "latency|latest", "latency|history", "latency|reset", "latency|doctor", "latency|graph", "latency|histogram", "latency|help",
		"memory", "memory|usage", "memory|stats", "memory|doctor", "memory|malloc-stats", "memory|purge", "memory|help",
		"debug", "wait", "role", "save", "bgsave", "lastsave", "shutdown"} {
		if got, want := shape(q.val("COMMAND", "INFO", name)), shape(r.val("COMMAND", "INFO", name)); got != want || got == "missing" {
			t.Errorf("COMMAND INFO %s: quoris %q, redis %q", name, got, want)
		}
	}
}

// TestObjectFreqIdletimeMatchRedis: which of OBJECT FREQ and IDLETIME
// answers depends on maxmemory-policy, and a new key's LFU counter starts
// and first grows as in Redis.
func TestObjectFreqIdletimeMatchRedis(t *testing.T) {
	r := startRedisRaw(t)
	addr, _ := startTestServerWith(t, opsSettings())
	q := dialRaw(t, addr)
	steps := [][]string{
		{"SET", "k", "v"},
		{"OBJECT", "FREQ", "k"},
		{"OBJECT", "IDLETIME", "k"},
		{"OBJECT", "FREQ", "nokey"},
		{"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"},
		{"OBJECT", "IDLETIME", "k"},
		{"SET", "n", "v"},
		{"OBJECT", "FREQ", "n"},
		{"GET", "n"},
		{"OBJECT", "FREQ", "n"},
		{"OBJECT", "FREQ", "n"},
		{"CONFIG", "SET", "maxmemory-policy", "noeviction"},
		{"OBJECT", "FREQ", "n"},
	}
	for _, s := range steps {
		if got, want := both(q, r, s...); got != want {
			t.Errorf("%q: quoris %q, redis %q", s, got, want)
		}
	}
}
