package fsm

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/raft"
)

// Expected replies below were checked against redis-server 7.0.

const (
	strOK        = "+OK\r\n"
	strNil       = "$-1\r\n"
	strEmpty     = "$0\r\n\r\n"
	strWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
	strSyntax    = "-ERR syntax error\r\n"
	strNotInt    = "-ERR value is not an integer or out of range\r\n"
	strNotFloat  = "-ERR value is not a valid float\r\n"
)

func strBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func strInt(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func strErr(s string) string  { return "-" + s + "\r\n" }
func strArityErr(cmd string) string {
	return strErr("ERR wrong number of arguments for '" + cmd + "' command")
}
func strExpireErr(cmd string) string {
	return strErr("ERR invalid expire time in '" + cmd + "' command")
}

type strCase = struct {
	cmd  []string
	want string
}

func strCmd(args ...string) []string { return args }

// strHarness returns a harness with "list" holding a non-string value.
func strHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.f.dbs[0].put("list", Item{Value: 42})
	return h
}

// expireAtOf returns key's stored deadline, or -1 when the key is absent.
func (h *harness) strExpireAt(key string) int64 {
	it, ok := h.f.dbs[h.db].raw(key)
	if !ok {
		return -1
	}
	return it.ExpireAt
}

func TestStringSpecs(t *testing.T) {
	type spec struct {
		arity             int
		flags             []string
		first, last, step int
	}
	rf, r := []string{"readonly", "fast"}, []string{"readonly"}
	w, wf := []string{"write", "denyoom"}, []string{"write", "denyoom", "fast"}
	wfNoOOM := []string{"write", "fast"}
	want := map[string]spec{
		"get": {2, rf, 1, 1, 1}, "set": {-3, w, 1, 1, 1}, "setnx": {3, wf, 1, 1, 1},
		"setex": {4, w, 1, 1, 1}, "psetex": {4, w, 1, 1, 1}, "mget": {-2, rf, 1, -1, 1},
		"mset": {-3, w, 1, -1, 2}, "msetnx": {-3, w, 1, -1, 2}, "getset": {3, wf, 1, 1, 1},
		"getdel": {2, wfNoOOM, 1, 1, 1}, "getex": {-2, wfNoOOM, 1, 1, 1}, "append": {3, wf, 1, 1, 1},
		"strlen": {2, rf, 1, 1, 1}, "incr": {2, wf, 1, 1, 1}, "decr": {2, wf, 1, 1, 1},
		"incrby": {3, wf, 1, 1, 1}, "decrby": {3, wf, 1, 1, 1}, "incrbyfloat": {3, wf, 1, 1, 1},
		"getrange": {4, r, 1, 1, 1}, "setrange": {4, w, 1, 1, 1}, "substr": {4, r, 1, 1, 1},
		"lcs": {-3, r, 1, 2, 1},
	}
	tab := NewTable()
	for name, s := range want {
		c := tab.Lookup([]byte(strings.ToUpper(name)))
		if c == nil {
			t.Errorf("%s not registered", name)
			continue
		}
		got := spec{c.Arity, c.Flags, c.FirstKey, c.LastKey, c.Step}
		if !reflect.DeepEqual(got, s) {
			t.Errorf("%s: got %+v, want %+v", name, got, s)
		}
		if c.Group != "string" || c.Summary == "" || c.Since == "" || c.Complexity == "" {
			t.Errorf("%s: incomplete docs %+v", name, c.Spec)
		}
		if c.Write != c.Has("write") {
			t.Errorf("%s: Write=%v", name, c.Write)
		}
	}
}

