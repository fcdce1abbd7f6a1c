package fsm

import "testing"

// Expected replies below were produced by redis-server 7.0.15 (the same
// commands, in the same order, on an empty server).

// ZRANGE by index, ZREVRANGE, and their index arithmetic.
func TestZrangeByRank(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, ":5\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1"}, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}, "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"},
		{[]string{"ZRANGE", "z", "1", "2"}, "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"},
		{[]string{"ZRANGE", "z", "-2", "-1"}, "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZRANGE", "z", "-100", "1"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{[]string{"ZRANGE", "z", "3", "100"}, "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZRANGE", "z", "5", "10"}, "*0\r\n"},
		{[]string{"ZRANGE", "z", "2", "1"}, "*0\r\n"},
		{[]string{"ZRANGE", "z", "-1", "-2"}, "*0\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "REV"}, "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"},
		{[]string{"ZRANGE", "z", "0", "1", "REV", "WITHSCORES"}, "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"ZRANGE", "z", "-9223372036854775808", "9223372036854775807"}, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZREVRANGE", "z", "0", "-1"}, "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"},
		{[]string{"ZREVRANGE", "z", "1", "2", "WITHSCORES"}, "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"ZREVRANGE", "z", "-2", "-1", "withscores", "WITHSCORES"}, "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"ZRANGE", "nokey", "0", "-1"}, "*0\r\n"},
		{[]string{"ZRANGE", "z", "x", "1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZRANGE", "z", "0", "1.5"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZRANGE", "z", "0", ""}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"}, "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "LIMIT", "0", "-1"}, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "LIMIT", "x", "1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "LIMIT", "0"}, "-ERR syntax error\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "REV", "REV"}, "-ERR syntax error\r\n"},
		{[]string{"ZREVRANGE", "z", "0", "-1", "REV"}, "-ERR syntax error\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "BYLEX", "BYSCORE"}, "-ERR syntax error\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "bogus"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZRANGE", "str", "0", "-1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZREVRANGE", "str", "0", "-1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZRANGE", "str", "x", "1"}, "-ERR value is not an integer or out of range\r\n"},
	})
}

