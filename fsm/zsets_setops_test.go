package fsm

import "testing"

// Expected replies below were produced by redis-server 7.0.15 (the same
// commands, in the same order, on an empty server).

// ZUNION, ZINTER and their STORE forms: weights, aggregates, plain sets
// as inputs (score 1), and sums added up smallest input first, stably.
func TestZunionInter(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "a", "1", "x", "2", "y", "3", "z"}, ":3\r\n"},
		{[]string{"ZADD", "b", "10", "y", "20", "z", "30", "w"}, ":3\r\n"},
		{[]string{"SADD", "s", "y", "w", "v"}, ":3\r\n"},
		{[]string{"ZUNION", "2", "a", "b"}, "*4\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\nw\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "WITHSCORES"}, "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "WEIGHTS", "2", "-1", "WITHSCORES"}, "*8\r\n$1\r\nw\r\n$3\r\n-30\r\n$1\r\nz\r\n$3\r\n-14\r\n$1\r\ny\r\n$2\r\n-6\r\n$1\r\nx\r\n$1\r\n2\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"}, "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\nw\r\n$2\r\n30\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "AGGREGATE", "MAX", "WEIGHTS", "1", "0.5", "WITHSCORES"}, "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n5\r\n$1\r\nz\r\n$2\r\n10\r\n$1\r\nw\r\n$2\r\n15\r\n"},
		{[]string{"ZUNION", "3", "a", "b", "s", "WITHSCORES"}, "*10\r\n$1\r\nv\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n13\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n31\r\n"},
		{[]string{"ZUNION", "2", "a", "nokey", "WITHSCORES"}, "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n"},
		{[]string{"ZINTER", "2", "a", "b", "WITHSCORES"}, "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n"},
		{[]string{"ZINTER", "3", "a", "b", "s", "WITHSCORES"}, "*2\r\n$1\r\ny\r\n$2\r\n13\r\n"},
		{[]string{"ZINTER", "2", "a", "nokey", "WITHSCORES"}, "*0\r\n"},
		{[]string{"ZINTER", "2", "a", "a", "WEIGHTS", "1", "2", "WITHSCORES"}, "*6\r\n$1\r\nx\r\n$1\r\n3\r\n$1\r\ny\r\n$1\r\n6\r\n$1\r\nz\r\n$1\r\n9\r\n"},
		{[]string{"ZINTER", "2", "a", "b", "AGGREGATE", "max", "WITHSCORES"}, "*4\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n"},
		{[]string{"ZADD", "inf1", "inf", "x", "-inf", "y", "0", "z"}, ":3\r\n"},
		{[]string{"ZUNION", "2", "inf1", "inf1", "WEIGHTS", "1", "-1", "WITHSCORES"}, "*6\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n"},
		{[]string{"ZUNION", "1", "inf1", "WEIGHTS", "0", "WITHSCORES"}, "*6\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n"},
		{[]string{"ZINTER", "2", "inf1", "a", "WEIGHTS", "0", "1", "WITHSCORES"}, "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n"},
		{[]string{"ZINTER", "2", "a", "inf1", "WEIGHTS", "1", "0", "WITHSCORES"}, "*6\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n3\r\n"},
		{[]string{"ZINTER", "2", "a", "inf1", "WEIGHTS", "1", "0", "AGGREGATE", "MIN", "WITHSCORES"}, "*6\r\n$1\r\nz\r\n$1\r\n0\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n"},
		{[]string{"ZADD", "p1", "0.1", "x", "0", "p"}, ":2\r\n"},
		{[]string{"ZADD", "p2", "0.2", "x", "0", "q"}, ":2\r\n"},
		{[]string{"ZADD", "p3", "0.3", "x", "0", "r"}, ":2\r\n"},
		{[]string{"ZADD", "p4", "0.3", "x"}, ":1\r\n"},
		{[]string{"ZUNION", "3", "p1", "p2", "p3", "WITHSCORES"}, "*8\r\n$1\r\np\r\n$1\r\n0\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$1\r\n0\r\n$1\r\nx\r\n$19\r\n0.60000000000000009\r\n"},
		{[]string{"ZUNION", "3", "p3", "p2", "p1", "WITHSCORES"}, "*8\r\n$1\r\np\r\n$1\r\n0\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$1\r\n0\r\n$1\r\nx\r\n$19\r\n0.59999999999999998\r\n"},
		{[]string{"ZINTER", "3", "p3", "p2", "p1", "WITHSCORES"}, "*2\r\n$1\r\nx\r\n$19\r\n0.59999999999999998\r\n"},
		{[]string{"ZUNION", "3", "p4", "p2", "p1", "WITHSCORES"}, "*6\r\n$1\r\np\r\n$1\r\n0\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nx\r\n$19\r\n0.59999999999999998\r\n"},
		{[]string{"ZUNION", "3", "p1", "p2", "p4", "WITHSCORES"}, "*6\r\n$1\r\np\r\n$1\r\n0\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nx\r\n$19\r\n0.60000000000000009\r\n"},
		{[]string{"ZADD", "neg", "0", "a"}, ":1\r\n"},
		{[]string{"ZUNION", "1", "neg", "WEIGHTS", "-1", "WITHSCORES"}, "*2\r\n$1\r\na\r\n$2\r\n-0\r\n"},
		{[]string{"ZUNIONSTORE", "d", "1", "neg", "WEIGHTS", "-1"}, ":1\r\n"},
		{[]string{"ZSCORE", "d", "a"}, "$1\r\n0\r\n"},
		{[]string{"ZUNIONSTORE", "d", "2", "a", "b"}, ":4\r\n"},
		{[]string{"ZRANGE", "d", "0", "-1", "WITHSCORES"}, "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"},
		{[]string{"OBJECT", "ENCODING", "d"}, "$8\r\nlistpack\r\n"},
		{[]string{"ZINTERSTORE", "d", "2", "a", "b", "AGGREGATE", "MIN"}, ":2\r\n"},
		{[]string{"ZRANGE", "d", "0", "-1", "WITHSCORES"}, "*4\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n"},
		{[]string{"ZINTERSTORE", "d", "2", "a", "nokey"}, ":0\r\n"},
		{[]string{"EXISTS", "d"}, ":0\r\n"},
		{[]string{"SET", "str", "x", "EX", "100"}, "+OK\r\n"},
		{[]string{"ZUNIONSTORE", "str", "1", "a"}, ":3\r\n"},
		{[]string{"TYPE", "str"}, "+zset\r\n"},
		{[]string{"TTL", "str"}, ":-1\r\n"},
		{[]string{"ZUNIONSTORE", "a", "2", "a", "b"}, ":4\r\n"},
		{[]string{"ZRANGE", "a", "0", "-1", "WITHSCORES"}, "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"},
		// Errors: numkeys, then every key's type, then the options.
		{[]string{"ZUNION", "0", "a"}, "-ERR at least 1 input key is needed for 'zunion' command\r\n"},
		{[]string{"ZUNIONSTORE", "d", "0", "a"}, "-ERR at least 1 input key is needed for 'zunionstore' command\r\n"},
		{[]string{"ZINTER", "-1", "a"}, "-ERR at least 1 input key is needed for 'zinter' command\r\n"},
		{[]string{"ZUNION", "x", "a"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZUNION", "3", "a", "b"}, "-ERR syntax error\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "WEIGHTS", "1"}, "-ERR syntax error\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"}, "-ERR weight value is not a float\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "AGGREGATE", "AVG"}, "-ERR syntax error\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "AGGREGATE"}, "-ERR syntax error\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "bogus"}, "-ERR syntax error\r\n"},
		{[]string{"ZUNION", "2", "a", "str", "bogus"}, "-ERR syntax error\r\n"},
		{[]string{"ZUNION", "2", "a", "b", "LIMIT", "1"}, "-ERR syntax error\r\n"},
		{[]string{"ZUNIONSTORE", "d", "2", "a", "b", "WITHSCORES"}, "-ERR syntax error\r\n"},
		{[]string{"ZINTER", "2", "str", "nokey"}, "*0\r\n"},
		{[]string{"ZINTERSTORE", "d", "2", "a", "str"}, ":3\r\n"},
	})
}

