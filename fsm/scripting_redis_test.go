package fsm

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestScriptingAgainstRedis runs thousands of seeded random scripts on a
// real redis-server and on the FSM and demands byte-identical replies and,
// every few scripts, an identical keyspace. The scripts call every data
// type family through redis.call and redis.pcall, provoke command errors,
// return every kind of Lua value, use KEYS and ARGV, run as FUNCTION
// libraries through FCALL and FCALL_RO, round-trip values
// through cjson and cmsgpack, and go through the script cache (SCRIPT LOAD,
// EVALSHA, SCRIPT FLUSH, NOSCRIPT).
func TestScriptingAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	h.now = time.Now().UnixMilli()
	g := &luaGen{rng: rand.New(rand.NewPCG(envSeed("QUORIS_SCRIPT_SEED", 20261204), 9))}
	const n = 2500
	mismatches := 0
	report := func(format string, args ...any) {
		mismatches++
		if mismatches <= 20 {
			t.Errorf(format, args...)
		}
	}
	var loaded []string // bodies loaded with SCRIPT LOAD
	kinds := map[string]int{}
	for i := 0; i < n; i++ {
		h.now = max(h.now, time.Now().UnixMilli())
		var cmd []string
		switch x := g.rng.IntN(100); {
		case x < 8:
			body := g.script()
			loaded = append(loaded, body)
			cmd = []string{"SCRIPT", "LOAD", body}
		case x < 20 && len(loaded) > 0:
			body := loaded[g.rng.IntN(len(loaded))]
			cmd = append([]string{"EVALSHA", sha1Hex([]byte(body))}, g.keysArgs()...)
		case x < 21:
			cmd = []string{"SCRIPT", "FLUSH"}
		case x < 24 && len(loaded) > 0:
			cmd = []string{"SCRIPT", "EXISTS", sha1Hex([]byte(loaded[g.rng.IntN(len(loaded))])), "0000000000000000000000000000000000000000"}
		case x < 30:
			cmd = append([]string{"EVAL_RO", "#!lua flags=no-writes\n" + g.readScript()}, g.keysArgs()...)
		case x < 33:
			// A library whose function runs a generated body, with KEYS
			// and ARGV as the callback's parameter names.
			cmd = []string{"FUNCTION", "LOAD", "REPLACE", "#!lua name=gen\nredis.register_function('gen', function(KEYS, ARGV)\n" +
				g.script() + "\nend)\nredis.register_function{function_name='genro', flags={'no-writes'}, callback=function(KEYS, ARGV)\n" +
				g.readScript() + "\nend}"}
		case x < 40:
			cmd = append([]string{g.pick("FCALL", "FCALL", "FCALL_RO"), g.pick("gen", "genro")}, g.keysArgs()...)
		default:
			cmd = append([]string{"EVAL", g.script()}, g.keysArgs()...)
		}
		want := r.do(t, cmd...)
		got := h.do(cmd...)
		kind := cmd[0] + " " + want[:1]
		if strings.HasPrefix(want, "-") {
			kind = cmd[0] + " " + strings.SplitN(want, " ", 2)[0]
		}
		kinds[kind]++
		if got != want {
			report("#%d %q:\n redis: %q\n quoris: %q", i, cmd, want, got)
		}
		if i%20 == 19 || i == n-1 {
			for _, k := range luaGenKeys {
				if w, q := redisKeyState(t, r, k), fsmKeyState(h, k); w != q {
					report("#%d after %q: key %s:\n redis: %s\n quoris: %s", i, cmd, k, w, q)
				}
			}
		}
	}
	if mismatches > 20 {
		t.Errorf("%d mismatches in total", mismatches)
	}
	t.Logf("reply kinds: %v", kinds)
	// The generator must reach every outcome, or the comparison proves little.
	for _, k := range []string{"EVAL *", "EVAL -ERR", "EVAL -WRONGTYPE", "EVAL +", "EVAL :", "EVAL $", "EVALSHA -NOSCRIPT", "EVALSHA *",
		"EVAL_RO *", "SCRIPT $", "FUNCTION $", "FCALL *", "FCALL_RO *", "FCALL_RO -ERR"} {
		if kinds[k] == 0 {
			t.Errorf("no %q reply in %d scripts", k, n)
		}
	}
}

// luaGenFamily is the key of each command's type.
var luaGenFamily = map[string]string{
	"get": "s1", "strlen": "s2", "getrange": "s1", "set": "s2", "append": "s1", "setnx": "s2", "getset": "s1",
	"incr": "n1", "incrby": "n1", "incrbyfloat": "n1",
	"llen": "l1", "lrange": "l1", "lindex": "l1", "rpush": "l1", "lpush": "l1", "lpop": "l1", "rpop": "l1", "lset": "l1",
	"hget": "h1", "hgetall": "h1", "hlen": "h1", "hexists": "h1", "hset": "h1", "hincrby": "h1", "hdel": "h1", "hsetnx": "h1",
	"sismember": "t1", "scard": "t1", "sadd": "t1", "srem": "t1",
	"zscore": "z1", "zrange": "z1", "zcard": "z1", "zrank": "z1", "zadd": "z1", "zincrby": "z1", "zrem": "z1",
	"getbit": "b1", "bitcount": "b1", "setbit": "b1", "pfcount": "x1", "pfadd": "x1", "geodist": "g1", "geoadd": "g1",
}

