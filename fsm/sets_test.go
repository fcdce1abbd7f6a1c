package fsm

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Expected replies below were checked against redis-server 7.0.15.

func TestSetSpecs(t *testing.T) {
	tab := NewTable()
	for _, tc := range []struct {
		name        string
		arity       int
		flags       []string
		first, last int
	}{
		{"sadd", -3, []string{"write", "denyoom", "fast"}, 1, 1},
		{"srem", -3, []string{"write", "fast"}, 1, 1},
		{"smembers", 2, []string{"readonly"}, 1, 1},
		{"sismember", 3, []string{"readonly", "fast"}, 1, 1},
		{"smismember", -3, []string{"readonly", "fast"}, 1, 1},
		{"scard", 2, []string{"readonly", "fast"}, 1, 1},
		{"spop", -2, []string{"write", "fast"}, 1, 1},
		{"srandmember", -2, []string{"readonly"}, 1, 1},
		{"smove", 4, []string{"write", "fast"}, 1, 2},
		{"sinter", -2, []string{"readonly"}, 1, -1},
		{"sintercard", -3, []string{"readonly", "movablekeys"}, 0, 0},
		{"sinterstore", -3, []string{"write", "denyoom"}, 1, -1},
		{"sunion", -2, []string{"readonly"}, 1, -1},
		{"sunionstore", -3, []string{"write", "denyoom"}, 1, -1},
		{"sdiff", -2, []string{"readonly"}, 1, -1},
		{"sdiffstore", -3, []string{"write", "denyoom"}, 1, -1},
		{"sscan", -3, []string{"readonly"}, 1, 1},
	} {
		c := tab.Lookup([]byte(tc.name))
		if c == nil {
			t.Errorf("%s missing", tc.name)
			continue
		}
		wantStep := 1
		if tc.first == 0 {
			wantStep = 0 // movable keys
		}
		if c.Arity != tc.arity || !slices.Equal(c.Flags, tc.flags) || c.FirstKey != tc.first || c.LastKey != tc.last ||
			c.Step != wantStep || c.Group != "set" || c.Summary == "" || c.Since == "" || c.Complexity == "" {
			t.Errorf("%s: %+v", tc.name, c.Spec)
		}
	}
}

func TestSetBasics(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("SADD", "s", "3", "1", "2", "1"), strInt(3)},
		{strCmd("SADD", "s", "2"), strInt(0)},
		{strCmd("SADD", "str", "1"), strWrongType},
		{strCmd("SMEMBERS", "s"), hsBulks("1", "2", "3")},
		{strCmd("OBJECT", "ENCODING", "s"), strBulk("intset")},
		{strCmd("TYPE", "s"), "+set\r\n"},
		{strCmd("SMEMBERS", "nokey"), "*0\r\n"},
		{strCmd("SMEMBERS", "str"), strWrongType},
		{strCmd("SISMEMBER", "s", "2"), strInt(1)},
		{strCmd("SISMEMBER", "s", "02"), strInt(0)},
		{strCmd("SISMEMBER", "nokey", "2"), strInt(0)},
		{strCmd("SISMEMBER", "str", "2"), strWrongType},
		{strCmd("SMISMEMBER", "s", "1", "x", "3"), hsArr(strInt(1), strInt(0), strInt(1))},
		{strCmd("SMISMEMBER", "nokey", "a", "b"), hsArr(strInt(0), strInt(0))},
		{strCmd("SMISMEMBER", "str", "a"), strWrongType},
		{strCmd("SCARD", "s"), strInt(3)},
		{strCmd("SCARD", "nokey"), strInt(0)},
		{strCmd("SCARD", "str"), strWrongType},
		{strCmd("SADD", "s", "a"), strInt(1)},
		{strCmd("OBJECT", "ENCODING", "s"), strBulk("hashtable")},
		{strCmd("SREM", "s", "a", "a", "zz", "1"), strInt(2)},
		{strCmd("OBJECT", "ENCODING", "s"), strBulk("hashtable")},
		{strCmd("SREM", "nokey", "a"), strInt(0)},
		{strCmd("SREM", "str", "a"), strWrongType},
		{strCmd("SREM", "s", "2", "3", "4"), strInt(2)},
		{strCmd("EXISTS", "s"), strInt(0)},
		{strCmd("SADD", "t", "a", "1"), strInt(2)},
		{strCmd("OBJECT", "ENCODING", "t"), strBulk("hashtable")},
		{strCmd("SADD", "u", "-0", "01"), strInt(2)},
		{strCmd("OBJECT", "ENCODING", "u"), strBulk("hashtable")},
		{strCmd("SADD", "v", "9223372036854775807", "-9223372036854775808", "0"), strInt(3)},
		{strCmd("SMEMBERS", "v"), hsBulks("-9223372036854775808", "0", "9223372036854775807")},
	})
}