// ZDIFF, ZDIFFSTORE and ZINTERCARD.
func TestZdiffIntercard(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "a", "1", "x", "2", "y", "3", "z"}, ":3\r\n"},
		{[]string{"ZADD", "b", "10", "y"}, ":1\r\n"},
		{[]string{"SADD", "s", "z"}, ":1\r\n"},
		{[]string{"ZDIFF", "2", "a", "b"}, "*2\r\n$1\r\nx\r\n$1\r\nz\r\n"},
		{[]string{"ZDIFF", "2", "a", "b", "WITHSCORES"}, "*4\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\nz\r\n$1\r\n3\r\n"},
		{[]string{"ZDIFF", "3", "a", "b", "s", "WITHSCORES"}, "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"},
		{[]string{"ZDIFF", "2", "b", "a"}, "*0\r\n"},
		{[]string{"ZDIFF", "2", "nokey", "a"}, "*0\r\n"},
		{[]string{"ZDIFF", "1", "a", "WITHSCORES"}, "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n"},
		{[]string{"ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"}, "-ERR syntax error\r\n"},
		{[]string{"ZDIFF", "2", "a", "b", "AGGREGATE", "SUM"}, "-ERR syntax error\r\n"},
		{[]string{"ZDIFFSTORE", "d", "2", "a", "b"}, ":2\r\n"},
		{[]string{"ZRANGE", "d", "0", "-1", "WITHSCORES"}, "*4\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\nz\r\n$1\r\n3\r\n"},
		{[]string{"ZDIFFSTORE", "d", "2", "a", "a"}, ":0\r\n"},
		{[]string{"EXISTS", "d"}, ":0\r\n"},
		{[]string{"ZDIFFSTORE", "d", "2", "a", "b", "WITHSCORES"}, "-ERR syntax error\r\n"},
		{[]string{"ZINTERCARD", "2", "a", "b"}, ":1\r\n"},
		{[]string{"ZINTERCARD", "3", "a", "b", "s"}, ":0\r\n"},
		{[]string{"ZINTERCARD", "1", "a"}, ":3\r\n"},
		{[]string{"ZINTERCARD", "1", "a", "LIMIT", "2"}, ":2\r\n"},
		{[]string{"ZINTERCARD", "1", "a", "LIMIT", "0"}, ":3\r\n"},
		{[]string{"ZINTERCARD", "2", "a", "nokey"}, ":0\r\n"},
		{[]string{"ZINTERCARD", "0", "a"}, "-ERR at least 1 input key is needed for 'zintercard' command\r\n"},
		{[]string{"ZINTERCARD", "-1", "a"}, "-ERR at least 1 input key is needed for 'zintercard' command\r\n"},
		{[]string{"ZINTERCARD", "x", "a"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"ZINTERCARD", "2", "a"}, "-ERR syntax error\r\n"},
		{[]string{"ZINTERCARD", "1", "a", "LIMIT", "-1"}, "-ERR LIMIT can't be negative\r\n"},
		{[]string{"ZINTERCARD", "1", "a", "LIMIT", "x"}, "-ERR LIMIT can't be negative\r\n"},
		{[]string{"ZINTERCARD", "1", "a", "LIMIT"}, "-ERR syntax error\r\n"},
		{[]string{"ZINTERCARD", "1", "a", "WITHSCORES"}, "-ERR syntax error\r\n"},
		{[]string{"ZINTERCARD", "1", "a", "WEIGHTS", "1"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZINTERCARD", "2", "a", "str"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZDIFF", "2", "a", "str"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZDIFFSTORE", "d", "2", "str", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	})
}
