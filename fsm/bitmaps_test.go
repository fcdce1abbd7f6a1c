package fsm

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The tables below are replayed against redis-server by
// TestBitmapTablesAgainstRedis, which keeps their expectations honest.

const (
	bitErrOffset = "-ERR bit offset is not an integer or out of range\r\n"
	bitErrValue  = "-ERR bit is not an integer or out of range\r\n"
	bitErrType   = "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"
)

func bitArr(items ...string) string {
	return "*" + strconv.Itoa(len(items)) + "\r\n" + strings.Join(items, "")
}

func TestBitmapSpecs(t *testing.T) {
	type spec struct {
		arity             int
		flags             []string
		first, last, step int
	}
	want := map[string]spec{
		"setbit":      {4, []string{"write", "denyoom"}, 1, 1, 1},
		"getbit":      {3, []string{"readonly", "fast"}, 1, 1, 1},
		"bitcount":    {-2, []string{"readonly"}, 1, 1, 1},
		"bitpos":      {-3, []string{"readonly"}, 1, 1, 1},
		"bitop":       {-4, []string{"write", "denyoom"}, 2, -1, 1},
		"bitfield":    {-2, []string{"write", "denyoom"}, 1, 1, 1},
		"bitfield_ro": {-2, []string{"readonly", "fast"}, 1, 1, 1},
	}
	tab := NewTable()
	for name, s := range want {
		c := tab.Lookup([]byte(name))
		if c == nil {
			t.Errorf("%s not registered", name)
			continue
		}
		if got := (spec{c.Arity, c.Flags, c.FirstKey, c.LastKey, c.Step}); !reflect.DeepEqual(got, s) {
			t.Errorf("%s: got %+v, want %+v", name, got, s)
		}
		if c.Group != "bitmap" || c.Summary == "" || c.Since == "" || c.Complexity == "" {
			t.Errorf("%s: incomplete docs %+v", name, c.Spec)
		}
		if c.Write != c.Has("write") {
			t.Errorf("%s: Write=%v", name, c.Write)
		}
	}
}

func bitSetbitCases() []strCase {
	return []strCase{
		{strCmd("SETBIT", "b", "7", "1"), strInt(0)},
		{strCmd("GET", "b"), strBulk("\x01")},
		{strCmd("SETBIT", "b", "7", "0"), strInt(1)},
		{strCmd("SETBIT", "b", "7", "0"), strInt(0)},
		{strCmd("GET", "b"), strBulk("\x00")},
		{strCmd("SETBIT", "b", "0", "1"), strInt(0)},
		{strCmd("SETBIT", "b", "17", "1"), strInt(0)},
		{strCmd("GET", "b"), strBulk("\x80\x00\x40")},
		{strCmd("GETBIT", "b", "0"), strInt(1)},
		{strCmd("GETBIT", "b", "1"), strInt(0)},
		{strCmd("GETBIT", "b", "17"), strInt(1)},
		{strCmd("GETBIT", "b", "1000"), strInt(0)},
		{strCmd("GETBIT", "nokey", "3"), strInt(0)},
		{strCmd("OBJECT", "ENCODING", "b"), strBulk("raw")},
		// Offsets: integers below 2^32, checked before the value and type.
		{strCmd("SETBIT", "b", "-1", "1"), bitErrOffset},
		{strCmd("SETBIT", "b", "4294967296", "1"), bitErrOffset},
		{strCmd("SETBIT", "b", "1.5", "1"), bitErrOffset},
		{strCmd("SETBIT", "b", "#1", "1"), bitErrOffset},
		{strCmd("SETBIT", "list", "x", "1"), bitErrOffset},
		{strCmd("SETBIT", "list", "1", "2"), bitErrValue},
		{strCmd("SETBIT", "b", "0", "2"), bitErrValue},
		{strCmd("SETBIT", "b", "0", "-1"), bitErrValue},
		{strCmd("SETBIT", "b", "0", "on"), bitErrValue},
		{strCmd("SETBIT", "list", "0", "1"), strWrongType},
		{strCmd("GETBIT", "b", "4294967296"), bitErrOffset},
		{strCmd("GETBIT", "b", "-1"), bitErrOffset},
		{strCmd("GETBIT", "list", "0"), strWrongType},
		{strCmd("GETBIT", "list", "x"), bitErrOffset},
		// An int-encoded string reads as its digits and becomes raw when
		// SETBIT touches it, even without changing it.
		{strCmd("SET", "n", "12"), strOK},
		{strCmd("GETBIT", "n", "2"), strInt(1)},
		{strCmd("OBJECT", "ENCODING", "n"), strBulk("int")},
		{strCmd("SETBIT", "n", "2", "1"), strInt(1)},
		{strCmd("OBJECT", "ENCODING", "n"), strBulk("raw")},
		{strCmd("GET", "n"), strBulk("12")},
		{strCmd("SETBIT", "n", "6", "1"), strInt(0)},
		{strCmd("GET", "n"), strBulk("32")},
		{strCmd("SETBIT"), strArityErr("setbit")},
		{strCmd("GETBIT", "b"), strArityErr("getbit")},
	}
}

