package fsm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/redcon"
)

// keysPut stores a string directly in the harness's current database, so
// these tests do not depend on the string commands.
func keysPut(h *harness, key, val string, expireAt int64) {
	h.f.dbs[h.db].put(key, Item{Value: []byte(val), ExpireAt: expireAt})
}

// keysArray decodes a flat RESP array of bulk strings.
func keysArray(t *testing.T, reply string) []string {
	t.Helper()
	n, r := redcon.ReadNextRESP([]byte(reply))
	if n != len(reply) || r.Type != redcon.Array {
		t.Fatalf("not a single array reply: %q", reply)
	}
	out := []string{}
	r.ForEach(func(e redcon.RESP) bool {
		out = append(out, e.String())
		return true
	})
	return out
}

// keysScanReply decodes SCAN's [cursor, [keys...]].
func keysScanReply(t *testing.T, reply string) (uint64, []string) {
	t.Helper()
	n, r := redcon.ReadNextRESP([]byte(reply))
	if n != len(reply) || r.Type != redcon.Array || r.Count != 2 {
		t.Fatalf("not a SCAN reply: %q", reply)
	}
	var parts []redcon.RESP
	r.ForEach(func(e redcon.RESP) bool {
		parts = append(parts, e)
		return true
	})
	cursor, err := strconv.ParseUint(parts[0].String(), 10, 64)
	if err != nil {
		t.Fatalf("cursor %q: %v", parts[0].String(), err)
	}
	return cursor, keysArray(t, string(parts[1].Raw))
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestKeysSpecs(t *testing.T) {
	// Arity, flags and key positions as redis-server 7.0.15's COMMAND INFO.
	tests := []struct {
		name                    string
		arity                   int
		flags                   string
		first, last, step       int
		group, since, summaryOf string
	}{
		{"del", -2, "write", 1, -1, 1, "generic", "1.0.0", "Delete a key"},
		{"unlink", -2, "write fast", 1, -1, 1, "generic", "4.0.0", "Delete a key asynchronously"},
		{"exists", -2, "readonly fast", 1, -1, 1, "generic", "1.0.0", "Determine if a key exists"},
		{"touch", -2, "readonly fast", 1, -1, 1, "generic", "3.2.1", "Alters the last access time"},
		{"type", 2, "readonly fast", 1, 1, 1, "generic", "1.0.0", "Determine the type"},
		{"keys", 2, "readonly", 0, 0, 0, "generic", "1.0.0", "Find all keys"},
		{"scan", -2, "readonly", 0, 0, 0, "generic", "2.8.0", "Incrementally iterate"},
		{"randomkey", 1, "readonly", 0, 0, 0, "generic", "1.0.0", "Return a random key"},
		{"rename", 3, "write", 1, 2, 1, "generic", "1.0.0", "Rename a key"},
		{"renamenx", 3, "write fast", 1, 2, 1, "generic", "1.0.0", "Rename a key, only if"},
		{"copy", -3, "write denyoom", 1, 2, 1, "generic", "6.2.0", "Copy a key"},
		{"move", 3, "write fast", 1, 1, 1, "generic", "1.0.0", "Move a key"},
		{"expire", -3, "write fast", 1, 1, 1, "generic", "1.0.0", "Set a key's time to live in seconds"},
		{"pexpire", -3, "write fast", 1, 1, 1, "generic", "2.6.0", "Set a key's time to live in milliseconds"},
		{"expireat", -3, "write fast", 1, 1, 1, "generic", "1.2.0", "Set the expiration for a key as a UNIX timestamp"},
		{"pexpireat", -3, "write fast", 1, 1, 1, "generic", "2.6.0", "Set the expiration for a key as a UNIX timestamp specified"},
		{"ttl", 2, "readonly fast", 1, 1, 1, "generic", "1.0.0", "Get the time to live for a key in seconds"},
		{"pttl", 2, "readonly fast", 1, 1, 1, "generic", "2.6.0", "Get the time to live for a key in milliseconds"},
		{"expiretime", 2, "readonly fast", 1, 1, 1, "generic", "7.0.0", "Get the expiration Unix timestamp"},
		{"pexpiretime", 2, "readonly fast", 1, 1, 1, "generic", "7.0.0", "Get the expiration Unix timestamp for a key in milliseconds"},
		{"persist", 2, "write fast", 1, 1, 1, "generic", "2.2.0", "Remove the expiration"},
		{"object", -2, "", 0, 0, 0, "generic", "2.2.3", "A container for object introspection"},
		{"dbsize", 1, "readonly fast", 0, 0, 0, "server", "1.0.0", "Return the number of keys"},
		{"flushdb", -1, "write", 0, 0, 0, "server", "1.0.0", "Remove all keys from the current database"},
		{"flushall", -1, "write", 0, 0, 0, "server", "1.0.0", "Remove all keys from all databases"},
		{"swapdb", 3, "write fast", 0, 0, 0, "server", "4.0.0", "Swaps two Redis databases"},
	}
	table := NewTable()
	for _, tc := range tests {
		cmd := table.Lookup([]byte(strings.ToUpper(tc.name)))
		if cmd == nil {
			t.Errorf("%s: not registered", tc.name)
			continue
		}
		s := cmd.Spec
		if s.Arity != tc.arity || strings.Join(s.Flags, " ") != tc.flags ||
			s.FirstKey != tc.first || s.LastKey != tc.last || s.Step != tc.step ||
			s.Group != tc.group || s.Since != tc.since || !strings.HasPrefix(s.Summary, tc.summaryOf) || s.Complexity == "" {
			t.Errorf("%s: spec %+v", tc.name, s)
		}
		if cmd.Write != strings.Contains(tc.flags, "write") {
			t.Errorf("%s: Write=%v", tc.name, cmd.Write)
		}
	}
}

func TestDelExistsTouchType(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "a", "1", 0)
	keysPut(h, "b", "2", 0)
	keysPut(h, "c", "3", 0)
	keysPut(h, "gone", "x", h.now-1)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"EXISTS", "a"}, ":1\r\n"},
		{[]string{"EXISTS", "a", "a", "b", "nokey"}, ":3\r\n"},
		{[]string{"TOUCH", "a", "b", "nokey", "a"}, ":3\r\n"},
		{[]string{"EXISTS", "gone"}, ":0\r\n"},
		{[]string{"TYPE", "a"}, "+string\r\n"},
		{[]string{"TYPE", "nokey"}, "+none\r\n"},
		{[]string{"TYPE", "gone"}, "+none\r\n"},
		{[]string{"type"}, "-ERR wrong number of arguments for 'type' command\r\n"},
		{[]string{"exists"}, "-ERR wrong number of arguments for 'exists' command\r\n"},
		{[]string{"DEL", "a", "a", "nokey"}, ":1\r\n"},
		{[]string{"EXISTS", "a"}, ":0\r\n"},
		{[]string{"UNLINK", "b", "c", "gone"}, ":2\r\n"},
		{[]string{"DEL", "b"}, ":0\r\n"},
		{[]string{"del"}, "-ERR wrong number of arguments for 'del' command\r\n"},
	})
	if h.f.dbs[0].Len() != 0 {
		t.Fatalf("%d keys left; the expired key should have been removed by UNLINK", h.f.dbs[0].Len())
	}
	if n := h.f.Stats().ExpiredKeys.Load(); n != 1 {
		t.Fatalf("expired_keys=%d, want 1", n)
	}
}

