package fsm

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Expected replies below were checked against redis-server 7.0.15.

// hsArr builds an array reply from already encoded elements.
func hsArr(items ...string) string {
	return "*" + strconv.Itoa(len(items)) + "\r\n" + strings.Join(items, "")
}

// hsBulks builds an array reply of bulk strings.
func hsBulks(items ...string) string {
	enc := make([]string, len(items))
	for i, s := range items {
		enc[i] = strBulk(s)
	}
	return hsArr(enc...)
}

const hsEmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n"

func TestHashSpecs(t *testing.T) {
	tab := NewTable()
	for _, tc := range []struct {
		name  string
		arity int
		flags []string
	}{
		{"hset", -4, []string{"write", "denyoom", "fast"}},
		{"hmset", -4, []string{"write", "denyoom", "fast"}},
		{"hsetnx", 4, []string{"write", "denyoom", "fast"}},
		{"hget", 3, []string{"readonly", "fast"}},
		{"hmget", -3, []string{"readonly", "fast"}},
		{"hgetall", 2, []string{"readonly"}},
		{"hdel", -3, []string{"write", "fast"}},
		{"hexists", 3, []string{"readonly", "fast"}},
		{"hlen", 2, []string{"readonly", "fast"}},
		{"hkeys", 2, []string{"readonly"}},
		{"hvals", 2, []string{"readonly"}},
		{"hincrby", 4, []string{"write", "denyoom", "fast"}},
		{"hincrbyfloat", 4, []string{"write", "denyoom", "fast"}},
		{"hstrlen", 3, []string{"readonly", "fast"}},
		{"hrandfield", -2, []string{"readonly"}},
		{"hscan", -3, []string{"readonly"}},
	} {
		c := tab.Lookup([]byte(tc.name))
		if c == nil {
			t.Errorf("%s missing", tc.name)
			continue
		}
		if c.Arity != tc.arity || !slices.Equal(c.Flags, tc.flags) || c.FirstKey != 1 || c.LastKey != 1 ||
			c.Step != 1 || c.Group != "hash" || c.Summary == "" || c.Since == "" || c.Complexity == "" {
			t.Errorf("%s: %+v", tc.name, c.Spec)
		}
	}
}

func TestHashBasics(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("v", 65)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("HSET", "h", "a", "1", "b", "2"), strInt(2)},
		{strCmd("HSET", "h", "a", "10", "c", "3"), strInt(1)},
		{strCmd("HSET", "h", "a"), strArityErr("hset")},
		{strCmd("HSET", "h", "a", "1", "b"), strArityErr("hset")},
		{strCmd("hmset", "h", "a", "1", "b"), strArityErr("hmset")},
		{strCmd("HSET", "str", "a", "1"), strWrongType},
		{strCmd("HGETALL", "h"), hsBulks("a", "10", "b", "2", "c", "3")},
		{strCmd("HKEYS", "h"), hsBulks("a", "b", "c")},
		{strCmd("HVALS", "h"), hsBulks("10", "2", "3")},
		{strCmd("HGETALL", "nokey"), "*0\r\n"},
		{strCmd("HKEYS", "str"), strWrongType},
		{strCmd("HVALS", "str"), strWrongType},
		{strCmd("HGETALL", "str"), strWrongType},
		{strCmd("HMSET", "h", "d", "4", "a", "11"), strOK},
		{strCmd("HGET", "h", "a"), strBulk("11")},
		{strCmd("HGET", "h", "zz"), strNil},
		{strCmd("HGET", "nokey", "a"), strNil},
		{strCmd("HGET", "str", "a"), strWrongType},
		{strCmd("HMGET", "h", "a", "zz", "d"), hsArr(strBulk("11"), strNil, strBulk("4"))},
		{strCmd("HMGET", "nokey", "a", "b"), hsArr(strNil, strNil)},
		{strCmd("HMGET", "str", "a"), strWrongType},
		{strCmd("HSETNX", "h", "a", "x"), strInt(0)},
		{strCmd("HSETNX", "h", "e", "5"), strInt(1)},
		{strCmd("HSETNX", "new", "f", "v"), strInt(1)},
		{strCmd("HSETNX", "str", "f", "v"), strWrongType},
		{strCmd("HLEN", "h"), strInt(5)},
		{strCmd("HLEN", "nokey"), strInt(0)},
		{strCmd("HLEN", "str"), strWrongType},
		{strCmd("HEXISTS", "h", "a"), strInt(1)},
		{strCmd("HEXISTS", "h", "zz"), strInt(0)},
		{strCmd("HEXISTS", "nokey", "a"), strInt(0)},
		{strCmd("HEXISTS", "str", "a"), strWrongType},
		{strCmd("HSTRLEN", "h", "a"), strInt(2)},
		{strCmd("HSTRLEN", "h", "zz"), strInt(0)},
		{strCmd("HSTRLEN", "nokey", "a"), strInt(0)},
		{strCmd("HSTRLEN", "str", "a"), strWrongType},
		{strCmd("HDEL", "h", "a", "a", "zz", "b"), strInt(2)},
		{strCmd("HDEL", "nokey", "a"), strInt(0)},
		{strCmd("HDEL", "str", "a"), strWrongType},
		{strCmd("HGETALL", "h"), hsBulks("c", "3", "d", "4", "e", "5")},
		{strCmd("HDEL", "h", "c", "d", "e", "zz"), strInt(3)},
		{strCmd("EXISTS", "h"), strInt(0)},
		{strCmd("TYPE", "new"), "+hash\r\n"},
		{strCmd("HSET", "enc", "f", strings.Repeat("v", 64), "g", "v"), strInt(2)},
		{strCmd("OBJECT", "ENCODING", "enc"), strBulk("listpack")},
		{strCmd("HSETNX", "enc", "f", long), strInt(0)},
		{strCmd("OBJECT", "ENCODING", "enc"), strBulk("listpack")},
		{strCmd("HSET", "enc", "f", long), strInt(0)},
		{strCmd("OBJECT", "ENCODING", "enc"), strBulk("hashtable")},
		{strCmd("HDEL", "enc", "f"), strInt(1)},
		{strCmd("HSET", "enc", "h", "v"), strInt(1)},
		{strCmd("OBJECT", "ENCODING", "enc"), strBulk("hashtable")},
	})
}

