package fsm

import (
	"strconv"
	"testing"

	"github.com/hashicorp/raft"
)

// Expected replies below follow Redis 8.4's documentation and source
// (t_string.c, db.c delexCommand) and digests published by Redis and by
// tests run against it; the installed redis-server (7.0) lacks these
// commands, so there is no differential test.

const (
	casDigestLen  = "-ERR must be exactly 16 hexadecimal characters\r\n"
	casDelexType  = "-ERR Key should be of string type if conditions are specified\r\n"
	casDelexCond  = "-ERR Invalid condition. Use IFEQ, IFNE, IFDEQ, or IFDNE\r\n"
	helloDigest   = "9555e8555c62dcfd"
	helloDigestUp = "9555E8555C62DCFD"
)

func TestDigestVectors(t *testing.T) {
	for _, tc := range []struct{ value, digest string }{
		{"Hello world", "b6acb9d84a38ff74"}, // redis.io DIGEST example
		{"hello", helloDigest},
		{"", "2d06800538d394c2"},
		{"123", "404a763b3f4c8c9a"},
		{"v8", "0cc76dbb41381419"}, // leading zero kept
		{"foo", "ab6e5f64077e7d8a"},
		{"test", "9ec9f7918d7dfc40"},
		// redis/redis#14496: hashes to 0x00006c38adf31777.
		{"v8lf0c11xh8ymlqztfd3eeq16kfn4sspw7fqmnuuq3k3t75em5wdizgcdw7uc26nnf961u2jkfzkjytls2kwlj7626sd", "00006c38adf31777"},
	} {
		h := strHarness(t)
		h.do("set", "k", tc.value)
		if got, want := h.do("digest", "k"), strBulk(tc.digest); got != want {
			t.Errorf("DIGEST of %q: got %q, want %q", tc.value, got, want)
		}
	}
}

func TestDigestAndDelex(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("digest", "missing"), strNil},
		{strCmd("digest", "list"), strWrongType},
		{strCmd("digest"), strArityErr("digest")},
		{strCmd("digest", "a", "b"), strArityErr("digest")},
		{strCmd("set", "n", "123"), strOK},
		{strCmd("digest", "n"), strBulk("404a763b3f4c8c9a")}, // an integer-looking value hashes as its text

		// No condition: DEL of one key, any type.
		{strCmd("delex", "missing"), strInt(0)},
		{strCmd("set", "k", "hello"), strOK},
		{strCmd("delex", "k"), strInt(1)},
		{strCmd("exists", "k"), strInt(0)},
		{strCmd("rpush", "l", "a"), strInt(1)},
		{strCmd("delex", "l"), strInt(1)},

		// Argument count: 2 or 4, checked before the key.
		{strCmd("delex", "k", "IFEQ"), strArityErr("delex")},
		{strCmd("delex", "missing", "IFEQ", "a", "b"), strArityErr("delex")},
		{strCmd("delex"), strArityErr("delex")},

		// A missing key answers 0 whatever the condition, even a bad one.
		{strCmd("delex", "missing", "IFEQ", "x"), strInt(0)},
		{strCmd("delex", "missing", "FOO", "x"), strInt(0)},
		{strCmd("delex", "missing", "IFDEQ", "short"), strInt(0)},

		// The type is checked before the condition keyword.
		{strCmd("delex", "list", "IFEQ", "a"), casDelexType},
		{strCmd("delex", "list", "FOO", "a"), casDelexType},
		{strCmd("exists", "list"), strInt(1)},

		{strCmd("set", "k", "hello"), strOK},
		{strCmd("delex", "k", "FOO", "hello"), casDelexCond},
		{strCmd("delex", "k", "IFEQ", "other"), strInt(0)},
		{strCmd("delex", "k", "IFNE", "hello"), strInt(0)},
		{strCmd("delex", "k", "IFDEQ", "0000000000000000"), strInt(0)},
		{strCmd("delex", "k", "IFDNE", helloDigest), strInt(0)},
		{strCmd("delex", "k", "IFDNE", helloDigestUp), strInt(0)},
		{strCmd("delex", "k", "IFDEQ", "zzzzzzzzzzzzzzzz"), strInt(0)}, // only the length is checked
		{strCmd("delex", "k", "IFDEQ", ""), casDigestLen},
		{strCmd("delex", "k", "IFDNE", "0123"), casDigestLen},
		{strCmd("delex", "k", "IFDEQ", "0"+helloDigest), casDigestLen},
		{strCmd("delex", "k", "IFDNE", helloDigest[1:]), casDigestLen},
		{strCmd("get", "k"), strBulk("hello")},
		{strCmd("delex", "k", "ifeq", "hello"), strInt(1)},
		{strCmd("set", "k", "hello"), strOK},
		{strCmd("delex", "k", "IfNe", "other"), strInt(1)},
		{strCmd("set", "k", "hello"), strOK},
		{strCmd("delex", "k", "IFDEQ", helloDigestUp), strInt(1)},
		{strCmd("set", "k", "hello"), strOK},
		{strCmd("delex", "k", "IFDNE", "zzzzzzzzzzzzzzzz"), strInt(1)},
		{strCmd("set", "k", "0123"), strOK},
		{strCmd("delex", "k", "IFEQ", "123"), strInt(0)}, // bytes, not numbers
		{strCmd("delex", "k", "IFNE", "123"), strInt(1)},
	})
}