// Reads must hide expired keys but never remove them: only log entries may
// change state, or nodes would diverge.
func TestReadsLeaveExpiredKeysInPlace(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "e", "v", h.now+1000)
	h.advance(1000)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"EXISTS", "e"}, ":0\r\n"},
		{[]string{"TOUCH", "e"}, ":0\r\n"},
		{[]string{"TYPE", "e"}, "+none\r\n"},
		{[]string{"TTL", "e"}, ":-2\r\n"},
		{[]string{"PTTL", "e"}, ":-2\r\n"},
		{[]string{"EXPIRETIME", "e"}, ":-2\r\n"},
		{[]string{"PEXPIRETIME", "e"}, ":-2\r\n"},
		{[]string{"KEYS", "*"}, "*0\r\n"},
		{[]string{"SCAN", "0"}, "*2\r\n$1\r\n0\r\n*0\r\n"},
		{[]string{"RANDOMKEY"}, "$-1\r\n"},
		{[]string{"OBJECT", "ENCODING", "e"}, "$-1\r\n"},
	})
	if _, ok := h.f.dbs[0].raw("e"); !ok {
		t.Fatal("a read removed an expired key")
	}
	if got := h.do("DBSIZE"); got != ":1\r\n" {
		t.Fatalf("DBSIZE=%q; Redis counts expired keys not yet removed", got)
	}
}

func TestKeys(t *testing.T) {
	h := newHarness(t)
	for _, k := range []string{"a1", "a2", "b1", "", "a*"} {
		keysPut(h, k, "v", 0)
	}
	keysPut(h, "a3", "v", h.now) // deadline == now: already expired
	tests := []struct {
		pattern string
		want    []string
	}{
		{"*", []string{"", "a*", "a1", "a2", "b1"}},
		{"**", []string{"a*", "a1", "a2", "b1"}}, // the matcher itself rejects ""
		{"a*", []string{"a*", "a1", "a2"}},
		{"a\\*", []string{"a*"}},
		{"[ab]1", []string{"a1", "b1"}},
		{"?2", []string{"a2"}},
		{"a3", []string{}},
		{"zz", []string{}},
	}
	for _, tc := range tests {
		got := sorted(keysArray(t, h.do("KEYS", tc.pattern)))
		if !slices.Equal(got, tc.want) {
			t.Errorf("KEYS %q = %q, want %q", tc.pattern, got, tc.want)
		}
	}
	if got := h.do("KEYS", "a", "b"); got != "-ERR wrong number of arguments for 'keys' command\r\n" {
		t.Errorf("arity: %q", got)
	}
}