func TestHashListpackLimit(t *testing.T) {
	h := newHarness(t)
	args := []string{"HSET", "h"}
	for i := 0; i < 512; i++ {
		args = append(args, "f"+strconv.Itoa(i), "v")
	}
	h.cases([]strCase{
		{args, strInt(512)},
		{strCmd("OBJECT", "ENCODING", "h"), strBulk("listpack")},
		{strCmd("HSET", "h", "f0", "w"), strInt(0)},
		{strCmd("OBJECT", "ENCODING", "h"), strBulk("listpack")},
		{strCmd("HSET", "h", "f512", "w"), strInt(1)},
		{strCmd("OBJECT", "ENCODING", "h"), strBulk("hashtable")},
		{strCmd("HLEN", "h"), strInt(513)},
	})
}

func TestHashIncr(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("HINCRBY", "h", "n", "5"), strInt(5)},
		{strCmd("HINCRBY", "h", "n", "-7"), strInt(-2)},
		{strCmd("HINCRBY", "h", "n", "x"), strNotInt},
		{strCmd("HINCRBY", "h", "n", "1.5"), strNotInt},
		{strCmd("HINCRBY", "str", "n", "x"), strNotInt},
		{strCmd("HINCRBY", "str", "n", "1"), strWrongType},
		{strCmd("HSET", "h", "s", "abc", "big", "9223372036854775807", "sp", " 1"), strInt(3)},
		{strCmd("HINCRBY", "h", "s", "1"), strErr("ERR hash value is not an integer")},
		{strCmd("HINCRBY", "h", "sp", "1"), strErr("ERR hash value is not an integer")},
		{strCmd("HINCRBY", "h", "big", "1"), strErr("ERR increment or decrement would overflow")},
		{strCmd("HINCRBY", "h", "big", "0"), strInt(9223372036854775807)},
		{strCmd("HINCRBYFLOAT", "h", "f", "1.5"), strBulk("1.5")},
		{strCmd("HINCRBYFLOAT", "h", "f", "0.1"), strBulk("1.6")},
		{strCmd("HINCRBYFLOAT", "h", "n", "2.5"), strBulk("0.5")},
		{strCmd("HINCRBYFLOAT", "h", "f", "-1.6"), strBulk("0")},
		{strCmd("HINCRBYFLOAT", "h", "f", "5.0e3"), strBulk("5000")},
		{strCmd("HINCRBYFLOAT", "h", "f", "abc"), strNotFloat},
		{strCmd("HINCRBYFLOAT", "h", "f", "inf"), strErr("ERR value is NaN or Infinity")},
		{strCmd("HINCRBYFLOAT", "h", "f", "nan"), strNotFloat},
		{strCmd("HINCRBYFLOAT", "h", "s", "1"), strErr("ERR hash value is not a float")},
		{strCmd("HINCRBYFLOAT", "str", "f", "1"), strWrongType},
		{strCmd("HINCRBYFLOAT", "new", "f", "inf"), strErr("ERR value is NaN or Infinity")},
		{strCmd("EXISTS", "new"), strInt(0)},
		{strCmd("OBJECT", "ENCODING", "h"), strBulk("listpack")},
		// A result longer than 64 bytes converts, as hashTypeSet does.
		{strCmd("HINCRBYFLOAT", "h", "f", "1e70"), strBulk("10000000000000000000222479489586148259025995410601157579323600873193472")},
		{strCmd("OBJECT", "ENCODING", "h"), strBulk("hashtable")},
	})
	// Near the top of the long double range: the sum is printed in full
	// (4933 digits), and the next one overflows.
	if got := h.do("HINCRBYFLOAT", "h2", "g", "1e4932"); !strings.HasPrefix(got, "$4933\r\n1000000000000000000006018949387963891") {
		t.Fatalf("HINCRBYFLOAT 1e4932: %.60q", got)
	}
	if got := h.do("HINCRBYFLOAT", "h2", "g", "1e4932"); got != strErr("ERR increment would produce NaN or Infinity") {
		t.Fatalf("HINCRBYFLOAT to infinity: %q", got)
	}
}

