package resp

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestRESP3MatchesRedis sends the same commands to redis-server 7.0 and to
// quoris after HELLO 3 on both and compares the replies byte for byte
// (sets and maps compared as unordered), or by their type skeleton where the
// values legitimately differ (ids, times, memory figures, server text).
// "~ " compares types only, "% " the types of a map's common fields.
// A fixed script covers every command family's reply shapes; a seeded
// random run (RESP3_SEED to replay another) adds thousands more.
func TestRESP3MatchesRedis(t *testing.T) {
	redisAddr := startRedisServer(t)
	quorisAddr, _ := startTestServer(t)
	rc, qc := dialRaw(t, redisAddr), dialRaw(t, quorisAddr)
	if r, q := readNode(t, rc, "HELLO", "3"), readNode(t, qc, "HELLO", "3"); r.skeleton() != q.skeleton() {
		t.Fatalf("HELLO 3: redis %q, quoris %q", r.raw, q.raw)
	}
	n := 0
	check := func(line string) {
		t.Helper()
		n++
		mode, args := "exact", strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "~ "):
			mode, args = "skeleton", args[1:]
		case strings.HasPrefix(line, "% "):
			mode, args = "fields", args[1:]
		}
		r, q := readNode(t, rc, args...), readNode(t, qc, args...)
		if mode == "fields" {
			// A map whose fields differ (MEMORY STATS): the fields both
			// have must have the same types.
			rf, qf := mapFields(r), mapFields(q)
			if r.typ != '%' || q.typ != '%' {
				t.Errorf("%s: redis %q, quoris %q: want maps", line, r.typ, q.typ)
			}
			common := 0
			for k, v := range qf {
				if w, ok := rf[k]; ok {
					common++
					if v != w {
						t.Errorf("%s: field %s: redis %s, quoris %s", line, k, w, v)
					}
				}
			}
			if common == 0 {
				t.Errorf("%s: no common fields", line)
			}
			return
		}
		if mode == "skeleton" {
			if r.skeleton() != q.skeleton() {
				t.Errorf("%s: types differ:\nredis  %s\nquoris %s\n(raw redis %.300q\n quoris %.300q)", line, r.skeleton(), q.skeleton(), r.raw, q.raw)
			}
			return
		}
		if r.canon() != q.canon() {
			t.Errorf("%s:\nredis  %q\nquoris %q", line, r.raw, q.raw)
		}
	}
	for _, line := range strings.Split(resp3Script, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			check(line)
		}
	}
	g := &resp3Gen{r: rand.New(rand.NewPCG(envSeed3("RESP3_SEED", 7), 3))}
	for i := 0; i < 2500 && !t.Failed(); i++ {
		check(g.command())
	}
	t.Logf("%d commands compared", n)
}

// mapFields is a map reply's fields and the types of their values.
func mapFields(n node3) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(n.kids); i += 2 {
		m[n.kids[i].text] = string(n.kids[i+1].typ)
	}
	return m
}

func readNode(t *testing.T, r *rawConn, args ...string) node3 {
	t.Helper()
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	if _, err := r.c.Write(appendCommand(nil, argv)); err != nil {
		t.Fatal(err)
	}
	v, err := readNode3(r.rd, 0)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return v
}

func envSeed3(name string, def uint64) uint64 {
	if s := os.Getenv(name); s != "" {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return v
		}
	}
	return def
}