func TestGetSet(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("GET", "k"), strNil},
		{strCmd("SET", "k", "v"), strOK},
		{strCmd("GET", "k"), strBulk("v")},
		{strCmd("set", "k", ""), strOK},
		{strCmd("get", "k"), strEmpty},
		{strCmd("SET", "k", "a\x00b\r\n"), strOK},
		{strCmd("GET", "k"), strBulk("a\x00b\r\n")},
		{strCmd("GET", "list"), strWrongType},
		{strCmd("GET"), strArityErr("get")},
		{strCmd("GET", "a", "b"), strArityErr("get")},
		{strCmd("SET", "k"), strArityErr("set")},
		// SET overwrites any type.
		{strCmd("SET", "list2", "x"), strOK},

		// NX / XX.
		{strCmd("SET", "k", "new", "NX"), strNil},
		{strCmd("GET", "k"), strBulk("a\x00b\r\n")},
		{strCmd("SET", "n", "1", "nx"), strOK},
		{strCmd("SET", "x", "1", "XX"), strNil},
		{strCmd("GET", "x"), strNil},
		{strCmd("SET", "n", "2", "Xx"), strOK},
		{strCmd("GET", "n"), strBulk("2")},
		{strCmd("SET", "n", "3", "NX", "XX"), strSyntax},
		{strCmd("SET", "n", "3", "XX", "NX"), strSyntax},
	})
	// Repeating an option is fine; only conflicting pairs are refused.
	h = strHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "n", "3", "NX", "NX"), strOK},
		{strCmd("SET", "n", "4", "NX", "NX"), strNil},
		{strCmd("SET", "n", "5", "bogus"), strSyntax},
		{strCmd("SET", "n", "5", "EX"), strSyntax},
		{strCmd("SET", "n", "5", "KEEPTTL", "EX", "10"), strSyntax},
		{strCmd("SET", "n", "5", "EX", "10", "KEEPTTL"), strSyntax},
		{strCmd("SET", "n", "5", "EX", "10", "PX", "10"), strSyntax},
		{strCmd("SET", "n", "5", "EXAT", "10", "PXAT", "10"), strSyntax},
		{strCmd("SET", "n", "5", "PERSIST"), strSyntax},
		{strCmd("GET", "n"), strBulk("3")},
	})
}

func TestSetGetOption(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "k", "1", "GET"), strNil},
		{strCmd("SET", "k", "2", "GET"), strBulk("1")},
		{strCmd("SET", "k", "3", "get", "GET"), strBulk("2")},
		// NX + GET (allowed since 7.0): replies the old value, writes nothing.
		{strCmd("SET", "k", "4", "NX", "GET"), strBulk("3")},
		{strCmd("GET", "k"), strBulk("3")},
		{strCmd("SET", "m", "4", "XX", "GET"), strNil},
		{strCmd("GET", "m"), strNil},
		{strCmd("SET", "m", "5", "NX", "GET"), strNil},
		{strCmd("GET", "m"), strBulk("5")},
		// GET refuses to overwrite a non-string, and leaves it alone.
		{strCmd("SET", "list", "x", "GET"), strWrongType},
		{strCmd("GET", "list"), strWrongType},
		// The expire argument is validated before GET's type check.
		{strCmd("SET", "list", "x", "GET", "EX", "0"), strExpireErr("set")},
	})
}

func TestSetExpire(t *testing.T) {
	h := strHarness(t)
	now := h.now
	h.cases([]strCase{
		{strCmd("SET", "k", "v", "EX", "10"), strOK},
	})
	if got := h.strExpireAt("k"); got != now+10_000 {
		t.Fatalf("EX 10: ExpireAt %d, want %d", got, now+10_000)
	}
	h.advance(9_999)
	h.cases([]strCase{{strCmd("GET", "k"), strBulk("v")}})
	h.advance(1)
	h.cases([]strCase{{strCmd("GET", "k"), strNil}})

	h = strHarness(t)
	now = h.now
	for _, tc := range []struct {
		args []string
		want int64
	}{
		{[]string{"PX", "1500"}, now + 1500},
		{[]string{"ex", "1", "EX", "7"}, now + 7000}, // repeated EX: the last wins
		{[]string{"EXAT", strconv.FormatInt(now/1000+100, 10)}, (now/1000 + 100) * 1000},
		{[]string{"PXAT", strconv.FormatInt(now+12345, 10)}, now + 12345},
		{[]string{"NX"}, 0},
		{[]string{}, 0},
	} {
		h.f.dbs[0].remove("k", 0)
		if got := h.do(append([]string{"SET", "k", "v"}, tc.args...)...); got != strOK {
			t.Errorf("SET %v: %q", tc.args, got)
		}
		if got := h.strExpireAt("k"); got != tc.want {
			t.Errorf("SET %v: ExpireAt %d, want %d", tc.args, got, tc.want)
		}
	}

	h = strHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "k", "v", "EX", "0"), strExpireErr("set")},
		{strCmd("SET", "k", "v", "EX", "-1"), strExpireErr("set")},
		{strCmd("SET", "k", "v", "PX", "0"), strExpireErr("set")},
		{strCmd("SET", "k", "v", "EXAT", "0"), strExpireErr("set")},
		{strCmd("SET", "k", "v", "PXAT", "-5"), strExpireErr("set")},
		{strCmd("SET", "k", "v", "EX", "abc"), strNotInt},
		{strCmd("SET", "k", "v", "EX", "1.5"), strNotInt},
		{strCmd("SET", "k", "v", "EX", "+5"), strNotInt},
		// Seconds that overflow when scaled to ms, or ms that overflow when
		// the current time is added.
		{strCmd("SET", "k", "v", "EX", "9223372036854776"), strExpireErr("set")},
		{strCmd("SET", "k", "v", "EXAT", "9223372036854776"), strExpireErr("set")},
		{strCmd("SET", "k", "v", "PX", "9223372036854775807"), strExpireErr("set")},
		{strCmd("SET", "k", "v", "EX", "9223372036854775"), strExpireErr("set")},
		{strCmd("GET", "k"), strNil},
		// Absolute deadlines need not be in the future (only positive).
		{strCmd("SET", "k", "v", "PXAT", "9223372036854775807"), strOK},
		{strCmd("SET", "k", "v", "PXAT", "1"), strOK},
		{strCmd("GET", "k"), strNil},
		{strCmd("SET", "k", "old"), strOK},
		{strCmd("SET", "k", "v", "EXAT", "1", "GET"), strBulk("old")},
		{strCmd("GET", "k"), strNil},
	})
	if _, ok := h.f.dbs[0].raw("k"); ok {
		t.Error("a key set with a past deadline should not be stored")
	}
}

