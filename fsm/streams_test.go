package fsm

import (
	"strings"
	"testing"
)

// TestStreamAutoIDs checks XADD's generated IDs: the entry's time in ms,
// sequence 0 on a new ms, last seq + 1 when the clock has not moved or
// went backwards (Redis never issues a smaller ID), "ms-*" likewise, and
// the exhausted-ID error.
func TestStreamAutoIDs(t *testing.T) {
	h := newHarness(t)
	h.now = 5000
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"XADD", "s", "*", "a", "1"}, "$6\r\n5000-0\r\n"},
		{[]string{"XADD", "s", "*", "a", "1"}, "$6\r\n5000-1\r\n"},
		{[]string{"XADD", "s", "7000-*", "a", "1"}, "$6\r\n7000-0\r\n"},
		{[]string{"XADD", "s", "7000-*", "a", "1"}, "$6\r\n7000-1\r\n"},
		// The log's clock is behind the last ID: the ID keeps increasing.
		{[]string{"XADD", "s", "*", "a", "1"}, "$6\r\n7000-2\r\n"},
		{[]string{"XADD", "s", "6999-*", "a", "1"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"},
		{[]string{"XADD", "s", "0-0", "a", "1"}, "-ERR The ID specified in XADD must be greater than 0-0\r\n"},
		{[]string{"XSETID", "s", "18446744073709551615-18446744073709551615"}, "+OK\r\n"},
		{[]string{"XADD", "s", "*", "a", "1"}, "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n"},
		{[]string{"XSETID", "t", "1-1"}, "-ERR no such key\r\n"},
		{[]string{"XADD", "t", "5-18446744073709551615", "a", "1"}, "$22\r\n5-18446744073709551615\r\n"},
		{[]string{"XADD", "t", "*", "a", "1"}, "$6\r\n5000-0\r\n"},
	})
	h.now = 9000
	if got := h.do("XADD", "t", "*", "a", "1"); got != "$6\r\n9000-0\r\n" {
		t.Errorf("XADD * at 9000: %q", got)
	}
	h.now = 9000
	if got := h.do("XADD", "t", "*", "a", "1"); got != "$6\r\n9000-1\r\n" {
		t.Errorf("second XADD * at 9000: %q", got)
	}
}

// TestStreamGenericCommands covers the keyspace commands on a stream and
// the parts the differential test leaves out (it uses explicit IDs only).
func TestStreamGenericCommands(t *testing.T) {
	h := newHarness(t)
	h.do("XADD", "s", "1-1", "f", "v")
	h.do("XGROUP", "CREATE", "s", "g", "0")
	h.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
	h.do("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM")
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"TYPE", "s"}, "+stream\r\n"},
		{[]string{"OBJECT", "ENCODING", "s"}, "$6\r\nstream\r\n"},
		{[]string{"TYPE", "e"}, "+stream\r\n"},
		{[]string{"XLEN", "e"}, ":0\r\n"},
		{[]string{"COPY", "s", "s2"}, ":1\r\n"},
		{[]string{"XADD", "s2", "2-2", "x", "y"}, "$3\r\n2-2\r\n"},
		{[]string{"XLEN", "s"}, ":1\r\n"},
		{[]string{"XPENDING", "s2", "g"}, "*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n"},
		{[]string{"RENAME", "s2", "s3"}, "+OK\r\n"},
		{[]string{"XLEN", "s3"}, ":2\r\n"},
		{[]string{"MOVE", "s3", "1"}, ":1\r\n"},
	})
	scan := h.do("SCAN", "0", "TYPE", "stream", "COUNT", "100")
	if !strings.Contains(scan, "$1\r\ns\r\n") || !strings.Contains(scan, "$1\r\ne\r\n") || strings.Contains(scan, "s3") {
		t.Errorf("SCAN TYPE stream: %q", scan)
	}
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"XDEL", "s", "1-1"}, ":1\r\n"},
		{[]string{"EXISTS", "s"}, ":1\r\n"},
		{[]string{"XREAD", "BLOCK", "10", "STREAMS", "s", "$"}, "-" + errStreamBlock.Error() + "\r\n"},
		{[]string{"XREAD", "BLOCK", "-1", "STREAMS", "s", "$"}, "-ERR timeout is negative\r\n"},
		{[]string{"XGROUP", "FOO"}, "-ERR unknown subcommand 'FOO'. Try XGROUP HELP.\r\n"},
		{[]string{"XGROUP", "CREATE", "s"}, "-ERR wrong number of arguments for 'xgroup|create' command\r\n"},
		{[]string{"XINFO", "GROUPS"}, "-ERR wrong number of arguments for 'xinfo|groups' command\r\n"},
		{[]string{"DEL", "s", "e"}, ":2\r\n"},
	})
	h.db = 1
	if got := h.do("XLEN", "s3"); got != ":2\r\n" {
		t.Errorf("moved stream: XLEN %q", got)
	}
}

