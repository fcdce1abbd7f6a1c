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
	rOK    = "+OK\r\n"
	rNil   = "$-1\r\n"
	rEmpty = "$0\r\n\r\n"
	rWrong = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
	rSyn   = "-ERR syntax error\r\n"
	rNotI  = "-ERR value is not an integer or out of range\r\n"
	rNotF  = "-ERR value is not a valid float\r\n"
)

func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func num(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func rerr(s string) string { return "-" + s + "\r\n" }
func arityErr(cmd string) string {
	return rerr("ERR wrong number of arguments for '" + cmd + "' command")
}
func expireErr(cmd string) string { return rerr("ERR invalid expire time in '" + cmd + "' command") }

type strCase = struct {
	cmd  []string
	want string
}

func cmd(args ...string) []string { return args }

// strHarness returns a harness with "list" holding a non-string value.
func strHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.f.dbs[0].put("list", Item{Value: 42})
	return h
}

// expireAtOf returns key's stored deadline, or -1 when the key is absent.
func (h *harness) expireAtOf(key string) int64 {
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
		{cmd("GET", "k"), rNil},
		{cmd("SET", "k", "v"), rOK},
		{cmd("GET", "k"), bulk("v")},
		{cmd("set", "k", ""), rOK},
		{cmd("get", "k"), rEmpty},
		{cmd("SET", "k", "a\x00b\r\n"), rOK},
		{cmd("GET", "k"), bulk("a\x00b\r\n")},
		{cmd("GET", "list"), rWrong},
		{cmd("GET"), arityErr("get")},
		{cmd("GET", "a", "b"), arityErr("get")},
		{cmd("SET", "k"), arityErr("set")},
		// SET overwrites any type.
		{cmd("SET", "list2", "x"), rOK},

		// NX / XX.
		{cmd("SET", "k", "new", "NX"), rNil},
		{cmd("GET", "k"), bulk("a\x00b\r\n")},
		{cmd("SET", "n", "1", "nx"), rOK},
		{cmd("SET", "x", "1", "XX"), rNil},
		{cmd("GET", "x"), rNil},
		{cmd("SET", "n", "2", "Xx"), rOK},
		{cmd("GET", "n"), bulk("2")},
		{cmd("SET", "n", "3", "NX", "XX"), rSyn},
		{cmd("SET", "n", "3", "XX", "NX"), rSyn},
	})
	// Repeating an option is fine; only conflicting pairs are refused.
	h = strHarness(t)
	h.cases([]strCase{
		{cmd("SET", "n", "3", "NX", "NX"), rOK},
		{cmd("SET", "n", "4", "NX", "NX"), rNil},
		{cmd("SET", "n", "5", "bogus"), rSyn},
		{cmd("SET", "n", "5", "EX"), rSyn},
		{cmd("SET", "n", "5", "KEEPTTL", "EX", "10"), rSyn},
		{cmd("SET", "n", "5", "EX", "10", "KEEPTTL"), rSyn},
		{cmd("SET", "n", "5", "EX", "10", "PX", "10"), rSyn},
		{cmd("SET", "n", "5", "EXAT", "10", "PXAT", "10"), rSyn},
		{cmd("SET", "n", "5", "PERSIST"), rSyn},
		{cmd("GET", "n"), bulk("3")},
	})
}

func TestSetGetOption(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{cmd("SET", "k", "1", "GET"), rNil},
		{cmd("SET", "k", "2", "GET"), bulk("1")},
		{cmd("SET", "k", "3", "get", "GET"), bulk("2")},
		// NX + GET (allowed since 7.0): replies the old value, writes nothing.
		{cmd("SET", "k", "4", "NX", "GET"), bulk("3")},
		{cmd("GET", "k"), bulk("3")},
		{cmd("SET", "m", "4", "XX", "GET"), rNil},
		{cmd("GET", "m"), rNil},
		{cmd("SET", "m", "5", "NX", "GET"), rNil},
		{cmd("GET", "m"), bulk("5")},
		// GET refuses to overwrite a non-string, and leaves it alone.
		{cmd("SET", "list", "x", "GET"), rWrong},
		{cmd("GET", "list"), rWrong},
		// The expire argument is validated before GET's type check.
		{cmd("SET", "list", "x", "GET", "EX", "0"), expireErr("set")},
	})
}