func TestSetTTLKeptOrCleared(t *testing.T) {
	h := strHarness(t)
	now := h.now
	h.cases([]strCase{
		{strCmd("SET", "k", "v", "EX", "100"), strOK},
		{strCmd("SET", "k", "w", "KEEPTTL"), strOK},
	})
	if got := h.strExpireAt("k"); got != now+100_000 {
		t.Fatalf("KEEPTTL: ExpireAt %d", got)
	}
	h.cases([]strCase{{strCmd("SET", "k", "x"), strOK}, {strCmd("GET", "k"), strBulk("x")}})
	if got := h.strExpireAt("k"); got != 0 {
		t.Fatalf("SET without KEEPTTL kept ExpireAt %d", got)
	}
	// KEEPTTL on a key that had none, or had an expired one, leaves none.
	h.cases([]strCase{
		{strCmd("SET", "k", "y", "KEEPTTL"), strOK},
		{strCmd("SET", "e", "1", "PX", "10"), strOK},
	})
	h.advance(10)
	h.cases([]strCase{{strCmd("SET", "e", "2", "KEEPTTL"), strOK}, {strCmd("GET", "e"), strBulk("2")}})
	if h.strExpireAt("k") != 0 || h.strExpireAt("e") != 0 {
		t.Fatalf("KEEPTTL resurrected a TTL: %d %d", h.strExpireAt("k"), h.strExpireAt("e"))
	}
}

func TestSetnxSetexPsetex(t *testing.T) {
	h := strHarness(t)
	now := h.now
	h.cases([]strCase{
		{strCmd("SETNX", "k", "1"), strInt(1)},
		{strCmd("SETNX", "k", "2"), strInt(0)},
		{strCmd("GET", "k"), strBulk("1")},
		{strCmd("SETNX", "list", "2"), strInt(0)},
		{strCmd("SETNX", "k"), strArityErr("setnx")},
		{strCmd("SETEX", "s", "10", "v"), strOK},
		{strCmd("PSETEX", "p", "250", "v"), strOK},
		{strCmd("SETEX", "s2", "0", "v"), strExpireErr("setex")},
		{strCmd("PSETEX", "p2", "-1", "v"), strExpireErr("psetex")},
		{strCmd("setex", "s2", "x", "v"), strNotInt},
		{strCmd("SETEX", "s2", "10"), strArityErr("setex")},
		{strCmd("SETEX", "s2", "9223372036854776", "v"), strExpireErr("setex")},
		{strCmd("SETEX", "list", "10", "v"), strOK},
		{strCmd("GET", "list"), strBulk("v")},
	})
	if got := h.strExpireAt("s"); got != now+10_000 {
		t.Errorf("SETEX: ExpireAt %d", got)
	}
	if got := h.strExpireAt("p"); got != now+250 {
		t.Errorf("PSETEX: ExpireAt %d", got)
	}
	h.advance(250)
	h.cases([]strCase{{strCmd("GET", "p"), strNil}, {strCmd("GET", "s"), strBulk("v")}, {strCmd("SETNX", "p", "again"), strInt(1)}})
}

