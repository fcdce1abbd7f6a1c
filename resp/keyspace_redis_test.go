package resp

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
)

// ksKeys are the keys the generator uses, a few per type so commands
// mostly find the type they expect and sometimes collide.
var ksKeys = []string{"s0", "s1", "s2", "l0", "l1", "h0", "h1", "t0", "t1", "z0", "z1", "g0", "b0", "p0", "n0"}

func ksPick(r *rand.Rand, prefix string) string {
	var pool []string
	for _, k := range ksKeys {
		if strings.HasPrefix(k, prefix) {
			pool = append(pool, k)
		}
	}
	if r.Intn(10) == 0 {
		return ksKeys[r.Intn(len(ksKeys))] // the wrong type now and then
	}
	return pool[r.Intn(len(pool))]
}

// ksCommand draws one deterministic write (or read) over every family
// that emits keyspace events. Nothing random-valued (SPOP, SRANDMEMBER)
// and no short TTLs: both servers must do exactly the same.
func ksCommand(r *rand.Rand) []string {
	m := func() string { return fmt.Sprintf("m%d", r.Intn(6)) }
	n := func() string { return fmt.Sprint(r.Intn(20) - 5) }
	s, l, h, t, z := ksPick(r, "s"), ksPick(r, "l"), ksPick(r, "h"), ksPick(r, "t"), ksPick(r, "z")
	cmds := [][]string{
		// strings
		{"SET", s, m()}, {"SET", s, m(), "NX"}, {"SET", s, m(), "XX", "GET"}, {"SET", s, m(), "EX", "1000"},
		{"SETNX", s, m()}, {"SETEX", s, "1000", m()}, {"PSETEX", s, "100000", m()}, {"GETSET", s, m()},
		{"GETDEL", s}, {"GETEX", s, "EX", "500"}, {"GETEX", s, "PERSIST"}, {"MSET", s, m(), ksPick(r, "s"), m()},
		{"MSETNX", s, m(), ksPick(r, "s"), m()}, {"APPEND", s, m()}, {"SETRANGE", s, n(), m()}, {"SETRANGE", s, "0", ""},
		{"INCR", "n0"}, {"DECRBY", "n0", n()}, {"INCRBYFLOAT", "n0", "1.5"}, {"INCRBY", s, "1"}, {"GET", s},
		// generic
		{"DEL", s, l, h}, {"UNLINK", t, z}, {"EXPIRE", s, "1000"}, {"PEXPIRE", l, "100000"}, {"EXPIRE", h, "0"},
		{"EXPIREAT", t, "1"}, {"PERSIST", s}, {"RENAME", s, ksPick(r, "s")}, {"RENAMENX", l, ksPick(r, "l")},
		{"COPY", h, ksPick(r, "h"), "REPLACE"}, {"COPY", z, ksPick(r, "z")}, {"TOUCH", s, l}, {"EXPIRE", z, "100", "NX"},
		{"SORT", l, "STORE", ksPick(r, "l")}, {"SORT", t, "ALPHA", "STORE", ksPick(r, "l")},
		// lists
		{"LPUSH", l, m(), m()}, {"RPUSH", l, m()}, {"LPUSHX", l, m()}, {"RPUSHX", l, m()}, {"LPOP", l}, {"RPOP", l, "2"},
		{"LSET", l, "0", m()}, {"LINSERT", l, "BEFORE", m(), m()}, {"LREM", l, "0", m()}, {"LTRIM", l, "1", "-1"},
		{"LTRIM", l, "5", "2"}, {"LMOVE", l, ksPick(r, "l"), "LEFT", "RIGHT"}, {"RPOPLPUSH", l, ksPick(r, "l")},
		{"LMPOP", "2", l, ksPick(r, "l"), "LEFT", "COUNT", "2"}, {"BLPOP", l, "0.01"},
		// hashes
		{"HSET", h, m(), m(), m(), n()}, {"HSETNX", h, m(), m()}, {"HDEL", h, m(), m()}, {"HINCRBY", h, m(), n()},
		{"HINCRBYFLOAT", h, m(), "0.5"}, {"HMSET", h, m(), m()},
		// sets
		{"SADD", t, m(), m()}, {"SREM", t, m(), m()}, {"SMOVE", t, ksPick(r, "t"), m()},
		{"SINTERSTORE", ksPick(r, "t"), t, ksPick(r, "t")}, {"SUNIONSTORE", ksPick(r, "t"), t, ksPick(r, "t")},
		{"SDIFFSTORE", ksPick(r, "t"), t, ksPick(r, "t")},
		// sorted sets
		{"ZADD", z, n(), m(), n(), m()}, {"ZADD", z, "INCR", n(), m()}, {"ZINCRBY", z, n(), m()}, {"ZREM", z, m(), m()},
		{"ZREMRANGEBYSCORE", z, "0", "5"}, {"ZREMRANGEBYRANK", z, "0", "0"}, {"ZREMRANGEBYLEX", z, "-", "[m2"},
		{"ZPOPMIN", z}, {"ZPOPMAX", z, "2"}, {"ZMPOP", "1", z, "MIN"}, {"BZPOPMIN", z, "0.01"},
		{"ZUNIONSTORE", ksPick(r, "z"), "2", z, ksPick(r, "z")}, {"ZINTERSTORE", ksPick(r, "z"), "2", z, ksPick(r, "z")},
		{"ZDIFFSTORE", ksPick(r, "z"), "2", z, ksPick(r, "z")}, {"ZRANGESTORE", ksPick(r, "z"), z, "0", "-1"},
		// geo, bitmaps, hyperloglog
		{"GEOADD", "g0", "13.36", "38.11", m()}, {"GEOSEARCHSTORE", ksPick(r, "z"), "g0", "FROMLONLAT", "13", "38", "BYRADIUS", "500", "km"},
		{"SETBIT", "b0", fmt.Sprint(r.Intn(40)), fmt.Sprint(r.Intn(2))}, {"BITOP", "OR", "b0", "b0", s},
		{"BITFIELD", "b0", "INCRBY", "u8", "0", "3"}, {"PFADD", "p0", m(), m()}, {"PFMERGE", "p0", "p0"},
		{"PFCOUNT", "p0"},
		// edge cases: other databases, past deadlines, no-op writes
		{"MOVE", s, "1"}, {"COPY", l, ksPick(r, "l"), "DB", "1", "REPLACE"}, {"GETEX", s, "PXAT", "1"},
		{"RENAME", s, s}, {"EXPIRE", h, "2000", "GT"}, {"PEXPIREAT", t, "1"}, {"LPOP", l, "0"},
		{"ZADD", z, "GT", "CH", n(), m()}, {"ZADD", z, "XX", n(), m()}, {"SMOVE", t, t, m()},
		{"SETRANGE", s, "3", ""}, {"HDEL", h, m(), m(), m(), m(), m(), m()}, {"SINTERSTORE", t, "nokey"},
		{"ZINTERSTORE", z, "1", "nokey"}, {"SORT", "nokey", "STORE", l}, {"BITOP", "AND", s, "nokey"},
		{"GEOSEARCHSTORE", z, "nokey", "FROMLONLAT", "13", "38", "BYRADIUS", "5", "km"}, {"PFMERGE", "p0"},
		{"LINSERT", l, "AFTER", "nosuch", m()}, {"LSET", l, "-1", m()}, {"INCRBYFLOAT", s, "1e3"},
	}
	return cmds[r.Intn(len(cmds))]
}