func TestSetIntsetLimit(t *testing.T) {
	h := newHarness(t)
	args := []string{"SADD", "s"}
	for i := 512; i > 0; i-- {
		args = append(args, strconv.Itoa(i))
	}
	h.cases([]strCase{
		{args, strInt(512)},
		{strCmd("OBJECT", "ENCODING", "s"), strBulk("intset")},
		{strCmd("SADD", "s", "1"), strInt(0)},
		{strCmd("SADD", "s", "513"), strInt(1)},
		{strCmd("OBJECT", "ENCODING", "s"), strBulk("hashtable")},
	})
	if got := hsItems(h.do("SMEMBERS", "s")); len(got) != 513 {
		t.Fatalf("%d members", len(got))
	}
}

func TestSetSpop(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("SPOP", "nokey"), strNil},
		{strCmd("SPOP", "nokey", "3"), "*0\r\n"},
		{strCmd("SPOP", "str"), strWrongType},
		{strCmd("SPOP", "str", "1"), strWrongType},
		{strCmd("SPOP", "str", "-1"), strErr("ERR value is out of range, must be positive")},
		{strCmd("SPOP", "s", "x"), strErr("ERR value is out of range, must be positive")},
		{strCmd("SPOP", "s", "1", "2"), strSyntax},
		{strCmd("SADD", "s", "5", "1", "3"), strInt(3)},
		{strCmd("SPOP", "s", "0"), "*0\r\n"},
		// At least the whole set: SUNION's order, then the key is gone.
		{strCmd("SPOP", "s", "3"), hsBulks("1", "3", "5")},
		{strCmd("EXISTS", "s"), strInt(0)},
		{strCmd("SADD", "one", "x"), strInt(1)},
		{strCmd("SPOP", "one"), strBulk("x")},
		{strCmd("EXISTS", "one"), strInt(0)},
	})

	// A hashtable holding only integers, popped whole, answers in numeric
	// order: Redis replies with the SUNION of the one set.
	h.do("SADD", "ht", "a", "9", "8", "10")
	h.do("SREM", "ht", "a")
	if got := h.do("SPOP", "ht", "100"); got != hsBulks("8", "9", "10") {
		t.Fatalf("SPOP whole hashtable: %q", got)
	}

	// Popping most of a hashtable keeps the rest as a new set, whose
	// encoding follows from the kept members alone.
	args := []string{"SADD", "big", "a"}
	for i := 0; i < 20; i++ {
		args = append(args, strconv.Itoa(i))
	}
	h.do(args...)
	h.do("SREM", "big", "a")
	popped := hsItems(h.do("SPOP", "big", "18"))
	left := hsItems(h.do("SMEMBERS", "big"))
	if len(popped) != 18 || len(left) != 2 || h.do("OBJECT", "ENCODING", "big") != strBulk("intset") {
		t.Fatalf("popped %v, left %v, %q", popped, left, h.do("OBJECT", "ENCODING", "big"))
	}
	all := append(popped, left...)
	slices.Sort(all)
	if len(slices.Compact(all)) != 20 {
		t.Fatalf("members lost or duplicated: %v", all)
	}

	// Popping a few pops them one by one and keeps the encoding.
	h.do(args...)
	popped = hsItems(h.do("SPOP", "big", "3"))
	if len(popped) != 3 || h.do("SCARD", "big") != strInt(18) || h.do("OBJECT", "ENCODING", "big") != strBulk("hashtable") {
		t.Fatalf("popped %v, %q", popped, h.do("SCARD", "big"))
	}
	for _, m := range popped {
		if h.do("SISMEMBER", "big", m) != strInt(0) {
			t.Fatalf("%s still there", m)
		}
	}
}

// TestSetSpopIsDeterministic: the same log applied on two nodes pops the
// same members, since the randomness comes from the entry.
func TestSetSpopIsDeterministic(t *testing.T) {
	run := func() string {
		h := newHarness(t)
		args := []string{"SADD", "s"}
		for i := 0; i < 200; i++ {
			args = append(args, "m"+strconv.Itoa(i))
		}
		h.do(args...)
		var out []string
		for i := 0; i < 20; i++ {
			out = append(out, h.do("SPOP", "s"), h.do("SPOP", "s", "3"))
		}
		out = append(out, h.do("SPOP", "s", "150"), h.do("SMEMBERS", "s"))
		return strings.Join(out, "")
	}
	if a, b := run(), run(); a != b {
		t.Fatal("SPOP differs between two replays of the same log")
	}
}