// Score ranges: exclusive bounds, infinities, strtod's leniency, LIMIT.
func TestZrangeByScore(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "-inf", "ninf", "1", "a", "2", "b", "2.5", "c", "3", "d", "4", "e", "inf", "pinf"}, ":7\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf"}, "*7\r\n$4\r\nninf\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$4\r\npinf\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"}, "*14\r\n$4\r\nninf\r\n$4\r\n-inf\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$3\r\n2.5\r\n$1\r\nd\r\n$1\r\n3\r\n$1\r\ne\r\n$1\r\n4\r\n$4\r\npinf\r\n$3\r\ninf\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "(1", "3"}, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "1", "(3"}, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "(1", "(2"}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "(2", "(2"}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "2", "2"}, "*1\r\n$1\r\nb\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "3", "1"}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "(-inf", "(inf"}, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "inf", "inf"}, "*1\r\n$4\r\npinf\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "1e400", "+inf"}, "*1\r\n$4\r\npinf\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", " 2", "3"}, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "2 ", "3"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "", ""}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "(", "("}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "2\x00junk", "3"}, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "0x1p1", "3"}, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "nan", "3"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "(nan", "3"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "x", "3"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "((1", "3"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "-1"}, "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$4\r\npinf\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "0", "0"}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "5"}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "7", "5"}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "6", "5"}, "*1\r\n$4\r\npinf\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "2", "+inf", "LIMIT", "1", "2", "WITHSCORES"}, "*4\r\n$1\r\nc\r\n$3\r\n2.5\r\n$1\r\nd\r\n$1\r\n3\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2", "LIMIT", "0", "1"}, "*1\r\n$4\r\nninf\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "BYSCORE"}, "-ERR syntax error\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "REV"}, "-ERR syntax error\r\n"},
		{[]string{"ZREVRANGEBYSCORE", "z", "+inf", "-inf"}, "*7\r\n$4\r\npinf\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$4\r\nninf\r\n"},
		{[]string{"ZREVRANGEBYSCORE", "z", "3", "(1", "WITHSCORES"}, "*6\r\n$1\r\nd\r\n$1\r\n3\r\n$1\r\nc\r\n$3\r\n2.5\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{[]string{"ZREVRANGEBYSCORE", "z", "1", "3"}, "*0\r\n"},
		{[]string{"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "2", "3"}, "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n"},
		{[]string{"ZRANGE", "z", "(1", "3", "BYSCORE"}, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZRANGE", "z", "3", "(1", "BYSCORE", "REV", "WITHSCORES"}, "*6\r\n$1\r\nd\r\n$1\r\n3\r\n$1\r\nc\r\n$3\r\n2.5\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{[]string{"ZRANGE", "z", "3", "(1", "REV", "BYSCORE", "LIMIT", "1", "1"}, "*1\r\n$1\r\nc\r\n"},
		{[]string{"ZRANGE", "z", "-inf", "+inf", "byscore", "limit", "2", "-1"}, "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$4\r\npinf\r\n"},
		{[]string{"ZRANGEBYSCORE", "nokey", "-inf", "+inf"}, "*0\r\n"},
		{[]string{"ZRANGEBYSCORE", "nokey", "x", "+inf"}, "-ERR min or max is not a float\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZRANGEBYSCORE", "str", "-inf", "+inf"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZRANGEBYSCORE", "str", "x", "+inf"}, "-ERR min or max is not a float\r\n"},
	})
}

// Lex ranges, including Redis's listpack walk over members whose scores
// differ (first member at or above min in score order, then while below max).
func TestZrangeByLex(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "aa"}, ":6\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "-", "+"}, "*6\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "[b", "[d"}, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "(b", "(d"}, "*1\r\n$1\r\nc\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "[a", "(b"}, "*2\r\n$1\r\na\r\n$2\r\naa\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "[aa", "[aa"}, "*1\r\n$2\r\naa\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "(aa", "[aa"}, "*0\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "+", "-"}, "*0\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "-", "-"}, "*0\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "+", "+"}, "*0\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "(", "+"}, "*6\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "[", "(c"}, "*3\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "-", "+", "LIMIT", "1", "2"}, "*2\r\n$2\r\naa\r\n$1\r\nb\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "-", "+", "LIMIT", "-1", "2"}, "*0\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "-", "+", "LIMIT", "2", "-1"}, "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"}, "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "", "+"}, "-ERR min or max not valid string range item\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "a", "+"}, "-ERR min or max not valid string range item\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "+x", "+"}, "-ERR min or max not valid string range item\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "+\x00x", "+"}, "*0\r\n"},
		{[]string{"ZRANGEBYLEX", "z", "-\x00", "+"}, "*6\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"},
		{[]string{"ZREVRANGEBYLEX", "z", "+", "-"}, "*6\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$2\r\naa\r\n$1\r\na\r\n"},
		{[]string{"ZREVRANGEBYLEX", "z", "[d", "(a", "LIMIT", "1", "2"}, "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"},
		{[]string{"ZREVRANGEBYLEX", "z", "-", "+"}, "*0\r\n"},
		{[]string{"ZRANGE", "z", "[b", "[d", "BYLEX"}, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZRANGE", "z", "[d", "[b", "BYLEX", "REV"}, "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n"},
		{[]string{"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"}, "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"},
		{[]string{"ZRANGE", "z", "-", "+", "BYLEX", "LIMIT", "1", "1"}, "*1\r\n$2\r\naa\r\n"},
		{[]string{"ZADD", "mixed", "1", "b", "2", "a", "3", "d", "4", "c", "5", "e"}, ":5\r\n"},
		{[]string{"ZRANGEBYLEX", "mixed", "[b", "[d"}, "*4\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\nc\r\n"},
		{[]string{"ZRANGEBYLEX", "mixed", "[a", "[c"}, "*2\r\n$1\r\nb\r\n$1\r\na\r\n"},
		{[]string{"ZRANGEBYLEX", "mixed", "[c", "+"}, "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\ne\r\n"},
		{[]string{"ZREVRANGEBYLEX", "mixed", "[d", "[b"}, "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZREVRANGEBYLEX", "mixed", "[c", "-"}, "*4\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{[]string{"ZLEXCOUNT", "mixed", "[a", "[c"}, ":2\r\n"},
		{[]string{"ZLEXCOUNT", "mixed", "[b", "[e"}, ":5\r\n"},
		{[]string{"ZRANGEBYLEX", "nokey", "-", "+"}, "*0\r\n"},
		{[]string{"ZRANGEBYLEX", "nokey", "x", "+"}, "-ERR min or max not valid string range item\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZRANGEBYLEX", "str", "-", "+"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	})
}

// ZRANGESTORE replaces the destination (TTL and type included) or deletes
// it for an empty result; its encoding follows how Redis builds it.
func TestZrangestore(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "src", "1", "a", "2", "b", "3", "c", "4", "d"}, ":4\r\n"},
		{[]string{"ZRANGESTORE", "dst", "src", "0", "-1"}, ":4\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"ZRANGESTORE", "dst", "src", "1", "2", "REV"}, ":2\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"ZRANGESTORE", "dst", "src", "(1", "3", "BYSCORE", "LIMIT", "1", "5"}, ":1\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"ZRANGESTORE", "dst", "src", "[b", "[c", "BYLEX"}, ":2\r\n"},
		{[]string{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{[]string{"SET", "other", "x", "EX", "100"}, "+OK\r\n"},
		{[]string{"ZRANGESTORE", "other", "src", "0", "0"}, ":1\r\n"},
		{[]string{"TYPE", "other"}, "+zset\r\n"},
		{[]string{"TTL", "other"}, ":-1\r\n"},
		{[]string{"ZRANGESTORE", "other", "src", "5", "10"}, ":0\r\n"},
		{[]string{"EXISTS", "other"}, ":0\r\n"},
		{[]string{"ZRANGESTORE", "other", "nokey", "0", "-1"}, ":0\r\n"},
		{[]string{"ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES"}, "-ERR syntax error\r\n"},
		{[]string{"ZRANGESTORE", "dst", "src", "0", "-1", "LIMIT", "0", "1"}, "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"},
		{[]string{"ZRANGESTORE", "dst", "src", "x", "-1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZRANGESTORE", "dst", "str", "0", "-1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZRANGESTORE", "str", "src", "0", "-1"}, ":4\r\n"},
		{[]string{"TYPE", "str"}, "+zset\r\n"},
		{[]string{"ZRANGESTORE", "src", "src", "1", "-1"}, ":3\r\n"},
		{[]string{"ZRANGE", "src", "0", "-1", "WITHSCORES"}, "*6\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{[]string{"ZRANGESTORE", "dst", "src", "0"}, "-ERR wrong number of arguments for 'zrangestore' command\r\n"},
	})
}

// ZCOUNT, ZLEXCOUNT and the three ZREMRANGEBY commands.
func TestZcountLexcountRemrange(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, ":5\r\n"},
		{[]string{"ZCOUNT", "z", "-inf", "+inf"}, ":5\r\n"},
		{[]string{"ZCOUNT", "z", "(1", "3"}, ":2\r\n"},
		{[]string{"ZCOUNT", "z", "3", "1"}, ":0\r\n"},
		{[]string{"ZCOUNT", "z", "(3", "(3"}, ":0\r\n"},
		{[]string{"ZCOUNT", "z", "x", "1"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZCOUNT", "nokey", "-inf", "+inf"}, ":0\r\n"},
		{[]string{"ZCOUNT", "nokey", "x", "y"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d"}, ":4\r\n"},
		{[]string{"ZLEXCOUNT", "l", "-", "+"}, ":4\r\n"},
		{[]string{"ZLEXCOUNT", "l", "[b", "(d"}, ":2\r\n"},
		{[]string{"ZLEXCOUNT", "l", "(d", "+"}, ":0\r\n"},
		{[]string{"ZLEXCOUNT", "l", "x", "+"}, "-ERR min or max not valid string range item\r\n"},
		{[]string{"ZLEXCOUNT", "nokey", "-", "+"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYRANK", "z", "0", "0"}, ":1\r\n"},
		{[]string{"ZREMRANGEBYRANK", "z", "-1", "-1"}, ":1\r\n"},
		{[]string{"ZREMRANGEBYRANK", "z", "5", "10"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYRANK", "z", "2", "1"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYRANK", "z", "x", "1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1"}, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
		{[]string{"ZREMRANGEBYSCORE", "z", "(2", "+inf"}, ":2\r\n"},
		{[]string{"ZREMRANGEBYSCORE", "z", "x", "1"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZREMRANGEBYSCORE", "z", "10", "20"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYSCORE", "z", "-inf", "+inf"}, ":1\r\n"},
		{[]string{"EXISTS", "z"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYLEX", "l", "[b", "[c"}, ":2\r\n"},
		{[]string{"ZREMRANGEBYLEX", "l", "x", "y"}, "-ERR min or max not valid string range item\r\n"},
		{[]string{"ZRANGE", "l", "0", "-1"}, "*2\r\n$1\r\na\r\n$1\r\nd\r\n"},
		{[]string{"ZREMRANGEBYLEX", "l", "-", "+"}, ":2\r\n"},
		{[]string{"EXISTS", "l"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYRANK", "nokey", "0", "-1"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYSCORE", "nokey", "-inf", "+inf"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYLEX", "nokey", "-", "+"}, ":0\r\n"},
		{[]string{"ZREMRANGEBYRANK", "nokey", "x", "1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZADD", "mixed", "1", "b", "2", "a", "3", "d", "4", "c", "5", "e"}, ":5\r\n"},
		{[]string{"ZREMRANGEBYLEX", "mixed", "[b", "[d"}, ":4\r\n"},
		{[]string{"ZRANGE", "mixed", "0", "-1"}, "*1\r\n$1\r\ne\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZCOUNT", "str", "-inf", "+inf"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZLEXCOUNT", "str", "-", "+"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZREMRANGEBYRANK", "str", "0", "-1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZREMRANGEBYSCORE", "str", "-inf", "+inf"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZREMRANGEBYLEX", "str", "-", "+"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZREMRANGEBYSCORE", "str", "x", "y"}, "-ERR min or max is not a float\r\n"},
	})
}
