package fsm

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
)

type listCase = struct {
	cmd  []string
	want string
}

// listC builds a case from a space-separated command (no argument here needs
// an embedded space) and its raw reply.
func listC(cmd, want string) listCase { return listCase{strings.Fields(cmd), want} }

// listBulks is the RESP array of the given bulk strings.
func listBulks(vals ...string) string {
	var b strings.Builder
	b.WriteString("*" + listItoa(len(vals)) + "\r\n")
	for _, v := range vals {
		b.WriteString("$" + listItoa(len(v)) + "\r\n" + v + "\r\n")
	}
	return b.String()
}

func listItoa(n int) string { return string(FormatInt(int64(n))) }

const (
	listWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
	listNotInt    = "-ERR value is not an integer or out of range\r\n"
	listSyntaxErr = "-ERR syntax error\r\n"
	listNullBulk  = "$-1\r\n"
	listNullArr   = "*-1\r\n"
	listEmptyArr  = "*0\r\n"
)

func TestListSpecs(t *testing.T) {
	tab := NewTable()
	for _, tc := range []struct {
		name               string
		arity              int
		flags              string
		first, last, step  int
		isWrite, isBlocker bool
	}{
		{"lpush", -3, "write denyoom fast", 1, 1, 1, true, false},
		{"rpushx", -3, "write denyoom fast", 1, 1, 1, true, false},
		{"lpop", -2, "write fast", 1, 1, 1, true, false},
		{"llen", 2, "readonly fast", 1, 1, 1, false, false},
		{"lrange", 4, "readonly", 1, 1, 1, false, false},
		{"lindex", 3, "readonly", 1, 1, 1, false, false},
		{"lset", 4, "write denyoom", 1, 1, 1, true, false},
		{"linsert", 5, "write denyoom", 1, 1, 1, true, false},
		{"lrem", 4, "write", 1, 1, 1, true, false},
		{"ltrim", 4, "write", 1, 1, 1, true, false},
		{"lpos", -3, "readonly", 1, 1, 1, false, false},
		{"lmove", 5, "write denyoom", 1, 2, 1, true, false},
		{"rpoplpush", 3, "write denyoom", 1, 2, 1, true, false},
		{"lmpop", -4, "write movablekeys", 0, 0, 0, true, false},
		{"blpop", -3, "write noscript blocking", 1, -2, 1, true, true},
		{"brpop", -3, "write noscript blocking", 1, -2, 1, true, true},
		{"blmove", 6, "write denyoom noscript blocking", 1, 2, 1, true, true},
		{"brpoplpush", 4, "write denyoom noscript blocking", 1, 2, 1, true, true},
		{"blmpop", -5, "write blocking movablekeys", 0, 0, 0, true, true},
	} {
		c := tab.Lookup([]byte(tc.name))
		if c == nil {
			t.Errorf("%s not registered", tc.name)
			continue
		}
		if c.Arity != tc.arity || strings.Join(c.Flags, " ") != tc.flags || c.FirstKey != tc.first ||
			c.LastKey != tc.last || c.Step != tc.step || c.Write != tc.isWrite ||
			c.Has("blocking") != tc.isBlocker || c.Group != "list" || c.Summary == "" || c.Since == "" || c.Complexity == "" {
			t.Errorf("%s: %+v", tc.name, c.Spec)
		}
	}
}

