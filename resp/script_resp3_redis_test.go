package resp

import (
	"testing"
)

// scriptReplyCases are scripts whose replies depend on the caller's
// protocol (Redis's luaReplyToRedisReply). Maps and sets hold one element
// where a RESP2 caller sees them flattened: Lua's table order is not
// Redis's.
var scriptReplyCases = [][]string{
	{"EVAL", "return {double=3.5}", "0"},
	{"EVAL", "return {double=1/0}", "0"},
	{"EVAL", "return {double=-0.1}", "0"},
	{"EVAL", "return {map={a=1}}", "0"},
	{"EVAL", "return {set={a=1}}", "0"},
	{"EVAL", "return {big_number='123'}", "0"},
	{"EVAL", "return {big_number='1\\r\\n2'}", "0"},
	{"EVAL", "return {verbatim_string={format='txt', string='hello'}}", "0"},
	{"EVAL", "return {verbatim_string={format='mkdown', string='x'}}", "0"},
	{"EVAL", "return {verbatim_string={format='m', string=''}}", "0"},
	{"EVAL", "return true", "0"},
	{"EVAL", "return false", "0"},
	{"EVAL", "return nil", "0"},
	{"EVAL", "return {1, false, 2}", "0"},
	{"EVAL", "return {1, nil, 2}", "0"},
	{"EVAL", "return {false, {false, true}}", "0"},
	{"EVAL", "redis.setresp(3) return true", "0"},
	{"EVAL", "redis.setresp(3) return false", "0"},
	{"EVAL", "redis.setresp(3) return {true, false, {false}}", "0"},
	{"EVAL", "redis.setresp(3) return {map={k=false}}", "0"},
	{"EVAL", "redis.setresp(3) return redis.call('hgetall', KEYS[1])", "1", "{s}h"},
	{"EVAL", "redis.setresp(3) return redis.call('smembers', KEYS[1])", "1", "{s}s"},
	{"EVAL", "redis.setresp(3) return redis.call('zscore', KEYS[1], 'm')", "1", "{s}z"},
	{"EVAL", "redis.setresp(3) return redis.call('zrange', KEYS[1], 0, -1, 'withscores')", "1", "{s}z"},
	{"EVAL", "redis.setresp(3) return redis.call('get', 'nosuchkey')", "0"},
	{"EVAL", "redis.setresp(3) return {redis.call('get', 'nosuchkey'), 1}", "0"},
	{"EVAL", "return redis.call('hgetall', KEYS[1])", "1", "{s}h"},
	{"EVAL", "return redis.call('get', 'nosuchkey')", "0"},
	{"EVAL", "return {1, 'a', {2, {double=1.25}}, {map={x={set={y=1}}}}, {big_number='7'}}", "0"},
	{"EVAL", "return {map={n={map={m={1, {double=2}}}}}}", "0"},
	{"EVAL", "return {err='My Error'}", "0"},
	{"EVAL", "return redis.error_reply('CODE msg')", "0"},
	{"EVAL", "return {ok='fine'}", "0"},
	{"EVAL", "return redis.status_reply('OK')", "0"},
	{"EVAL", "return {1, {err='inner'}}", "0"},
	{"EVAL", "return redis.call('incr', KEYS[1])", "1", "{s}n"},
	{"EVAL", "return 3.99", "0"},
	{"EVAL", "return 'text'", "0"},
	{"EVAL_RO", "return {map={a={double=0.5}}}", "0"},
	{"EVAL_RO", "redis.setresp(3) return redis.call('zscore', KEYS[1], 'm')", "1", "{s}z"},
	{"EVAL", "#!lua flags=no-writes\nreturn {set={x=1}}", "0"},
	{"EVAL", "#!lua\nreturn {double=2.5}", "0"},
	{"FCALL", "fmap", "0"},
	{"FCALL", "fbool", "0"},
	{"FCALL_RO", "fro", "1", "{s}z"},
	{"FCALL_RO", "fbool", "0"},
	{"FCALL", "fnull", "0"},
}

const scriptReplyLib = "#!lua name=resp3lib\n" +
	"redis.register_function('fmap', function(keys, args) return {map={a={double=1.5}}} end)\n" +
	"redis.register_function{function_name='fbool', callback=function(keys, args) redis.setresp(3) return {true, false} end, flags={'no-writes'}}\n" +
	"redis.register_function{function_name='fro', callback=function(keys, args) redis.setresp(3) return redis.call('zscore', keys[1], 'm') end, flags={'no-writes'}}\n" +
	"redis.register_function('fnull', function(keys, args) return nil end)\n"

var scriptReplySetup = [][]string{
	{"HSET", "{s}h", "f", "v"},
	{"SADD", "{s}s", "a"},
	{"ZADD", "{s}z", "1.5", "m"},
	{"FUNCTION", "LOAD", "REPLACE", scriptReplyLib},
}