func TestSetExpire(t *testing.T) {
	h := strHarness(t)
	now := h.now
	h.cases([]strCase{
		{cmd("SET", "k", "v", "EX", "10"), rOK},
	})
	if got := h.expireAtOf("k"); got != now+10_000 {
		t.Fatalf("EX 10: ExpireAt %d, want %d", got, now+10_000)
	}
	h.advance(9_999)
	h.cases([]strCase{{cmd("GET", "k"), bulk("v")}})
	h.advance(1)
	h.cases([]strCase{{cmd("GET", "k"), rNil}})

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
		h.f.dbs[0].remove("k")
		if got := h.do(append([]string{"SET", "k", "v"}, tc.args...)...); got != rOK {
			t.Errorf("SET %v: %q", tc.args, got)
		}
		if got := h.expireAtOf("k"); got != tc.want {
			t.Errorf("SET %v: ExpireAt %d, want %d", tc.args, got, tc.want)
		}
	}

	h = strHarness(t)
	h.cases([]strCase{
		{cmd("SET", "k", "v", "EX", "0"), expireErr("set")},
		{cmd("SET", "k", "v", "EX", "-1"), expireErr("set")},
		{cmd("SET", "k", "v", "PX", "0"), expireErr("set")},
		{cmd("SET", "k", "v", "EXAT", "0"), expireErr("set")},
		{cmd("SET", "k", "v", "PXAT", "-5"), expireErr("set")},
		{cmd("SET", "k", "v", "EX", "abc"), rNotI},
		{cmd("SET", "k", "v", "EX", "1.5"), rNotI},
		{cmd("SET", "k", "v", "EX", "+5"), rNotI},
		// Seconds that overflow when scaled to ms, or ms that overflow when
		// the current time is added.
		{cmd("SET", "k", "v", "EX", "9223372036854776"), expireErr("set")},
		{cmd("SET", "k", "v", "EXAT", "9223372036854776"), expireErr("set")},
		{cmd("SET", "k", "v", "PX", "9223372036854775807"), expireErr("set")},
		{cmd("SET", "k", "v", "EX", "9223372036854775"), expireErr("set")},
		{cmd("GET", "k"), rNil},
		// Absolute deadlines need not be in the future (only positive).
		{cmd("SET", "k", "v", "PXAT", "9223372036854775807"), rOK},
		{cmd("SET", "k", "v", "PXAT", "1"), rOK},
		{cmd("GET", "k"), rNil},
		{cmd("SET", "k", "old"), rOK},
		{cmd("SET", "k", "v", "EXAT", "1", "GET"), bulk("old")},
		{cmd("GET", "k"), rNil},
	})
	if _, ok := h.f.dbs[0].raw("k"); ok {
		t.Error("a key set with a past deadline should not be stored")
	}
}

func TestSetTTLKeptOrCleared(t *testing.T) {
	h := strHarness(t)
	now := h.now
	h.cases([]strCase{
		{cmd("SET", "k", "v", "EX", "100"), rOK},
		{cmd("SET", "k", "w", "KEEPTTL"), rOK},
	})
	if got := h.expireAtOf("k"); got != now+100_000 {
		t.Fatalf("KEEPTTL: ExpireAt %d", got)
	}
	h.cases([]strCase{{cmd("SET", "k", "x"), rOK}, {cmd("GET", "k"), bulk("x")}})
	if got := h.expireAtOf("k"); got != 0 {
		t.Fatalf("SET without KEEPTTL kept ExpireAt %d", got)
	}
	// KEEPTTL on a key that had none, or had an expired one, leaves none.
	h.cases([]strCase{
		{cmd("SET", "k", "y", "KEEPTTL"), rOK},
		{cmd("SET", "e", "1", "PX", "10"), rOK},
	})
	h.advance(10)
	h.cases([]strCase{{cmd("SET", "e", "2", "KEEPTTL"), rOK}, {cmd("GET", "e"), bulk("2")}})
	if h.expireAtOf("k") != 0 || h.expireAtOf("e") != 0 {
		t.Fatalf("KEEPTTL resurrected a TTL: %d %d", h.expireAtOf("k"), h.expireAtOf("e"))
	}
}

