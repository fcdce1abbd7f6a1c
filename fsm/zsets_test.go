package fsm

import "testing"

// Expected replies below were produced by redis-server 7.0.15 (the same
// commands, in the same order, on an empty server).

// ZADD's options, their conflicts, and its reply counts.
func TestZaddBasics(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a", "2", "b"}, ":2\r\n"},
		{[]string{"ZADD", "z", "1", "a"}, ":0\r\n"},
		{[]string{"ZADD", "z", "CH", "5", "a", "2", "b", "3", "c"}, ":2\r\n"},
		{[]string{"ZADD", "z", "NX", "10", "a", "4", "d"}, ":1\r\n"},
		{[]string{"ZADD", "z", "XX", "10", "a", "4", "e"}, ":0\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}, "*8\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n$2\r\n10\r\n"},
		{[]string{"ZADD", "z", "GT", "1", "a"}, ":0\r\n"},
		{[]string{"ZADD", "z", "GT", "CH", "11", "a"}, ":1\r\n"},
		{[]string{"ZADD", "z", "LT", "CH", "12", "a"}, ":0\r\n"},
		{[]string{"ZADD", "z", "LT", "CH", "0", "a", "0", "e"}, ":2\r\n"},
		{[]string{"ZADD", "z", "XX", "GT", "CH", "20", "a", "20", "nosuch"}, ":1\r\n"},
		{[]string{"ZADD", "z", "xx", "lt", "ch", "1", "a"}, ":1\r\n"},
		{[]string{"ZADD", "z", "Ch", "nX", "100", "a", "100", "f"}, ":1\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}, "*12\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nf\r\n$3\r\n100\r\n"},
		// INCR: the reply is the new score, or nil when nothing happened.
		{[]string{"ZADD", "z", "INCR", "1.5", "a"}, "$3\r\n2.5\r\n"},
		{[]string{"ZADD", "z", "INCR", "NX", "1", "a"}, "$-1\r\n"},
		{[]string{"ZADD", "z", "INCR", "XX", "1", "nosuch"}, "$-1\r\n"},
		{[]string{"ZADD", "z", "INCR", "GT", "-1", "a"}, "$-1\r\n"},
		{[]string{"ZADD", "z", "INCR", "LT", "-1", "a"}, "$3\r\n1.5\r\n"},
		{[]string{"ZADD", "z", "INCR", "7", "newbie"}, "$1\r\n7\r\n"},
		{[]string{"ZADD", "nokey", "XX", "1", "a"}, ":0\r\n"},
		{[]string{"ZADD", "nokey", "XX", "INCR", "1", "a"}, "$-1\r\n"},
		{[]string{"EXISTS", "nokey"}, ":0\r\n"},
		// Errors, in Redis's order of checks.
		{[]string{"ZADD", "z", "NX", "XX", "1", "a"}, "-ERR XX and NX options at the same time are not compatible\r\n"},
		{[]string{"ZADD", "z", "GT", "LT", "1", "a"}, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"},
		{[]string{"ZADD", "z", "GT", "NX", "1", "a"}, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"},
		{[]string{"ZADD", "z", "LT", "NX", "1", "a"}, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"},
		{[]string{"ZADD", "z", "INCR", "1", "a", "2", "b"}, "-ERR INCR option supports a single increment-element pair\r\n"},
		{[]string{"ZADD", "z", "1", "a", "2"}, "-ERR syntax error\r\n"},
		{[]string{"ZADD", "z", "1"}, "-ERR wrong number of arguments for 'zadd' command\r\n"},
		{[]string{"ZADD", "z", "NX"}, "-ERR wrong number of arguments for 'zadd' command\r\n"},
		{[]string{"ZADD", "z", "x", "a"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1", "a", "x", "b"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "NX", "XX", "x", "a"}, "-ERR XX and NX options at the same time are not compatible\r\n"},
		{[]string{"ZADD", "z", "GT", "GT", "1", "a"}, ":0\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZADD", "str", "1", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZADD", "str", "x", "a"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "str", "NX", "XX", "1", "a"}, "-ERR XX and NX options at the same time are not compatible\r\n"},
		{[]string{"ZINCRBY", "str", "1", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	})
}

// Scores: strtod's grammar as string2d accepts it, and %.17g replies.
func TestZaddScores(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "0.1", "a", "1.5", "b", "3", "c", "1e20", "d", "-0", "e", "inf", "f", "-inf", "g", "1e-5", "h", "123456789012345678", "i", "0.3", "j"}, ":10\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}, "*20\r\n$1\r\ng\r\n$4\r\n-inf\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nh\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nj\r\n$19\r\n0.29999999999999999\r\n$1\r\nb\r\n$3\r\n1.5\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\ni\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nd\r\n$5\r\n1e+20\r\n$1\r\nf\r\n$3\r\ninf\r\n"},
		{[]string{"ZADD", "z", "+inf", "k", "Infinity", "l", "-INF", "m", "0x10", "n", "0X1P-2", "o", "5.", "p", ".5", "q", "1E2", "r", "0x.8p1", "s", "1e-310", "t"}, ":10\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}, "*40\r\n$1\r\ng\r\n$4\r\n-inf\r\n$1\r\nm\r\n$4\r\n-inf\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nt\r\n$23\r\n9.9999999999999694e-311\r\n$1\r\nh\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\no\r\n$4\r\n0.25\r\n$1\r\nj\r\n$19\r\n0.29999999999999999\r\n$1\r\nq\r\n$3\r\n0.5\r\n$1\r\ns\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n1.5\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\np\r\n$1\r\n5\r\n$1\r\nn\r\n$2\r\n16\r\n$1\r\nr\r\n$3\r\n100\r\n$1\r\ni\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nd\r\n$5\r\n1e+20\r\n$1\r\nf\r\n$3\r\ninf\r\n$1\r\nk\r\n$3\r\ninf\r\n$1\r\nl\r\n$3\r\ninf\r\n"},
		{[]string{"ZADD", "z", "nan", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "NaN", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1e400", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "-1e400", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1e-400", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", " 1", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1 ", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1_0", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "infin", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "0x", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1e", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1\x00", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "(1", "x"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZSCORE", "z", "e"}, "$1\r\n0\r\n"},
		{[]string{"ZSCORE", "z", "t"}, "$23\r\n9.9999999999999694e-311\r\n"},
		{[]string{"ZSCORE", "z", "nosuch"}, "$-1\r\n"},
		{[]string{"ZSCORE", "nokey", "a"}, "$-1\r\n"},
		{[]string{"ZADD", "big", "1", "m"}, ":1\r\n"},
		{[]string{"ZINCRBY", "big", "-0", "m"}, "$1\r\n1\r\n"},
		{[]string{"ZINCRBY", "z", "0.1", "a"}, "$19\r\n0.20000000000000001\r\n"},
		{[]string{"ZINCRBY", "z", "0.2", "a"}, "$19\r\n0.40000000000000002\r\n"},
		{[]string{"ZINCRBY", "z", "1", "brandnew"}, "$1\r\n1\r\n"},
		{[]string{"ZINCRBY", "z", "x", "a"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZINCRBY", "z", "nx", "a"}, "-ERR syntax error\r\n"},
		{[]string{"ZINCRBY", "z", "incr", "a"}, "-ERR syntax error\r\n"},
		{[]string{"ZINCRBY", "z", "5", "nx"}, "$1\r\n5\r\n"},
		{[]string{"ZSCORE", "z", "nx"}, "$1\r\n5\r\n"},
		{[]string{"ZINCRBY", "z", "-inf", "f"}, "-ERR resulting score is not a number (NaN)\r\n"},
		{[]string{"ZADD", "z", "INCR", "-inf", "f"}, "-ERR resulting score is not a number (NaN)\r\n"},
		{[]string{"ZINCRBY", "z", "inf", "f"}, "$3\r\ninf\r\n"},
		{[]string{"ZSCORE", "z", "f"}, "$3\r\ninf\r\n"},
	})
}

// ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK and ZREVRANK.
func TestZremCardScoreRank(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "a", "2", "b", "3", "c", "3", "cc", "4", "d"}, ":5\r\n"},
		{[]string{"ZCARD", "z"}, ":5\r\n"},
		{[]string{"ZCARD", "nokey"}, ":0\r\n"},
		{[]string{"ZREM", "z", "a", "x", "a"}, ":1\r\n"},
		{[]string{"ZREM", "z", "nosuch"}, ":0\r\n"},
		{[]string{"ZREM", "nokey", "a"}, ":0\r\n"},
		{[]string{"ZCARD", "z"}, ":4\r\n"},
		{[]string{"ZMSCORE", "z", "b", "nosuch", "d"}, "*3\r\n$1\r\n2\r\n$-1\r\n$1\r\n4\r\n"},
		{[]string{"ZMSCORE", "nokey", "a", "b"}, "*2\r\n$-1\r\n$-1\r\n"},
		{[]string{"ZRANK", "z", "b"}, ":0\r\n"},
		{[]string{"ZRANK", "z", "cc"}, ":2\r\n"},
		{[]string{"ZREVRANK", "z", "cc"}, ":1\r\n"},
		{[]string{"ZREVRANK", "z", "d"}, ":0\r\n"},
		{[]string{"ZRANK", "z", "nosuch"}, "$-1\r\n"},
		{[]string{"ZRANK", "nokey", "a"}, "$-1\r\n"},
		{[]string{"ZRANK", "z", "b", "WITHSCORE"}, "-ERR wrong number of arguments for 'zrank' command\r\n"},
		{[]string{"ZREM", "z", "b", "c", "cc", "d"}, ":4\r\n"},
		{[]string{"EXISTS", "z"}, ":0\r\n"},
		{[]string{"SET", "str", "x"}, "+OK\r\n"},
		{[]string{"ZREM", "str", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZCARD", "str"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZSCORE", "str", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZMSCORE", "str", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZRANK", "str", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZREVRANK", "str", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZMSCORE", "z"}, "-ERR wrong number of arguments for 'zmscore' command\r\n"},
		{[]string{"ZREM", "z"}, "-ERR wrong number of arguments for 'zrem' command\r\n"},
	})
}

// OBJECT ENCODING follows Redis 7.0: listpack up to 128 members of at
// most 64 bytes, then skiplist, one way; a listpack stores -0 as 0.
func TestZsetEncodings(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"ZADD", "z", "1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "z"}, "$8\r\nlistpack\r\n"},
		{[]string{"ZADD", "z", "2", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "z"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZREM", "z", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "z"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZADD", "long", "1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "long"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZADD", "first", "1", "a", "2", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, ":2\r\n"},
		{[]string{"OBJECT", "ENCODING", "first"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZADD", "nx", "NX", "1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "nx"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZADD", "neg", "-0", "a"}, ":1\r\n"},
		{[]string{"ZSCORE", "neg", "a"}, "$1\r\n0\r\n"},
		{[]string{"ZADD", "sk", "-0", "a", "1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, ":2\r\n"},
		{[]string{"ZSCORE", "sk", "a"}, "$1\r\n0\r\n"},
		{[]string{"ZADD", "sk2", "1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "-0", "a"}, ":2\r\n"},
		{[]string{"ZSCORE", "sk2", "a"}, "$2\r\n-0\r\n"},
		{[]string{"ZINCRBY", "sk2", "0", "a"}, "$1\r\n0\r\n"},
		{[]string{"ZSCORE", "sk2", "a"}, "$2\r\n-0\r\n"},
		{[]string{"ZINCRBY", "sk2", "-0", "a"}, "$2\r\n-0\r\n"},
		{[]string{"ZADD", "sk2", "0", "a"}, ":0\r\n"},
		{[]string{"ZSCORE", "sk2", "a"}, "$2\r\n-0\r\n"},
		{[]string{"ZADD", "sk2", "1", "a"}, ":0\r\n"},
		{[]string{"ZADD", "sk2", "-0", "a"}, ":0\r\n"},
		{[]string{"ZSCORE", "sk2", "a"}, "$2\r\n-0\r\n"},
		{[]string{"ZSCAN", "sk2", "0", "MATCH", "a"}, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$2\r\n-0\r\n"},
		{[]string{"ZADD", "n", "0", "m0", "0", "m1", "0", "m2", "0", "m3", "0", "m4", "0", "m5", "0", "m6", "0", "m7", "0", "m8", "0", "m9", "0", "m10", "0", "m11", "0", "m12", "0", "m13", "0", "m14", "0", "m15", "0", "m16", "0", "m17", "0", "m18", "0", "m19", "0", "m20", "0", "m21", "0", "m22", "0", "m23", "0", "m24", "0", "m25", "0", "m26", "0", "m27", "0", "m28", "0", "m29", "0", "m30", "0", "m31", "0", "m32", "0", "m33", "0", "m34", "0", "m35", "0", "m36", "0", "m37", "0", "m38", "0", "m39", "0", "m40", "0", "m41", "0", "m42", "0", "m43", "0", "m44", "0", "m45", "0", "m46", "0", "m47", "0", "m48", "0", "m49", "0", "m50", "0", "m51", "0", "m52", "0", "m53", "0", "m54", "0", "m55", "0", "m56", "0", "m57", "0", "m58", "0", "m59", "0", "m60", "0", "m61", "0", "m62", "0", "m63", "0", "m64", "0", "m65", "0", "m66", "0", "m67", "0", "m68", "0", "m69", "0", "m70", "0", "m71", "0", "m72", "0", "m73", "0", "m74", "0", "m75", "0", "m76", "0", "m77", "0", "m78", "0", "m79", "0", "m80", "0", "m81", "0", "m82", "0", "m83", "0", "m84", "0", "m85", "0", "m86", "0", "m87", "0", "m88", "0", "m89", "0", "m90", "0", "m91", "0", "m92", "0", "m93", "0", "m94", "0", "m95", "0", "m96", "0", "m97", "0", "m98", "0", "m99", "0", "m100", "0", "m101", "0", "m102", "0", "m103", "0", "m104", "0", "m105", "0", "m106", "0", "m107", "0", "m108", "0", "m109", "0", "m110", "0", "m111", "0", "m112", "0", "m113", "0", "m114", "0", "m115", "0", "m116", "0", "m117", "0", "m118", "0", "m119", "0", "m120", "0", "m121", "0", "m122", "0", "m123", "0", "m124", "0", "m125", "0", "m126", "0", "m127"}, ":128\r\n"},
		{[]string{"OBJECT", "ENCODING", "n"}, "$8\r\nlistpack\r\n"},
		{[]string{"ZADD", "n", "0", "m127"}, ":0\r\n"},
		{[]string{"OBJECT", "ENCODING", "n"}, "$8\r\nlistpack\r\n"},
		{[]string{"ZADD", "n", "0", "m128"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "n"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZPOPMIN", "n", "100"}, "*200\r\n$2\r\nm0\r\n$1\r\n0\r\n$2\r\nm1\r\n$1\r\n0\r\n$3\r\nm10\r\n$1\r\n0\r\n$4\r\nm100\r\n$1\r\n0\r\n$4\r\nm101\r\n$1\r\n0\r\n$4\r\nm102\r\n$1\r\n0\r\n$4\r\nm103\r\n$1\r\n0\r\n$4\r\nm104\r\n$1\r\n0\r\n$4\r\nm105\r\n$1\r\n0\r\n$4\r\nm106\r\n$1\r\n0\r\n$4\r\nm107\r\n$1\r\n0\r\n$4\r\nm108\r\n$1\r\n0\r\n$4\r\nm109\r\n$1\r\n0\r\n$3\r\nm11\r\n$1\r\n0\r\n$4\r\nm110\r\n$1\r\n0\r\n$4\r\nm111\r\n$1\r\n0\r\n$4\r\nm112\r\n$1\r\n0\r\n$4\r\nm113\r\n$1\r\n0\r\n$4\r\nm114\r\n$1\r\n0\r\n$4\r\nm115\r\n$1\r\n0\r\n$4\r\nm116\r\n$1\r\n0\r\n$4\r\nm117\r\n$1\r\n0\r\n$4\r\nm118\r\n$1\r\n0\r\n$4\r\nm119\r\n$1\r\n0\r\n$3\r\nm12\r\n$1\r\n0\r\n$4\r\nm120\r\n$1\r\n0\r\n$4\r\nm121\r\n$1\r\n0\r\n$4\r\nm122\r\n$1\r\n0\r\n$4\r\nm123\r\n$1\r\n0\r\n$4\r\nm124\r\n$1\r\n0\r\n$4\r\nm125\r\n$1\r\n0\r\n$4\r\nm126\r\n$1\r\n0\r\n$4\r\nm127\r\n$1\r\n0\r\n$4\r\nm128\r\n$1\r\n0\r\n$3\r\nm13\r\n$1\r\n0\r\n$3\r\nm14\r\n$1\r\n0\r\n$3\r\nm15\r\n$1\r\n0\r\n$3\r\nm16\r\n$1\r\n0\r\n$3\r\nm17\r\n$1\r\n0\r\n$3\r\nm18\r\n$1\r\n0\r\n$3\r\nm19\r\n$1\r\n0\r\n$2\r\nm2\r\n$1\r\n0\r\n$3\r\nm20\r\n$1\r\n0\r\n$3\r\nm21\r\n$1\r\n0\r\n$3\r\nm22\r\n$1\r\n0\r\n$3\r\nm23\r\n$1\r\n0\r\n$3\r\nm24\r\n$1\r\n0\r\n$3\r\nm25\r\n$1\r\n0\r\n$3\r\nm26\r\n$1\r\n0\r\n$3\r\nm27\r\n$1\r\n0\r\n$3\r\nm28\r\n$1\r\n0\r\n$3\r\nm29\r\n$1\r\n0\r\n$2\r\nm3\r\n$1\r\n0\r\n$3\r\nm30\r\n$1\r\n0\r\n$3\r\nm31\r\n$1\r\n0\r\n$3\r\nm32\r\n$1\r\n0\r\n$3\r\nm33\r\n$1\r\n0\r\n$3\r\nm34\r\n$1\r\n0\r\n$3\r\nm35\r\n$1\r\n0\r\n$3\r\nm36\r\n$1\r\n0\r\n$3\r\nm37\r\n$1\r\n0\r\n$3\r\nm38\r\n$1\r\n0\r\n$3\r\nm39\r\n$1\r\n0\r\n$2\r\nm4\r\n$1\r\n0\r\n$3\r\nm40\r\n$1\r\n0\r\n$3\r\nm41\r\n$1\r\n0\r\n$3\r\nm42\r\n$1\r\n0\r\n$3\r\nm43\r\n$1\r\n0\r\n$3\r\nm44\r\n$1\r\n0\r\n$3\r\nm45\r\n$1\r\n0\r\n$3\r\nm46\r\n$1\r\n0\r\n$3\r\nm47\r\n$1\r\n0\r\n$3\r\nm48\r\n$1\r\n0\r\n$3\r\nm49\r\n$1\r\n0\r\n$2\r\nm5\r\n$1\r\n0\r\n$3\r\nm50\r\n$1\r\n0\r\n$3\r\nm51\r\n$1\r\n0\r\n$3\r\nm52\r\n$1\r\n0\r\n$3\r\nm53\r\n$1\r\n0\r\n$3\r\nm54\r\n$1\r\n0\r\n$3\r\nm55\r\n$1\r\n0\r\n$3\r\nm56\r\n$1\r\n0\r\n$3\r\nm57\r\n$1\r\n0\r\n$3\r\nm58\r\n$1\r\n0\r\n$3\r\nm59\r\n$1\r\n0\r\n$2\r\nm6\r\n$1\r\n0\r\n$3\r\nm60\r\n$1\r\n0\r\n$3\r\nm61\r\n$1\r\n0\r\n$3\r\nm62\r\n$1\r\n0\r\n$3\r\nm63\r\n$1\r\n0\r\n$3\r\nm64\r\n$1\r\n0\r\n$3\r\nm65\r\n$1\r\n0\r\n$3\r\nm66\r\n$1\r\n0\r\n$3\r\nm67\r\n$1\r\n0\r\n$3\r\nm68\r\n$1\r\n0\r\n$3\r\nm69\r\n$1\r\n0\r\n$2\r\nm7\r\n$1\r\n0\r\n$3\r\nm70\r\n$1\r\n0\r\n$3\r\nm71\r\n$1\r\n0\r\n$3\r\nm72\r\n$1\r\n0\r\n"},
		{[]string{"OBJECT", "ENCODING", "n"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZADD", "dup", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "dup"}, "$8\r\nlistpack\r\n"},
		{[]string{"TYPE", "n"}, "+zset\r\n"},
		{[]string{"COPY", "sk2", "sk3"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "sk3"}, "$8\r\nskiplist\r\n"},
		{[]string{"ZSCORE", "sk3", "a"}, "$2\r\n-0\r\n"},
	})
}