func TestScanArguments(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "k", "v", 0)
	one := "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"
	none := "*2\r\n$1\r\n0\r\n*0\r\n"
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"SCAN", "0"}, one},
		{[]string{"SCAN", ""}, one}, // strtoul accepts the empty string as 0
		{[]string{"SCAN", "+0"}, one},
		{[]string{"SCAN", "-0"}, one},
		{[]string{"SCAN", "00"}, one},
		{[]string{"SCAN", "18446744073709551615"}, none},
		{[]string{"SCAN", "-1"}, none}, // wraps to 2^64-1
		{[]string{"SCAN", "18446744073709551616"}, "-ERR invalid cursor\r\n"},
		{[]string{"SCAN", "abc"}, "-ERR invalid cursor\r\n"},
		{[]string{"SCAN", " 0"}, "-ERR invalid cursor\r\n"},
		{[]string{"SCAN", "0 "}, "-ERR invalid cursor\r\n"},
		{[]string{"SCAN", "+"}, "-ERR invalid cursor\r\n"},
		{[]string{"SCAN", "0x1"}, "-ERR invalid cursor\r\n"},
		{[]string{"SCAN", "abc", "COUNT", "0"}, "-ERR invalid cursor\r\n"},
		{[]string{"SCAN", "0", "COUNT", "0"}, "-ERR syntax error\r\n"},
		{[]string{"SCAN", "0", "COUNT", "-1"}, "-ERR syntax error\r\n"},
		{[]string{"SCAN", "0", "COUNT", "abc"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SCAN", "0", "COUNT", "01"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SCAN", "0", "COUNT", "9223372036854775808"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SCAN", "0", "COUNT", "9223372036854775807"}, one},
		{[]string{"SCAN", "0", "count", "5", "COUNT", "6"}, one},
		{[]string{"SCAN", "0", "MATCH"}, "-ERR syntax error\r\n"},
		{[]string{"SCAN", "0", "foo", "bar"}, "-ERR syntax error\r\n"},
		{[]string{"SCAN", "0", "MATCH", "k"}, one},
		{[]string{"SCAN", "0", "match", "x*"}, none},
		{[]string{"SCAN", "0", "TYPE", "string"}, one},
		{[]string{"SCAN", "0", "type", "STRING"}, one},
		{[]string{"SCAN", "0", "TYPE", "hash"}, none},
		{[]string{"SCAN", "0", "TYPE", "nosuch"}, none},
		{[]string{"SCAN", "0", "TYPE", "string", "TYPE", "hash"}, none},
		{[]string{"SCAN", "0", "MATCH", "*", "TYPE", "string", "COUNT", "1"}, one},
		{[]string{"SCAN"}, "-ERR wrong number of arguments for 'scan' command\r\n"},
	})
}