func TestHashKeepsTTLAndVersion(t *testing.T) {
	h := newHarness(t)
	h.do("HSET", "h", "a", "1")
	h.do("PEXPIRE", "h", "10000")
	h.do("HSET", "h", "b", "2")
	h.do("HINCRBY", "h", "a", "1")
	if got := h.do("PTTL", "h"); got != strInt(10000) {
		t.Fatalf("PTTL after writes: %q", got)
	}
	it, _ := h.f.dbs[0].raw("h")
	if it.Version != h.idx {
		t.Fatalf("version %d, last write %d", it.Version, h.idx)
	}
	v := it.Version
	h.do("HDEL", "h", "zz") // no change: no new version
	if it, _ := h.f.dbs[0].raw("h"); it.Version != v {
		t.Fatalf("HDEL of a missing field bumped the version")
	}
	h.advance(10000)
	if got := h.do("HGET", "h", "a"); got != strNil {
		t.Fatalf("expired hash: %q", got)
	}
}

func TestHashRandfield(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("HSET", "h", "a", "1", "b", "2", "c", "3"), strInt(3)},
		{strCmd("HRANDFIELD", "nokey"), strNil},
		{strCmd("HRANDFIELD", "nokey", "3"), "*0\r\n"},
		{strCmd("HRANDFIELD", "nokey", "3", "bad"), strSyntax},
		{strCmd("HRANDFIELD", "nokey", "x"), strNotInt},
		{strCmd("HRANDFIELD", "str"), strWrongType},
		{strCmd("HRANDFIELD", "str", "2"), strWrongType},
		{strCmd("HRANDFIELD", "h", "0"), "*0\r\n"},
		{strCmd("HRANDFIELD", "h", "0", "WITHVALUES"), "*0\r\n"},
		{strCmd("HRANDFIELD", "h", "1", "withvalue"), strSyntax},
		{strCmd("HRANDFIELD", "h", "1", "withvalues", "x"), strSyntax},
		{strCmd("HRANDFIELD", "h", "-9223372036854775808"), strErr("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")},
		{strCmd("HRANDFIELD", "h", "-9223372036854775807", "withvalues"), strErr("ERR value is out of range")},
		{strCmd("HRANDFIELD", "h", "4611686018427387904", "withvalues"), strErr("ERR value is out of range")},
		// At least the whole hash: all of it, in listpack order.
		{strCmd("HRANDFIELD", "h", "3"), hsBulks("a", "b", "c")},
		{strCmd("HRANDFIELD", "h", "100", "WITHVALUES"), hsBulks("a", "1", "b", "2", "c", "3")},
		{strCmd("HRANDFIELD", "h", "9223372036854775807"), hsBulks("a", "b", "c")},
	})
	for i := 0; i < 50; i++ {
		one := hsItems(h.do("HRANDFIELD", "h"))
		if len(one) != 1 || !strings.Contains("abc", one[0]) || one[0] == "" {
			t.Fatalf("HRANDFIELD: %v", one)
		}
		two := hsItems(h.do("HRANDFIELD", "h", "2"))
		if len(two) != 2 || two[0] == two[1] {
			t.Fatalf("HRANDFIELD 2: %v", two)
		}
		rep := hsItems(h.do("HRANDFIELD", "h", "-5", "WITHVALUES"))
		if len(rep) != 10 {
			t.Fatalf("HRANDFIELD -5 WITHVALUES: %v", rep)
		}
		for j := 0; j < 10; j += 2 {
			if v := map[string]string{"a": "1", "b": "2", "c": "3"}[rep[j]]; v != rep[j+1] {
				t.Fatalf("pair %s=%s", rep[j], rep[j+1])
			}
		}
	}
}