func TestMgetMset(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("MSET", "a", "1", "b", "2"), strOK},
		{strCmd("MGET", "a", "list", "missing", "b", "a"), "*5\r\n" + strBulk("1") + strNil + strNil + strBulk("2") + strBulk("1")},
		{strCmd("MGET"), strArityErr("mget")},
		{strCmd("MSET", "a"), strArityErr("mset")},
		{strCmd("MSET", "a", "1", "b"), strArityErr("mset")},
		{strCmd("MSETNX", "a", "1", "b"), strArityErr("msetnx")},
		{strCmd("MSET", "a", "x", "a", "y", "list", "z"), strOK},
		{strCmd("MGET", "a", "list"), "*2\r\n" + strBulk("y") + strBulk("z")},
		{strCmd("MSETNX", "c", "3", "a", "9"), strInt(0)},
		{strCmd("GET", "c"), strNil},
		{strCmd("MSETNX", "c", "3", "d", "4", "c", "5"), strInt(1)},
		{strCmd("MGET", "c", "d"), "*2\r\n" + strBulk("5") + strBulk("4")},
	})
	// MSET clears TTLs; MSETNX treats expired keys as absent.
	h.cases([]strCase{{strCmd("SET", "t", "v", "PX", "100"), strOK}, {strCmd("MSET", "t", "w"), strOK}})
	if got := h.strExpireAt("t"); got != 0 {
		t.Errorf("MSET kept ExpireAt %d", got)
	}
	h.cases([]strCase{{strCmd("SET", "t", "v", "PX", "100"), strOK}})
	h.advance(100)
	h.cases([]strCase{{strCmd("MSETNX", "t", "new"), strInt(1)}, {strCmd("GET", "t"), strBulk("new")}})
}

func TestGetsetGetdel(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("GETSET", "k", "1"), strNil},
		{strCmd("GETSET", "k", "2"), strBulk("1")},
		{strCmd("GET", "k"), strBulk("2")},
		{strCmd("GETSET", "list", "x"), strWrongType},
		{strCmd("GETDEL", "k"), strBulk("2")},
		{strCmd("GETDEL", "k"), strNil},
		{strCmd("GET", "k"), strNil},
		{strCmd("GETDEL", "list"), strWrongType},
		{strCmd("GETDEL", "k", "x"), strArityErr("getdel")},
		{strCmd("SET", "t", "v", "EX", "100"), strOK},
		{strCmd("GETSET", "t", "w"), strBulk("v")},
	})
	if _, ok := h.f.dbs[0].raw("list"); !ok {
		t.Error("GETDEL on a wrong type removed the key")
	}
	if got := h.strExpireAt("t"); got != 0 {
		t.Errorf("GETSET kept ExpireAt %d", got)
	}
}

func TestGetex(t *testing.T) {
	h := strHarness(t)
	now := h.now
	h.cases([]strCase{
		{strCmd("GETEX", "k"), strNil},
		// A missing key answers nil before the expire value is examined...
		{strCmd("GETEX", "k", "EX", "0"), strNil},
		// ...but the option syntax is checked first.
		{strCmd("GETEX", "k", "EX"), strSyntax},
		{strCmd("GETEX", "k", "NX"), strSyntax},
		{strCmd("GETEX", "k", "GET"), strSyntax},
		{strCmd("GETEX", "k", "KEEPTTL"), strSyntax},
		{strCmd("GETEX", "k", "PERSIST", "EX", "1"), strSyntax},
		{strCmd("GETEX", "k", "EX", "1", "PERSIST"), strSyntax},
		{strCmd("GETEX", "list"), strWrongType},
		{strCmd("GETEX", "list", "EX", "0"), strWrongType},
		{strCmd("SET", "k", "v"), strOK},
		{strCmd("GETEX", "k", "EX", "0"), strExpireErr("getex")},
		{strCmd("GETEX", "k", "PX", "x"), strNotInt},
		{strCmd("GETEX", "k"), strBulk("v")},
		{strCmd("GETEX", "k", "ex", "10"), strBulk("v")},
	})
	if got := h.strExpireAt("k"); got != now+10_000 {
		t.Fatalf("GETEX EX: ExpireAt %d", got)
	}
	ver := strVersion(h, "k")
	h.cases([]strCase{{strCmd("GETEX", "k"), strBulk("v")}})
	if got := h.strExpireAt("k"); got != now+10_000 {
		t.Fatalf("plain GETEX changed ExpireAt to %d", got)
	}
	if v := strVersion(h, "k"); v != ver {
		t.Errorf("plain GETEX bumped the version %d -> %d", ver, v)
	}
	h.cases([]strCase{
		{strCmd("GETEX", "k", "PX", "500"), strBulk("v")},
		{strCmd("GETEX", "k", "PERSIST"), strBulk("v")},
	})
	if got := h.strExpireAt("k"); got != 0 {
		t.Fatalf("PERSIST left ExpireAt %d", got)
	}
	ver = strVersion(h, "k")
	h.cases([]strCase{{strCmd("GETEX", "k", "PERSIST"), strBulk("v")}})
	if v := strVersion(h, "k"); v != ver {
		t.Errorf("PERSIST without a TTL bumped the version %d -> %d", ver, v)
	}
	h.cases([]strCase{
		{strCmd("GETEX", "k", "PXAT", strconv.FormatInt(now+777, 10)), strBulk("v")},
	})
	if got := h.strExpireAt("k"); got != now+777 {
		t.Fatalf("PXAT: ExpireAt %d", got)
	}
	// A deadline already passed deletes the key after replying.
	h.cases([]strCase{
		{strCmd("GETEX", "k", "EXAT", "1"), strBulk("v")},
		{strCmd("GET", "k"), strNil},
	})
	if _, ok := h.f.dbs[0].raw("k"); ok {
		t.Error("GETEX EXAT in the past left the key stored")
	}
	h.cases([]strCase{{strCmd("GETEX"), strArityErr("getex")}})
}