func TestScanPagesByHash(t *testing.T) {
	h := newHarness(t)
	var all []string
	for i := range 100 {
		k := fmt.Sprintf("key:%d", i)
		all = append(all, k)
		keysPut(h, k, "v", 0)
	}
	slices.SortFunc(all, func(a, b string) int {
		if x, y := KeyHash(a), KeyHash(b); x != y {
			if x < y {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	// Default COUNT is 10; the cursor is the hash of the first key not returned.
	cursor, keys := keysScanReply(t, h.do("SCAN", "0"))
	if !slices.Equal(keys, all[:10]) || cursor != KeyHash(all[10]) {
		t.Fatalf("first page: cursor %d keys %q", cursor, keys)
	}
	cursor, keys = keysScanReply(t, h.do("SCAN", strconv.FormatUint(cursor, 10), "COUNT", "85"))
	if !slices.Equal(keys, all[10:95]) || cursor != KeyHash(all[95]) {
		t.Fatalf("second page: cursor %d keys %q", cursor, keys)
	}
	cursor, keys = keysScanReply(t, h.do("SCAN", strconv.FormatUint(cursor, 10), "COUNT", "5"))
	if !slices.Equal(keys, all[95:]) || cursor != 0 {
		t.Fatalf("last page: cursor %d keys %q", cursor, keys)
	}
	// COUNT counts entries looked at, not entries returned: filtered and
	// expired keys still use up the page.
	cursor, keys = keysScanReply(t, h.do("SCAN", "0", "MATCH", all[3], "COUNT", "10"))
	if !slices.Equal(keys, []string{all[3]}) || cursor != KeyHash(all[10]) {
		t.Fatalf("MATCH page: cursor %d keys %q", cursor, keys)
	}
}

// A full SCAN must return every key that exists from its start to its end,
// however the keyspace changes between calls; keys added or removed in the
// meantime may or may not appear. Each stored key is reported at most once.
func TestScanCompleteUnderChurn(t *testing.T) {
	h := newHarness(t)
	rng := rand.New(rand.NewPCG(1, 2))
	stable := map[string]bool{}
	for i := range 500 {
		k := fmt.Sprintf("stable:%d", i)
		stable[k] = true
		keysPut(h, k, "v", 0)
	}
	var churn []string
	for i := range 200 {
		k := fmt.Sprintf("churn:%d", i)
		churn = append(churn, k)
		keysPut(h, k, "v", 0)
	}
	keysPut(h, "stable:expiring", "v", h.now+1) // expires mid-scan: never required

	seen := map[string]int{}
	var cursor uint64
	next := 1000
	for calls := 0; ; calls++ {
		if calls > 10_000 {
			t.Fatal("SCAN did not terminate")
		}
		var keys []string
		cursor, keys = keysScanReply(t, h.do("SCAN", strconv.FormatUint(cursor, 10), "COUNT", strconv.Itoa(1+rng.IntN(20))))
		for _, k := range keys {
			seen[k]++
		}
		// Churn: delete some non-stable keys, add new ones, through the log.
		for range 3 {
			if len(churn) > 0 {
				i := rng.IntN(len(churn))
				h.do("DEL", churn[i])
				churn = slices.Delete(churn, i, i+1)
			}
			k := fmt.Sprintf("new:%d", next)
			next++
			keysPut(h, k, "v", 0)
		}
		h.advance(1)
		if cursor == 0 {
			break
		}
	}
	for k := range stable {
		if seen[k] == 0 {
			t.Errorf("stable key %q never returned", k)
		}
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("%q returned %d times", k, n)
		}
	}
}

func TestScanSkipsExpiredAndFiltersType(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "live", "v", 0)
	keysPut(h, "ttl", "v", h.now+10)
	keysPut(h, "dead", "v", h.now)
	h.f.dbs[0].put("other", Item{Value: struct{}{}}) // stands in for a future type
	_, keys := keysScanReply(t, h.do("SCAN", "0", "COUNT", "100"))
	if got := sorted(keys); !slices.Equal(got, []string{"live", "other", "ttl"}) {
		t.Fatalf("SCAN = %q", got)
	}
	_, keys = keysScanReply(t, h.do("SCAN", "0", "COUNT", "100", "TYPE", "string"))
	if got := sorted(keys); !slices.Equal(got, []string{"live", "ttl"}) {
		t.Fatalf("SCAN TYPE string = %q", got)
	}
	h.advance(10)
	_, keys = keysScanReply(t, h.do("SCAN", "0", "COUNT", "100", "TYPE", "string"))
	if !slices.Equal(keys, []string{"live"}) {
		t.Fatalf("after expiry: %q", keys)
	}
}

func TestRandomKey(t *testing.T) {
	h := newHarness(t)
	if got := h.do("RANDOMKEY"); got != "$-1\r\n" {
		t.Fatalf("empty: %q", got)
	}
	for i := range 50 {
		keysPut(h, fmt.Sprintf("dead:%d", i), "v", h.now)
	}
	if got := h.do("RANDOMKEY"); got != "$-1\r\n" {
		t.Fatalf("only expired keys: %q", got)
	}
	keysPut(h, "only", "v", 0)
	for range 100 {
		if got := h.do("RANDOMKEY"); got != "$4\r\nonly\r\n" {
			t.Fatalf("one live key among expired ones: %q", got)
		}
	}
	live := map[string]bool{"only": true}
	for i := range 5 {
		k := fmt.Sprintf("live:%d", i)
		live[k] = true
		keysPut(h, k, "v", 0)
	}
	seen := map[string]bool{}
	for range 1000 {
		n, r := redcon.ReadNextRESP([]byte(h.do("RANDOMKEY")))
		if n == 0 || !live[r.String()] {
			t.Fatalf("RANDOMKEY returned %q", r.String())
		}
		seen[r.String()] = true
	}
	if len(seen) < 2 {
		t.Fatalf("1000 calls returned only %v", seen)
	}
	if got := h.do("RANDOMKEY", "x"); got != "-ERR wrong number of arguments for 'randomkey' command\r\n" {
		t.Fatalf("arity: %q", got)
	}
}

func TestRename(t *testing.T) {
	h := newHarness(t)
	far, near := h.now+100_000, h.now+5_000
	keysPut(h, "a", "1", far)
	keysPut(h, "b", "2", near)
	keysPut(h, "plain", "3", 0)
	keysPut(h, "x", "4", 0)
	keysPut(h, "dead", "5", h.now)
	keysPut(h, "deaddst", "6", h.now)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"RENAME", "nokey", "z"}, "-ERR no such key\r\n"},
		{[]string{"RENAMENX", "nokey", "z"}, "-ERR no such key\r\n"},
		{[]string{"RENAME", "nokey", "nokey"}, "-ERR no such key\r\n"},
		{[]string{"RENAME", "dead", "z"}, "-ERR no such key\r\n"},
		{[]string{"RENAME", "a", "a"}, "+OK\r\n"},
		{[]string{"RENAMENX", "a", "a"}, ":0\r\n"},
		{[]string{"RENAME", "a", "b"}, "+OK\r\n"}, // b's own TTL goes away with it
		{[]string{"EXISTS", "a"}, ":0\r\n"},
		{[]string{"PEXPIRETIME", "b"}, ":" + strconv.FormatInt(far, 10) + "\r\n"},
		{[]string{"RENAME", "plain", "b"}, "+OK\r\n"}, // and b has no TTL now
		{[]string{"TTL", "b"}, ":-1\r\n"},
		{[]string{"RENAMENX", "b", "x"}, ":0\r\n"},
		{[]string{"RENAMENX", "b", "deaddst"}, ":1\r\n"}, // an expired destination does not exist
		{[]string{"RENAMENX", "deaddst", "c"}, ":1\r\n"},
		{[]string{"TYPE", "c"}, "+string\r\n"},
	})
	db := h.f.dbs[0]
	if it, _ := db.raw("c"); string(it.Str) != "3" || it.Version != h.idx {
		t.Fatalf("c = %+v (want value 3, version %d)", it, h.idx)
	}
	if _, ok := db.raw("dead"); ok {
		t.Fatal("the expired source should have been removed by RENAME")
	}
	if db.Len() != 2 || db.ExpiresLen() != 0 {
		t.Fatalf("keys=%d expires=%d, want 2 and 0", db.Len(), db.ExpiresLen())
	}
}