// resp3Script: one line per command; "~ " compares types only, "% " the
// types of the fields both maps have.
const resp3Script = `
FLUSHALL
GET nokey
SET s1 hello
GET s1
GETDEL nokey
INCRBYFLOAT f 1.5
INCRBYFLOAT f 2
MGET s1 nokey
SET s2 ohmytext
SET s3 mynewtext
LCS s2 s3
LCS s2 s3 IDX
LCS s2 s3 IDX WITHMATCHLEN MINMATCHLEN 2
LCS s2 s3 LEN
SET s1 x GET
EXISTS s1 nokey
TTL nokey
TYPE s1
OBJECT ENCODING s1
OBJECT ENCODING nokey
DUMP s1
DUMP nokey
RPUSH l c b a
LRANGE l 0 -1
LPOP nokey
LPOP nokey 2
LPOP l 1
LPOS l zz
LINDEX l 9
BLPOP nokey 0.01
BLMPOP 0.01 1 nokey LEFT
LMPOP 1 l RIGHT COUNT 5
SORT nokey
HSET h a 1 b 2
HGETALL h
HGETALL nokey
HMGET h a zz
HKEYS h
HVALS h
HGET h zz
HINCRBYFLOAT h f 1.5
HRANDFIELD nokey
HDEL h f b
HRANDFIELD h 1 WITHVALUES
HRANDFIELD h -1 WITHVALUES
HSCAN h 0
SADD st a b c 1
SMEMBERS st
SMEMBERS nokey
SINTER st nokey
SUNION st nokey
SDIFF st nokey
SMISMEMBER st a zz
SINTERCARD 1 st
SPOP nokey
SPOP nokey 2
SPOP st 10
SRANDMEMBER nokey
SRANDMEMBER nokey 3
ZADD z 1 a 2 b 3 c 4.5 d 1e300 e -inf f
ZSCORE z a
ZSCORE z d
ZSCORE z e
ZSCORE z f
ZSCORE z zz
ZMSCORE z a zz d
ZINCRBY z 0.1 a
ZADD z INCR 2 a
ZADD z NX INCR 2 a
ZADD z XX CH 7 a
ZRANGE z 0 -1
ZRANGE z 0 -1 WITHSCORES
ZRANGE z 0 1 REV WITHSCORES
ZRANGE z -inf +inf BYSCORE LIMIT 0 2 WITHSCORES
ZRANGEBYSCORE z -inf +inf WITHSCORES
ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 1 2
ZREVRANGE z 0 -1 WITHSCORES
ZRANGEBYLEX z - +
ZUNION 2 z nokey WITHSCORES
ZINTER 1 z WITHSCORES
ZDIFF 2 z nokey WITHSCORES
ZRANK z zz
ZRANK z a
ZSCAN z 0
ZPOPMIN z
ZPOPMAX z 2
ZPOPMIN nokey
ZPOPMIN nokey 2
BZPOPMIN z 0.01
BZPOPMAX nokey 0.01
ZMPOP 1 z MIN
ZMPOP 1 z MAX COUNT 2
ZMPOP 1 nokey MIN
BZMPOP 0.01 1 nokey MIN
ZRANDMEMBER nokey
ZRANDMEMBER nokey 2 WITHSCORES
ZADD z2 1.5 only
ZRANDMEMBER z2 1 WITHSCORES
ZRANDMEMBER z2 -2 WITHSCORES
GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
GEODIST g Palermo Catania
GEODIST g Palermo zz
GEOPOS g Palermo zz Catania
GEOPOS nokey a
GEOHASH g Palermo zz
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD WITHDIST WITHHASH
GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHDIST
GEORADIUS g 15 37 200 km ASC WITHCOORD
GEORADIUSBYMEMBER g Palermo 200 km ASC WITHCOORD WITHDIST
SETBIT b 7 1
GETBIT b 7
BITCOUNT b
BITPOS b 1
BITFIELD b GET u8 0 INCRBY u8 0 300
BITFIELD_RO b GET u4 0
PFADD p a b c
PFCOUNT p
PFMERGE p2 p
RPUSH sl 3 1 2
SORT sl
SORT sl DESC LIMIT 0 2
SORT sl BY nosort GET nokey*
SORT_RO sl ALPHA
CONFIG GET maxmemory
CONFIG GET nosuchparam
CONFIG GET hash-max-listpack-*
CONFIG SET maxmemory 0
COMMAND GETKEYS set a b
COMMAND GETKEYSANDFLAGS set a b
COMMAND GETKEYSANDFLAGS zadd k 1 m
COMMAND INFO get
COMMAND INFO get nosuch
COMMAND INFO echo
COMMAND INFO zunionstore
COMMAND INFO xreadgroup
COMMAND INFO hrandfield
COMMAND DOCS set
COMMAND DOCS client|kill
COMMAND DOCS georadius
~ COMMAND DOCS readonly readwrite dbsize
~ COMMAND COUNT
CLIENT GETNAME
CLIENT SETNAME r3
CLIENT GETNAME
~ CLIENT ID
~ CLIENT INFO
~ CLIENT LIST
~ INFO
~ INFO server
~ LATENCY DOCTOR
~ MEMORY DOCTOR
LATENCY LATEST
% MEMORY STATS
LATENCY HISTOGRAM nosuch
~ MEMORY USAGE s1
SLOWLOG GET 0
~ ROLE
OBJECT FREQ nokey
MEMORY USAGE nokey
~ TIME
ECHO e
PING
PING p
DBSIZE
MULTI
HGETALL h
ZSCORE z zz
GET nokey
SMEMBERS st
ZRANGE z 0 -1 WITHSCORES
ECHO inside
CONFIG GET maxmemory
EXEC
MULTI
DISCARD
WATCH wk
SET wk 1
EXEC
MULTI
GET s1
EXEC
WATCH wk
MULTI
PING
EXEC
~ HELLO 3 SETNAME again
~ HELLO
`