func TestSetnxSetexPsetex(t *testing.T) {
	h := strHarness(t)
	now := h.now
	h.cases([]strCase{
		{cmd("SETNX", "k", "1"), num(1)},
		{cmd("SETNX", "k", "2"), num(0)},
		{cmd("GET", "k"), bulk("1")},
		{cmd("SETNX", "list", "2"), num(0)},
		{cmd("SETNX", "k"), arityErr("setnx")},
		{cmd("SETEX", "s", "10", "v"), rOK},
		{cmd("PSETEX", "p", "250", "v"), rOK},
		{cmd("SETEX", "s2", "0", "v"), expireErr("setex")},
		{cmd("PSETEX", "p2", "-1", "v"), expireErr("psetex")},
		{cmd("setex", "s2", "x", "v"), rNotI},
		{cmd("SETEX", "s2", "10"), arityErr("setex")},
		{cmd("SETEX", "s2", "9223372036854776", "v"), expireErr("setex")},
		{cmd("SETEX", "list", "10", "v"), rOK},
		{cmd("GET", "list"), bulk("v")},
	})
	if got := h.expireAtOf("s"); got != now+10_000 {
		t.Errorf("SETEX: ExpireAt %d", got)
	}
	if got := h.expireAtOf("p"); got != now+250 {
		t.Errorf("PSETEX: ExpireAt %d", got)
	}
	h.advance(250)
	h.cases([]strCase{{cmd("GET", "p"), rNil}, {cmd("GET", "s"), bulk("v")}, {cmd("SETNX", "p", "again"), num(1)}})
}

func TestMgetMset(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{cmd("MSET", "a", "1", "b", "2"), rOK},
		{cmd("MGET", "a", "list", "missing", "b", "a"), "*5\r\n" + bulk("1") + rNil + rNil + bulk("2") + bulk("1")},
		{cmd("MGET"), arityErr("mget")},
		{cmd("MSET", "a"), arityErr("mset")},
		{cmd("MSET", "a", "1", "b"), arityErr("mset")},
		{cmd("MSETNX", "a", "1", "b"), arityErr("msetnx")},
		{cmd("MSET", "a", "x", "a", "y", "list", "z"), rOK},
		{cmd("MGET", "a", "list"), "*2\r\n" + bulk("y") + bulk("z")},
		{cmd("MSETNX", "c", "3", "a", "9"), num(0)},
		{cmd("GET", "c"), rNil},
		{cmd("MSETNX", "c", "3", "d", "4", "c", "5"), num(1)},
		{cmd("MGET", "c", "d"), "*2\r\n" + bulk("5") + bulk("4")},
	})
	// MSET clears TTLs; MSETNX treats expired keys as absent.
	h.cases([]strCase{{cmd("SET", "t", "v", "PX", "100"), rOK}, {cmd("MSET", "t", "w"), rOK}})
	if got := h.expireAtOf("t"); got != 0 {
		t.Errorf("MSET kept ExpireAt %d", got)
	}
	h.cases([]strCase{{cmd("SET", "t", "v", "PX", "100"), rOK}})
	h.advance(100)
	h.cases([]strCase{{cmd("MSETNX", "t", "new"), num(1)}, {cmd("GET", "t"), bulk("new")}})
}

func TestGetsetGetdel(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{cmd("GETSET", "k", "1"), rNil},
		{cmd("GETSET", "k", "2"), bulk("1")},
		{cmd("GET", "k"), bulk("2")},
		{cmd("GETSET", "list", "x"), rWrong},
		{cmd("GETDEL", "k"), bulk("2")},
		{cmd("GETDEL", "k"), rNil},
		{cmd("GET", "k"), rNil},
		{cmd("GETDEL", "list"), rWrong},
		{cmd("GETDEL", "k", "x"), arityErr("getdel")},
		{cmd("SET", "t", "v", "EX", "100"), rOK},
		{cmd("GETSET", "t", "w"), bulk("v")},
	})
	if _, ok := h.f.dbs[0].raw("list"); !ok {
		t.Error("GETDEL on a wrong type removed the key")
	}
	if got := h.expireAtOf("t"); got != 0 {
		t.Errorf("GETSET kept ExpireAt %d", got)
	}
}