func TestCopy(t *testing.T) {
	h := newHarness(t)
	at := h.now + 100_000
	keysPut(h, "c", "v", at)
	keysPut(h, "d", "old", 0)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"COPY", "c", "c"}, "-ERR source and destination objects are the same\r\n"},
		{[]string{"COPY", "c", "c", "DB", "0", "REPLACE"}, "-ERR source and destination objects are the same\r\n"},
		{[]string{"COPY", "nokey", "c", "DB", "0"}, ":0\r\n"},
		{[]string{"COPY", "nokey", "x"}, ":0\r\n"},
		{[]string{"COPY", "c", "d"}, ":0\r\n"},
		{[]string{"COPY", "c", "d", "replace"}, ":1\r\n"},
		{[]string{"PEXPIRETIME", "d"}, ":" + strconv.FormatInt(at, 10) + "\r\n"},
		{[]string{"COPY", "c", "e"}, ":1\r\n"},
		{[]string{"COPY", "c", "e", "db"}, "-ERR syntax error\r\n"},
		{[]string{"COPY", "c", "e", "db", "abc"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"COPY", "c", "e", "db", "abc", "foo"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"COPY", "c", "e", "db", "4294967296"}, "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"},
		{[]string{"COPY", "c", "e", "db", "-2147483649"}, "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"},
		{[]string{"COPY", "c", "e", "db", "2147483647"}, "-ERR DB index is out of range\r\n"},
		{[]string{"COPY", "c", "e", "db", "16"}, "-ERR DB index is out of range\r\n"},
		{[]string{"COPY", "c", "e", "db", "-1"}, "-ERR DB index is out of range\r\n"},
		{[]string{"COPY", "c", "e", "db", "1", "replace", "foo"}, "-ERR syntax error\r\n"},
		{[]string{"COPY", "c", "e", "foo"}, "-ERR syntax error\r\n"},
		{[]string{"COPY", "c", "e", "DB", "0", "DB", "1"}, ":1\r\n"}, // the last DB wins
		{[]string{"COPY", "c", "c", "db", "1"}, ":1\r\n"},
		{[]string{"COPY", "c", "c", "db", "1"}, ":0\r\n"},
		{[]string{"DEL", "c"}, ":1\r\n"},
		{[]string{"EXISTS", "d", "e"}, ":2\r\n"}, // copies outlive the original
		{[]string{"COPY", "c"}, "-ERR wrong number of arguments for 'copy' command\r\n"},
	})
	for _, k := range []string{"c", "e"} {
		it, ok := h.f.dbs[1].raw(k)
		if !ok || string(it.Str) != "v" || it.ExpireAt != at {
			t.Errorf("db1 %s = %+v, %v", k, it, ok)
		}
	}
	// An expired source is gone, and an expired destination does not block.
	keysPut(h, "dead", "x", h.now)
	keysPut(h, "deaddst", "x", h.now)
	if got := h.do("COPY", "dead", "z"); got != ":0\r\n" {
		t.Errorf("expired source: %q", got)
	}
	if got := h.do("COPY", "d", "deaddst"); got != ":1\r\n" {
		t.Errorf("expired destination: %q", got)
	}
}