func TestListPushPopLen(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("LPUSH l a b c", ":3\r\n"),
		listC("RPUSH l d", ":4\r\n"),
		listC("LRANGE l 0 -1", listBulks("c", "b", "a", "d")),
		listC("LLEN l", ":4\r\n"),
		listC("LLEN none", ":0\r\n"),
		listC("LPUSHX none a", ":0\r\n"),
		listC("RPUSHX none a", ":0\r\n"),
		listC("EXISTS none", ":0\r\n"),
		listC("LPUSHX l x y", ":6\r\n"),
		listC("RPUSHX l z", ":7\r\n"),
		listC("LRANGE l 0 -1", listBulks("y", "x", "c", "b", "a", "d", "z")),
		listC("LPOP l", "$1\r\ny\r\n"),
		listC("RPOP l", "$1\r\nz\r\n"),
		listC("LPOP l 2", listBulks("x", "c")),
		listC("RPOP l 2", listBulks("d", "a")), // tail first, as popped
		listC("LPOP l 0", listEmptyArr),
		listC("RPOP l 10", listBulks("b")),
		listC("EXISTS l", ":0\r\n"), // popping the last element removes the key
		listC("LPOP l", listNullBulk),
		listC("LPOP l 1", listNullArr),
		listC("LPOP l 0", listNullArr),
		listC("RPOP l -1", "-ERR value is out of range, must be positive\r\n"),
		listC("RPOP l x", "-ERR value is out of range, must be positive\r\n"),
		listC("LPOP l 1 2", "-ERR wrong number of arguments for 'lpop' command\r\n"),
		listC("RPOP l 1 2", "-ERR wrong number of arguments for 'rpop' command\r\n"),
		listC("LPUSH l", "-ERR wrong number of arguments for 'lpush' command\r\n"),
		listC("SET s v", "+OK\r\n"),
		listC("LPUSH s a", listWrongType),
		listC("RPUSHX s a", listWrongType),
		listC("LPOP s", listWrongType),
		listC("RPOP s 0", listWrongType),
		listC("LLEN s", listWrongType),
		listC("RPOP s x", "-ERR value is out of range, must be positive\r\n"), // count is parsed first
		listC("RPUSH e v", ":1\r\n"),
		listC("TYPE e", "+list\r\n"),
		listC("OBJECT ENCODING e", "$9\r\nquicklist\r\n"),
	})
}

func TestListEmptyElement(t *testing.T) {
	h := newHarness(t)
	if got := h.do("RPUSH", "l", "", "x"); got != ":2\r\n" {
		t.Fatal(got)
	}
	if got := h.do("LRANGE", "l", "0", "-1"); got != listBulks("", "x") {
		t.Fatal(got)
	}
}

func TestListIndexSetRange(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("RPUSH l a b c d e", ":5\r\n"),
		listC("LINDEX l 0", "$1\r\na\r\n"),
		listC("LINDEX l -1", "$1\r\ne\r\n"),
		listC("LINDEX l -5", "$1\r\na\r\n"),
		listC("LINDEX l 5", listNullBulk),
		listC("LINDEX l -6", listNullBulk),
		listC("LINDEX l -9223372036854775808", listNullBulk),
		listC("LINDEX l x", listNotInt),
		listC("LINDEX none x", listNullBulk), // the key is looked up before the index is parsed
		listC("LSET l 1 B", "+OK\r\n"),
		listC("LSET l -1 E", "+OK\r\n"),
		listC("LSET l 5 x", "-ERR index out of range\r\n"),
		listC("LSET l -6 x", "-ERR index out of range\r\n"),
		listC("LSET l x x", listNotInt),
		listC("LSET none 0 x", "-ERR no such key\r\n"),
		listC("LSET none x x", "-ERR no such key\r\n"),
		listC("LRANGE l 0 -1", listBulks("a", "B", "c", "d", "E")),
		listC("LRANGE l 1 2", listBulks("B", "c")),
		listC("LRANGE l -2 100", listBulks("d", "E")),
		listC("LRANGE l -100 0", listBulks("a")),
		listC("LRANGE l 3 1", listEmptyArr),
		listC("LRANGE l 5 10", listEmptyArr),
		listC("LRANGE l -1 -2", listEmptyArr),
		listC("LRANGE l 0 9223372036854775807", listBulks("a", "B", "c", "d", "E")),
		listC("LRANGE l -9223372036854775808 -9223372036854775808", listEmptyArr),
		listC("LRANGE none 0 -1", listEmptyArr),
		listC("LRANGE none x 0", listNotInt), // indexes are parsed before the lookup
		listC("LRANGE l 0 01", listNotInt),
		listC("SET s v", "+OK\r\n"),
		listC("LINDEX s 0", listWrongType),
		listC("LINDEX s x", listWrongType),
		listC("LSET s 0 x", listWrongType),
		listC("LSET s x x", listWrongType),
		listC("LRANGE s 0 1", listWrongType),
		listC("LRANGE s x 1", listNotInt),
	})
}

