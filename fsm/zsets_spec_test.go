package fsm

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/redcon"
)

// TestZsetGeoSpecs checks arity, flags and key positions against what
// redis-server 7.0.15's COMMAND INFO reports.
func TestZsetGeoSpecs(t *testing.T) {
	tab := NewTable()
	for _, tc := range []struct {
		name               string
		arity              int
		flags              string
		first, last, step  int
		group, since, head string
	}{
		{"zadd", -4, "write denyoom fast", 1, 1, 1, "sorted-set", "1.2.0", "Add one or more members"},
		{"zincrby", 4, "write denyoom fast", 1, 1, 1, "sorted-set", "1.2.0", "Increment the score"},
		{"zrem", -3, "write fast", 1, 1, 1, "sorted-set", "1.2.0", "Remove one or more"},
		{"zcard", 2, "readonly fast", 1, 1, 1, "sorted-set", "1.2.0", "Get the number"},
		{"zcount", 4, "readonly fast", 1, 1, 1, "sorted-set", "2.0.0", "Count the members"},
		{"zlexcount", 4, "readonly fast", 1, 1, 1, "sorted-set", "2.8.9", "Count the number"},
		{"zscore", 3, "readonly fast", 1, 1, 1, "sorted-set", "1.2.0", "Get the score"},
		{"zmscore", -3, "readonly fast", 1, 1, 1, "sorted-set", "6.2.0", "Get the score"},
		{"zrank", 3, "readonly fast", 1, 1, 1, "sorted-set", "2.0.0", "Determine the index"},
		{"zrevrank", 3, "readonly fast", 1, 1, 1, "sorted-set", "2.0.0", "Determine the index"},
		{"zrange", -4, "readonly", 1, 1, 1, "sorted-set", "1.2.0", "Return a range"},
		{"zrangestore", -5, "write denyoom", 1, 2, 1, "sorted-set", "6.2.0", "Store a range"},
		{"zrangebyscore", -4, "readonly", 1, 1, 1, "sorted-set", "1.0.5", "Return a range"},
		{"zrevrangebyscore", -4, "readonly", 1, 1, 1, "sorted-set", "2.2.0", "Return a range"},
		{"zrangebylex", -4, "readonly", 1, 1, 1, "sorted-set", "2.8.9", "Return a range"},
		{"zrevrangebylex", -4, "readonly", 1, 1, 1, "sorted-set", "2.8.9", "Return a range"},
		{"zrevrange", -4, "readonly", 1, 1, 1, "sorted-set", "1.2.0", "Return a range"},
		{"zremrangebyrank", 4, "write", 1, 1, 1, "sorted-set", "2.0.0", "Remove all members"},
		{"zremrangebyscore", 4, "write", 1, 1, 1, "sorted-set", "1.2.0", "Remove all members"},
		{"zremrangebylex", 4, "write", 1, 1, 1, "sorted-set", "2.8.9", "Remove all members"},
		{"zpopmin", -2, "write fast", 1, 1, 1, "sorted-set", "5.0.0", "Remove and return"},
		{"zpopmax", -2, "write fast", 1, 1, 1, "sorted-set", "5.0.0", "Remove and return"},
		{"zmpop", -4, "write movablekeys", 0, 0, 0, "sorted-set", "7.0.0", "Remove and return"},
		{"zrandmember", -2, "readonly", 1, 1, 1, "sorted-set", "6.2.0", "Get one or multiple"},
		{"zunion", -3, "readonly movablekeys", 0, 0, 0, "sorted-set", "6.2.0", "Add multiple"},
		{"zunionstore", -4, "write denyoom movablekeys", 1, 1, 1, "sorted-set", "2.0.0", "Add multiple"},
		{"zinter", -3, "readonly movablekeys", 0, 0, 0, "sorted-set", "6.2.0", "Intersect multiple"},
		{"zinterstore", -4, "write denyoom movablekeys", 1, 1, 1, "sorted-set", "2.0.0", "Intersect multiple"},
		{"zintercard", -3, "readonly movablekeys", 0, 0, 0, "sorted-set", "7.0.0", "Intersect multiple"},
		{"zdiff", -3, "readonly movablekeys", 0, 0, 0, "sorted-set", "6.2.0", "Subtract multiple"},
		{"zdiffstore", -4, "write denyoom movablekeys", 1, 1, 1, "sorted-set", "6.2.0", "Subtract multiple"},
		{"zscan", -3, "readonly", 1, 1, 1, "sorted-set", "2.8.0", "Incrementally iterate"},
		{"bzpopmin", -3, "write noscript blocking fast", 1, -2, 1, "sorted-set", "5.0.0", "Remove and return"},
		{"bzpopmax", -3, "write noscript blocking fast", 1, -2, 1, "sorted-set", "5.0.0", "Remove and return"},
		{"bzmpop", -5, "write blocking movablekeys", 0, 0, 0, "sorted-set", "7.0.0", "Remove and return"},
		{"geoadd", -5, "write denyoom", 1, 1, 1, "geo", "3.2.0", "Add one or more"},
		{"geopos", -2, "readonly", 1, 1, 1, "geo", "3.2.0", "Returns longitude"},
		{"geodist", -4, "readonly", 1, 1, 1, "geo", "3.2.0", "Returns the distance"},
		{"geohash", -2, "readonly", 1, 1, 1, "geo", "3.2.0", "Returns members"},
		{"geosearch", -7, "readonly", 1, 1, 1, "geo", "6.2.0", "Query a sorted set"},
		{"geosearchstore", -8, "write denyoom", 1, 2, 1, "geo", "6.2.0", "Query a sorted set"},
		{"georadius", -6, "write denyoom movablekeys", 1, 1, 1, "geo", "3.2.0", "Query a sorted set"},
		{"georadiusbymember", -5, "write denyoom movablekeys", 1, 1, 1, "geo", "3.2.0", "Query a sorted set"},
		{"georadius_ro", -6, "readonly", 1, 1, 1, "geo", "3.2.10", "A read-only variant"},
		{"georadiusbymember_ro", -5, "readonly", 1, 1, 1, "geo", "3.2.10", "A read-only variant"},
	} {
		c := tab.Lookup([]byte(strings.ToUpper(tc.name)))
		if c == nil {
			t.Errorf("%s: not registered", tc.name)
			continue
		}
		if c.Arity != tc.arity || strings.Join(c.Flags, " ") != tc.flags || c.FirstKey != tc.first ||
			c.LastKey != tc.last || c.Step != tc.step || c.Group != tc.group || c.Since != tc.since ||
			!strings.HasPrefix(c.Summary, tc.head) || c.Complexity == "" {
			t.Errorf("%s: %+v", tc.name, c.Spec)
		}
		if c.Write != strings.HasPrefix(tc.flags, "write") {
			t.Errorf("%s: Write %v", tc.name, c.Write)
		}
	}
}