func TestAppendStrlen(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("STRLEN", "k"), strInt(0)},
		{strCmd("APPEND", "k", "Hello"), strInt(5)},
		{strCmd("APPEND", "k", " World"), strInt(11)},
		{strCmd("GET", "k"), strBulk("Hello World")},
		{strCmd("STRLEN", "k"), strInt(11)},
		{strCmd("APPEND", "k", ""), strInt(11)},
		// Appending nothing to a missing key still creates it.
		{strCmd("APPEND", "e", ""), strInt(0)},
		{strCmd("GET", "e"), strEmpty},
		{strCmd("APPEND", "list", "x"), strWrongType},
		{strCmd("STRLEN", "list"), strWrongType},
		{strCmd("STRLEN"), strArityErr("strlen")},
		{strCmd("SET", "t", "a", "EX", "100"), strOK},
		{strCmd("APPEND", "t", "b"), strInt(2)},
	})
	if got := h.strExpireAt("t"); got != h.now+100_000 {
		t.Errorf("APPEND lost the TTL: %d", got)
	}
}

func TestIncrDecr(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("INCR", "n"), strInt(1)},
		{strCmd("INCR", "n"), strInt(2)},
		{strCmd("DECR", "n"), strInt(1)},
		{strCmd("DECR", "m"), strInt(-1)},
		{strCmd("INCRBY", "n", "10"), strInt(11)},
		{strCmd("INCRBY", "n", "-20"), strInt(-9)},
		{strCmd("DECRBY", "n", "-9"), strInt(0)},
		{strCmd("DECRBY", "n", "5"), strInt(-5)},
		{strCmd("GET", "n"), strBulk("-5")},
		{strCmd("INCRBY", "n", "x"), strNotInt},
		{strCmd("INCRBY", "n", "1.5"), strNotInt},
		{strCmd("INCRBY", "n", "+1"), strNotInt},
		{strCmd("INCRBY", "n", "01"), strNotInt},
		{strCmd("INCRBY", "list", "x"), strNotInt}, // the increment is parsed first
		{strCmd("INCRBY", "list", "1"), strWrongType},
		{strCmd("INCR", "list"), strWrongType},
		{strCmd("DECRBY", "n", "-9223372036854775808"), strErr("ERR decrement would overflow")},
		{strCmd("INCR", "n", "x"), strArityErr("incr")},
		{strCmd("INCRBY", "n"), strArityErr("incrby")},

		{strCmd("SET", "s", "abc"), strOK},
		{strCmd("INCR", "s"), strNotInt},
		{strCmd("SET", "s", " 1"), strOK},
		{strCmd("INCR", "s"), strNotInt},
		{strCmd("SET", "s", "1.0"), strOK},
		{strCmd("INCR", "s"), strNotInt},
		{strCmd("SET", "s", ""), strOK},
		{strCmd("INCR", "s"), strNotInt},
		{strCmd("SET", "s", "-0"), strOK},
		{strCmd("INCR", "s"), strNotInt},
		{strCmd("SET", "s", "007"), strOK},
		{strCmd("INCR", "s"), strNotInt},
		{strCmd("GET", "s"), strBulk("007")},

		{strCmd("SET", "big", "9223372036854775806"), strOK},
		{strCmd("INCR", "big"), strInt(9223372036854775807)},
		{strCmd("INCR", "big"), strErr("ERR increment or decrement would overflow")},
		{strCmd("SET", "big", "-9223372036854775807"), strOK},
		{strCmd("DECR", "big"), strInt(-9223372036854775808)},
		{strCmd("DECR", "big"), strErr("ERR increment or decrement would overflow")},
		{strCmd("INCRBY", "big", "9223372036854775807"), strInt(-1)},
		{strCmd("SET", "big", "9223372036854775808"), strOK},
		{strCmd("INCR", "big"), strNotInt},
	})
	h.cases([]strCase{{strCmd("SET", "t", "10", "EX", "100"), strOK}, {strCmd("INCR", "t"), strInt(11)}, {strCmd("INCRBY", "t", "5"), strInt(16)}})
	if got := h.strExpireAt("t"); got != h.now+100_000 {
		t.Errorf("INCR lost the TTL: %d", got)
	}
	h.advance(100_000)
	h.cases([]strCase{{strCmd("INCR", "t"), strInt(1)}})
	if got := h.strExpireAt("t"); got != 0 {
		t.Errorf("INCR of an expired key inherited ExpireAt %d", got)
	}
}