func TestListInsertRemTrim(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("RPUSH l a b a c a", ":5\r\n"),
		listC("LINSERT l BEFORE a x", ":6\r\n"), // the first pivot from the head
		listC("LINSERT l after c y", ":7\r\n"),
		listC("LRANGE l 0 -1", listBulks("x", "a", "b", "a", "c", "y", "a")),
		listC("LINSERT l BEFORE nope z", ":-1\r\n"),
		listC("LINSERT none BEFORE a z", ":0\r\n"),
		listC("LINSERT none middle a z", listSyntaxErr),
		listC("LINSERT l middle a z", listSyntaxErr),
		listC("LREM l 1 a", ":1\r\n"),
		listC("LRANGE l 0 -1", listBulks("x", "b", "a", "c", "y", "a")),
		listC("LREM l -1 a", ":1\r\n"),
		listC("LRANGE l 0 -1", listBulks("x", "b", "a", "c", "y")),
		listC("RPUSH l a a", ":7\r\n"),
		listC("LREM l 0 a", ":3\r\n"),
		listC("LREM l 0 nope", ":0\r\n"),
		listC("LREM none 0 a", ":0\r\n"),
		listC("LREM l x a", listNotInt),
		listC("RPUSH m q q q", ":3\r\n"),
		listC("LREM m -9223372036854775808 q", ":3\r\n"), // -LONG_MIN wraps: no limit
		listC("EXISTS m", ":0\r\n"),
		listC("LRANGE l 0 -1", listBulks("x", "b", "c", "y")),
		listC("LTRIM l 1 -2", "+OK\r\n"),
		listC("LRANGE l 0 -1", listBulks("b", "c")),
		listC("LTRIM l 0 100", "+OK\r\n"),
		listC("LLEN l", ":2\r\n"),
		listC("LTRIM l 5 10", "+OK\r\n"),
		listC("EXISTS l", ":0\r\n"),
		listC("LTRIM none 0 1", "+OK\r\n"),
		listC("LTRIM none x 1", listNotInt),
		listC("SET s v", "+OK\r\n"),
		listC("LINSERT s BEFORE a b", listWrongType),
		listC("LINSERT s junk a b", listSyntaxErr),
		listC("LREM s 0 a", listWrongType),
		listC("LTRIM s 0 1", listWrongType),
		listC("LTRIM s 0 x", listNotInt),
	})
}

func TestListLpos(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("RPUSH l a b c 1 2 3 c c", ":8\r\n"),
		listC("LPOS l c", ":2\r\n"),
		listC("LPOS l c RANK 2", ":6\r\n"),
		listC("LPOS l c RANK -1", ":7\r\n"),
		listC("LPOS l c RANK -3", ":2\r\n"),
		listC("LPOS l c RANK 4", listNullBulk),
		listC("LPOS l c COUNT 0", "*3\r\n:2\r\n:6\r\n:7\r\n"),
		listC("LPOS l c COUNT 2", "*2\r\n:2\r\n:6\r\n"),
		listC("LPOS l c COUNT 2 RANK -1", "*2\r\n:7\r\n:6\r\n"),
		listC("LPOS l c COUNT 0 MAXLEN 3", "*1\r\n:2\r\n"),
		listC("LPOS l c MAXLEN 2", listNullBulk),
		listC("LPOS l c RANK -1 MAXLEN 1", ":7\r\n"),
		listC("LPOS l c RANK -9223372036854775808", ":7\r\n"), // every match qualifies
		listC("LPOS l x COUNT 5", listEmptyArr),
		listC("LPOS none c", listNullBulk),
		listC("LPOS none c COUNT 1", listEmptyArr),
		listC("LPOS l c RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
		listC("LPOS l c RANK x", listNotInt),
		listC("LPOS l c COUNT -1", "-ERR COUNT can't be negative\r\n"),
		listC("LPOS l c COUNT x", "-ERR COUNT can't be negative\r\n"),
		listC("LPOS l c MAXLEN -1", "-ERR MAXLEN can't be negative\r\n"),
		listC("LPOS l c RANK", listSyntaxErr),
		listC("LPOS l c bogus 1", listSyntaxErr),
		listC("SET s v", "+OK\r\n"),
		listC("LPOS s c", listWrongType),
		listC("LPOS s c RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
	})
}