// TestScriptRESP3MatchesRedis compares scripts' and functions' replies
// with redis-server's, byte for byte (sets and maps unordered), for a
// HELLO 3 and a HELLO 2 connection, alone, as EVALSHA, pipelined, inside
// MULTI/EXEC and for a connection switching protocols between calls.
func TestScriptRESP3MatchesRedis(t *testing.T) {
	redisAddr := startRedisServer(t)
	quorisAddr, _ := startTestServer(t)
	setup := dialRaw(t, redisAddr)
	qsetup := dialRaw(t, quorisAddr)
	for _, c := range scriptReplySetup {
		if r, q := setup.do(c...), qsetup.do(c...); r != q {
			t.Fatalf("setup %q: redis %q, quoris %q", c[0], r, q)
		}
	}
	for _, proto := range []string{"3", "2"} {
		rc, qc := dialRaw(t, redisAddr), dialRaw(t, quorisAddr)
		readNode(t, rc, "HELLO", proto)
		readNode(t, qc, "HELLO", proto)
		same := func(what string, args ...string) {
			t.Helper()
			if r, q := readNode(t, rc, args...), readNode(t, qc, args...); r.canon() != q.canon() {
				t.Errorf("RESP%s %s %q:\nredis  %q\nquoris %q", proto, what, args, r.raw, q.raw)
			}
		}
		for _, c := range scriptReplyCases {
			same("", c...)
			if c[0] == "EVAL" || c[0] == "EVAL_RO" {
				sha := readNode(t, rc, "SCRIPT", "LOAD", c[1]).text
				if q := readNode(t, qc, "SCRIPT", "LOAD", c[1]).text; q != sha {
					t.Fatalf("SCRIPT LOAD %q: redis %s, quoris %s", c[1], sha, q)
				}
				same("as EVALSHA", append([]string{c[0][:4] + "SHA" + c[0][4:], sha}, c[2:]...)...)
			}
		}
		// Pipelined: every reply of a batch written in its protocol.
		pipelined := func(conn *rawConn) []node3 {
			var buf []byte
			for _, c := range scriptReplyCases {
				argv := make([][]byte, len(c))
				for i, a := range c {
					argv[i] = []byte(a)
				}
				buf = appendCommand(buf, argv)
			}
			if _, err := conn.c.Write(buf); err != nil {
				t.Fatal(err)
			}
			out := make([]node3, len(scriptReplyCases))
			for i := range out {
				n, err := readNode3(conn.rd, 0)
				if err != nil {
					t.Fatal(err)
				}
				out[i] = n
			}
			return out
		}
		rs, qs := pipelined(rc), pipelined(qc)
		for i := range rs {
			if rs[i].canon() != qs[i].canon() {
				t.Errorf("RESP%s pipelined %q:\nredis  %q\nquoris %q", proto, scriptReplyCases[i], rs[i].raw, qs[i].raw)
			}
		}
		// MULTI/EXEC: each script's reply in the EXEC array as alone.
		same("", "MULTI")
		for _, c := range scriptReplyCases {
			same("queued", c...)
		}
		same("", "SET", "{s}plain", "v")
		same("", "GET", "{s}plain")
		same("", "EXEC")
	}
	// One connection switching protocols between calls.
	rc, qc := dialRaw(t, redisAddr), dialRaw(t, quorisAddr)
	for _, proto := range []string{"3", "2", "3", "2"} {
		readNode(t, rc, "HELLO", proto)
		readNode(t, qc, "HELLO", proto)
		for _, c := range [][]string{
			{"EVAL", "redis.setresp(3) return {true, false, {double=1}, {map={a=1}}}", "0"},
			{"FCALL", "fmap", "0"},
		} {
			if r, q := readNode(t, rc, c...), readNode(t, qc, c...); r.canon() != q.canon() {
				t.Errorf("after HELLO %s %q:\nredis  %q\nquoris %q", proto, c, r.raw, q.raw)
			}
		}
	}
}

// TestScriptRESP3RestrictedUser: a restricted user's scripts (checked in
// the FSM through QUORIS.ASUSER) answer a RESP3 caller in RESP3 as well,
// denied calls included.
func TestScriptRESP3RestrictedUser(t *testing.T) {
	redisAddr := startRedisServer(t)
	quorisAddr, _ := startTestServer(t)
	for _, proto := range []string{"3", "2"} {
		rc, qc := dialRaw(t, redisAddr), dialRaw(t, quorisAddr)
		for _, c := range [][]string{
			{"ACL", "SETUSER", "limited", "on", ">pw", "~*", "+@all", "-set"},
			{"AUTH", "limited", "pw"},
			{"HELLO", proto},
		} {
			readNode(t, rc, c...)
			readNode(t, qc, c...)
		}
		for _, c := range [][]string{
			{"EVAL", "return {map={a={double=0.5}}}", "0"},
			{"EVAL", "redis.setresp(3) return {true, false}", "0"},
			{"EVAL", "return redis.pcall('set', 'k', 'v')", "0"},
			{"EVAL_RO", "return {set={z=1}}", "0"},
			{"MULTI"},
			{"EVAL", "return {double=2.5}", "0"},
			{"EXEC"},
		} {
			if r, q := readNode(t, rc, c...), readNode(t, qc, c...); r.canon() != q.canon() {
				t.Errorf("RESP%s %q:\nredis  %q\nquoris %q", proto, c, r.raw, q.raw)
			}
		}
	}
}