func bitCountPosCases() []strCase {
	return []strCase{
		{strCmd("SET", "s", "foobar"), strOK},
		{strCmd("BITCOUNT", "s"), strInt(26)},
		{strCmd("BITCOUNT", "s", "0", "0"), strInt(4)},
		{strCmd("BITCOUNT", "s", "1", "1"), strInt(6)},
		{strCmd("BITCOUNT", "s", "1", "1", "BYTE"), strInt(6)},
		{strCmd("BITCOUNT", "s", "5", "30", "bit"), strInt(17)},
		{strCmd("BITCOUNT", "s", "-2", "-1"), strInt(7)},
		{strCmd("BITCOUNT", "s", "-1", "-2"), strInt(0)},
		{strCmd("BITCOUNT", "s", "-1", "-2", "junk"), strInt(0)},
		{strCmd("BITCOUNT", "s", "0", "-1", "junk"), strSyntax},
		{strCmd("BITCOUNT", "s", "0", "100"), strInt(26)},
		{strCmd("BITCOUNT", "s", "3", "1"), strInt(0)},
		{strCmd("BITCOUNT", "s", "-100", "-50", "BIT"), strInt(0)},
		{strCmd("BITCOUNT", "s", "0"), strSyntax},
		{strCmd("BITCOUNT", "s", "0", "1", "BIT", "x"), strSyntax},
		{strCmd("BITCOUNT", "s", "a", "1"), strNotInt},
		{strCmd("BITCOUNT", "s", "1", "b"), strNotInt},
		// A missing key answers 0 before the arguments are looked at.
		{strCmd("BITCOUNT", "nokey", "x", "y"), strInt(0)},
		{strCmd("BITCOUNT", "nokey", "0"), strInt(0)},
		{strCmd("BITCOUNT", "list"), strWrongType},
		{strCmd("BITCOUNT", "list", "x"), strWrongType},
		{strCmd("SET", "e", ""), strOK},
		{strCmd("BITCOUNT", "e"), strInt(0)},
		{strCmd("BITCOUNT", "e", "0", "-1", "BIT"), strInt(0)},

		{strCmd("SET", "p", "\x00\xff\xf0"), strOK},
		{strCmd("BITPOS", "p", "1"), strInt(8)},
		{strCmd("BITPOS", "p", "0"), strInt(0)},
		{strCmd("BITPOS", "p", "1", "2"), strInt(16)},
		{strCmd("BITPOS", "p", "0", "1"), strInt(20)},
		{strCmd("BITPOS", "p", "0", "1", "-1"), strInt(20)},
		{strCmd("BITPOS", "p", "0", "1", "1"), strInt(-1)},
		{strCmd("BITPOS", "p", "1", "7", "15", "BIT"), strInt(8)},
		{strCmd("BITPOS", "p", "0", "9", "15", "BIT"), strInt(-1)},
		{strCmd("BITPOS", "p", "0", "9", "20", "BIT"), strInt(20)},
		{strCmd("BITPOS", "p", "1", "-3", "-1", "bit"), strInt(-1)},
		{strCmd("BITPOS", "p", "1", "3", "2"), strInt(-1)},
		{strCmd("BITPOS", "p", "1", "0", "0", "byte"), strInt(-1)},
		{strCmd("BITPOS", "p", "2"), strErr("ERR The bit argument must be 1 or 0.")},
		{strCmd("BITPOS", "p", "x"), strNotInt},
		{strCmd("BITPOS", "p", "1", "x"), strNotInt},
		{strCmd("BITPOS", "p", "1", "0", "x"), strNotInt},
		{strCmd("BITPOS", "p", "1", "0", "1", "bits"), strSyntax},
		{strCmd("BITPOS", "p", "1", "x", "1", "bits"), strNotInt},
		{strCmd("BITPOS", "p", "1", "0", "x", "bits"), strSyntax},
		{strCmd("BITPOS", "p", "1", "0", "1", "bit", "x"), strSyntax},
		{strCmd("SET", "f", "\xff\xff"), strOK},
		{strCmd("BITPOS", "f", "0"), strInt(16)},
		{strCmd("BITPOS", "f", "0", "1"), strInt(16)},
		{strCmd("BITPOS", "f", "0", "0", "-1"), strInt(-1)},
		{strCmd("BITPOS", "f", "1", "0", "-1"), strInt(0)},
		{strCmd("BITPOS", "e", "0"), strInt(-1)},
		{strCmd("BITPOS", "e", "1"), strInt(-1)},
		{strCmd("BITPOS", "nokey", "0"), strInt(0)},
		{strCmd("BITPOS", "nokey", "1", "x"), strInt(-1)},
		{strCmd("BITPOS", "nokey", "2"), strErr("ERR The bit argument must be 1 or 0.")},
		{strCmd("BITPOS", "list", "1"), strWrongType},
		{strCmd("BITPOS", "list", "2"), strErr("ERR The bit argument must be 1 or 0.")},
		{strCmd("BITPOS", "p"), strArityErr("bitpos")},
	}
}