// TestBzpopWouldBlock: with nothing to pop the FSM answers a null array
// at once, which the RESP layer turns into waiting (Redis would block).
func TestBzpopWouldBlock(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"BZPOPMIN", "nokey", "0"}, "*-1\r\n"},
		{[]string{"BZPOPMAX", "a", "b", "1.5"}, "*-1\r\n"},
		{[]string{"BZMPOP", "0", "2", "a", "b", "MIN", "COUNT", "3"}, "*-1\r\n"},
		// Redis computes ceil(seconds*1000) in extended precision: -0.001
		// comes out a hair above -1 ms, so 0 (forever); -0.0011 is -1.
		{[]string{"BZPOPMIN", "nokey", "-0.001"}, "*-1\r\n"},
		{[]string{"BZPOPMIN", "nokey", "-0.0011"}, "-ERR timeout is negative\r\n"},
		{[]string{"ZADD", "a", "1", "x"}, ":1\r\n"},
		{[]string{"BZMPOP", "0", "2", "b", "a", "MAX", "COUNT", "3"}, "*2\r\n$1\r\na\r\n*1\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n"},
		{[]string{"BZPOPMIN", "a", "0"}, "*-1\r\n"},
	})
}

// TestZrandmember checks the random picks' shape: distinct members for a
// positive count, the whole set (in some order) when the count covers it,
// repetitions allowed for a negative count, and scores that belong to
// their members, on a listpack and on a skiplist.
func TestZrandmember(t *testing.T) {
	h := newHarness(t)
	small := []string{"ZADD", "lp"}
	big := []string{"ZADD", "sk"}
	for i := 0; i < 300; i++ {
		if i < 5 {
			small = append(small, strconv.Itoa(i), "m"+strconv.Itoa(i))
		}
		big = append(big, strconv.Itoa(i), "m"+strconv.Itoa(i))
	}
	h.do(small...)
	h.do(big...)
	for _, key := range []string{"lp", "sk"} {
		size := 5
		if key == "sk" {
			size = 300
		}
		all := hsItems(h.do("ZRANGE", key, "0", "-1"))
		for _, count := range []int{1, 3, size - 1, size, size + 10, -1, -7, -(size * 2)} {
			for _, withScores := range []bool{false, true} {
				args := []string{"ZRANDMEMBER", key, strconv.Itoa(count)}
				step := 1
				if withScores {
					args, step = append(args, "WITHSCORES"), 2
				}
				items := hsItems(h.do(args...))
				want := count
				switch {
				case count < 0:
					want = -count
				case count > size:
					want = size
				}
				if len(items) != want*step {
					t.Fatalf("%q: %d items", args, len(items))
				}
				seen := map[string]bool{}
				for i := 0; i < len(items); i += step {
					m := items[i]
					if !slices.Contains(all, m) {
						t.Fatalf("%q: %q is no member", args, m)
					}
					if withScores && "m"+items[i+1] != m {
						t.Fatalf("%q: %q has score %q", args, m, items[i+1])
					}
					if count > 0 && seen[m] {
						t.Fatalf("%q: %q twice", args, m)
					}
					seen[m] = true
				}
				if count >= size && len(seen) != size {
					t.Fatalf("%q: %d distinct of %d", args, len(seen), size)
				}
			}
		}
		m := hsItems(h.do("ZRANDMEMBER", key))[0]
		if !slices.Contains(all, m) {
			t.Fatalf("ZRANDMEMBER %s: %q", key, m)
		}
	}
}