func TestDelexExpiredKey(t *testing.T) {
	h := strHarness(t)
	h.do("set", "k", "v", "px", "100")
	h.advance(100)
	if got := h.do("delex", "k", "IFEQ", "v"); got != strInt(0) {
		t.Fatalf("DELEX of an expired key: %q", got)
	}
	if got := h.do("delex", "k"); got != strInt(0) {
		t.Fatalf("DELEX of an expired key: %q", got)
	}
}

func TestSetConditions(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		// Syntax: each condition takes an argument and excludes NX, XX and
		// the other conditions, in either order; repeating one is fine.
		{strCmd("set", "k", "v", "IFEQ"), strSyntax},
		{strCmd("set", "k", "v", "IFEQ", "a", "IFNE", "b"), strSyntax},
		{strCmd("set", "k", "v", "IFEQ", "a", "NX"), strSyntax},
		{strCmd("set", "k", "v", "NX", "IFEQ", "a"), strSyntax},
		{strCmd("set", "k", "v", "XX", "IFDEQ", helloDigest), strSyntax},
		{strCmd("set", "k", "v", "IFDNE", helloDigest, "XX"), strSyntax},
		{strCmd("setex", "k", "10", "v"), strOK},
		{strCmd("getex", "k", "IFEQ", "v"), strSyntax}, // SET only
		{strCmd("del", "k"), strInt(1)},

		// Missing key: IFEQ and IFDEQ never create it, IFNE and IFDNE do;
		// the digest is not looked at.
		{strCmd("set", "k", "v", "IFEQ", "v"), strNil},
		{strCmd("set", "k", "v", "IFDEQ", "short"), strNil},
		{strCmd("set", "k", "v", "IFEQ", "v", "GET"), strNil},
		{strCmd("exists", "k"), strInt(0)},
		{strCmd("set", "k", "v1", "IFDNE", "short"), strOK},
		{strCmd("del", "k"), strInt(1)},
		{strCmd("set", "k", "hello", "IFNE", "x", "GET"), strNil},
		{strCmd("get", "k"), strBulk("hello")},

		// Present key.
		{strCmd("set", "k", "new", "IFEQ", "other"), strNil},
		{strCmd("set", "k", "new", "IFNE", "hello"), strNil},
		{strCmd("set", "k", "new", "IFDEQ", "0000000000000000"), strNil},
		{strCmd("set", "k", "new", "IFDNE", helloDigest), strNil},
		{strCmd("set", "k", "new", "IFDNE", "0123"), casDigestLen},
		{strCmd("set", "k", "new", "IFDEQ", "0123", "GET"), casDigestLen}, // the error replaces GET's reply
		{strCmd("get", "k"), strBulk("hello")},
		{strCmd("set", "k", "new", "IFEQ", "other", "GET"), strBulk("hello")}, // GET answers even when skipped
		{strCmd("get", "k"), strBulk("hello")},
		{strCmd("set", "k", "h2", "IFDEQ", helloDigestUp, "GET"), strBulk("hello")},
		{strCmd("set", "k", "h3", "ifeq", "h2"), strOK},
		{strCmd("set", "k", "h4", "IFNE", "h2", "IFNE", "zz"), strOK},
		{strCmd("set", "k", "h5", "IFDNE", "zzzzzzzzzzzzzzzz"), strOK},
		{strCmd("get", "k"), strBulk("h5")},

		// Wrong type: WRONGTYPE, from GET when GET is given.
		{strCmd("set", "list", "v", "IFEQ", "v"), strWrongType},
		{strCmd("set", "list", "v", "IFNE", "v"), strWrongType},
		{strCmd("set", "list", "v", "IFDNE", "short"), strWrongType},
		{strCmd("set", "list", "v", "IFNE", "v", "GET"), strWrongType},
		{strCmd("exists", "list"), strInt(1)},
	})
}

