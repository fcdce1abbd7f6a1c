package fsm

import (
	"testing"
)

// scriptCases are hand-picked EVAL/SCRIPT/FUNCTION calls whose replies must
// match redis-server's byte for byte: sandbox, conversions, error formats.
var scriptCases = [][]string{
	{"SET", "s", "x"},
	{"EVAL", "x = 1", "0"},
	// Lua 5.1's implicit "arg" of a vararg function that does not use
	// "...", and none in the script body itself.
	{"EVAL", "local function f(...) return arg.n end return f(1, 2, 3)", "0"},
	{"EVAL", "return type(arg)", "0"},
	{"EVAL", "return y", "0"},
	{"EVAL", "return type(os)", "0"},
	{"EVAL", "return type(print)", "0"},
	{"EVAL", "return type(loadfile)", "0"},
	{"EVAL", "return type(coroutine)", "0"},
	{"EVAL", "return type(load)", "0"},
	{"EVAL", "return type(setfenv)", "0"},
	{"EVAL", "string.x = 1", "0"},
	{"EVAL", "rawset(_G, 'x', 1) return x", "0"},
	{"EVAL", "redis.call('nosuch')", "0"},
	{"EVAL", "return redis.call('get')", "0"},
	{"EVAL", "return redis.pcall('get')", "0"},
	{"EVAL", "return redis.call('incr', KEYS[1])", "1", "s"},
	{"EVAL", "return redis.pcall('incr', KEYS[1])", "1", "s"},
	{"EVAL", "local ok, e = pcall(redis.call, 'incr', 's'); return {tostring(ok), type(e), e}", "0"},
	{"EVAL", "error('boom')", "0"},
	{"EVAL", "error({err='My Error'})", "0"},
	{"EVAL", "error({err='-My Error'})", "0"},
	{"EVAL", "error()", "0"},
	{"EVAL", "error(12)", "0"},
	{"EVAL", "return {err='xx'}", "0"},
	{"EVAL", "return redis.error_reply('zz')", "0"},
	{"EVAL", "return redis.error_reply('-zz')", "0"},
	{"EVAL", "return redis.error_reply('MY code')", "0"},
	{"EVAL", "return redis.status_reply('fine')", "0"},
	{"EVAL", "return redis.status_reply(1)", "0"},
	{"EVAL", "return {1,2,3.9,'x',nil,4}", "0"},
	{"EVAL", "return {true,false}", "0"},
	{"EVAL", "return 3.99", "0"},
	{"EVAL", "return -3.99", "0"},
	{"EVAL", "return 1e100", "0"},
	{"EVAL", "return {ok='x'}", "0"},
	{"EVAL", "return {{1,{2}}, 'a'}", "0"},
	{"EVAL", "return {1,2,{3,'x',{ok='o'},{err='e'}}}", "0"},
	{"EVAL", "return {double=1.5}", "0"},
	{"EVAL", "return {map={a=1}}", "0"},
	{"EVAL", "return {big_number='123'}", "0"},
	{"EVAL", "return redis.call()", "0"},
	{"EVAL", "return redis.call('set','a',{})", "0"},
	{"EVAL", "return redis.call('set','a',3.25)", "0"},
	{"EVAL", "return redis.call('get','a')", "0"},
	{"EVAL", "return redis.call('set', 'k', 0.1)", "0"},
	{"EVAL", "return redis.call('get', 'k')", "0"},
	{"EVAL", "return redis.call('eval', 'return 1', 0)", "0"},
	{"EVAL", "return redis.call('blpop', 'nolist', 0)", "0"},
	{"EVAL", "return redis.call('select', 1)", "0"},
	{"EVAL", "return redis.call('select','99')", "0"},
	{"EVAL", "redis.call('select', 2); redis.call('set', 'in2', 'v'); return redis.call('dbsize')", "0"},
	{"EVAL", "return redis.call('ping')", "0"},
	{"EVAL", "return redis.call('echo', 'x')", "0"},
	{"EVAL", "return redis.setresp(4)", "0"},
	// redis.setresp(3): redis.call replies in RESP3 types.
	{"HSET", "h3", "a", "1", "b", "2"},
	{"ZADD", "z3", "1.5", "m", "2", "n"},
	{"SADD", "s3", "only"},
	{"EVAL", "redis.setresp(3); local r = redis.call('HGETALL', 'h3'); return {r.map.a, r.map.b, type(r.map)}", "0"},
	{"EVAL", "redis.setresp(3); return redis.call('HGETALL', 'h3').map.b", "0"},
	{"EVAL", "redis.setresp(3); local r = redis.call('ZSCORE', 'z3', 'm'); return {type(r), tostring(r.double)}", "0"},
	{"EVAL", "redis.setresp(3); return redis.call('ZSCORE', 'z3', 'm')", "0"},
	{"EVAL", "redis.setresp(3); local r = redis.call('ZRANGE', 'z3', 0, -1, 'WITHSCORES'); return {r[1][1], tostring(r[1][2].double), r[2][1]}", "0"},
	{"EVAL", "redis.setresp(3); local r = redis.call('SMEMBERS', 's3'); return {type(r.set), tostring(r.set.only)}", "0"},
	{"EVAL", "redis.setresp(3); return redis.call('SMEMBERS', 's3')", "0"},
	{"EVAL", "redis.setresp(3); return type(redis.call('GET', 'nokey3'))", "0"},
	{"EVAL", "redis.setresp(2); return type(redis.call('GET', 'nokey3'))", "0"},
	{"EVAL", "redis.setresp(3); return {redis.call('GET', 'nokey3') == nil, false}", "0"},
	{"EVAL", "redis.setresp(3); return false", "0"},
	{"EVAL", "redis.setresp(3); return true", "0"},
	{"EVAL", "redis.setresp(3); redis.setresp(2); return false", "0"},
	{"EVAL", "redis.setresp(3); return redis.call('INCR', 'cnt3')", "0"},
	{"EVAL", "redis.setresp(3); return redis.pcall('INCR', 'h3')", "0"},
	{"EVAL", "redis.setresp(3); local r = redis.call('ZMSCORE', 'z3', 'm', 'x', 'n'); return {tostring(r[1].double), type(r[2]), tostring(r[3].double)}", "0"},
	{"EVAL", "return false", "0"},
	{"EVAL", "return redis.sha1hex('')", "0"},
	{"EVAL", "return redis.sha1hex()", "0"},
	{"EVAL", "return redis.log()", "0"},
	{"EVAL", "return redis.log(redis.LOG_WARNING, 'hi', 2)", "0"},
	{"EVAL", "return redis.set_repl(redis.REPL_ALL)", "0"},
	{"EVAL", "return redis.replicate_commands()", "0"},
	{"EVAL", "return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}", "0"},
	{"EVAL", "return redis.breakpoint()", "0"},
	{"EVAL", "return 1", "-1"},
	{"EVAL", "return 1", "3", "a"},
	{"EVAL", "return 1", "x"},
	{"EVALSHA", "abc", "0"},
	{"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"},
	{"EVAL_RO", "return redis.call('set','a','b')", "0"},
	{"EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"},
	{"EVAL", "#!lua flags=bogus\nreturn 1", "0"},
	{"EVAL", "#!lua name=x\nreturn 1", "0"},
	{"EVAL", "#!notlua\nreturn 1", "0"},
	{"EVAL", "#!lua\nreturn 1", "0"},
	{"EVAL_RO", "#!lua\nreturn 1", "0"},
	{"EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('get', 's')", "0"},
	{"EVAL", "return _G", "0"},
	{"EVAL", "KEYS[1]='x' return KEYS[1]", "1", "a"},
	{"EVAL", "return getmetatable('').__index == string", "0"},
	{"EVAL", "return loadstring('return 1')()", "0"},
	{"EVAL", "return tostring(0.1)", "0"},
	{"EVAL", "return tostring(1e15)", "0"},
	{"EVAL", "math.randomseed(42) return {math.random(1000000), tostring(math.random())}", "0"},
	{"EVAL", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "2", "k1", "k2", "a1", "a2"},
	{"SCRIPT", "LOAD", "return 1"},
	{"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "abc"},
	{"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"},
	{"EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"},
	{"SCRIPT", "FLUSH"},
	{"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"},
	{"SCRIPT", "FLUSH", "bad"},
	{"SCRIPT", "EXISTS"},
	{"SCRIPT", "HELP"},
	{"SCRIPT", "bogus"},
	{"SCRIPT", "LOAD", "return +"},
	{"FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)\nredis.register_function{function_name='f2', callback=function(keys, args) return redis.call('set', keys[1], args[1]) end, flags={'no-writes'}, description='desc'}"},
	{"FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f1', function() return 1 end)"},
	{"FUNCTION", "LOAD", "#!lua name=lib2\nreturn 1"},
	{"FUNCTION", "LOAD", "#!lua name=lib2\nredis.register_function('f1', function() return 1 end)"},
	{"FUNCTION", "LOAD", "#!lua name=lib2\nredis.call('ping')"},
	{"FUNCTION", "LOAD", "#!lua name=lib 2\nredis.register_function('g1', function() return 1 end)"},
	{"FUNCTION", "LOAD", "#!lua name=lib-2\nredis.register_function('g1', function() return 1 end)"},
	{"FUNCTION", "LOAD", "#!lua\nredis.register_function('g1', function() return 1 end)"},
	{"FUNCTION", "LOAD", "no shebang"},
	{"FUNCTION", "LOAD", "#!lua name=lib3\nredis.register_function('g1', function() return 1 end, 'x')"},
	{"FUNCTION", "LOAD", "#!lua name=lib3\nredis.register_function{function_name='g1', callback=function() return 1 end, flags={'bogus'}}"},
	{"FUNCTION", "LOAD", "#!lua name=lib3\nredis.register_function{function_name='g1', callback=function() return 1 end, foo=1}"},
	{"FUNCTION", "LOAD", "#!lua name=lib3\nlocal x = y"},
	{"FUNCTION", "LOAD", "#!lua name=lib3\nredis.register_function('g1', 'notfunc')"},
	{"FCALL", "f1", "1", "k1", "a1"},
	{"FCALL", "f2", "1", "k1", "a1"},
	{"FCALL_RO", "f1", "1", "k1", "a1"},
	{"FCALL_RO", "f2", "1", "k1", "a1"},
	{"FCALL", "nosuch", "0"},
	{"FCALL", "f1", "-1"},
	{"FCALL", "f1", "5"},
	{"FCALL", "f1", "x"},
	{"FUNCTION", "LIST", "LIBRARYNAME", "my"},
	{"FUNCTION", "LOAD", "#!lua name=one\nredis.register_function{function_name='o1', callback=function(k, a) return redis.call('get', k[1]) end, flags={'no-writes', 'allow-stale'}}"},
	{"FUNCTION", "LIST", "LIBRARYNAME", "on*"},
	{"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "one"},
	{"FCALL_RO", "o1", "1", "s"},
	{"FCALL", "o1", "1", "s"},
	{"FUNCTION", "LIST", "bogus"},
	{"FUNCTION", "STATS"},
	{"FUNCTION", "DELETE", "nosuch"},
	{"FUNCTION", "LOAD", "REPLACE", "#!lua name=mylib\nredis.register_function('f3', function(keys, args) error('oops') end)"},
	{"FCALL", "f3", "0"},
	{"FCALL", "f1", "0"},
	{"FUNCTION", "RESTORE", "bad"},
	{"FUNCTION", "HELP"},
	{"FUNCTION", "DELETE", "mylib"},
	{"FUNCTION", "DELETE", "one"},
	{"FUNCTION", "LIST"},
	{"FUNCTION", "KILL"},
}

func TestScriptCasesAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	for i, cmd := range scriptCases {
		want := r.do(t, cmd...)
		got := h.do(cmd...)
		if got != want {
			t.Errorf("#%d %q:\n redis: %q\n quoris: %q", i, cmd, want, got)
		}
	}
}

// lualibCases check that cjson, cmsgpack, bit and struct are wired into
// the sandbox: reachable, read-only, and round-tripping.
var lualibCases = [][]string{
	{"EVAL", "return cjson.encode({1, 2, {a = 'b'}})", "0"},
	{"EVAL", "return cjson.decode(ARGV[1])[2]", "0", "[1, \"two\", 3]"},
	{"EVAL", "local t = cjson.decode(cjson.encode({x = {1, 2, 3}})) return t.x", "0"},
	{"EVAL", "return cmsgpack.unpack(cmsgpack.pack({1, 2, 'three'}))", "0"},
	{"EVAL", "return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {b = 2}))}", "0"},
	{"EVAL", "return bit.band(0xff, 0x0f)", "0"},
	{"EVAL", "return bit.tohex(255)", "0"},
	{"EVAL", "return {struct.unpack('>I2', struct.pack('>I2', 513))}", "0"},
	{"EVAL", "cjson.x = 1", "0"},
	{"EVAL", "return type(cjson.null)", "0"},
	{"EVAL", "redis.call('set', KEYS[1], cjson.encode({n = 1})) return cjson.decode(redis.call('get', KEYS[1])).n", "1", "j"},
}

func TestLualibCasesAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	for i, cmd := range lualibCases {
		if want, got := r.do(t, cmd...), h.do(cmd...); got != want {
			t.Errorf("#%d %q:\n redis: %q\n quoris: %q", i, cmd, want, got)
		}
	}
}

// TestScriptCacheByReadOnlyEval: EVAL_RO and no-writes EVAL cache their
// script as Redis's do, though they run on the read path.
func TestScriptCacheByReadOnlyEval(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	body := "#!lua flags=no-writes\nreturn 'ro'"
	for _, cmd := range [][]string{
		{"EVAL_RO", body, "0"},
		{"SCRIPT", "EXISTS", sha1Hex([]byte(body))},
		{"EVALSHA_RO", sha1Hex([]byte(body)), "0"},
		{"SCRIPT", "FLUSH"},
		{"EVAL", body, "0"},
		{"EVALSHA", sha1Hex([]byte(body)), "0"},
		{"EVAL_RO", "return +", "0"},
		{"SCRIPT", "EXISTS", sha1Hex([]byte("return +"))},
	} {
		if want, got := r.do(t, cmd...), h.do(cmd...); got != want {
			t.Errorf("%q: redis %q, quoris %q", cmd, want, got)
		}
	}
}