func TestIncrbyfloat(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("INCRBYFLOAT", "f", "10.5"), strBulk("10.5")},
		{strCmd("INCRBYFLOAT", "f", "0.1"), strBulk("10.6")},
		{strCmd("INCRBYFLOAT", "f", "-5"), strBulk("5.6")},
		{strCmd("GET", "f"), strBulk("5.6")},
		{strCmd("SET", "f", "3.0e3"), strOK},
		{strCmd("INCRBYFLOAT", "f", "0"), strBulk("3000")},
		{strCmd("SET", "f", "5.0e3"), strOK},
		{strCmd("INCRBYFLOAT", "f", "2.0e2"), strBulk("5200")},
		{strCmd("INCRBYFLOAT", "f", "-5200"), strBulk("0")},
		{strCmd("SET", "f", "0.1"), strOK},
		{strCmd("INCRBYFLOAT", "f", "0.2"), strBulk("0.3")},
		{strCmd("INCRBYFLOAT", "f", "1e30"), strBulk("1000000000000000000024696061952")},
		{strCmd("SET", "f", "1"), strOK},
		{strCmd("INCRBYFLOAT", "f", "0x10"), strBulk("17")},
		{strCmd("INCRBYFLOAT", "f", ".5"), strBulk("17.5")},
		{strCmd("INCRBYFLOAT", "f", "1."), strBulk("18.5")},
		{strCmd("INCRBYFLOAT", "f", "+1.5"), strBulk("20")},
		{strCmd("INCRBYFLOAT", "f", "-0.000000000000000001"), strBulk("20")},
		{strCmd("INCRBYFLOAT", "f", "inf"), strErr("ERR increment would produce NaN or Infinity")},
		{strCmd("INCRBYFLOAT", "f", "1e4933"), strNotFloat},
		{strCmd("INCRBYFLOAT", "f", "1e-5000"), strNotFloat},
		{strCmd("INCRBYFLOAT", "f", "nan"), strNotFloat},
		{strCmd("INCRBYFLOAT", "f", "abc"), strNotFloat},
		{strCmd("INCRBYFLOAT", "f", " 1"), strNotFloat},
		{strCmd("INCRBYFLOAT", "f", "1 "), strNotFloat},
		{strCmd("INCRBYFLOAT", "f", ""), strNotFloat},
		{strCmd("GET", "f"), strBulk("20")},
		{strCmd("SET", "s", "abc"), strOK},
		{strCmd("INCRBYFLOAT", "s", "1"), strNotFloat},
		{strCmd("SET", "s", "inf"), strOK},
		{strCmd("INCRBYFLOAT", "s", "1"), strErr("ERR increment would produce NaN or Infinity")},
		{strCmd("INCRBYFLOAT", "list", "x"), strWrongType}, // type before argument
		{strCmd("INCRBYFLOAT", "f"), strArityErr("incrbyfloat")},
	})
	h.cases([]strCase{{strCmd("SET", "t", "1", "PX", "5000"), strOK}, {strCmd("INCRBYFLOAT", "t", "1.5"), strBulk("2.5")}})
	if got := h.strExpireAt("t"); got != h.now+5000 {
		t.Errorf("INCRBYFLOAT lost the TTL: %d", got)
	}
}

