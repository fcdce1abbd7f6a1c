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

// A stored range starts as a skiplist only when its rank range is known
// to exceed 128 members; score and lex ranges start as listpacks, so their
// first members' -0 scores become 0 before the conversion.
func TestZrangestoreEncoding(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "big", "0", "m0", "1", "m1", "2", "m2", "3", "m3", "4", "m4", "5", "m5", "6", "m6", "7", "m7", "8", "m8", "9", "m9", "10", "m10", "11", "m11", "12", "m12", "13", "m13", "14", "m14", "15", "m15", "16", "m16", "17", "m17", "18", "m18", "19", "m19", "20", "m20", "21", "m21", "22", "m22", "23", "m23", "24", "m24", "25", "m25", "26", "m26", "27", "m27", "28", "m28", "29", "m29", "30", "m30", "31", "m31", "32", "m32", "33", "m33", "34", "m34", "35", "m35", "36", "m36", "37", "m37", "38", "m38", "39", "m39", "40", "m40", "41", "m41", "42", "m42", "43", "m43", "44", "m44", "45", "m45", "46", "m46", "47", "m47", "48", "m48", "49", "m49", "50", "m50", "51", "m51", "52", "m52", "53", "m53", "54", "m54", "55", "m55", "56", "m56", "57", "m57", "58", "m58", "59", "m59", "60", "m60", "61", "m61", "62", "m62", "63", "m63", "64", "m64", "65", "m65", "66", "m66", "67", "m67", "68", "m68", "69", "m69", "70", "m70", "71", "m71", "72", "m72", "73", "m73", "74", "m74", "75", "m75", "76", "m76", "77", "m77", "78", "m78", "79", "m79", "80", "m80", "81", "m81", "82", "m82", "83", "m83", "84", "m84", "85", "m85", "86", "m86", "87", "m87", "88", "m88", "89", "m89", "90", "m90", "91", "m91", "92", "m92", "93", "m93", "94", "m94", "95", "m95", "96", "m96", "97", "m97", "98", "m98", "99", "m99", "100", "m100", "101", "m101", "102", "m102", "103", "m103", "104", "m104", "105", "m105", "106", "m106", "107", "m107", "108", "m108", "109", "m109", "110", "m110", "111", "m111", "112", "m112", "113", "m113", "114", "m114", "115", "m115", "116", "m116", "117", "m117", "118", "m118", "119", "m119", "120", "m120", "121", "m121", "122", "m122", "123", "m123", "124", "m124", "125", "m125", "126", "m126", "127", "m127", "128", "m128", "129", "m129"}, ":130\r\n"},
		{[]string{"ZADD", "big", "-0", "neg"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "big"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZSCORE", "big", "neg"}, "$2\r\n-0\r\n"},
		{[]string{"ZRANGESTORE", "d", "big", "0", "-1"}, ":131\r\n"},
		{[]string{"OBJECT", "ENCODING", "d"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZSCORE", "d", "neg"}, "$2\r\n-0\r\n"},
		{[]string{"ZRANGESTORE", "d", "big", "-inf", "+inf", "BYSCORE"}, ":131\r\n"},
		{[]string{"OBJECT", "ENCODING", "d"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZSCORE", "d", "neg"}, "$1\r\n0\r\n"},
		{[]string{"ZRANGESTORE", "d", "big", "0", "127"}, ":128\r\n"},
		{[]string{"OBJECT", "ENCODING", "d"}, "$8\r\nlistpack\r\n"},
		{[]string{"ZSCORE", "d", "neg"}, "$1\r\n0\r\n"},
		{[]string{"ZRANGESTORE", "d", "big", "0", "128"}, ":129\r\n"},
		{[]string{"OBJECT", "ENCODING", "d"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZRANGESTORE", "d", "big", "-inf", "5", "BYSCORE"}, ":7\r\n"},
		{[]string{"OBJECT", "ENCODING", "d"}, "$8\r\nlistpack\r\n"},
		{[]string{"ZSCORE", "d", "neg"}, "$1\r\n0\r\n"},
		{[]string{"ZUNIONSTORE", "d", "1", "big"}, ":131\r\n"},
		{[]string{"OBJECT", "ENCODING", "d"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZSCORE", "d", "neg"}, "$2\r\n-0\r\n"},
		{[]string{"ZINTERSTORE", "d", "1", "big"}, ":131\r\n"},
		{[]string{"ZSCORE", "d", "neg"}, "$2\r\n-0\r\n"},
		{[]string{"ZRANGE", "d", "0", "2", "WITHSCORES"}, "*6\r\n$2\r\nm0\r\n$1\r\n0\r\n$3\r\nneg\r\n$2\r\n-0\r\n$2\r\nm1\r\n$1\r\n1\r\n"},
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