func TestMove(t *testing.T) {
	h := newHarness(t)
	at := h.now + 100_000
	keysPut(h, "m", "v", at)
	keysPut(h, "clash", "v0", 0)
	h.db = 1
	keysPut(h, "clash", "v1", 0)
	keysPut(h, "deadclash", "x", h.now)
	h.db = 0
	keysPut(h, "deadclash", "ok", 0)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"MOVE", "m", "0"}, "-ERR source and destination objects are the same\r\n"},
		{[]string{"MOVE", "nokey", "0"}, "-ERR source and destination objects are the same\r\n"},
		{[]string{"MOVE", "m", "16"}, "-ERR DB index is out of range\r\n"},
		{[]string{"MOVE", "m", "-1"}, "-ERR DB index is out of range\r\n"},
		{[]string{"MOVE", "m", "abc"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"MOVE", "m", "01"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"MOVE", "m", "9223372036854775807"}, "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"},
		{[]string{"MOVE", "nokey", "1"}, ":0\r\n"},
		{[]string{"MOVE", "clash", "1"}, ":0\r\n"},
		{[]string{"MOVE", "m", "1"}, ":1\r\n"},
		{[]string{"EXISTS", "m"}, ":0\r\n"},
		{[]string{"MOVE", "deadclash", "1"}, ":1\r\n"},
		{[]string{"MOVE", "m"}, "-ERR wrong number of arguments for 'move' command\r\n"},
	})
	db1 := h.f.dbs[1]
	if it, ok := db1.raw("m"); !ok || it.ExpireAt != at || it.Version == 0 {
		t.Fatalf("db1 m = %+v, %v", it, ok)
	}
	if it, _ := db1.raw("deadclash"); string(it.Str) != "ok" {
		t.Fatalf("db1 deadclash = %+v", it)
	}
	if it, _ := db1.raw("clash"); string(it.Str) != "v1" {
		t.Fatalf("db1 clash = %+v", it)
	}
	if h.f.dbs[0].ExpiresLen() != 0 || db1.ExpiresLen() != 1 {
		t.Fatalf("expires: db0=%d db1=%d", h.f.dbs[0].ExpiresLen(), db1.ExpiresLen())
	}
}

func TestExpireOptions(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "k", "v", 0)
	sec := h.now / 1000
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"EXPIRE", "k", "100", "NX", "XX"}, "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"},
		{[]string{"EXPIRE", "k", "100", "nx", "gt"}, "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"},
		{[]string{"EXPIRE", "k", "100", "NX", "LT"}, "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"},
		{[]string{"EXPIRE", "k", "100", "GT", "LT"}, "-ERR GT and LT options at the same time are not compatible\r\n"},
		{[]string{"EXPIRE", "k", "100", "foo"}, "-ERR Unsupported option foo\r\n"},
		{[]string{"EXPIRE", "k", "abc", "foo"}, "-ERR Unsupported option foo\r\n"}, // options are parsed first
		{[]string{"EXPIRE", "nokey", "abc"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"EXPIRE", "k", "1.5"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"EXPIRE", "k", "+1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"EXPIRE", "k"}, "-ERR wrong number of arguments for 'expire' command\r\n"},
		{[]string{"EXPIRE", "nokey", "100"}, ":0\r\n"},

		// No TTL counts as infinite: GT never applies, LT always does.
		{[]string{"EXPIRE", "k", "100", "XX"}, ":0\r\n"},
		{[]string{"EXPIRE", "k", "100", "GT"}, ":0\r\n"},
		{[]string{"TTL", "k"}, ":-1\r\n"},
		{[]string{"EXPIRE", "k", "100", "LT"}, ":1\r\n"},
		{[]string{"TTL", "k"}, ":100\r\n"},
		{[]string{"EXPIRE", "k", "200", "lt"}, ":0\r\n"},
		{[]string{"EXPIRE", "k", "100", "LT"}, ":0\r\n"}, // equal is not less
		{[]string{"EXPIRE", "k", "100", "GT"}, ":0\r\n"}, // nor greater
		{[]string{"EXPIRE", "k", "50", "LT"}, ":1\r\n"},
		{[]string{"EXPIRE", "k", "60", "NX"}, ":0\r\n"},
		{[]string{"EXPIRE", "k", "70", "XX", "GT"}, ":1\r\n"},
		{[]string{"TTL", "k"}, ":70\r\n"},
		{[]string{"PERSIST", "k"}, ":1\r\n"},
		{[]string{"PERSIST", "k"}, ":0\r\n"},
		{[]string{"PERSIST", "nokey"}, ":0\r\n"},
		{[]string{"EXPIRE", "k", "10", "NX"}, ":1\r\n"},
		{[]string{"PEXPIRE", "k", "1000", "xx", "xx"}, ":1\r\n"},
		{[]string{"PTTL", "k"}, ":1000\r\n"},
		{[]string{"EXPIREAT", "k", strconv.FormatInt(sec+30, 10), "GT"}, ":1\r\n"},
		{[]string{"PEXPIRETIME", "k"}, ":" + strconv.FormatInt((sec+30)*1000, 10) + "\r\n"},
		{[]string{"PEXPIREAT", "k", strconv.FormatInt(h.now+20, 10), "LT"}, ":1\r\n"},
		{[]string{"PTTL", "k"}, ":20\r\n"},
		// GT/LT are judged before the deadline is found to be in the past.
		{[]string{"PEXPIRE", "k", "-1", "GT"}, ":0\r\n"},
		{[]string{"EXISTS", "k"}, ":1\r\n"},
		{[]string{"PEXPIRE", "k", "-1", "LT"}, ":1\r\n"},
		{[]string{"EXISTS", "k"}, ":0\r\n"},
	})
}