func TestSetConditionsWithTTL(t *testing.T) {
	h := strHarness(t)
	h.do("set", "k", "a", "px", "5000")
	if got := h.do("set", "k", "b", "IFEQ", "a", "KEEPTTL"); got != strOK || h.strExpireAt("k") != h.now+5000 {
		t.Fatalf("KEEPTTL: %q, deadline %d", got, h.strExpireAt("k"))
	}
	if got := h.do("set", "k", "c", "IFEQ", "b", "PX", "100"); got != strOK || h.strExpireAt("k") != h.now+100 {
		t.Fatalf("PX: %q, deadline %d", got, h.strExpireAt("k"))
	}
	// A skipped write leaves the TTL alone; a bad expire fails first.
	if got := h.do("set", "k", "d", "IFEQ", "zz", "PX", "9000"); got != strNil || h.strExpireAt("k") != h.now+100 {
		t.Fatalf("skipped: %q, deadline %d", got, h.strExpireAt("k"))
	}
	if got := h.do("set", "k", "d", "IFEQ", "c", "PX", "0"); got != strExpireErr("set") {
		t.Fatalf("bad expire: %q", got)
	}
	// Without KEEPTTL a successful write drops the TTL, as any SET.
	if got := h.do("set", "k", "e", "IFEQ", "c"); got != strOK || h.strExpireAt("k") != 0 {
		t.Fatalf("no TTL option: %q, deadline %d", got, h.strExpireAt("k"))
	}
	// A deadline already past deletes the key (and still answers OK).
	if got := h.do("set", "k", "f", "IFEQ", "e", "PXAT", "1"); got != strOK || h.strExpireAt("k") != -1 {
		t.Fatalf("PXAT in the past: %q, deadline %d", got, h.strExpireAt("k"))
	}
	// An expired key is missing to the conditions.
	h.do("set", "k", "g", "px", "10")
	h.advance(10)
	if got := h.do("set", "k", "h", "IFEQ", "g"); got != strNil {
		t.Fatalf("IFEQ on an expired key: %q", got)
	}
	if got := h.do("set", "k", "h", "IFNE", "g"); got != strOK {
		t.Fatalf("IFNE on an expired key: %q", got)
	}
}

// TestCASSpecs pins COMMAND INFO data for the Redis 8.4 commands to
// src/commands/delex.json and digest.json.
func TestCASSpecs(t *testing.T) {
	tab := NewTable()
	for _, tc := range []struct {
		name        string
		arity       int
		flags       []string
		since, summ string
	}{
		{"delex", -2, []string{"write", "fast"}, "8.4.0", "Conditionally removes the specified key based on value or digest comparison."},
		{"digest", 2, []string{"readonly", "fast"}, "8.4.0", "Returns the XXH3 hash of a string value."},
		{"keyversion", 2, []string{"readonly", "fast"}, "0.1.0", ""},
	} {
		c := tab.Lookup([]byte(tc.name))
		if c == nil {
			t.Fatalf("%s missing", tc.name)
		}
		if c.Arity != tc.arity || strconv.Quote(c.Since) != strconv.Quote(tc.since) || c.FirstKey != 1 || c.LastKey != 1 || c.Step != 1 ||
			len(c.Flags) != len(tc.flags) || c.Flags[0] != tc.flags[0] || c.Flags[1] != tc.flags[1] || (tc.summ != "" && c.Summary != tc.summ) {
			t.Errorf("%s: %+v", tc.name, c.Spec)
		}
	}
}

// applyBatchOf applies cmds as one KindBatch entry at index idx and returns
// the replies.
func (h *harness) applyBatchOf(idx uint64, cmds ...[]string) []string {
	h.t.Helper()
	data := AppendBatchHeader(nil, len(cmds))
	for _, cmd := range cmds {
		argv := make([][]byte, len(cmd))
		for i, a := range cmd {
			argv[i] = []byte(a)
		}
		data = AppendBatchItem(data, h.db, h.now, argv)
	}
	h.idx = idx
	out := h.f.Apply(&raft.Log{Index: idx, Type: raft.LogCommand, Data: data})
	r := out.(*BatchReply)
	replies := make([]string, r.Len())
	for i := range replies {
		replies[i] = string(r.Reply(i))
	}
	return replies
}