var luaGenKeys = []string{"s1", "s2", "n1", "l1", "h1", "z1", "t1", "b1", "x1", "g1"}

// keyState is what a client can observe of a key, independent of set
// iteration order: its type, then its contents read the type's way.
func keyState(do func(args ...string) string, key string) string {
	typ := do("TYPE", key)
	var body string
	switch typ {
	case "+string\r\n":
		body = do("GET", key)
	case "+list\r\n":
		body = do("LRANGE", key, "0", "-1")
	case "+hash\r\n":
		body = do("HGETALL", key)
	case "+set\r\n":
		members := strings.Split(do("SMEMBERS", key), "\r\n")
		sort.Strings(members)
		body = strings.Join(members, "|")
	case "+zset\r\n":
		body = do("ZRANGE", key, "0", "-1", "WITHSCORES")
	}
	ttl := do("PTTL", key)
	if ttl != ":-1\r\n" && ttl != ":-2\r\n" {
		ttl = "volatile"
	}
	return typ + body + " ttl=" + ttl
}

func redisKeyState(t *testing.T, r *redisConn, key string) string {
	return keyState(func(args ...string) string { return r.do(t, args...) }, key)
}

func fsmKeyState(h *harness, key string) string { return keyState(h.do, key) }

// luaGen writes random scripts from statement templates. Every template is
// valid Lua whose outcome (reply or command error) Redis defines exactly:
// Lua runtime errors are left out, their wording is gopher-lua's.
type luaGen struct{ rng *rand.Rand }

func (g *luaGen) pick(xs ...string) string { return xs[g.rng.IntN(len(xs))] }

// keysArgs is "numkeys keys... args...": two keys from the key space and a
// few arguments, numbers and words.
func (g *luaGen) keysArgs() []string {
	out := []string{"2", g.pick(luaGenKeys...), g.pick(luaGenKeys...)}
	for i := g.rng.IntN(4); i >= 0; i-- {
		out = append(out, g.pick("1", "7", "-3", "2.5", "abc", "x y", "", "100", "0"))
	}
	return out
}

func (g *luaGen) key() string {
	return g.pick("KEYS[1]", "KEYS[2]", "'"+g.pick(luaGenKeys...)+"'")
}

func (g *luaGen) val() string {
	return g.pick("ARGV[1]", "'v'", "'12'", "42", "3.5", "-7", "'hello world'", "(ARGV[2] or 'd')", "1e3", "0.1")
}

// call is one redis.call or redis.pcall expression.
func (g *luaGen) call(write bool) string {
	return g.pick("redis.call", "redis.pcall", "redis.pcall") + "(" + g.callArgs(write) + ")"
}