func TestGetex(t *testing.T) {
	h := strHarness(t)
	now := h.now
	h.cases([]strCase{
		{cmd("GETEX", "k"), rNil},
		// A missing key answers nil before the expire value is examined...
		{cmd("GETEX", "k", "EX", "0"), rNil},
		// ...but the option syntax is checked first.
		{cmd("GETEX", "k", "EX"), rSyn},
		{cmd("GETEX", "k", "NX"), rSyn},
		{cmd("GETEX", "k", "GET"), rSyn},
		{cmd("GETEX", "k", "KEEPTTL"), rSyn},
		{cmd("GETEX", "k", "PERSIST", "EX", "1"), rSyn},
		{cmd("GETEX", "k", "EX", "1", "PERSIST"), rSyn},
		{cmd("GETEX", "list"), rWrong},
		{cmd("GETEX", "list", "EX", "0"), rWrong},
		{cmd("SET", "k", "v"), rOK},
		{cmd("GETEX", "k", "EX", "0"), expireErr("getex")},
		{cmd("GETEX", "k", "PX", "x"), rNotI},
		{cmd("GETEX", "k"), bulk("v")},
		{cmd("GETEX", "k", "ex", "10"), bulk("v")},
	})
	if got := h.expireAtOf("k"); got != now+10_000 {
		t.Fatalf("GETEX EX: ExpireAt %d", got)
	}
	ver := strVersion(h, "k")
	h.cases([]strCase{{cmd("GETEX", "k"), bulk("v")}})
	if got := h.expireAtOf("k"); got != now+10_000 {
		t.Fatalf("plain GETEX changed ExpireAt to %d", got)
	}
	if v := strVersion(h, "k"); v != ver {
		t.Errorf("plain GETEX bumped the version %d -> %d", ver, v)
	}
	h.cases([]strCase{
		{cmd("GETEX", "k", "PX", "500"), bulk("v")},
		{cmd("GETEX", "k", "PERSIST"), bulk("v")},
	})
	if got := h.expireAtOf("k"); got != 0 {
		t.Fatalf("PERSIST left ExpireAt %d", got)
	}
	ver = strVersion(h, "k")
	h.cases([]strCase{{cmd("GETEX", "k", "PERSIST"), bulk("v")}})
	if v := strVersion(h, "k"); v != ver {
		t.Errorf("PERSIST without a TTL bumped the version %d -> %d", ver, v)
	}
	h.cases([]strCase{
		{cmd("GETEX", "k", "PXAT", strconv.FormatInt(now+777, 10)), bulk("v")},
	})
	if got := h.expireAtOf("k"); got != now+777 {
		t.Fatalf("PXAT: ExpireAt %d", got)
	}
	// A deadline already passed deletes the key after replying.
	h.cases([]strCase{
		{cmd("GETEX", "k", "EXAT", "1"), bulk("v")},
		{cmd("GET", "k"), rNil},
	})
	if _, ok := h.f.dbs[0].raw("k"); ok {
		t.Error("GETEX EXAT in the past left the key stored")
	}
	h.cases([]strCase{{cmd("GETEX"), arityErr("getex")}})
}

func TestAppendStrlen(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{cmd("STRLEN", "k"), num(0)},
		{cmd("APPEND", "k", "Hello"), num(5)},
		{cmd("APPEND", "k", " World"), num(11)},
		{cmd("GET", "k"), bulk("Hello World")},
		{cmd("STRLEN", "k"), num(11)},
		{cmd("APPEND", "k", ""), num(11)},
		// Appending nothing to a missing key still creates it.
		{cmd("APPEND", "e", ""), num(0)},
		{cmd("GET", "e"), rEmpty},
		{cmd("APPEND", "list", "x"), rWrong},
		{cmd("STRLEN", "list"), rWrong},
		{cmd("STRLEN"), arityErr("strlen")},
		{cmd("SET", "t", "a", "EX", "100"), rOK},
		{cmd("APPEND", "t", "b"), num(2)},
	})
	if got := h.expireAtOf("t"); got != h.now+100_000 {
		t.Errorf("APPEND lost the TTL: %d", got)
	}
}