func TestExpireDeadlines(t *testing.T) {
	h := newHarness(t)
	now := h.now
	put := func() { keysPut(h, "k", "v", 0) }
	check := func(cmd []string, want string) {
		t.Helper()
		if got := h.do(cmd...); got != want {
			t.Errorf("%q: got %q, want %q", cmd, got, want)
		}
	}
	// A deadline at or before now deletes the key at once and answers 1.
	for _, cmd := range [][]string{
		{"EXPIRE", "k", "0"},
		{"EXPIRE", "k", "-5"},
		{"PEXPIRE", "k", "0"},
		{"EXPIREAT", "k", strconv.FormatInt(now/1000, 10)},
		{"PEXPIREAT", "k", strconv.FormatInt(now, 10)},
		{"PEXPIREAT", "k", "0"},
		{"PEXPIREAT", "k", "-9223372036854775808"},
		{"EXPIREAT", "k", "-9223372036854775"},
	} {
		put()
		check(cmd, ":1\r\n")
		if _, ok := h.f.dbs[0].raw("k"); ok {
			t.Errorf("%q left the key in place", cmd)
		}
	}

	put()
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"EXPIRE", "k", "9223372036854775807"}, "-ERR invalid expire time in 'expire' command\r\n"},
		{[]string{"EXPIRE", "k", "9223372036854776"}, "-ERR invalid expire time in 'expire' command\r\n"},
		{[]string{"EXPIRE", "k", "-9223372036854776"}, "-ERR invalid expire time in 'expire' command\r\n"},
		{[]string{"EXPIRE", "k", "-9223372036854775808"}, "-ERR invalid expire time in 'expire' command\r\n"},
		{[]string{"EXPIREAT", "k", "9223372036854776"}, "-ERR invalid expire time in 'expireat' command\r\n"},
		{[]string{"PEXPIRE", "k", "9223372036854775807"}, "-ERR invalid expire time in 'pexpire' command\r\n"},
		{[]string{"PEXPIRE", "k", strconv.FormatInt(1<<63-1-now+1, 10)}, "-ERR invalid expire time in 'pexpire' command\r\n"},
		// Invalid times are errors even for a missing key.
		{[]string{"PEXPIRE", "nokey", "9223372036854775807"}, "-ERR invalid expire time in 'pexpire' command\r\n"},
		{[]string{"TTL", "k"}, ":-1\r\n"},
		{[]string{"PEXPIRE", "k", strconv.FormatInt(1<<63-1-now, 10)}, ":1\r\n"},
		{[]string{"PEXPIRETIME", "k"}, ":9223372036854775807\r\n"},
		{[]string{"PEXPIREAT", "k", "9223372036854775807"}, ":1\r\n"},
		{[]string{"EXPIRETIME", "k"}, ":9223372036854776\r\n"}, // rounds without wrapping
		{[]string{"TTL", "k"}, ":" + strconv.FormatInt((1<<63-1-now)/1000+1, 10) + "\r\n"},
		{[]string{"EXPIREAT", "k", "9223372036854775"}, ":1\r\n"},
		{[]string{"PEXPIRETIME", "k"}, ":9223372036854775000\r\n"},
	} {
		check(tc.cmd, tc.want)
	}

	// TTL rounds to the nearest second, as Redis's (ttl+500)/1000.
	for _, tc := range []struct{ pttl, ttl string }{
		{"1", "0"}, {"499", "0"}, {"500", "1"}, {"1499", "1"}, {"1500", "2"}, {"100000", "100"},
	} {
		check([]string{"PEXPIRE", "k", tc.pttl}, ":1\r\n")
		check([]string{"TTL", "k"}, ":"+tc.ttl+"\r\n")
	}
	check([]string{"PEXPIRE", "k", "1500"}, ":1\r\n")
	check([]string{"EXPIRETIME", "k"}, ":"+strconv.FormatInt((now+1500+500)/1000, 10)+"\r\n")
	check([]string{"TTL", "nokey"}, ":-2\r\n")
	check([]string{"PTTL", "nokey"}, ":-2\r\n")
	check([]string{"EXPIRETIME", "nokey"}, ":-2\r\n")
	check([]string{"PEXPIRETIME", "nokey"}, ":-2\r\n")

	// Expiry as time passes: visible until the deadline, gone at it, and the
	// first write touching it removes it for good.
	h.advance(1499)
	check([]string{"PTTL", "k"}, ":1\r\n")
	if v := h.f.dbs[0].ExpiresLen(); v != 1 {
		t.Fatalf("expires=%d", v)
	}
	h.advance(1)
	check([]string{"PTTL", "k"}, ":-2\r\n")
	check([]string{"EXPIRE", "k", "100"}, ":0\r\n")
	if h.f.dbs[0].Len() != 0 || h.f.dbs[0].ExpiresLen() != 0 {
		t.Fatal("expired key not removed by EXPIRE")
	}
}

