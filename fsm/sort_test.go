package fsm

import (
	"strings"
	"testing"
)

func TestSort(t *testing.T) {
	h := newHarness(t)
	for _, c := range [][]string{
		{"RPUSH", "l", "3", "1", "2", "10"},
		{"RPUSH", "w", "b", "a", "c"},
		{"MSET", "w_a", "3", "w_b", "1", "w_c", "2", "o_1", "one"},
		{"HSET", "h_a", "n", "A", "r", "9"},
		{"HSET", "h_b", "n", "B", "r", "7"},
		{"ZADD", "z", "1", "x", "2", "y", "3", "z"},
		{"SADD", "s", "5", "-1", "3"},
		{"SET", "str", "v"},
	} {
		h.do(c...)
	}
	arr := func(xs ...string) string {
		var b strings.Builder
		b.WriteString("*" + itoa(len(xs)) + "\r\n")
		for _, x := range xs {
			if x == "<nil>" {
				b.WriteString("$-1\r\n")
				continue
			}
			b.WriteString(bulk(x))
		}
		return b.String()
	}
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"SORT", "l"}, arr("1", "2", "3", "10")},
		{[]string{"SORT", "l", "DESC"}, arr("10", "3", "2", "1")},
		{[]string{"SORT", "l", "ALPHA"}, arr("1", "10", "2", "3")},
		{[]string{"SORT", "l", "LIMIT", "1", "2"}, arr("2", "3")},
		{[]string{"SORT", "l", "LIMIT", "-5", "1"}, arr("1")},
		{[]string{"SORT", "l", "LIMIT", "9", "1"}, arr()},
		{[]string{"SORT", "w", "BY", "w_*"}, arr("b", "c", "a")},
		{[]string{"SORT", "w", "BY", "h_*->r", "GET", "#", "GET", "h_*->n"}, arr("c", "<nil>", "b", "B", "a", "A")},
		{[]string{"SORT", "w", "BY", "nosort", "DESC", "LIMIT", "0", "2"}, arr("c", "a")},
		{[]string{"SORT", "l", "BY", "nosort", "GET", "o_*"}, arr("<nil>", "one", "<nil>", "<nil>")},
		{[]string{"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "5"}, arr("y", "x")},
		{[]string{"SORT", "z", "ALPHA", "DESC"}, arr("z", "y", "x")},
		{[]string{"SORT", "s"}, arr("-1", "3", "5")},
		{[]string{"SORT", "missing"}, arr()},
		{[]string{"SORT_RO", "l", "LIMIT", "0", "1"}, arr("1")},
		{[]string{"SORT", "w"}, "-ERR One or more scores can't be converted into double\r\n"},
		{[]string{"SORT", "str"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"SORT", "l", "LIMIT", "x", "1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SORT", "l", "BOGUS"}, "-ERR syntax error\r\n"},
		{[]string{"SORT", "l", "LIMIT", "1"}, "-ERR syntax error\r\n"},
		{[]string{"SORT_RO", "l", "STORE", "d"}, "-ERR syntax error\r\n"},
		// STORE writes a list (replacing any type), or deletes on an empty result.
		{[]string{"SORT", "l", "STORE", "str"}, ":4\r\n"},
		{[]string{"LRANGE", "str", "0", "-1"}, arr("1", "2", "3", "10")},
		{[]string{"SORT", "w", "BY", "w_*", "GET", "nokey_*", "STORE", "d"}, ":3\r\n"},
		{[]string{"LRANGE", "d", "0", "-1"}, arr("", "", "")},
		{[]string{"SORT", "missing", "STORE", "d"}, ":0\r\n"},
		{[]string{"EXISTS", "d"}, ":0\r\n"},
		// A set sorted BY a constant into STORE is sorted ALPHA instead.
		{[]string{"SORT", "s", "BY", "nosort", "STORE", "d"}, ":3\r\n"},
		{[]string{"LRANGE", "d", "0", "-1"}, arr("-1", "3", "5")},
	})
}