func TestSetSrandmember(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("SRANDMEMBER", "nokey"), strNil},
		{strCmd("SRANDMEMBER", "nokey", "5"), "*0\r\n"},
		{strCmd("SRANDMEMBER", "nokey", "x"), strNotInt},
		{strCmd("SRANDMEMBER", "nokey", "1", "2"), strSyntax},
		{strCmd("SRANDMEMBER", "str"), strWrongType},
		{strCmd("SRANDMEMBER", "str", "1"), strWrongType},
		{strCmd("SRANDMEMBER", "s", "-9223372036854775808"), strErr("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")},
		{strCmd("SADD", "s", "3", "1", "2"), strInt(3)},
		{strCmd("SRANDMEMBER", "s", "0"), "*0\r\n"},
		{strCmd("SRANDMEMBER", "s", "3"), hsBulks("1", "2", "3")},
		{strCmd("SRANDMEMBER", "s", "9223372036854775807"), hsBulks("1", "2", "3")},
	})
	for i := 0; i < 50; i++ {
		if m := hsItems(h.do("SRANDMEMBER", "s"))[0]; !strings.Contains("123", m) || m == "" {
			t.Fatalf("SRANDMEMBER: %q", m)
		}
		two := hsItems(h.do("SRANDMEMBER", "s", "2"))
		if len(two) != 2 || two[0] == two[1] {
			t.Fatalf("SRANDMEMBER 2: %v", two)
		}
		if rep := hsItems(h.do("SRANDMEMBER", "s", "-7")); len(rep) != 7 {
			t.Fatalf("SRANDMEMBER -7: %v", rep)
		}
	}
	if h.do("SCARD", "s") != strInt(3) {
		t.Fatal("SRANDMEMBER changed the set")
	}
}

func TestSetSmove(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("SADD", "a", "1", "2"), strInt(2)},
		{strCmd("SMOVE", "nokey", "str", "1"), strInt(0)},
		{strCmd("SMOVE", "str", "a", "1"), strWrongType},
		{strCmd("SMOVE", "a", "str", "1"), strWrongType},
		{strCmd("SMOVE", "a", "a", "1"), strInt(1)},
		{strCmd("SMOVE", "a", "a", "9"), strInt(0)},
		{strCmd("SMOVE", "a", "b", "9"), strInt(0)},
		{strCmd("EXISTS", "b"), strInt(0)},
		{strCmd("SMOVE", "a", "b", "1"), strInt(1)},
		{strCmd("OBJECT", "ENCODING", "b"), strBulk("intset")},
		{strCmd("SADD", "c", "x"), strInt(1)},
		{strCmd("SMOVE", "c", "d", "x"), strInt(1)},
		{strCmd("OBJECT", "ENCODING", "d"), strBulk("hashtable")},
		{strCmd("EXISTS", "c"), strInt(0)},
		{strCmd("SADD", "b", "2"), strInt(1)},
		{strCmd("SMOVE", "a", "b", "2"), strInt(1)},
		{strCmd("EXISTS", "a"), strInt(0)},
		{strCmd("SMEMBERS", "b"), hsBulks("1", "2")},
	})
}