func bitOpCases() []strCase {
	return []strCase{
		{strCmd("SET", "a", "foobar"), strOK},
		{strCmd("SET", "b", "abcdef"), strOK},
		{strCmd("SET", "c", "xyz"), strOK},
		{strCmd("BITOP", "AND", "d", "a", "b"), strInt(6)},
		{strCmd("GET", "d"), strBulk("`bc`ab")},
		{strCmd("BITOP", "or", "d", "a", "b"), strInt(6)},
		{strCmd("GET", "d"), strBulk("goofev")},
		{strCmd("BITOP", "Xor", "d", "a", "c"), strInt(6)},
		{strCmd("GET", "d"), strBulk("\x1e\x16\x15bar")},
		{strCmd("BITOP", "AND", "d", "a", "c", "nokey"), strInt(6)},
		{strCmd("GET", "d"), strBulk("\x00\x00\x00\x00\x00\x00")},
		{strCmd("BITOP", "NOT", "d", "c"), strInt(3)},
		{strCmd("GET", "d"), strBulk("\x87\x86\x85")},
		{strCmd("OBJECT", "ENCODING", "d"), strBulk("raw")},
		{strCmd("EXPIRE", "d", "100"), strInt(1)},
		{strCmd("BITOP", "OR", "d", "c"), strInt(3)},
		{strCmd("TTL", "d"), strInt(-1)},
		{strCmd("BITOP", "OR", "d", "nokey", "nokey2"), strInt(0)},
		{strCmd("EXISTS", "d"), strInt(0)},
		{strCmd("BITOP", "NOT", "d", "a", "b"), strErr("ERR BITOP NOT must be called with a single source key.")},
		{strCmd("BITOP", "NAND", "d", "a"), strSyntax},
		{strCmd("BITOP", "NOT", "d", "list"), strWrongType},
		{strCmd("BITOP", "AND", "d", "a", "list"), strWrongType},
		{strCmd("BITOP", "AND", "list", "a"), strInt(6)},
		{strCmd("TYPE", "list"), "+string\r\n"},
		{strCmd("BITOP", "AND", "d"), strArityErr("bitop")},
	}
}