func TestIncrDecr(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{cmd("INCR", "n"), num(1)},
		{cmd("INCR", "n"), num(2)},
		{cmd("DECR", "n"), num(1)},
		{cmd("DECR", "m"), num(-1)},
		{cmd("INCRBY", "n", "10"), num(11)},
		{cmd("INCRBY", "n", "-20"), num(-9)},
		{cmd("DECRBY", "n", "-9"), num(0)},
		{cmd("DECRBY", "n", "5"), num(-5)},
		{cmd("GET", "n"), bulk("-5")},
		{cmd("INCRBY", "n", "x"), rNotI},
		{cmd("INCRBY", "n", "1.5"), rNotI},
		{cmd("INCRBY", "n", "+1"), rNotI},
		{cmd("INCRBY", "n", "01"), rNotI},
		{cmd("INCRBY", "list", "x"), rNotI}, // the increment is parsed first
		{cmd("INCRBY", "list", "1"), rWrong},
		{cmd("INCR", "list"), rWrong},
		{cmd("DECRBY", "n", "-9223372036854775808"), rerr("ERR decrement would overflow")},
		{cmd("INCR", "n", "x"), arityErr("incr")},
		{cmd("INCRBY", "n"), arityErr("incrby")},

		{cmd("SET", "s", "abc"), rOK},
		{cmd("INCR", "s"), rNotI},
		{cmd("SET", "s", " 1"), rOK},
		{cmd("INCR", "s"), rNotI},
		{cmd("SET", "s", "1.0"), rOK},
		{cmd("INCR", "s"), rNotI},
		{cmd("SET", "s", ""), rOK},
		{cmd("INCR", "s"), rNotI},
		{cmd("SET", "s", "-0"), rOK},
		{cmd("INCR", "s"), rNotI},
		{cmd("SET", "s", "007"), rOK},
		{cmd("INCR", "s"), rNotI},
		{cmd("GET", "s"), bulk("007")},

		{cmd("SET", "big", "9223372036854775806"), rOK},
		{cmd("INCR", "big"), num(9223372036854775807)},
		{cmd("INCR", "big"), rerr("ERR increment or decrement would overflow")},
		{cmd("SET", "big", "-9223372036854775807"), rOK},
		{cmd("DECR", "big"), num(-9223372036854775808)},
		{cmd("DECR", "big"), rerr("ERR increment or decrement would overflow")},
		{cmd("INCRBY", "big", "9223372036854775807"), num(-1)},
		{cmd("SET", "big", "9223372036854775808"), rOK},
		{cmd("INCR", "big"), rNotI},
	})
	h.cases([]strCase{{cmd("SET", "t", "10", "EX", "100"), rOK}, {cmd("INCR", "t"), num(11)}, {cmd("INCRBY", "t", "5"), num(16)}})
	if got := h.expireAtOf("t"); got != h.now+100_000 {
		t.Errorf("INCR lost the TTL: %d", got)
	}
	h.advance(100_000)
	h.cases([]strCase{{cmd("INCR", "t"), num(1)}})
	if got := h.expireAtOf("t"); got != 0 {
		t.Errorf("INCR of an expired key inherited ExpireAt %d", got)
	}
}