// resp3Gen makes random commands over a few keys of each type.
type resp3Gen struct{ r *rand.Rand }

func (g *resp3Gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *resp3Gen) key(prefix string) string { return prefix + strconv.Itoa(g.r.IntN(3)) }
func (g *resp3Gen) mem() string              { return g.pick("a", "b", "c", "d", "1", "22") }
func (g *resp3Gen) score() string {
	return g.pick("0", "1", "-1", "1.5", "2.25", "-0.125", "100", "3e5", "inf", "-inf", "0.1")
}

func (g *resp3Gen) command() string {
	s, h, z, l, st, gk := g.key("s"), g.key("h"), g.key("z"), g.key("l"), g.key("st"), g.key("g")
	if g.r.IntN(20) == 0 { // now and then, the wrong type
		s, h, z = h, z, s
	}
	cmds := []string{
		// strings and keys
		"SET " + s + " " + g.mem(), "GET " + s, "INCRBYFLOAT " + s + " " + g.pick("1.5", "2", "-0.5"),
		"GETDEL " + s, "MGET " + s + " " + g.key("s"), "DEL " + g.key("s"), "EXISTS " + s, "TYPE " + z,
		"GETEX " + s, "APPEND " + s + " x", "LCS " + g.key("s") + " " + g.key("s") + " IDX",
		// hashes
		"HSET " + h + " " + g.mem() + " " + g.mem(), "HGETALL " + h, "HMGET " + h + " a b zz", "HGET " + h + " " + g.mem(),
		"HDEL " + h + " " + g.mem(), "HKEYS " + h, "HINCRBYFLOAT " + h + " f 0.5",
		// lists
		"RPUSH " + l + " " + g.mem(), "LPOP " + l, "LPOP " + l + " 2", "LRANGE " + l + " 0 -1", "LPOS " + l + " a",
		"LMPOP 2 " + l + " " + g.key("l") + " LEFT", "BLPOP " + l + " 0.01", "LINDEX " + l + " 3",
		// sets
		"SADD " + st + " " + g.mem(), "SREM " + st + " " + g.mem(), "SMEMBERS " + st, "SINTER " + st + " " + g.key("st"),
		"SUNION " + st + " " + g.key("st"), "SDIFF " + st + " " + g.key("st"), "SPOP " + st + " 10", "SISMEMBER " + st + " a",
		// sorted sets
		"ZADD " + z + " " + g.score() + " " + g.mem(), "ZADD " + z + " INCR " + g.score() + " " + g.mem(),
		"ZINCRBY " + z + " " + g.score() + " " + g.mem(), "ZSCORE " + z + " " + g.mem(), "ZMSCORE " + z + " a b zz",
		"ZRANGE " + z + " 0 -1 WITHSCORES", "ZRANGEBYSCORE " + z + " -inf +inf WITHSCORES", "ZREVRANGE " + z + " 0 1 WITHSCORES",
		"ZPOPMIN " + z, "ZPOPMAX " + z + " " + g.pick("1", "2"), "BZPOPMIN " + z + " 0.01", "ZMPOP 1 " + z + " MIN COUNT 2",
		"ZUNION 2 " + z + " " + g.key("z") + " WITHSCORES", "ZINTER 2 " + z + " " + g.key("z") + " WITHSCORES",
		"ZDIFF 2 " + z + " " + g.key("z") + " WITHSCORES", "ZRANK " + z + " " + g.mem(), "ZSCAN " + z + " 0",
		// geo, bitmaps, hll, sort
		"GEOADD " + gk + " " + g.pick("13.36", "15.08", "2.35") + " " + g.pick("38.11", "37.5", "48.85") + " " + g.mem(),
		"GEOPOS " + gk + " a b zz", "GEODIST " + gk + " a b", "GEOSEARCH " + gk + " FROMLONLAT 14 38 BYRADIUS 500 km ASC WITHCOORD WITHDIST",
		"SETBIT bm " + strconv.Itoa(g.r.IntN(40)) + " 1", "BITCOUNT bm", "BITFIELD bm GET u8 " + strconv.Itoa(g.r.IntN(16)),
		"PFADD hl " + g.mem(), "PFCOUNT hl", "SORT " + l + " ALPHA", "SORT " + st + " ALPHA LIMIT 0 2",
	}
	return fmt.Sprint(cmds[g.r.IntN(len(cmds))])
}
