package fsm

import "testing"

// More EVAL/FUNCTION argument errors, registration errors and Lua library
// behaviour, each reply compared with redis-server's.

func TestMoreScriptCasesAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	for _, cmd := range [][]string{
		{"SCRIPT", "LOAD"}, {"SCRIPT", "LOAD", "a", "b"}, {"SCRIPT", "FLUSH", "ASYNC", "x"}, {"SCRIPT", "DEBUG", "NO"}, {"SCRIPT", "DEBUG", "x"},
		{"SCRIPT", "KILL", "x"}, {"SCRIPT", "EXISTS", "a", "b"}, {"FUNCTION", "FLUSH", "bad"}, {"FUNCTION", "FLUSH", "a", "b"},
		{"FUNCTION", "LOAD", "FOO", "code"}, {"FUNCTION", "LOAD", "REPLACE"}, {"FUNCTION", "LOAD", "a", "b", "c"}, {"FUNCTION", "DELETE"},
		{"FUNCTION", "LIST", "LIBRARYNAME"}, {"FUNCTION", "LIST", "WITHCODE", "WITHCODE"}, {"FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"},
		{"FUNCTION", "RESTORE"}, {"FUNCTION", "RESTORE", "x", "FLUSH", "y"}, {"FUNCTION", "DUMP", "x"}, {"FUNCTION", "STATS", "x"},
		{"FUNCTION"}, {"SCRIPT"}, {"FCALL", "f"}, {"EVAL", "return 1"}, {"EVAL", "return 1", "99999999999999999999"},
		{"EVALSHA", "abc", "x"}, {"FCALL", "nosuch", "x"}, {"FUNCTION", "bogus"},
		{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('f', function() return 1 end)\nredis.register_function('f', function() return 1 end)"},
		{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('f-1', function() return 1 end)"},
		{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function{function_name='f', callback=function() return 1 end, description=1}"},
		{"FUNCTION", "LOAD", "#!lua name=a\nredis.register_function{function_name='g', callback=function() return 1 end}"},
		{"FUNCTION", "LOAD", "#!lua name=c\nredis.register_function{callback=function() return 1 end}"},
		{"FUNCTION", "LOAD", "#!lua name=c\nredis.register_function{function_name='f'}"},
		{"FUNCTION", "LOAD", "#!lua name=c\nredis.register_function{function_name='f', callback=function() return 1 end, flags='no-writes'}"},
		{"FUNCTION", "LOAD", "#!lua name=c\nredis.register_function(1, function() end)"},
		{"FUNCTION", "LOAD", "#!lua name=c\nredis.register_function()"},
		{"FUNCTION", "LOAD", "#!lua name=c\nredis.register_function('x')"},
		{"FUNCTION", "LOAD", "#!lua name=c\nlocal x = 1 +"},
		{"FUNCTION", "LOAD", "#!lua name=a\nredis.log(redis.LOG_NOTICE, 'x') redis.register_function('f', function() return redis.REDIS_VERSION end)"},
		{"FCALL", "f", "0"},
		{"FUNCTION", "LOAD", "#!lua name=b\nredis.register_function('f', function() return 1 end)"},
		{"EVAL", "return redis.call('function', 'stats')", "0"},
		{"EVAL", "return redis.register_function", "0"},
		{"EVAL", "return pcall(error)", "0"},
		{"EVAL", "return {pcall(error, 'x')}", "0"},
		{"EVAL", "return {pcall(error, {err='t'})}", "0"},
		{"EVAL", "return {pcall(redis.error_reply, 'x')}", "0"},
		{"EVAL", "return tostring(1/0)", "0"},
		{"EVAL", "return 1/0", "0"},
		{"EVAL", "return {1, 2, 3, n=4}", "0"},
		{"EVAL", "return #ARGV", "0", "a"},
		{"EVAL", "return redis.call('time')[1] > '0'", "0"},
		{"EVAL", "return unpack({1, 2, 3})", "0"},
		{"EVAL", "return select(2, 'a', 'b')", "0"},
		{"EVAL", "return string.format('%5.2f|%d|%s|%q', 3.14159, 42, 'x', 'a\"b')", "0"},
		{"EVAL", "return tonumber('0x10')", "0"},
		{"EVAL", "return tonumber('  12  ')", "0"},
		{"EVAL", "return math.floor(-3.5)", "0"},
		{"EVAL", "return math.fmod(7, 3)", "0"},
		{"EVAL", "return string.byte('A')", "0"},
		{"EVAL", "return {string.find('hello', 'l+')}", "0"},
		{"EVAL", "return string.gsub('hello world', 'o', '0')", "0"},
		{"EVAL", "local t = {3, 1, 2} table.sort(t) return t", "0"},
		{"EVAL", "local t = {} table.insert(t, 'a') table.insert(t, 1, 'b') return t", "0"},
		{"EVAL", "return _VERSION", "0"},
		{"EVAL", "return type(gcinfo())", "0"},
		{"EVAL", "return assert(false, 'boom')", "0"},
		{"EVAL", "return assert(1 == 1)", "0"},
		{"EVAL", "return xpcall(function() error('x') end, function(e) return 'handled: ' .. e end)", "0"},
	} {
		if want, got := r.do(t, cmd...), h.do(cmd...); got != want {
			t.Errorf("%q:\n redis %q\n quoris %q", cmd, want, got)
		}
	}
}
