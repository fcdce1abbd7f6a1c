package fsm

import "testing"

// Expected replies below were produced by redis-server 7.0.15 (the same
// commands, in the same order, on an empty server). The blocking pops use
// timeouts only where Redis has data to pop or an argument to reject, so
// its answer is the same as quoris's single non-blocking attempt.

// ZPOPMIN and ZPOPMAX: count checks before the key, flat replies.
func TestZpop(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, ":5\r\n"},
		{[]string{"ZPOPMIN", "z"}, "*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"ZPOPMAX", "z"}, "*2\r\n$1\r\ne\r\n$1\r\n5\r\n"},
		{[]string{"ZPOPMIN", "z", "2"}, "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"ZPOPMAX", "z", "0"}, "*0\r\n"},
		{[]string{"ZPOPMAX", "z", "10"}, "*2\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"EXISTS", "z"}, ":0\r\n"},
		{[]string{"ZPOPMIN", "z"}, "*0\r\n"},
		{[]string{"ZPOPMIN", "z", "3"}, "*0\r\n"},
		{[]string{"ZPOPMIN", "z", "-1"}, "-ERR value is out of range, must be positive\r\n"},
		{[]string{"ZPOPMIN", "z", "x"}, "-ERR value is out of range, must be positive\r\n"},
		{[]string{"ZPOPMIN", "z", "1", "2"}, "-ERR syntax error\r\n"},
		{[]string{"ZADD", "z", "0.1", "a"}, ":1\r\n"},
		{[]string{"ZPOPMAX", "z", "1", "1"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZPOPMIN", "str"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZPOPMIN", "str", "0"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZPOPMAX", "str", "-1"}, "-ERR value is out of range, must be positive\r\n"},
	})
}

// BZPOPMIN/BZPOPMAX: the timeout is validated (ceil of seconds*1000 in
// extended precision) before the keys; with data, [key, member, score].
func TestBzpop(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a", "2", "b"}, ":2\r\n"},
		{[]string{"ZADD", "y", "5", "q"}, ":1\r\n"},
		{[]string{"BZPOPMIN", "nokey", "z", "y", "0"}, "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"BZPOPMAX", "nokey", "z", "y", "0"}, "*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{[]string{"ZADD", "z", "3", "c"}, ":1\r\n"},
		{[]string{"BZPOPMIN", "z", "y", "0.5"}, "*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"BZPOPMIN", "y", "0"}, "*3\r\n$1\r\ny\r\n$1\r\nq\r\n$1\r\n5\r\n"},
		{[]string{"EXISTS", "y"}, ":0\r\n"},
		{[]string{"ZADD", "z", "1", "a", "2", "b"}, ":2\r\n"},
		{[]string{"BZPOPMIN", "z", "x"}, "-ERR timeout is not a float or out of range\r\n"},
		{[]string{"BZPOPMIN", "z", "-1"}, "-ERR timeout is negative\r\n"},
		{[]string{"BZPOPMIN", "z", "inf"}, "-ERR timeout is negative\r\n"},
		{[]string{"BZPOPMIN", "z", "-inf"}, "-ERR timeout is negative\r\n"},
		{[]string{"BZPOPMIN", "z", "1e30"}, "-ERR timeout is negative\r\n"},
		{[]string{"BZPOPMIN", "z", "9.3e15"}, "-ERR timeout is negative\r\n"},
		{[]string{"BZPOPMIN", "z", " 1"}, "-ERR timeout is not a float or out of range\r\n"},
		{[]string{"BZPOPMIN", "z", "nan"}, "-ERR timeout is not a float or out of range\r\n"},
		{[]string{"BZPOPMIN", "z", ""}, "-ERR timeout is not a float or out of range\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"BZPOPMIN", "nokey", "str", "0"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"BZPOPMIN", "str", "x"}, "-ERR timeout is not a float or out of range\r\n"},
		{[]string{"BZMPOP", "0.01", "1", "nokey", "MIN"}, "*-1\r\n"},
		{[]string{"BZMPOP", "0", "2", "nokey", "z", "MAX", "COUNT", "5"}, "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"BZMPOP", "x", "1", "z", "MIN"}, "-ERR timeout is not a float or out of range\r\n"},
		{[]string{"BZMPOP", "-1", "1", "z", "MIN"}, "-ERR timeout is negative\r\n"},
		{[]string{"BZMPOP", "x", "0", "z", "MIN"}, "-ERR numkeys should be greater than 0\r\n"},
		{[]string{"BZMPOP", "x", "1", "z", "foo"}, "-ERR syntax error\r\n"},
		{[]string{"BZMPOP", "x", "1", "z", "min", "count", "0"}, "-ERR count should be greater than 0\r\n"},
		{[]string{"BZMPOP", "0", "2", "nokey", "str", "MIN"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	})
}

// ZMPOP: numkeys, direction and COUNT, then the first existing key.
func TestZmpop(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, ":3\r\n"},
		{[]string{"ZADD", "y", "9", "q"}, ":1\r\n"},
		{[]string{"ZMPOP", "2", "nokey", "z", "MIN"}, "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "10"}, "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{[]string{"ZMPOP", "2", "z", "y", "min", "count", "1"}, "*2\r\n$1\r\ny\r\n*1\r\n*2\r\n$1\r\nq\r\n$1\r\n9\r\n"},
		{[]string{"ZMPOP", "1", "z", "MIN"}, "*-1\r\n"},
		{[]string{"ZMPOP", "3", "nokey", "z", "nokey2", "MAX"}, "*-1\r\n"},
		{[]string{"ZMPOP", "0", "z", "MIN"}, "-ERR numkeys should be greater than 0\r\n"},
		{[]string{"ZMPOP", "-1", "z", "MIN"}, "-ERR numkeys should be greater than 0\r\n"},
		{[]string{"ZMPOP", "x", "z", "MIN"}, "-ERR numkeys should be greater than 0\r\n"},
		{[]string{"ZMPOP", "9223372036854775807", "z", "MIN"}, "-ERR syntax error\r\n"},
		{[]string{"ZMPOP", "2", "z", "MIN"}, "-ERR syntax error\r\n"},
		{[]string{"ZMPOP", "1", "y", "LEFT"}, "-ERR syntax error\r\n"},
		{[]string{"ZMPOP", "1", "y", "MIN", "COUNT"}, "-ERR syntax error\r\n"},
		{[]string{"ZMPOP", "1", "y", "MIN", "COUNT", "0"}, "-ERR count should be greater than 0\r\n"},
		{[]string{"ZMPOP", "1", "y", "MIN", "COUNT", "-1"}, "-ERR count should be greater than 0\r\n"},
		{[]string{"ZMPOP", "1", "y", "MIN", "COUNT", "x"}, "-ERR count should be greater than 0\r\n"},
		{[]string{"ZMPOP", "1", "y", "MIN", "COUNT", "1", "COUNT", "1"}, "-ERR syntax error\r\n"},
		{[]string{"ZMPOP", "1", "y", "MIN", "extra"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZMPOP", "2", "nokey", "str", "MIN"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZMPOP", "2", "y", "str", "MAX"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZMPOP", "2", "str", "y", "MAX"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	})
}

// ZSCAN on a listpack returns everything with cursor 0, scores as the
// listpack stores them (integers in integer form); errors and a missing key.
func TestZscanListpack(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a", "2.5", "b", "123456789012345678", "c", "1e20", "d", "-inf", "e", "0.1", "f"}, ":6\r\n"},
		{[]string{"ZSCAN", "z", "0"}, "*2\r\n$1\r\n0\r\n*12\r\n$1\r\ne\r\n$4\r\n-inf\r\n$1\r\nf\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nc\r\n$18\r\n123456789012345680\r\n$1\r\nd\r\n$5\r\n1e+20\r\n"},
		{[]string{"ZSCAN", "z", "12345"}, "*2\r\n$1\r\n0\r\n*12\r\n$1\r\ne\r\n$4\r\n-inf\r\n$1\r\nf\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nc\r\n$18\r\n123456789012345680\r\n$1\r\nd\r\n$5\r\n1e+20\r\n"},
		{[]string{"ZSCAN", "z", "0", "COUNT", "1"}, "*2\r\n$1\r\n0\r\n*12\r\n$1\r\ne\r\n$4\r\n-inf\r\n$1\r\nf\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nc\r\n$18\r\n123456789012345680\r\n$1\r\nd\r\n$5\r\n1e+20\r\n"},
		{[]string{"ZSCAN", "z", "0", "MATCH", "?"}, "*2\r\n$1\r\n0\r\n*12\r\n$1\r\ne\r\n$4\r\n-inf\r\n$1\r\nf\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nc\r\n$18\r\n123456789012345680\r\n$1\r\nd\r\n$5\r\n1e+20\r\n"},
		{[]string{"ZSCAN", "z", "0", "MATCH", "[ab]", "COUNT", "100"}, "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n"},
		{[]string{"ZSCAN", "z", "x"}, "-ERR invalid cursor\r\n"},
		{[]string{"ZSCAN", "z", "-1"}, "*2\r\n$1\r\n0\r\n*12\r\n$1\r\ne\r\n$4\r\n-inf\r\n$1\r\nf\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nc\r\n$18\r\n123456789012345680\r\n$1\r\nd\r\n$5\r\n1e+20\r\n"},
		{[]string{"ZSCAN", "z", "0", "COUNT", "0"}, "-ERR syntax error\r\n"},
		{[]string{"ZSCAN", "z", "0", "COUNT", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZSCAN", "z", "0", "TYPE", "zset"}, "-ERR syntax error\r\n"},
		{[]string{"ZSCAN", "z", "0", "NOVALUES"}, "-ERR syntax error\r\n"},
		{[]string{"ZSCAN", "z", "0", "MATCH"}, "-ERR syntax error\r\n"},
		{[]string{"ZSCAN", "nokey", "0"}, "*2\r\n$1\r\n0\r\n*0\r\n"},
		{[]string{"ZSCAN", "nokey", "0", "bogus"}, "*2\r\n$1\r\n0\r\n*0\r\n"},
		{[]string{"ZSCAN", "nokey", "x"}, "-ERR invalid cursor\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZSCAN", "str", "0"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZSCAN", "str", "x"}, "-ERR invalid cursor\r\n"},
	})
}

// ZRANDMEMBER's argument checks and its deterministic answers.
func TestZrandmemberErrors(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a"}, ":1\r\n"},
		{[]string{"ZRANDMEMBER", "z"}, "$1\r\na\r\n"},
		{[]string{"ZRANDMEMBER", "z", "1"}, "*1\r\n$1\r\na\r\n"},
		{[]string{"ZRANDMEMBER", "z", "1", "WITHSCORES"}, "*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"ZRANDMEMBER", "z", "-2", "WITHSCORES"}, "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"ZRANDMEMBER", "z", "0"}, "*0\r\n"},
		{[]string{"ZRANDMEMBER", "z", "0", "WITHSCORES"}, "*0\r\n"},
		{[]string{"ZRANDMEMBER", "z", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZRANDMEMBER", "z", "1", "foo"}, "-ERR syntax error\r\n"},
		{[]string{"ZRANDMEMBER", "z", "1", "WITHSCORES", "x"}, "-ERR syntax error\r\n"},
		{[]string{"ZRANDMEMBER", "z", "-9223372036854775808"}, "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"},
		{[]string{"ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"}, "-ERR value is out of range\r\n"},
		{[]string{"ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"}, "-ERR value is out of range\r\n"},
		{[]string{"ZRANDMEMBER", "z", "4611686018427387903", "WITHSCORES"}, "*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"ZRANDMEMBER", "nokey"}, "$-1\r\n"},
		{[]string{"ZRANDMEMBER", "nokey", "5"}, "*0\r\n"},
		{[]string{"ZRANDMEMBER", "nokey", "-5", "WITHSCORES"}, "*0\r\n"},
		{[]string{"ZRANDMEMBER", "nokey", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZRANDMEMBER", "str"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZRANDMEMBER", "str", "1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZRANDMEMBER", "str", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZRANDMEMBER", "str", "1", "foo"}, "-ERR syntax error\r\n"},
	})
}