func TestListMove(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("RPUSH src a b c", ":3\r\n"),
		listC("LMOVE src dst LEFT RIGHT", "$1\r\na\r\n"),
		listC("LMOVE src dst right left", "$1\r\nc\r\n"),
		listC("LRANGE dst 0 -1", listBulks("c", "a")),
		listC("RPOPLPUSH src dst", "$1\r\nb\r\n"),
		listC("EXISTS src", ":0\r\n"),
		listC("LRANGE dst 0 -1", listBulks("b", "c", "a")),
		listC("LMOVE dst dst LEFT RIGHT", "$1\r\nb\r\n"), // rotation
		listC("LRANGE dst 0 -1", listBulks("c", "a", "b")),
		listC("RPUSH one x", ":1\r\n"),
		listC("RPOPLPUSH one one", "$1\r\nx\r\n"), // a single element survives a self-move
		listC("LRANGE one 0 -1", listBulks("x")),
		listC("LMOVE none dst LEFT LEFT", listNullBulk),
		listC("RPOPLPUSH none dst", listNullBulk),
		listC("LMOVE src dst UP LEFT", listSyntaxErr),
		listC("LMOVE src dst LEFT DOWN", listSyntaxErr),
		listC("SET s v", "+OK\r\n"),
		listC("LMOVE dst s LEFT LEFT", listWrongType),
		listC("LRANGE dst 0 -1", listBulks("c", "a", "b")), // nothing popped
		listC("LMOVE s dst LEFT LEFT", listWrongType),
		listC("LMOVE none s LEFT LEFT", listNullBulk), // the destination is checked only when the source exists
		listC("RPOPLPUSH s dst", listWrongType),
	})
}

func TestListMpop(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("RPUSH b 1 2 3", ":3\r\n"),
		listC("LMPOP 2 a b LEFT", "*2\r\n$1\r\nb\r\n"+listBulks("1")),
		listC("LMPOP 2 a b RIGHT COUNT 5", "*2\r\n$1\r\nb\r\n"+listBulks("3", "2")),
		listC("LMPOP 2 a b LEFT", listNullArr),
		listC("LMPOP 0 a LEFT", "-ERR numkeys should be greater than 0\r\n"),
		listC("LMPOP x a LEFT", "-ERR numkeys should be greater than 0\r\n"),
		listC("LMPOP 2 a LEFT", listSyntaxErr),
		listC("LMPOP 9223372036854775807 a LEFT", listSyntaxErr),
		listC("LMPOP 1 a UP", listSyntaxErr),
		listC("LMPOP 1 a LEFT COUNT 0", "-ERR count should be greater than 0\r\n"),
		listC("LMPOP 1 a LEFT COUNT x", "-ERR count should be greater than 0\r\n"),
		listC("LMPOP 1 a LEFT COUNT 1 COUNT 1", listSyntaxErr),
		listC("LMPOP 1 a LEFT COUNT", listSyntaxErr),
		listC("SET s v", "+OK\r\n"),
		listC("RPUSH c x", ":1\r\n"),
		listC("LMPOP 2 s c LEFT", listWrongType),
		listC("LMPOP 2 c s LEFT", "*2\r\n$1\r\nc\r\n"+listBulks("x")), // the walk stops at the first list
	})
}

func TestListBlockingOneAttempt(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("BLPOP a b 0", listNullArr),
		listC("RPUSH b x y", ":2\r\n"),
		listC("BLPOP a b 0", listBulks("b", "x")),
		listC("BRPOP a b 1.5", listBulks("b", "y")),
		listC("EXISTS b", ":0\r\n"),
		listC("BLPOP a 0.0001", listNullArr),
		listC("BLPOP a -1", "-ERR timeout is negative\r\n"),
		listC("BLPOP a -0.0001", listNullArr), // ceil(-0.1) is 0
		listC("BLPOP a inf", "-ERR timeout is negative\r\n"),
		listC("BLPOP a 1e30", "-ERR timeout is negative\r\n"),
		listC("BLPOP a x", "-ERR timeout is not a float or out of range\r\n"),
		listC("BLPOP a nan", "-ERR timeout is not a float or out of range\r\n"),
		listC("RPUSH src 1 2", ":2\r\n"),
		listC("BLMOVE src dst LEFT RIGHT 0", "$1\r\n1\r\n"),
		listC("BRPOPLPUSH src dst 0", "$1\r\n2\r\n"),
		listC("BLMOVE src dst LEFT RIGHT 0", "$-1\r\n"), // as Redis inside MULTI
		listC("BRPOPLPUSH src dst 0", "$-1\r\n"),
		listC("BLMOVE src dst LEFT UP 0", listSyntaxErr),
		listC("BLMOVE src dst LEFT LEFT -1", "-ERR timeout is negative\r\n"),
		listC("BLMPOP 0 2 src dst RIGHT COUNT 2", "*2\r\n$3\r\ndst\r\n"+listBulks("1", "2")),
		listC("BLMPOP 0 1 dst LEFT", listNullArr),
		listC("BLMPOP x 1 dst LEFT", "-ERR timeout is not a float or out of range\r\n"),
		listC("BLMPOP x 0 dst LEFT", "-ERR numkeys should be greater than 0\r\n"), // options before the timeout
		listC("SET s v", "+OK\r\n"),
		listC("BLPOP s 0", listWrongType),
		listC("BLPOP none s 0", listWrongType),
		listC("RPUSH l z", ":1\r\n"),
		listC("BLPOP l s 0", listBulks("l", "z")),
		listC("BLMOVE s dst LEFT LEFT 0", listWrongType),
		listC("BLMOVE none s LEFT LEFT 0", "$-1\r\n"), // would block: the destination is not checked
		listC("RPUSH l z", ":1\r\n"),
		listC("BRPOPLPUSH l s 0", listWrongType),
		listC("LLEN l", ":1\r\n"),
	})
}