func TestIncrbyfloat(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{cmd("INCRBYFLOAT", "f", "10.5"), bulk("10.5")},
		{cmd("INCRBYFLOAT", "f", "0.1"), bulk("10.6")},
		{cmd("INCRBYFLOAT", "f", "-5"), bulk("5.6")},
		{cmd("GET", "f"), bulk("5.6")},
		{cmd("SET", "f", "3.0e3"), rOK},
		{cmd("INCRBYFLOAT", "f", "0"), bulk("3000")},
		{cmd("SET", "f", "5.0e3"), rOK},
		{cmd("INCRBYFLOAT", "f", "2.0e2"), bulk("5200")},
		{cmd("INCRBYFLOAT", "f", "-5200"), bulk("0")},
		{cmd("SET", "f", "0.1"), rOK},
		{cmd("INCRBYFLOAT", "f", "0.2"), bulk("0.3")},
		{cmd("INCRBYFLOAT", "f", "1e30"), bulk("1000000000000000000024696061952")},
		{cmd("SET", "f", "1"), rOK},
		{cmd("INCRBYFLOAT", "f", "0x10"), bulk("17")},
		{cmd("INCRBYFLOAT", "f", ".5"), bulk("17.5")},
		{cmd("INCRBYFLOAT", "f", "1."), bulk("18.5")},
		{cmd("INCRBYFLOAT", "f", "+1.5"), bulk("20")},
		{cmd("INCRBYFLOAT", "f", "-0.000000000000000001"), bulk("20")},
		{cmd("INCRBYFLOAT", "f", "inf"), rerr("ERR increment would produce NaN or Infinity")},
		{cmd("INCRBYFLOAT", "f", "1e4933"), rNotF},
		{cmd("INCRBYFLOAT", "f", "1e-5000"), rNotF},
		{cmd("INCRBYFLOAT", "f", "nan"), rNotF},
		{cmd("INCRBYFLOAT", "f", "abc"), rNotF},
		{cmd("INCRBYFLOAT", "f", " 1"), rNotF},
		{cmd("INCRBYFLOAT", "f", "1 "), rNotF},
		{cmd("INCRBYFLOAT", "f", ""), rNotF},
		{cmd("GET", "f"), bulk("20")},
		{cmd("SET", "s", "abc"), rOK},
		{cmd("INCRBYFLOAT", "s", "1"), rNotF},
		{cmd("SET", "s", "inf"), rOK},
		{cmd("INCRBYFLOAT", "s", "1"), rerr("ERR increment would produce NaN or Infinity")},
		{cmd("INCRBYFLOAT", "list", "x"), rWrong}, // type before argument
		{cmd("INCRBYFLOAT", "f"), arityErr("incrbyfloat")},
	})
	h.cases([]strCase{{cmd("SET", "t", "1", "PX", "5000"), rOK}, {cmd("INCRBYFLOAT", "t", "1.5"), bulk("2.5")}})
	if got := h.expireAtOf("t"); got != h.now+5000 {
		t.Errorf("INCRBYFLOAT lost the TTL: %d", got)
	}
}

func TestGetrange(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{{cmd("SET", "k", "This is a string"), rOK}})
	for _, name := range []string{"GETRANGE", "SUBSTR"} {
		h.cases([]strCase{
			{cmd(name, "k", "0", "3"), bulk("This")},
			{cmd(name, "k", "-3", "-1"), bulk("ing")},
			{cmd(name, "k", "0", "-1"), bulk("This is a string")},
			{cmd(name, "k", "10", "100"), bulk("string")},
			{cmd(name, "k", "-100", "3"), bulk("This")},
			{cmd(name, "k", "5", "3"), rEmpty},
			{cmd(name, "k", "16", "20"), rEmpty},
			{cmd(name, "k", "-1", "-3"), rEmpty},
			{cmd(name, "k", "-100", "-200"), rEmpty},
			{cmd(name, "k", "-200", "-100"), bulk("T")},
			{cmd(name, "k", "0", "-9223372036854775808"), bulk("T")},
			{cmd(name, "k", "9223372036854775807", "9223372036854775807"), rEmpty},
			{cmd(name, "missing", "0", "-1"), rEmpty},
			{cmd(name, "k", "x", "1"), rNotI},
			{cmd(name, "k", "0", "1.5"), rNotI},
			{cmd(name, "list", "x", "1"), rNotI},
			{cmd(name, "list", "0", "1"), rWrong},
			{cmd(name, "k", "0"), arityErr(strings.ToLower(name))},
		})
	}
	h.cases([]strCase{{cmd("SET", "e", ""), rOK}, {cmd("GETRANGE", "e", "0", "-1"), rEmpty}, {cmd("GETRANGE", "e", "0", "0"), rEmpty}})
}