func TestHashScan(t *testing.T) {
	h := newHarness(t)
	h.cases([]strCase{
		{strCmd("SET", "str", "x"), strOK},
		{strCmd("HSET", "h", "b", "1", "a", "2", "ab", "3"), strInt(3)},
		// A listpack comes back whole, in order, whatever the cursor.
		{strCmd("HSCAN", "h", "0"), "*2\r\n$1\r\n0\r\n" + hsBulks("b", "1", "a", "2", "ab", "3")},
		{strCmd("HSCAN", "h", "999", "COUNT", "1"), "*2\r\n$1\r\n0\r\n" + hsBulks("b", "1", "a", "2", "ab", "3")},
		{strCmd("HSCAN", "h", "0", "MATCH", "a*"), "*2\r\n$1\r\n0\r\n" + hsBulks("a", "2", "ab", "3")},
		{strCmd("HSCAN", "h", "0", "match", "*", "count", "5"), "*2\r\n$1\r\n0\r\n" + hsBulks("b", "1", "a", "2", "ab", "3")},
		{strCmd("HSCAN", "h", "x"), strErr("ERR invalid cursor")},
		{strCmd("HSCAN", "h", "0", "COUNT", "0"), strSyntax},
		{strCmd("HSCAN", "h", "0", "COUNT", "x"), strNotInt},
		{strCmd("HSCAN", "h", "0", "TYPE", "string"), strSyntax},
		{strCmd("HSCAN", "h", "0", "NOVALUES"), strSyntax},
		{strCmd("HSCAN", "h", "0", "COUNT"), strSyntax},
		{strCmd("HSCAN", "nokey", "0", "bogus"), hsEmptyScan},
		{strCmd("HSCAN", "nokey", "x"), strErr("ERR invalid cursor")},
		{strCmd("HSCAN", "str", "0"), strWrongType},
	})
	// A hashtable is walked by cursor; a whole iteration sees every field.
	args := []string{"HSET", "big"}
	for i := 0; i < 1000; i++ {
		args = append(args, "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	h.do(args...)
	seen := map[string]bool{}
	cursor, calls := "0", 0
	for {
		reply := h.do("HSCAN", "big", cursor, "COUNT", "50", "MATCH", "f1*")
		var items []string
		cursor, items = hsScanPage(t, reply)
		for i := 0; i < len(items); i += 2 {
			if "f"+items[i+1] != items[i] || !strings.HasPrefix(items[i], "f1") {
				t.Fatalf("pair %s=%s", items[i], items[i+1])
			}
			seen[items[i]] = true
		}
		calls++
		if cursor == "0" {
			break
		}
	}
	if len(seen) != 111 || calls < 10 {
		t.Fatalf("saw %d fields in %d calls", len(seen), calls)
	}
}

// hsScanPage splits a scan reply into its cursor and elements.
func hsScanPage(t *testing.T, reply string) (string, []string) {
	t.Helper()
	if !strings.HasPrefix(reply, "*2\r\n$") {
		t.Fatalf("scan reply %q", reply)
	}
	rest := reply[len("*2\r\n"):]
	end := strings.Index(rest, "\r\n")
	n, _ := strconv.Atoi(rest[1:end])
	cursor := rest[end+2 : end+2+n]
	return cursor, hsItems(rest[end+2+n+2:])
}