func TestBlockingKeysAndTimeout(t *testing.T) {
	tab := NewTable()
	argv := func(s string) [][]byte {
		var out [][]byte
		for _, f := range strings.Fields(s) {
			out = append(out, []byte(f))
		}
		return out
	}
	for _, tc := range []struct {
		cmd  string
		want []string
	}{
		{"BLPOP a b c 0", []string{"a", "b", "c"}},
		{"BRPOP a 1", []string{"a"}},
		{"BLMOVE src dst LEFT RIGHT 0", []string{"src"}},
		{"BRPOPLPUSH src dst 0", []string{"src"}},
		{"BLMPOP 0 2 a b LEFT COUNT 3", []string{"a", "b"}},
		// Positions as GETKEYS reports them; the FSM refuses this one
		// (no direction after the keys) before anything blocks.
		{"BLMPOP 0 3 a b LEFT", []string{"a", "b", "LEFT"}},
		{"BLMPOP 0 x a LEFT", nil},
		{"LPOP a", nil}, // not a blocking command
	} {
		a := argv(tc.cmd)
		got := BlockingKeys(tab.Lookup(a[0]), a)
		var gs []string
		for _, k := range got {
			gs = append(gs, string(k))
		}
		if !slices.Equal(gs, tc.want) {
			t.Errorf("BlockingKeys(%s) = %q, want %q", tc.cmd, gs, tc.want)
		}
	}
	// Commands of other families, described by their Redis specs.
	for _, tc := range []struct {
		spec Spec
		cmd  string
		want []string
	}{
		{Spec{Name: "bzpopmin", Flags: []string{"blocking"}, FirstKey: 1, LastKey: -2, Step: 1}, "BZPOPMIN z1 z2 0", []string{"z1", "z2"}},
		{Spec{Name: "bzmpop", Flags: []string{"blocking"}, Keys: NumKeys(2)}, "BZMPOP 0 1 z MIN", []string{"z"}},
		// A family added later brings its own Keys; BlockingKeys uses it.
		{Spec{Name: "xread", Flags: []string{"blocking"}, Keys: streamsKeys}, "XREAD BLOCK 0 STREAMS s1 s2 0 0", []string{"s1", "s2"}},
		{Spec{Name: "xreadgroup", Flags: []string{"blocking"}, Keys: streamsKeys}, "XREADGROUP GROUP g c STREAMS s >", []string{"s"}},
		{Spec{Name: "xread", Flags: []string{"blocking"}}, "XREAD BLOCK 0 STREAMS s1 0", nil}, // no Keys, no positions
	} {
		a := argv(tc.cmd)
		var gs []string
		for _, k := range BlockingKeys(&Command{Spec: tc.spec}, a) {
			gs = append(gs, string(k))
		}
		if !slices.Equal(gs, tc.want) {
			t.Errorf("BlockingKeys(%s) = %q, want %q", tc.cmd, gs, tc.want)
		}
	}
	for _, tc := range []struct {
		arg  string
		ms   int64
		fail string
	}{
		{"0", 0, ""},
		{"1.5", 1500, ""},
		{"0.0001", 1, ""},
		{"0x10", 16000, ""},
		{"-1", 0, "ERR timeout is negative"},
		{"inf", 0, "ERR timeout is negative"},
		{"", 0, "ERR timeout is not a float or out of range"},
		{" 1", 0, "ERR timeout is not a float or out of range"},
	} {
		ms, err := BlockTimeout([]byte(tc.arg))
		if (err == nil) != (tc.fail == "") || (err != nil && err.Error() != tc.fail) || ms != tc.ms {
			t.Errorf("BlockTimeout(%q) = %d, %v", tc.arg, ms, err)
		}
	}
}