// keyspaceStream runs cmds on addr with every notification class on and
// returns, per command, the frames a __key*__:* subscriber received for
// it (a PUBLISH on a marker channel after each command delimits them).
func keyspaceStream(t *testing.T, addr, classes string, cmds [][]string) (groups []string, events int) {
	t.Helper()
	sub, pub := dialPS(t, addr), dialPS(t, addr)
	pub.send("FLUSHALL")
	pub.read(1)
	pub.send("CONFIG", "SET", "notify-keyspace-events", classes)
	if r := pub.read(1); r != "+OK\r\n" {
		t.Fatalf("%s: CONFIG SET: %q", addr, r)
	}
	sub.send("PSUBSCRIBE", "__key*__:*")
	sub.send("SUBSCRIBE", "end-of-command")
	sub.read(2)
	for _, c := range cmds {
		pub.send(c...)
		pub.send("PUBLISH", "end-of-command", "x")
		pub.read(2)
	}
	for range cmds {
		var g []string
		for {
			f := sub.read(1)
			if strings.Contains(f, "end-of-command") {
				break
			}
			v, _, _ := parseRESP([]byte(f))
			g = append(g, fmt.Sprint(v))
			events++
		}
		groups = append(groups, strings.Join(g, " | "))
	}
	return groups, events
}

// TestKeyspaceEventsMatchRedis: the same seeded sequence of writes over
// every family on redis-server and on quoris, compared command by command
// as the frames a keyspace subscriber receives.
func TestKeyspaceEventsMatchRedis(t *testing.T) {
	raddr := startRedisServer(t)
	qaddr, _ := startTestServer(t)
	seed := int64(7)
	if s, err := strconv.ParseInt(os.Getenv("KS_SEED"), 10, 64); err == nil {
		seed = s
	}
	r := rand.New(rand.NewSource(seed))
	var cmds [][]string
	for i := 0; i < 1500; i++ {
		cmds = append(cmds, ksCommand(r))
	}
	// KEA is every class; n (new keys) is outside A and checked apart.
	for _, classes := range []string{"KEA", "KEAn", "Kl", "Eg$"} {
		want, n := keyspaceStream(t, raddr, classes, cmds)
		got, _ := keyspaceStream(t, qaddr, classes, cmds)
		if classes == "KEA" && n < 1000 {
			t.Fatalf("redis sent only %d events: the sequence exercises too little", n)
		}
		bad := 0
		for i := range cmds {
			if want[i] != got[i] {
				t.Errorf("%s: command %d %q:\nredis  %s\nquoris %s", classes, i, cmds[i], want[i], got[i])
				if bad++; bad == 5 {
					t.FailNow()
				}
			}
		}
	}
}

// TestKeyspaceExpiredMatchesRedis: a key whose TTL runs out is announced
// as expired (active or lazy expiry alike), then a write recreates it.
func TestKeyspaceExpiredMatchesRedis(t *testing.T) {
	raddr := startRedisServer(t)
	qaddr, _ := startTestServer(t)
	run := func(addr string) []string {
		sub, pub := dialPS(t, addr), dialPS(t, addr)
		pub.send("CONFIG", "SET", "notify-keyspace-events", "KEA")
		pub.read(1)
		sub.send("PSUBSCRIBE", "__key*__:*")
		sub.read(1)
		pub.send("SET", "k", "v", "PX", "30")
		pub.read(1)
		var out []string
		out = append(out, sub.read(4)) // set, expire
		out = append(out, sub.read(2)) // expired, keyspace and keyevent
		pub.send("SET", "k", "v2")
		pub.read(1)
		out = append(out, sub.read(2))
		return out
	}
	want, got := run(raddr), run(qaddr)
	if fmt.Sprint(want) != fmt.Sprint(got) {
		t.Fatalf("redis %q\nquoris %q", want, got)
	}
	if !strings.Contains(got[1], "expired") {
		t.Fatalf("no expired event: %q", got)
	}
}