func TestSetAlgebra(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("SADD", "a", "1", "2", "3", "4"), strInt(4)},
		{strCmd("SADD", "b", "3", "4", "5"), strInt(3)},
		{strCmd("SADD", "c", "x", "3", "4", "5", "6"), strInt(5)},
		{strCmd("SINTER", "a", "b"), hsBulks("3", "4")},
		{strCmd("SINTER", "a"), hsBulks("1", "2", "3", "4")},
		{strCmd("SINTER", "a", "nokey"), "*0\r\n"},
		{strCmd("SINTER", "nokey", "str"), strWrongType},
		{strCmd("SINTER", "str", "nokey"), strWrongType},
		{strCmd("SUNION", "a", "b"), hsBulks("1", "2", "3", "4", "5")},
		{strCmd("SUNION", "nokey"), "*0\r\n"},
		{strCmd("SUNION", "nokey", "str"), strWrongType},
		{strCmd("SDIFF", "a", "b"), hsBulks("1", "2")},
		{strCmd("SDIFF", "a", "nokey"), hsBulks("1", "2", "3", "4")},
		{strCmd("SDIFF", "nokey", "a"), "*0\r\n"},
		{strCmd("SDIFF", "nokey", "str"), strWrongType},
		{strCmd("SDIFF", "a", "a"), "*0\r\n"},
		{strCmd("SINTERCARD", "2", "a", "b"), strInt(2)},
		{strCmd("SINTERCARD", "2", "a", "b", "LIMIT", "1"), strInt(1)},
		{strCmd("SINTERCARD", "2", "a", "b", "limit", "0"), strInt(2)},
		{strCmd("SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "5"), strInt(2)},
		{strCmd("SINTERCARD", "2", "a", "nokey"), strInt(0)},
		{strCmd("SINTERCARD", "2", "nokey", "str"), strWrongType},
		{strCmd("SINTERCARD", "1", "nokey", "str"), strSyntax},
		{strCmd("SINTERCARD", "0", "a"), strErr("ERR numkeys should be greater than 0")},
		{strCmd("SINTERCARD", "x", "a"), strErr("ERR numkeys should be greater than 0")},
		{strCmd("SINTERCARD", "3", "a", "b"), strErr("ERR Number of keys can't be greater than number of args")},
		{strCmd("SINTERCARD", "9223372036854775807", "a"), strErr("ERR Number of keys can't be greater than number of args")},
		{strCmd("SINTERCARD", "2", "a", "b", "LIMIT"), strSyntax},
		{strCmd("SINTERCARD", "2", "a", "b", "LIMIT", "-1"), strErr("ERR LIMIT can't be negative")},
		{strCmd("SINTERCARD", "2", "a", "b", "LIMIT", "x"), strErr("ERR LIMIT can't be negative")},
		{strCmd("SINTERCARD", "2", "a", "b", "foo", "1"), strSyntax},
		{strCmd("SINTERSTORE", "d", "a", "b"), strInt(2)},
		{strCmd("SMEMBERS", "d"), hsBulks("3", "4")},
		{strCmd("OBJECT", "ENCODING", "d"), strBulk("intset")},
		{strCmd("SINTERSTORE", "d", "a", "nokey"), strInt(0)},
		{strCmd("EXISTS", "d"), strInt(0)},
		{strCmd("SINTERSTORE", "str", "a", "b"), strInt(2)},
		{strCmd("TYPE", "str"), "+set\r\n"},
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("SINTERSTORE", "d", "str"), strWrongType},
		{strCmd("SUNIONSTORE", "d", "a", "b"), strInt(5)},
		{strCmd("SUNIONSTORE", "a", "a", "b"), strInt(5)},
		{strCmd("SMEMBERS", "a"), hsBulks("1", "2", "3", "4", "5")},
		{strCmd("SUNIONSTORE", "d", "nokey"), strInt(0)},
		{strCmd("EXISTS", "d"), strInt(0)},
		{strCmd("SDIFFSTORE", "d", "a", "a"), strInt(0)},
		{strCmd("SDIFFSTORE", "d", "a", "b"), strInt(2)},
		{strCmd("SUNIONSTORE", "d", "c", "a"), strInt(7)},
		{strCmd("OBJECT", "ENCODING", "d"), strBulk("hashtable")},
		{strCmd("SDIFFSTORE", "d", "c", "str"), strWrongType},
	})
}

// A hashtable's order is not Redis's (nor specified): compare as sets.
func TestSetAlgebraHashtableOrder(t *testing.T) {
	h := newHarness(t)
	h.do("SADD", "c", "x", "3", "4", "5", "6")
	h.do("SADD", "a", "1", "2", "3", "4")
	if got := hsSorted(h.do("SDIFF", "c", "a"), 1); got != hsSorted(hsBulks("x", "5", "6"), 1) {
		t.Fatalf("SDIFF c a: %s", got)
	}
	if got := hsSorted(h.do("SINTER", "c", "a"), 1); got != hsSorted(hsBulks("3", "4"), 1) {
		t.Fatalf("SINTER c a: %s", got)
	}
}

// TestSetDiffAlgorithms: Redis picks one of two SDIFF algorithms by cost,
// and the second builds its result from the whole first set, so a string
// member removed later still leaves the result a hashtable.
func TestSetDiffAlgorithms(t *testing.T) {
	h := newHarness(t)
	h.do("SADD", "base", "a", "1", "2", "3", "4", "5")
	h.do("SADD", "x", "a")
	h.do("SADD", "y", "b")
	// Costs: 6*3/2 = 9 against 6+1+1 = 8, so the second algorithm.
	h.cases([]strCase{
		{strCmd("SDIFFSTORE", "d", "base", "x", "y"), strInt(5)},
		{strCmd("OBJECT", "ENCODING", "d"), strBulk("hashtable")},
		// Costs: 6*2/2 = 6 against 6+1 = 7, so the first: only survivors.
		{strCmd("SDIFFSTORE", "e", "base", "x"), strInt(5)},
		{strCmd("OBJECT", "ENCODING", "e"), strBulk("intset")},
		{strCmd("SDIFF", "base", "x"), hsBulks("1", "2", "3", "4", "5")},
	})
}