// callArgs is the argument list of a command call.
func (g *luaGen) callArgs(write bool) string {
	v := g.val()
	reads := []string{
		"'get', %[1]s", "'strlen', %[1]s", "'exists', %[1]s, %[3]s", "'type', %[1]s", "'getrange', %[1]s, 0, 3",
		"'llen', %[1]s", "'lrange', %[1]s, 0, -1", "'lindex', %[1]s, 0",
		"'hget', %[1]s, 'f'", "'hgetall', %[1]s", "'hlen', %[1]s", "'hexists', %[1]s, 'g'",
		"'sismember', %[1]s, %[2]s", "'scard', %[1]s",
		"'zscore', %[1]s, 'm'", "'zrange', %[1]s, 0, -1, 'withscores'", "'zcard', %[1]s", "'zrank', %[1]s, 'm'",
		"'getbit', %[1]s, 7", "'bitcount', %[1]s", "'pfcount', %[1]s", "'geodist', %[1]s, 'a', 'b'",
		"'mget', %[1]s, %[3]s", "'dbsize'", "'ttl', %[1]s",
		"'get'", "'nosuchcmd'", "'lrange', %[1]s, 'x', 1",
	}
	writes := []string{
		"'set', %[1]s, %[2]s", "'incr', %[1]s", "'incrby', %[1]s, %[2]s", "'append', %[1]s, %[2]s", "'del', %[1]s",
		"'setnx', %[1]s, %[2]s", "'mset', %[1]s, %[2]s, %[3]s, 'w'", "'incrbyfloat', %[1]s, %[2]s", "'getset', %[1]s, %[2]s",
		"'rpush', %[1]s, %[2]s, 'e'", "'lpush', %[1]s, %[2]s", "'lpop', %[1]s", "'rpop', %[1]s", "'lset', %[1]s, 0, %[2]s",
		"'hset', %[1]s, 'f', %[2]s", "'hincrby', %[1]s, 'f', 2", "'hdel', %[1]s, 'f'", "'hsetnx', %[1]s, 'g', %[2]s",
		"'sadd', %[1]s, %[2]s, 'm2'", "'srem', %[1]s, %[2]s",
		"'zadd', %[1]s, 1.5, 'm'", "'zincrby', %[1]s, %[2]s, 'm'", "'zadd', %[1]s, 'nx', %[2]s, 'n'", "'zrem', %[1]s, 'm'",
		"'setbit', %[1]s, 7, 1", "'pfadd', %[1]s, %[2]s", "'geoadd', %[1]s, 13.361389, 38.115556, 'a', 15.087269, 37.502669, 'b'",
		"'expire', %[1]s, 1000", "'persist', %[1]s", "'rename', %[1]s, %[3]s", "'copy', %[1]s, %[3]s",
		"'set', %[1]s, %[2]s, 'px', 100000", "'set'", "'lpush', %[1]s",
	}
	tmpl := g.pick(reads...)
	if write && g.rng.IntN(3) > 0 {
		tmpl = g.pick(writes...)
	}
	// Mostly a key of the command's own type, so calls succeed as often
	// as they fail with WRONGTYPE.
	k, k2 := g.key(), g.key()
	name, _, _ := strings.Cut(strings.TrimPrefix(tmpl, "'"), "'")
	if fam, ok := luaGenFamily[name]; ok && g.rng.IntN(4) > 0 {
		k = "'" + fam + "'"
	}
	return strings.NewReplacer("%[1]s", k, "%[2]s", v, "%[3]s", k2).Replace(tmpl)
}

// literal is a Lua value of every kind the reply conversion handles.
func (g *luaGen) literal() string {
	return g.pick("1", "-2.9", "3.99", "0", "2^53", "1e100", "-1e100", "true", "false", "nil", "'str'", "''",
		"{1, 2, {3, {4, 'five'}}}", "{1, nil, 3}", "{ok='fine'}", "{err='ERR custom'}", "{err='MYCODE custom'}",
		"redis.status_reply('OK')", "redis.error_reply('bad thing')", "redis.error_reply('-CODE detail')",
		"{true, false, 'x', 2.5}", "{}", "{double=2.5}", "{map={only=1}}", "#ARGV", "#KEYS", "ARGV", "KEYS",
		"redis.sha1hex(ARGV[1] or '')", "tonumber(ARGV[1])", "string.rep('ab', 3)", "string.upper('q')",
		"table.concat({'a', 'b'}, '-')", "math.max(3, 9)", "select('#', 1, 2)", "type(nil)", "tostring(12)",
		"cjson.encode({1, 'two', {3, true}})", "cjson.decode('[1,2,[3,\"x\"],null]')", "cjson.encode(ARGV)",
		"cjson.decode(cjson.encode({ARGV[1] or 'z', 2.5, {false}}))", "cmsgpack.pack({1, 'a', {2, 3.5}})",
		"cmsgpack.unpack(cmsgpack.pack({1, 'a', {2}, -70000, 2^40}))", "{cmsgpack.unpack(cmsgpack.pack(KEYS, 7))}",
		"bit.bxor(5, 3)", "bit.tohex(ARGV[1] and #ARGV[1] or 0)", "struct.pack('>i4', 7)", "{struct.unpack('<h', 'ab')}")
}

func (g *luaGen) statements(write bool) string {
	var b strings.Builder
	b.WriteString("local r = {}\n")
	for i := g.rng.IntN(5); i >= 0; i-- {
		switch g.rng.IntN(6) {
		case 0:
			fmt.Fprintf(&b, "local ok, e = pcall(redis.call, %s)\nr[#r+1] = tostring(ok)\nr[#r+1] = e\n", g.callArgs(write))
		case 1:
			fmt.Fprintf(&b, "local v = %s\nif type(v) == 'table' and v.err then r[#r+1] = 'error:' .. v.err else r[#r+1] = v end\n", g.call(write))
		default:
			fmt.Fprintf(&b, "r[#r+1] = %s\n", g.call(write))
		}
	}
	return b.String()
}

func (g *luaGen) ending() string {
	switch g.rng.IntN(6) {
	case 0:
		return "return " + g.literal()
	case 1:
		return "return {" + g.literal() + ", " + g.literal() + "}"
	case 2:
		return "return " + g.call(false)
	}
	return "return r"
}

func (g *luaGen) script() string { return g.statements(true) + g.ending() }

func (g *luaGen) readScript() string { return g.statements(false) + g.ending() }