// Writes keep a list's TTL; an expired list is gone for every command.
func TestListTTL(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("RPUSH l a b", ":2\r\n"),
		listC("PEXPIRE l 1000", ":1\r\n"),
		listC("LPUSH l c", ":3\r\n"),
		listC("LSET l 0 C", "+OK\r\n"),
		listC("LPOP l", "$1\r\nC\r\n"),
	})
	if got := h.do("PTTL", "l"); got != ":1000\r\n" {
		t.Fatalf("PTTL after list writes: %q", got)
	}
	h.advance(1000)
	h.cases([]listCase{
		listC("LLEN l", ":0\r\n"),
		listC("LPUSHX l a", ":0\r\n"),
		listC("RPUSH l z", ":1\r\n"),
		listC("PTTL l", ":-1\r\n"),
	})
}

// COPY clones the list; a snapshot taken before a write keeps the old
// contents while the live list moves on; a restore brings the list back
// with its encoding.
func TestListCopySnapshotRestore(t *testing.T) {
	h := newHarness(t)
	h.cases([]listCase{
		listC("RPUSH l a b c", ":3\r\n"),
		listC("COPY l l2", ":1\r\n"),
		listC("LPUSH l2 x", ":4\r\n"),
		listC("LRANGE l 0 -1", listBulks("a", "b", "c")),
	})
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	h.cases([]listCase{
		listC("LSET l 0 A", "+OK\r\n"),
		listC("RPOP l", "$1\r\nc\r\n"),
		listC("LINSERT l AFTER A ins", ":3\r\n"),
		listC("LRANGE l 0 -1", listBulks("A", "ins", "b")),
	})
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t)
	if err := h2.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	h2.cases([]listCase{
		listC("LRANGE l 0 -1", listBulks("a", "b", "c")),
		listC("LRANGE l2 0 -1", listBulks("x", "a", "b", "c")),
		listC("OBJECT ENCODING l", "$9\r\nquicklist\r\n"),
		listC("TYPE l2", "+list\r\n"),
		listC("RPUSH l d", ":4\r\n"),
	})
}

// Persist streams a snapshot while writes go on against the same list: the
// snapshot must see the list as it was, and (under -race) nothing may be
// shared unsafely between the two.
func TestListPersistDuringWrites(t *testing.T) {
	h := newHarness(t)
	args := []string{"RPUSH", "l"}
	for i := 0; i < 20000; i++ {
		args = append(args, listItoa(i))
	}
	h.do(args...)
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sink bufSink
	done := make(chan error, 1)
	go func() { done <- snap.Persist(&sink) }()
	for i := 0; i < 2000; i++ {
		h.do("LPUSH", "l", "new")
		h.do("LSET", "l", listItoa(i*7), "changed")
		h.do("RPOP", "l")
		h.do("LINSERT", "l", "BEFORE", listItoa(10000+i), "ins")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t)
	if err := h2.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	want := listBulks(args[2:]...)
	if got := h2.do("LRANGE", "l", "0", "-1"); got != want {
		t.Fatalf("snapshot saw later writes (%d bytes, want %d)", len(got), len(want))
	}
}

func TestBlockingTimeoutArg(t *testing.T) {
	tab := NewTable()
	tests := []struct {
		cmd  []string
		want string
	}{
		{[]string{"BLPOP", "a", "b", "1.5"}, "1.5"},
		{[]string{"BLMOVE", "a", "b", "LEFT", "RIGHT", "2"}, "2"},
		{[]string{"BLMPOP", "3", "1", "a", "LEFT", "COUNT", "2"}, "3"},
		{[]string{"BZMPOP", "4", "1", "z", "MIN"}, "4"},
		{[]string{"LPOP", "a"}, ""},
	}
	for _, tc := range tests {
		args := make([][]byte, len(tc.cmd))
		for i, a := range tc.cmd {
			args[i] = []byte(a)
		}
		if got := string(BlockingTimeoutArg(tab.Lookup(args[0]), args)); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

// streamsKeys stands in for the Keys a streams family would bring: the
// first half of what follows STREAMS.
func streamsKeys(args [][]byte) [][]byte {
	for i := 1; i < len(args); i++ {
		if strings.EqualFold(string(args[i]), "streams") {
			rest := args[i+1:]
			if len(rest) == 0 || len(rest)%2 != 0 {
				return nil
			}
			return rest[:len(rest)/2]
		}
	}
	return nil
}