func TestSetStoreDropsTTL(t *testing.T) {
	h := newHarness(t)
	h.do("SADD", "a", "1")
	h.do("SADD", "d", "9")
	h.do("PEXPIRE", "d", "10000")
	h.do("SADD", "d", "10")
	if got := h.do("PTTL", "d"); got != strInt(10000) {
		t.Fatalf("SADD dropped the TTL: %q", got)
	}
	h.do("SUNIONSTORE", "d", "a")
	if got := h.do("PTTL", "d"); got != strInt(-1) {
		t.Fatalf("SUNIONSTORE kept the TTL: %q", got)
	}
}

func TestSetScan(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("SADD", "s", "5", "3", "-1", "10"), strInt(4)},
		// An intset comes back whole and sorted, whatever the cursor.
		{strCmd("SSCAN", "s", "12345", "COUNT", "1"), "*2\r\n$1\r\n0\r\n" + hsBulks("-1", "3", "5", "10")},
		{strCmd("SSCAN", "s", "0", "MATCH", "1*"), "*2\r\n$1\r\n0\r\n" + hsBulks("10")},
		{strCmd("SSCAN", "s", "-1"), "*2\r\n$1\r\n0\r\n" + hsBulks("-1", "3", "5", "10")},
		{strCmd("SSCAN", "s", "abc"), strErr("ERR invalid cursor")},
		{strCmd("SSCAN", "s", "0", "COUNT", "0"), strSyntax},
		{strCmd("SSCAN", "s", "0", "COUNT", "x"), strNotInt},
		{strCmd("SSCAN", "s", "0", "TYPE", "string"), strSyntax},
		{strCmd("SSCAN", "nokey", "0", "bogus"), hsEmptyScan},
		{strCmd("SSCAN", "str", "0"), strWrongType},
	})
	args := []string{"SADD", "big", "x"}
	for i := 0; i < 1000; i++ {
		args = append(args, strconv.Itoa(i))
	}
	h.do(args...)
	seen := map[string]bool{}
	cursor, calls := "0", 0
	for {
		var items []string
		cursor, items = hsScanPage(t, h.do("SSCAN", "big", cursor, "COUNT", "20"))
		for _, m := range items {
			seen[m] = true
		}
		calls++
		if calls == 1 {
			h.do("SREM", "big", "x") // writes between calls do not break the cursor
			delete(seen, "x")
		}
		if cursor == "0" {
			break
		}
	}
	if len(seen) != 1000 || calls < 20 {
		t.Fatalf("saw %d members in %d calls", len(seen), calls)
	}
}

func TestSetCopyIsIndependent(t *testing.T) {
	h := newHarness(t)
	h.do("SADD", "a", "1", "2")
	h.do("HSET", "h", "f", "v")
	h.do("COPY", "a", "b")
	h.do("COPY", "h", "g")
	h.do("SADD", "b", "3")
	h.do("HSET", "g", "f", "w")
	if got := h.do("SMEMBERS", "a"); got != hsBulks("1", "2") {
		t.Fatalf("COPY shares the set: %q", got)
	}
	if got := h.do("HGET", "h", "f"); got != strBulk("v") {
		t.Fatalf("COPY shares the hash: %q", got)
	}
}

// Redis 7.0.15 dies building the reply to a huge negative count; quoris
// refuses it instead, for every random-pick command.
func TestHugeNegativeRandomCountRefused(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"SADD", "s", "a"}, ":1\r\n"},
		{[]string{"HSET", "h", "a", "1"}, ":1\r\n"},
		{[]string{"ZADD", "z", "1", "a"}, ":1\r\n"},
		{[]string{"SRANDMEMBER", "s", "-9223372036854775807"}, "-ERR value is out of range\r\n"},
		{[]string{"HRANDFIELD", "h", "-9223372036854775807"}, "-ERR value is out of range\r\n"},
		{[]string{"ZRANDMEMBER", "z", "-9223372036854775807"}, "-ERR value is out of range\r\n"},
		{[]string{"SRANDMEMBER", "s", "-3"}, "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n"},
	})
}