func TestGetrange(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{{strCmd("SET", "k", "This is a string"), strOK}})
	for _, name := range []string{"GETRANGE", "SUBSTR"} {
		h.cases([]strCase{
			{strCmd(name, "k", "0", "3"), strBulk("This")},
			{strCmd(name, "k", "-3", "-1"), strBulk("ing")},
			{strCmd(name, "k", "0", "-1"), strBulk("This is a string")},
			{strCmd(name, "k", "10", "100"), strBulk("string")},
			{strCmd(name, "k", "-100", "3"), strBulk("This")},
			{strCmd(name, "k", "5", "3"), strEmpty},
			{strCmd(name, "k", "16", "20"), strEmpty},
			{strCmd(name, "k", "-1", "-3"), strEmpty},
			{strCmd(name, "k", "-100", "-200"), strEmpty},
			{strCmd(name, "k", "-200", "-100"), strBulk("T")},
			{strCmd(name, "k", "0", "-9223372036854775808"), strBulk("T")},
			{strCmd(name, "k", "9223372036854775807", "9223372036854775807"), strEmpty},
			{strCmd(name, "missing", "0", "-1"), strEmpty},
			{strCmd(name, "k", "x", "1"), strNotInt},
			{strCmd(name, "k", "0", "1.5"), strNotInt},
			{strCmd(name, "list", "x", "1"), strNotInt},
			{strCmd(name, "list", "0", "1"), strWrongType},
			{strCmd(name, "k", "0"), strArityErr(strings.ToLower(name))},
		})
	}
	h.cases([]strCase{{strCmd("SET", "e", ""), strOK}, {strCmd("GETRANGE", "e", "0", "-1"), strEmpty}, {strCmd("GETRANGE", "e", "0", "0"), strEmpty}})
}

func TestSetrange(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "k", "Hello World"), strOK},
		{strCmd("SETRANGE", "k", "6", "Redis"), strInt(11)},
		{strCmd("GET", "k"), strBulk("Hello Redis")},
		{strCmd("SETRANGE", "k", "9", "Redis"), strInt(14)},
		{strCmd("GET", "k"), strBulk("Hello RedRedis")},
		{strCmd("SETRANGE", "k", "0", ""), strInt(14)},
		{strCmd("SETRANGE", "z", "3", "ab"), strInt(5)},
		{strCmd("GET", "z"), strBulk("\x00\x00\x00ab")},
		// Writing nothing to a missing key does not create it, whatever the offset.
		{strCmd("SETRANGE", "none", "5", ""), strInt(0)},
		{strCmd("SETRANGE", "none", "9223372036854775807", ""), strInt(0)},
		{strCmd("GET", "none"), strNil},
		{strCmd("SETRANGE", "k", "-1", "x"), strErr("ERR offset is out of range")},
		{strCmd("SETRANGE", "list", "-1", "x"), strErr("ERR offset is out of range")},
		{strCmd("SETRANGE", "k", "x", "x"), strNotInt},
		{strCmd("SETRANGE", "list", "0", "x"), strWrongType},
		{strCmd("SETRANGE", "list", "0", ""), strWrongType},
		{strCmd("SETRANGE", "k", "536870912", "x"), strErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)")},
		{strCmd("SETRANGE", "n", "536870911", "xy"), strErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)")},
		{strCmd("SETRANGE", "n", "9223372036854775807", "x"), strErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)")},
		{strCmd("GET", "n"), strNil},
		{strCmd("SETRANGE", "k", "0"), strArityErr("setrange")},
		{strCmd("SET", "t", "abc", "EX", "100"), strOK},
		{strCmd("SETRANGE", "t", "1", "X"), strInt(3)},
		{strCmd("GET", "t"), strBulk("aXc")},
	})
	if got := h.strExpireAt("t"); got != h.now+100_000 {
		t.Errorf("SETRANGE lost the TTL: %d", got)
	}
}

func TestLcs(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("MSET", "a", "ohmytext", "b", "mynewtext"), strOK},
		{strCmd("LCS", "a", "b"), strBulk("mytext")},
		{strCmd("LCS", "a", "b", "LEN"), strInt(6)},
		{strCmd("LCS", "a", "b", "IDX"), "*4\r\n" + strBulk("matches") +
			"*2\r\n" +
			"*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n" +
			"*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n" +
			strBulk("len") + strInt(6)},
		{strCmd("LCS", "a", "b", "idx", "minmatchlen", "4", "withmatchlen"), "*4\r\n" + strBulk("matches") +
			"*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n" +
			strBulk("len") + strInt(6)},
		{strCmd("LCS", "a", "b", "IDX", "MINMATCHLEN", "-5"), "*4\r\n" + strBulk("matches") +
			"*2\r\n" +
			"*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n" +
			"*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n" +
			strBulk("len") + strInt(6)},
		// Options without IDX are accepted and ignored.
		{strCmd("LCS", "a", "b", "WITHMATCHLEN", "MINMATCHLEN", "3"), strBulk("mytext")},
		{strCmd("LCS", "a", "missing"), strEmpty},
		{strCmd("LCS", "missing", "missing2", "IDX"), "*4\r\n" + strBulk("matches") + "*0\r\n" + strBulk("len") + strInt(0)},
		{strCmd("LCS", "a", "b", "LEN", "IDX"), strErr("ERR If you want both the length and indexes, please just use IDX.")},
		{strCmd("LCS", "a", "b", "junk"), strSyntax},
		{strCmd("LCS", "a", "b", "MINMATCHLEN"), strSyntax},
		{strCmd("LCS", "a", "b", "MINMATCHLEN", "x"), strNotInt},
		// Key types are checked before options.
		{strCmd("LCS", "a", "list", "junk"), strErr("ERR The specified keys must contain string values")},
		{strCmd("LCS", "a"), strArityErr("lcs")},
	})
}