func TestExpireStampsVersion(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "k", "v", 0)
	h.do("EXPIRE", "k", "100")
	if it, _ := h.f.dbs[0].raw("k"); it.Version != h.idx || it.ExpireAt != h.now+100_000 {
		t.Fatalf("after EXPIRE: %+v", it)
	}
	h.do("PERSIST", "k")
	if it, _ := h.f.dbs[0].raw("k"); it.Version != h.idx || it.ExpireAt != 0 {
		t.Fatalf("after PERSIST: %+v", it)
	}
	if h.f.dbs[0].ExpiresLen() != 0 {
		t.Fatal("PERSIST left the deadline indexed")
	}
}

func TestObject(t *testing.T) {
	h := newHarness(t)
	for k, v := range map[string]string{
		"int": "123", "neg": "-5", "max": "9223372036854775807", "big": "12345678901234567890",
		"zero": "0", "shared": "9999", "unshared": "10000", "lead0": "01", "empty": "",
		"s44": strings.Repeat("x", 44), "s45": strings.Repeat("x", 45),
	} {
		keysPut(h, k, v, 0)
	}
	keysPut(h, "dead", "1", h.now)
	freqErr := "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"OBJECT", "ENCODING", "int"}, "$3\r\nint\r\n"},
		{[]string{"object", "encoding", "neg"}, "$3\r\nint\r\n"},
		{[]string{"OBJECT", "Encoding", "max"}, "$3\r\nint\r\n"},
		{[]string{"OBJECT", "ENCODING", "zero"}, "$3\r\nint\r\n"},
		{[]string{"OBJECT", "ENCODING", "big"}, "$6\r\nembstr\r\n"},
		{[]string{"OBJECT", "ENCODING", "lead0"}, "$6\r\nembstr\r\n"},
		{[]string{"OBJECT", "ENCODING", "empty"}, "$6\r\nembstr\r\n"},
		{[]string{"OBJECT", "ENCODING", "s44"}, "$6\r\nembstr\r\n"},
		{[]string{"OBJECT", "ENCODING", "s45"}, "$3\r\nraw\r\n"},
		{[]string{"OBJECT", "ENCODING", "nokey"}, "$-1\r\n"},
		{[]string{"OBJECT", "ENCODING", "dead"}, "$-1\r\n"},
		{[]string{"OBJECT", "REFCOUNT", "zero"}, ":2147483647\r\n"},
		{[]string{"OBJECT", "REFCOUNT", "shared"}, ":2147483647\r\n"},
		{[]string{"OBJECT", "REFCOUNT", "unshared"}, ":1\r\n"},
		{[]string{"OBJECT", "REFCOUNT", "neg"}, ":1\r\n"},
		{[]string{"OBJECT", "REFCOUNT", "s45"}, ":1\r\n"},
		{[]string{"OBJECT", "REFCOUNT", "nokey"}, "$-1\r\n"},
		{[]string{"OBJECT", "IDLETIME", "int"}, ":0\r\n"},
		{[]string{"OBJECT", "IDLETIME", "nokey"}, "$-1\r\n"},
		{[]string{"OBJECT", "FREQ", "int"}, freqErr},
		{[]string{"OBJECT", "FREQ", "nokey"}, "$-1\r\n"},
		{[]string{"OBJECT", "foo"}, "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n"},
		{[]string{"OBJECT", "FooBar", "k"}, "-ERR unknown subcommand 'FooBar'. Try OBJECT HELP.\r\n"},
		{[]string{"OBJECT", strings.Repeat("y", 200)}, "-ERR unknown subcommand '" + strings.Repeat("y", 128) + "'. Try OBJECT HELP.\r\n"},
		{[]string{"OBJECT", "ENCODING"}, "-ERR wrong number of arguments for 'object|encoding' command\r\n"},
		{[]string{"OBJECT", "encoding", "a", "b"}, "-ERR wrong number of arguments for 'object|encoding' command\r\n"},
		{[]string{"OBJECT", "HELP", "x"}, "-ERR wrong number of arguments for 'object|help' command\r\n"},
		{[]string{"OBJECT"}, "-ERR wrong number of arguments for 'object' command\r\n"},
	})
	help := h.do("OBJECT", "help")
	if !strings.HasPrefix(help, "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n") ||
		!strings.HasSuffix(help, "+HELP\r\n+    Prints this help.\r\n") {
		t.Fatalf("OBJECT HELP = %q", help)
	}
}