// TestSortWeights checks which weights strtod accepts: leading spaces,
// hex, inf, "" as 0, text up to a NUL; not NaN, trailing junk, overflow
// or a subnormal result (ERANGE).
func TestSortWeights(t *testing.T) {
	h := newHarness(t)
	h.do("RPUSH", "ok", " 4", "0x10", "inf", "", "1\x00junk", "-inf")
	if got, want := h.do("SORT", "ok"), "*6\r\n$4\r\n-inf\r\n$0\r\n\r\n$6\r\n1\x00junk\r\n$2\r\n 4\r\n$4\r\n0x10\r\n$3\r\ninf\r\n"; got != want {
		t.Errorf("SORT ok = %q, want %q", got, want)
	}
	for _, bad := range []string{"nan", "3 ", "1e400", "1e-310", "x"} {
		h.do("DEL", "b")
		h.do("RPUSH", "b", "1", bad)
		if got := h.do("SORT", "b"); got != "-ERR One or more scores can't be converted into double\r\n" {
			t.Errorf("SORT with %q: %q", bad, got)
		}
	}
}

// TestSortRouting checks that only SORT ... STORE goes through the log,
// and that a STORE reaching the read path is refused, not run.
func TestSortRouting(t *testing.T) {
	f := New(1, nil)
	tab := f.Table()
	args := func(s string) [][]byte {
		var out [][]byte
		for _, a := range strings.Fields(s) {
			out = append(out, []byte(a))
		}
		return out
	}
	for _, tc := range []struct {
		cmd    string
		writes bool
	}{
		{"SORT k", false},
		{"SORT k BY w_* GET # LIMIT 0 1 DESC ALPHA", false},
		{"SORT k STORE d", true},
		{"SORT k LIMIT 0 1 store d", true},
		{"SORT k GET store", false},
		{"SORT k BOGUS STORE d", false}, // a syntax error stops before STORE
		{"SORT_RO k", false},
		{"SORT_RO k STORE d", false},
		{"SET k v", true},
		{"GET k", false},
	} {
		a := args(tc.cmd)
		if got := tab.Lookup(a[0]).NeedsLog(nil, a); got != tc.writes {
			t.Errorf("%s: Writes = %v, want %v", tc.cmd, got, tc.writes)
		}
	}
	if got := string(f.Read(0, 1, args("SORT k STORE d"), nil)); !strings.HasPrefix(got, "-ERR internal") {
		t.Errorf("SORT STORE on the read path: %q", got)
	}
}

func TestSortKeys(t *testing.T) {
	tab := NewTable()
	for _, tc := range []struct {
		cmd, keys string
	}{
		{"SORT k", "k"},
		{"SORT k STORE d", "k d"},
		{"SORT k BY w_* LIMIT 0 1 GET # STORE d1 STORE d2", "k d2"},
		{"SORT k GET store", "k"},
		{"SORT k STORE", "k"},
		{"SORT_RO k BY w_*", "k"},
	} {
		a := strings.Fields(tc.cmd)
		argv := make([][]byte, len(a))
		for i := range a {
			argv[i] = []byte(a[i])
		}
		var got []string
		for _, k := range tab.Lookup(argv[0]).KeyArgs(argv) {
			got = append(got, string(k))
		}
		if strings.Join(got, " ") != tc.keys {
			t.Errorf("%s: keys %q, want %q", tc.cmd, got, tc.keys)
		}
	}
}

// TestSortZSetEncoding: Redis converts a listpack sorted set it sorts to a
// skiplist. quoris does so only where state may change, on the log: SORT
// ... STORE. A read-path SORT leaves the encoding alone.
func TestSortZSetEncoding(t *testing.T) {
	h := newHarness(t)
	h.do("ZADD", "z", "1", "a", "2", "b")
	h.do("SORT", "z", "BY", "nosort")
	if got := h.do("OBJECT", "ENCODING", "z"); got != "$8\r\nlistpack\r\n" {
		t.Errorf("after a read-path SORT: %q", got)
	}
	h.do("SORT", "z", "BY", "nosort", "STORE", "d")
	if got := h.do("OBJECT", "ENCODING", "z"); got != "$8\r\nskiplist\r\n" {
		t.Errorf("after SORT STORE: %q", got)
	}
	if got := h.do("ZRANGE", "z", "0", "-1", "WITHSCORES"); got != "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n" {
		t.Errorf("contents changed: %q", got)
	}
}