func bitfieldCases() []strCase {
	return []strCase{
		{strCmd("BITFIELD", "f", "INCRBY", "i5", "100", "1", "GET", "u4", "0"), bitArr(strInt(1), strInt(0))},
		{strCmd("BITFIELD", "g", "SET", "i8", "#0", "100", "SET", "i8", "#1", "200"), bitArr(strInt(0), strInt(0))},
		{strCmd("GET", "g"), strBulk("d\xc8")},
		{strCmd("BITFIELD", "g", "GET", "i8", "#1", "GET", "u8", "8", "GET", "u16", "0", "GET", "i64", "0"),
			bitArr(strInt(-56), strInt(200), strInt(25800), strInt(7262054399134924800))},
		{strCmd("BITFIELD", "o", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"), bitArr(strInt(1), strInt(1))},
		{strCmd("BITFIELD", "o", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"), bitArr(strInt(2), strInt(2))},
		{strCmd("BITFIELD", "o", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"), bitArr(strInt(3), strInt(3))},
		{strCmd("BITFIELD", "o", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"), bitArr(strInt(0), strInt(3))},
		{strCmd("BITFIELD", "o", "OVERFLOW", "FAIL", "INCRBY", "u2", "102", "1", "INCRBY", "u2", "102", "-1"), bitArr(strNil, strInt(2))},
		{strCmd("BITFIELD", "o", "overflow", "wrap", "SET", "i3", "0", "5", "GET", "i3", "0"), bitArr(strInt(0), strInt(-3))},
		{strCmd("BITFIELD", "o", "SET", "u63", "0", "-1", "GET", "u63", "0"), bitArr(strInt(5764607523034234880), strInt(9223372036854775807))},
		{strCmd("BITFIELD", "o", "OVERFLOW", "SAT", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1"),
			bitArr(strInt(-2), strInt(-9223372036854775808))},
		{strCmd("BITFIELD", "o", "OVERFLOW", "WRAP", "INCRBY", "i64", "0", "-1"), bitArr(strInt(9223372036854775807))},
		// A failed write still creates the key, zero-filled.
		{strCmd("BITFIELD", "z", "OVERFLOW", "FAIL", "SET", "u8", "8", "256"), bitArr(strNil)},
		{strCmd("GET", "z"), strBulk("\x00\x00")},
		{strCmd("OBJECT", "ENCODING", "z"), strBulk("raw")},
		{strCmd("BITFIELD", "nokey", "GET", "u8", "0"), bitArr(strInt(0))},
		{strCmd("EXISTS", "nokey"), strInt(0)},
		{strCmd("BITFIELD", "nokey"), "*0\r\n"},
		{strCmd("BITFIELD", "g", "OVERFLOW", "SAT"), "*0\r\n"},
		{strCmd("BITFIELD_RO", "g", "GET", "u8", "0", "GET", "i4", "#3"), bitArr(strInt(100), strInt(-8))},
		{strCmd("BITFIELD_RO", "g"), "*0\r\n"},
		{strCmd("BITFIELD_RO", "g", "SET", "u8", "0", "1"), strErr("ERR BITFIELD_RO only supports the GET subcommand")},
		{strCmd("BITFIELD_RO", "list", "INCRBY", "u8", "0", "1"), strErr("ERR BITFIELD_RO only supports the GET subcommand")},
		{strCmd("BITFIELD_RO", "g", "SET", "u64", "0", "1"), bitErrType},
		{strCmd("BITFIELD_RO", "list", "GET", "u8", "0"), strWrongType},
		// Errors, all found before anything runs.
		{strCmd("BITFIELD", "g", "GET", "u64", "0"), bitErrType},
		{strCmd("BITFIELD", "g", "GET", "i65", "0"), bitErrType},
		{strCmd("BITFIELD", "g", "GET", "i0", "0"), bitErrType},
		{strCmd("BITFIELD", "g", "GET", "U8", "0"), bitErrType},
		{strCmd("BITFIELD", "g", "GET", "8", "0"), bitErrType},
		{strCmd("BITFIELD", "g", "GET", "u8", "-1"), bitErrOffset},
		{strCmd("BITFIELD", "g", "GET", "u8", "#-1"), bitErrOffset},
		{strCmd("BITFIELD", "g", "GET", "u8", "##1"), bitErrOffset},
		{strCmd("BITFIELD", "g", "GET", "u8", "4294967296"), bitErrOffset},
		{strCmd("BITFIELD", "g", "GET", "u8", "4294967288"), bitArr(strInt(0))},
		{strCmd("BITFIELD", "g", "GET", "u8", "#536870911"), bitArr(strInt(0))},
		{strCmd("BITFIELD", "g", "GET", "u8", "#536870912"), bitErrOffset},
		{strCmd("BITFIELD", "g", "SET", "u8", "0", "x"), strNotInt},
		{strCmd("BITFIELD", "g", "SET", "u8", "0"), strSyntax},
		{strCmd("BITFIELD", "g", "GET", "u8"), strSyntax},
		{strCmd("BITFIELD", "g", "FOO", "u8", "0"), strSyntax},
		{strCmd("BITFIELD", "g", "OVERFLOW"), strSyntax},
		{strCmd("BITFIELD", "g", "OVERFLOW", "MAYBE"), strErr("ERR Invalid OVERFLOW type specified")},
		{strCmd("BITFIELD", "g", "SET", "u8", "0", "1", "GET", "u99", "0"), bitErrType},
		{strCmd("GET", "g"), strBulk("d\xc8")},
		{strCmd("BITFIELD", "list", "GET", "u8", "0"), strWrongType},
		{strCmd("BITFIELD", "list", "SET", "u8", "0", "1"), strWrongType},
		{strCmd("BITFIELD", "list"), strWrongType},
		{strCmd("BITFIELD"), strArityErr("bitfield")},
	}
}

func bitHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.f.dbs[0].put("list", Item{Value: 42})
	return h
}

func TestSetbitGetbit(t *testing.T)   { bitHarness(t).cases(bitSetbitCases()) }
func TestBitcountBitpos(t *testing.T) { bitHarness(t).cases(bitCountPosCases()) }
func TestBitop(t *testing.T)          { bitHarness(t).cases(bitOpCases()) }
func TestBitfield(t *testing.T)       { bitHarness(t).cases(bitfieldCases()) }

// TestBitmapKeepsTTLAndVersion checks that bit writes keep a TTL, and that
// a write which changes nothing leaves the version alone (Redis does not
// signal the key then), while still turning the encoding raw.
func TestBitmapKeepsTTLAndVersion(t *testing.T) {
	h := bitHarness(t)
	h.do("SET", "k", "7")
	h.do("PEXPIRE", "k", "100000")
	at := h.strExpireAt("k")
	if got := h.do("SETBIT", "k", "7", "1"); got != strInt(1) {
		t.Fatalf("SETBIT = %q", got)
	}
	it, _ := h.f.dbs[0].raw("k")
	if it.ExpireAt != at || it.Enc != EncRaw {
		t.Fatalf("after unchanged SETBIT: expire %d (want %d), enc %d", it.ExpireAt, at, it.Enc)
	}
	v := it.Version
	h.do("BITFIELD", "k", "SET", "u8", "0", "55")
	h.do("SETBIT", "k", "0", "0")
	if it, _ := h.f.dbs[0].raw("k"); it.Version != v {
		t.Fatalf("unchanged writes bumped the version %d -> %d", v, it.Version)
	}
	h.do("SETBIT", "k", "1", "1")
	it, _ = h.f.dbs[0].raw("k")
	if it.Version == v || it.ExpireAt != at || string(it.Str) != "w" {
		t.Fatalf("after SETBIT: %+v", it)
	}
}

// TestBitmapNoSharedMutation checks that a write never edits a stored slice
// a snapshot (or COPY) may still hold.
func TestBitmapNoSharedMutation(t *testing.T) {
	h := bitHarness(t)
	h.do("SET", "k", "abc")
	it, _ := h.f.dbs[0].raw("k")
	old := it.Str
	h.do("SETBIT", "k", "0", "1")
	h.do("BITFIELD", "k", "SET", "u8", "8", "0")
	h.do("SETBIT", "k", "100", "1")
	if string(old) != "abc" {
		t.Fatalf("stored slice mutated: %q", old)
	}
	if got := h.do("GET", "k"); got != strBulk("\xe1\x00c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08") {
		t.Fatalf("GET = %q", got)
	}
}