// Stored values are shared with snapshots and with other keys, so no
// command may write into a slice that is already stored.
func TestStringValuesNeverMutatedInPlace(t *testing.T) {
	h := strHarness(t)
	h.do("SET", "k", "12345")
	orig, _ := h.f.dbs[0].raw("k")
	snap := orig.Str
	want := string(snap)
	for _, c := range [][]string{
		{"APPEND", "k", "6"},
		{"SETRANGE", "k", "0", "9"},
		{"INCR", "k"},
		{"INCRBYFLOAT", "k", "1.5"},
		{"GETEX", "k", "EX", "10"},
		{"SET", "k", "abcde", "KEEPTTL"},
		{"GETSET", "k", "x"},
	} {
		h.do(c...)
		if string(snap) != want {
			t.Fatalf("%v wrote into a stored slice: %q, was %q", c, snap, want)
		}
		it, _ := h.f.dbs[0].raw("k")
		snap = it.Str
		want = string(snap)
	}
}

// Arguments alias the raft entry's buffer; stored values must be copies.
func TestStringArgsCopied(t *testing.T) {
	h := strHarness(t)
	for i, c := range [][]string{
		{"SET", "a", "value"},
		{"SETNX", "b", "value"},
		{"SETEX", "c", "100", "value"},
		{"MSET", "d", "value"},
		{"MSETNX", "e", "value"},
		{"GETSET", "f", "value"},
		{"APPEND", "g", "value"},
		{"SETRANGE", "h", "0", "value"},
	} {
		argv := make([][]byte, len(c))
		for j, a := range c {
			argv[j] = []byte(a)
		}
		h.idx++
		data := AppendEntry(nil, KindCommand, 0, h.now, argv)
		h.f.Apply(&raft.Log{Index: h.idx, Type: raft.LogCommand, Data: data})
		for j := range data {
			data[j] = 'X'
		}
		if got := h.do("GET", c[1]); got != strBulk("value") {
			t.Errorf("#%d %v: stored value changed with the entry buffer: %q", i, c, got)
		}
	}
}

// Writes stamp the key with the entry's index (WATCH relies on it); reads
// and no-op writes leave it alone.
func TestStringVersions(t *testing.T) {
	h := strHarness(t)
	h.do("SET", "k", "1")
	if v := strVersion(h, "k"); v != h.idx {
		t.Fatalf("SET: version %d, want %d", v, h.idx)
	}
	set := h.idx
	h.do("GET", "k")
	h.do("SET", "k", "2", "NX")
	h.do("SETRANGE", "k", "0", "")
	h.do("GETEX", "k")
	if v := strVersion(h, "k"); v != set {
		t.Errorf("no-op commands changed the version to %d", v)
	}
	h.do("INCR", "k")
	if v := strVersion(h, "k"); v != h.idx {
		t.Errorf("INCR: version %d, want %d", v, h.idx)
	}
}

// Reads run without the write lock's authority: they hide expired keys but
// must not remove them.
func TestStringReadsDoNotExpire(t *testing.T) {
	h := strHarness(t)
	h.do("SET", "k", "v", "PX", "10")
	h.advance(10)
	for _, c := range [][]string{{"GET", "k"}, {"MGET", "k"}, {"STRLEN", "k"}, {"GETRANGE", "k", "0", "-1"}, {"LCS", "k", "k"}} {
		got := h.do(c...)
		if strings.Contains(got, "v") {
			t.Errorf("%v saw an expired value: %q", c, got)
		}
	}
	if _, ok := h.f.dbs[0].raw("k"); !ok {
		t.Error("a read removed an expired key")
	}
	if got := h.do("APPEND", "k", "w"); got != strInt(1) {
		t.Errorf("APPEND on an expired key: %q", got)
	}
	if got := h.strExpireAt("k"); got != 0 {
		t.Errorf("APPEND on an expired key kept ExpireAt %d", got)
	}
}

func strVersion(h *harness, key string) uint64 {
	it, _ := h.f.dbs[h.db].raw(key)
	return it.Version
}