// TestStreamDigest compares DEBUG DIGEST-VALUE with redis-server 7.0.15's
// for the same streams (groups are not digested).
func TestStreamDigest(t *testing.T) {
	h := newHarness(t)
	h.do("XADD", "k", "1-1", "a", "b", "c", "d")
	h.do("XADD", "k", "2-5", "x", "y")
	h.do("XGROUP", "CREATE", "k", "g", "0")
	h.do("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM")
	ds, err := h.f.ValueDigests(0, h.now, [][]byte{[]byte("k"), []byte("e")})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"c1afd5032d09e203dbdd9a9d7b73331b82c7fa5f", "06bd01623de1d087bbd377851096317b1af476a2"} {
		if got := digestHex(ds[i]); got != want {
			t.Errorf("digest %d: %s, want %s", i, got, want)
		}
	}
}

// TestStreamKeysAndBlocking checks the key positions of XREAD and
// XREADGROUP (Redis's xreadGetKeys) and that only BLOCK makes them wait.
func TestStreamKeysAndBlocking(t *testing.T) {
	tab := NewTable()
	tests := []struct {
		args   string
		keys   string
		blocks bool
	}{
		{"XREAD COUNT 2 STREAMS a b 0 0", "a b", false},
		{"XREAD BLOCK 0 STREAMS a 0", "a", true},
		{"XREADGROUP GROUP g c NOACK STREAMS streams >", "streams", false},
		{"XREADGROUP GROUP g c BLOCK 5 STREAMS x y > >", "x y", true},
		{"XREAD STREAMS a b 0", "", false},
		{"XREAD COUNT", "", false},
	}
	for _, tc := range tests {
		var args [][]byte
		for _, a := range strings.Fields(tc.args) {
			args = append(args, []byte(a))
		}
		c := tab.Lookup(args[0])
		var keys []string
		for _, k := range c.KeyArgs(args) {
			keys = append(keys, string(k))
		}
		if got := strings.Join(keys, " "); got != tc.keys {
			t.Errorf("%s: keys %q, want %q", tc.args, got, tc.keys)
		}
		if got := StreamBlocks(c, args); got != tc.blocks {
			t.Errorf("%s: blocks %v", tc.args, got)
		}
	}
	if !tab.Lookup([]byte("xreadgroup")).NeedsLog(nil, nil) || tab.Lookup([]byte("xread")).NeedsLog(nil, nil) {
		t.Error("XREADGROUP must go through the log, XREAD must not")
	}
	xg := tab.Lookup([]byte("xgroup"))
	if xg.NeedsLog(nil, [][]byte{[]byte("xgroup"), []byte("help")}) || !xg.NeedsLog(nil, [][]byte{[]byte("xgroup"), []byte("create")}) {
		t.Error("XGROUP HELP reads, the other subcommands write")
	}
}

func TestStreamMemoryUsage(t *testing.T) {
	h := newHarness(t)
	for i := 1; i <= 1000; i++ {
		h.do("XADD", "s", "*", "field", strings.Repeat("v", 100))
	}
	n, ok, err := h.f.MemoryUsage(0, h.now, []byte("s"), 0)
	if err != nil || !ok || n < 1000*128 || n > 1000*400 {
		t.Errorf("MEMORY USAGE of 1000 entries of ~110 bytes: %d %v %v", n, ok, err)
	}
}