// TestZscanSkiplist walks a skiplist by cursor: every member once, with
// its score, whatever COUNT; a member present for the whole iteration is
// returned even when others come and go in between.
func TestZscanSkiplist(t *testing.T) {
	h := newHarness(t)
	args := []string{"ZADD", "z"}
	for i := 0; i < 1000; i++ {
		args = append(args, strconv.Itoa(i)+".5", "m"+strconv.Itoa(i))
	}
	h.do(args...)
	if got := h.do("OBJECT", "ENCODING", "z"); got != strBulk("skiplist") {
		t.Fatalf("encoding %q", got)
	}
	for _, count := range []string{"1", "10", "333", "5000"} {
		seen := map[string]int{}
		cursor := "0"
		for calls := 0; ; calls++ {
			if calls > 2000 {
				t.Fatal("scan does not terminate")
			}
			next, items := zsetScanReply(t, h.do("ZSCAN", "z", cursor, "COUNT", count))
			for i := 0; i+1 < len(items); i += 2 {
				seen[items[i]]++
				if want := strings.TrimPrefix(items[i], "m") + ".5"; items[i+1] != want {
					t.Fatalf("%s scored %s", items[i], items[i+1])
				}
			}
			if cursor = next; cursor == "0" {
				break
			}
		}
		if len(seen) != 1000 {
			t.Fatalf("COUNT %s: %d members", count, len(seen))
		}
		for m, n := range seen {
			if n != 1 {
				t.Fatalf("COUNT %s: %s seen %d times", count, m, n)
			}
		}
	}
	// Members present throughout are found despite writes between calls.
	seen := map[string]bool{}
	cursor := "0"
	for i := 0; ; i++ {
		next, items := zsetScanReply(t, h.do("ZSCAN", "z", cursor, "COUNT", "20", "MATCH", "m*"))
		for j := 0; j+1 < len(items); j += 2 {
			seen[items[j]] = true
		}
		h.do("ZREM", "z", "m"+strconv.Itoa(900+i%100))
		h.do("ZADD", "z", "1", "new"+strconv.Itoa(i))
		if cursor = next; cursor == "0" {
			break
		}
	}
	for i := 0; i < 900; i++ {
		if !seen["m"+strconv.Itoa(i)] {
			t.Fatalf("m%d missed", i)
		}
	}
}

// zsetScanReply splits a SCAN-style reply into its cursor and items.
func zsetScanReply(t *testing.T, reply string) (string, []string) {
	t.Helper()
	_, v := redcon.ReadNextRESP([]byte(reply))
	var parts []redcon.RESP
	v.ForEach(func(e redcon.RESP) bool { parts = append(parts, e); return true })
	if len(parts) != 2 {
		t.Fatalf("malformed scan reply %q", reply)
	}
	return parts[0].String(), hsItems(string(parts[1].Raw))
}

// TestZsetCopyIndependent: COPY clones, so writes to either key leave
// the other alone (on both encodings).
func TestZsetCopyIndependent(t *testing.T) {
	h := newHarness(t)
	args := []string{"ZADD", "big"}
	for i := 0; i < 200; i++ {
		args = append(args, strconv.Itoa(i), "m"+strconv.Itoa(i))
	}
	h.do(args...)
	h.do("ZADD", "small", "1", "a", "2", "b")
	for _, k := range []string{"big", "small"} {
		before := h.do("ZRANGE", k, "0", "-1", "WITHSCORES")
		enc := h.do("OBJECT", "ENCODING", k)
		h.do("COPY", k, k+"2")
		h.do("ZADD", k+"2", "5", "zz")
		h.do("ZPOPMIN", k+"2", "1")
		if got := h.do("ZRANGE", k, "0", "-1", "WITHSCORES"); got != before {
			t.Fatalf("%s changed through its copy", k)
		}
		h.do("ZREM", k, "a", "m5")
		if got := h.do("ZSCORE", k+"2", "b"); k == "small" && got != strBulk("2") {
			t.Fatalf("copy of %s changed: %q", k, got)
		}
		if got := h.do("OBJECT", "ENCODING", k+"2"); got != enc {
			t.Fatalf("copy of %s: encoding %q, want %q", k, got, enc)
		}
	}
}