func TestSetrange(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{cmd("SET", "k", "Hello World"), rOK},
		{cmd("SETRANGE", "k", "6", "Redis"), num(11)},
		{cmd("GET", "k"), bulk("Hello Redis")},
		{cmd("SETRANGE", "k", "9", "Redis"), num(14)},
		{cmd("GET", "k"), bulk("Hello RedRedis")},
		{cmd("SETRANGE", "k", "0", ""), num(14)},
		{cmd("SETRANGE", "z", "3", "ab"), num(5)},
		{cmd("GET", "z"), bulk("\x00\x00\x00ab")},
		// Writing nothing to a missing key does not create it, whatever the offset.
		{cmd("SETRANGE", "none", "5", ""), num(0)},
		{cmd("SETRANGE", "none", "9223372036854775807", ""), num(0)},
		{cmd("GET", "none"), rNil},
		{cmd("SETRANGE", "k", "-1", "x"), rerr("ERR offset is out of range")},
		{cmd("SETRANGE", "list", "-1", "x"), rerr("ERR offset is out of range")},
		{cmd("SETRANGE", "k", "x", "x"), rNotI},
		{cmd("SETRANGE", "list", "0", "x"), rWrong},
		{cmd("SETRANGE", "list", "0", ""), rWrong},
		{cmd("SETRANGE", "k", "536870912", "x"), rerr("ERR string exceeds maximum allowed size (proto-max-bulk-len)")},
		{cmd("SETRANGE", "n", "536870911", "xy"), rerr("ERR string exceeds maximum allowed size (proto-max-bulk-len)")},
		{cmd("SETRANGE", "n", "9223372036854775807", "x"), rerr("ERR string exceeds maximum allowed size (proto-max-bulk-len)")},
		{cmd("GET", "n"), rNil},
		{cmd("SETRANGE", "k", "0"), arityErr("setrange")},
		{cmd("SET", "t", "abc", "EX", "100"), rOK},
		{cmd("SETRANGE", "t", "1", "X"), num(3)},
		{cmd("GET", "t"), bulk("aXc")},
	})
	if got := h.expireAtOf("t"); got != h.now+100_000 {
		t.Errorf("SETRANGE lost the TTL: %d", got)
	}
}

func TestLcs(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{cmd("MSET", "a", "ohmytext", "b", "mynewtext"), rOK},
		{cmd("LCS", "a", "b"), bulk("mytext")},
		{cmd("LCS", "a", "b", "LEN"), num(6)},
		{cmd("LCS", "a", "b", "IDX"), "*4\r\n" + bulk("matches") +
			"*2\r\n" +
			"*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n" +
			"*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n" +
			bulk("len") + num(6)},
		{cmd("LCS", "a", "b", "idx", "minmatchlen", "4", "withmatchlen"), "*4\r\n" + bulk("matches") +
			"*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n" +
			bulk("len") + num(6)},
		{cmd("LCS", "a", "b", "IDX", "MINMATCHLEN", "-5"), "*4\r\n" + bulk("matches") +
			"*2\r\n" +
			"*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n" +
			"*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n" +
			bulk("len") + num(6)},
		// Options without IDX are accepted and ignored.
		{cmd("LCS", "a", "b", "WITHMATCHLEN", "MINMATCHLEN", "3"), bulk("mytext")},
		{cmd("LCS", "a", "missing"), rEmpty},
		{cmd("LCS", "missing", "missing2", "IDX"), "*4\r\n" + bulk("matches") + "*0\r\n" + bulk("len") + num(0)},
		{cmd("LCS", "a", "b", "LEN", "IDX"), rerr("ERR If you want both the length and indexes, please just use IDX.")},
		{cmd("LCS", "a", "b", "junk"), rSyn},
		{cmd("LCS", "a", "b", "MINMATCHLEN"), rSyn},
		{cmd("LCS", "a", "b", "MINMATCHLEN", "x"), rNotI},
		// Key types are checked before options.
		{cmd("LCS", "a", "list", "junk"), rerr("ERR The specified keys must contain string values")},
		{cmd("LCS", "a"), arityErr("lcs")},
	})
}

// Stored values are shared with snapshots and with other keys, so no
// command may write into a slice that is already stored.
func TestStringValuesNeverMutatedInPlace(t *testing.T) {
	h := strHarness(t)
	h.do("SET", "k", "12345")
	orig, _ := h.f.dbs[0].raw("k")
	snap := orig.Value.([]byte)
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
		snap = it.Value.([]byte)
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
		if got := h.do("GET", c[1]); got != bulk("value") {
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
	if got := h.do("APPEND", "k", "w"); got != num(1) {
		t.Errorf("APPEND on an expired key: %q", got)
	}
	if got := h.expireAtOf("k"); got != 0 {
		t.Errorf("APPEND on an expired key kept ExpireAt %d", got)
	}
}

func strVersion(h *harness, key string) uint64 {
	it, _ := h.f.dbs[h.db].raw(key)
	return it.Version
}
