package resp

import (
	"bufio"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestAppendRESP3(t *testing.T) {
	cases := []struct {
		cmd   string
		reply string
		want  string
	}{
		{"GET k", "$-1\r\n", "_\r\n"},
		{"GET k", "$1\r\nv\r\n", "$1\r\nv\r\n"},
		{"BLPOP k 1", "*-1\r\n", "_\r\n"},
		{"SET k v", "+OK\r\n", "+OK\r\n"},
		{"INCR k", ":3\r\n", ":3\r\n"},
		{"GET k", "-WRONGTYPE x\r\n", "-WRONGTYPE x\r\n"},
		{"HMGET h a b", "*2\r\n$1\r\n1\r\n$-1\r\n", "*2\r\n$1\r\n1\r\n_\r\n"},
		{"HGETALL h", "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{"HGETALL h", "*0\r\n", "%0\r\n"},
		{"SMEMBERS s", "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "~2\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{"SPOP s 2", "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n"},
		{"SPOP s", "$1\r\na\r\n", "$1\r\na\r\n"},
		{"ZSCORE z m", "$3\r\n1.5\r\n", ",1.5\r\n"},
		{"ZSCORE z m", "$-1\r\n", "_\r\n"},
		{"ZSCORE z m", "$3\r\ninf\r\n", ",inf\r\n"},
		{"ZMSCORE z a b", "*2\r\n$1\r\n1\r\n$-1\r\n", "*2\r\n,1\r\n_\r\n"},
		{"ZADD z INCR 1 m", "$1\r\n2\r\n", ",2\r\n"},
		{"ZADD z 1 m", ":1\r\n", ":1\r\n"},
		{"ZRANGE z 0 -1 WITHSCORES", "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n"},
		{"ZRANGE z 0 -1", "*1\r\n$1\r\na\r\n", "*1\r\n$1\r\na\r\n"},
		{"ZPOPMIN z", "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*2\r\n$1\r\na\r\n,1\r\n"},
		{"ZPOPMIN z 1", "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*1\r\n*2\r\n$1\r\na\r\n,1\r\n"},
		{"BZPOPMIN z 0", "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1\r\n"},
		{"ZMPOP 1 z MIN", "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n"},
		{"HRANDFIELD h 1 WITHVALUES", "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{"GEOPOS g a b", "*2\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n*-1\r\n", "*2\r\n*2\r\n,1\r\n,2\r\n_\r\n"},
		{"INFO", "$3\r\na:1\r\n", "=7\r\ntxt:a:1\r\n"},
		{"client info", "$4\r\nid=1\r\n", "=8\r\ntxt:id=1\r\n"},
		{"CLIENT ID", ":1\r\n", ":1\r\n"},
		{"CONFIG GET x", "*0\r\n", "%0\r\n"},
		{"CONFIG SET x y", "+OK\r\n", "+OK\r\n"},
		{"COMMAND GETKEYSANDFLAGS set a b", "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n", "*1\r\n*2\r\n$1\r\na\r\n~2\r\n+OW\r\n+update\r\n"},
		{"COMMAND DOCS get", "*2\r\n$3\r\nget\r\n*4\r\n$7\r\nsummary\r\n$1\r\nx\r\n$9\r\narguments\r\n*1\r\n*2\r\n$4\r\nname\r\n$3\r\nkey\r\n",
			"%1\r\n$3\r\nget\r\n%2\r\n$7\r\nsummary\r\n$1\r\nx\r\n$9\r\narguments\r\n*1\r\n%1\r\n$4\r\nname\r\n$3\r\nkey\r\n"},
		{"EXEC", "*1\r\n%0\r\n", "*1\r\n%0\r\n"},
		// Pairs taken from redis-server 7.0.15 (RESP2 reply, then RESP3).
		{"CLUSTER NODES", "$5\r\nn :1\n\r\n", "=9\r\ntxt:n :1\n\r\n"},
		{"CLUSTER SHARDS", "*1\r\n*4\r\n$5\r\nslots\r\n*0\r\n$5\r\nnodes\r\n*1\r\n*4\r\n$2\r\nid\r\n$1\r\ne\r\n$4\r\nport\r\n:16380\r\n",
			"*1\r\n%2\r\n$5\r\nslots\r\n*0\r\n$5\r\nnodes\r\n*1\r\n%2\r\n$2\r\nid\r\n$1\r\ne\r\n$4\r\nport\r\n:16380\r\n"},
		{"LATENCY HISTOGRAM", "*2\r\n$5\r\nhello\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:33\r\n:1\r\n",
			"%1\r\n$5\r\nhello\r\n%2\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n%1\r\n:33\r\n:1\r\n"},
		{"MEMORY STATS", "*6\r\n$4\r\ndb.0\r\n*2\r\n$1\r\na\r\n:1\r\n$18\r\ndataset.percentage\r\n$4\r\n94.5\r\n$14\r\npeak.allocated\r\n:5\r\n",
			"%3\r\n$4\r\ndb.0\r\n%1\r\n$1\r\na\r\n:1\r\n$18\r\ndataset.percentage\r\n,94.5\r\n$14\r\npeak.allocated\r\n:5\r\n"},
		{"MEMORY MALLOC-STATS", "$1\r\nx\r\n", "=5\r\ntxt:x\r\n"},
		{"COMMAND INFO get", "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*1\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*1\r\n+@read\r\n*0\r\n*1\r\n*2\r\n$5\r\nflags\r\n*1\r\n+RO\r\n*0\r\n",
			"*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~1\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~1\r\n+@read\r\n~0\r\n~1\r\n%1\r\n$5\r\nflags\r\n~1\r\n+RO\r\n~0\r\n"},
		// A reply that does not fit its shape keeps its own type.
		{"HGETALL h", "-WRONGTYPE x\r\n", "-WRONGTYPE x\r\n"},
		{"HGETALL h", "*1\r\n$1\r\na\r\n", "*1\r\n$1\r\na\r\n"},
		// Unparseable bytes go through untouched.
		{"GET k", "$5\r\nab", "$5\r\nab"},
		// Several replies to one command (nothing does this today, but it must not lose bytes).
		{"GET k", "$-1\r\n$-1\r\n", "_\r\n_\r\n"},
	}
	for _, c := range cases {
		args := fields(c.cmd)
		if got := string(appendRESP3(nil, args, []byte(c.reply))); got != c.want {
			t.Errorf("%s: %q -> %q, want %q", c.cmd, c.reply, got, c.want)
		}
	}
}

func TestRESP3Helpers(t *testing.T) {
	cases := []struct{ got, want string }{
		{string(appendPushFrame(nil, 3)), ">3\r\n"},
		{string(appendMapHeader(nil, 3, 2)), "%2\r\n"},
		{string(appendMapHeader(nil, 2, 2)), "*4\r\n"},
		{string(appendSetHeader(nil, 3, 1)), "~1\r\n"},
		{string(appendSetHeader(nil, 2, 1)), "*1\r\n"},
		{string(appendNull(nil, 3)), "_\r\n"},
		{string(appendNull(nil, 2)), "$-1\r\n"},
		{string(appendNullArray(nil, 2)), "*-1\r\n"},
		{string(appendBool(nil, 3, true)), "#t\r\n"},
		{string(appendBool(nil, 2, false)), ":0\r\n"},
		{string(appendDouble(nil, 3, "1.5")), ",1.5\r\n"},
		{string(appendDouble(nil, 2, "1.5")), "$3\r\n1.5\r\n"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
}

// TestHelloAndReset checks the negotiation on a quoris server: HELLO 3
// switches the replies, HELLO without a version reports the current one,
// bad versions are refused, RESET goes back to RESP2.
func TestHelloAndReset(t *testing.T) {
	addr, _ := startTestServer(t)
	c := dialRaw(t, addr)
	cases := []struct {
		args []string
		want string // prefix of the reply
	}{
		{[]string{"HELLO", "4"}, "-NOPROTO unsupported protocol version\r\n"},
		{[]string{"HELLO", "1"}, "-NOPROTO unsupported protocol version\r\n"},
		{[]string{"HELLO", "x"}, "-ERR Protocol version is not an integer or out of range\r\n"},
		{[]string{"HELLO", "3", "FOO"}, "-ERR Syntax error in HELLO option 'FOO'\r\n"},
		{[]string{"GET", "nokey"}, "$-1\r\n"},
		{[]string{"HELLO", "3", "AUTH", "default", "x", "SETNAME", "n1"}, "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"},
		{[]string{"GET", "nokey"}, "_\r\n"},
		{[]string{"CLIENT", "GETNAME"}, "$2\r\nn1\r\n"},
		{[]string{"HELLO"}, "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"},
		{[]string{"HSET", "h", "a", "1"}, ":1\r\n"},
		{[]string{"HGETALL", "h"}, "%1\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"HGETALL", "h"}, "+QUEUED\r\n"},
		{[]string{"GET", "nokey"}, "+QUEUED\r\n"},
		{[]string{"ECHO", "e"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*3\r\n%1\r\n$1\r\na\r\n$1\r\n1\r\n_\r\n$1\r\ne\r\n"},
		{[]string{"SELECT", "1"}, "+OK\r\n"},
		{[]string{"RESET"}, "+RESET\r\n"},
		{[]string{"GET", "nokey"}, "$-1\r\n"},
		{[]string{"HGETALL", "h"}, "*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"CLIENT", "GETNAME"}, "$-1\r\n"},
		{[]string{"HELLO", "2"}, "*14\r\n"},
	}
	for _, tc := range cases {
		got := readAll3(t, c, tc.args...)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q: got %q, want prefix %q", tc.args, got, tc.want)
		}
	}
	readAll3(t, c, "HELLO", "3")
	if got := readAll3(t, c, "CLIENT", "INFO"); !strings.HasPrefix(got, "=") || !strings.HasSuffix(got, " resp=3\n\r\n") {
		t.Errorf("CLIENT INFO in RESP3: %q", got)
	}
}

// readAll3 sends one command and returns its raw reply, RESP2 or RESP3.
func readAll3(t *testing.T, r *rawConn, args ...string) string {
	t.Helper()
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	if _, err := r.c.Write(appendCommand(nil, argv)); err != nil {
		t.Fatal(err)
	}
	v, err := readNode3(r.rd, 0)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return v.raw
}

// node3 is a parsed RESP3 value for tests: raw is its bytes, typ its type
// byte, text its line or payload, kids its elements (a map's keys and
// values alternate).
type node3 struct {
	raw  string
	typ  byte
	text string
	kids []node3
}

func readNode3(rd *bufio.Reader, depth int) (node3, error) {
	if depth > 64 {
		return node3{}, errBadReply
	}
	line, err := rd.ReadString('\n')
	if err != nil {
		return node3{}, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return node3{}, fmt.Errorf("bad line %q", line)
	}
	n := node3{raw: line, typ: line[0], text: line[1 : len(line)-2]}
	switch n.typ {
	case '+', '-', ':', '_', ',', '#', '(':
		return n, nil
	case '$', '=', '!':
		size, err := strconv.Atoi(n.text)
		if err != nil {
			return node3{}, err
		}
		if size < 0 {
			return n, nil
		}
		buf := make([]byte, size+2)
		if _, err := readFull(rd, buf); err != nil {
			return node3{}, err
		}
		n.raw += string(buf)
		n.text = string(buf[:size])
		return n, nil
	case '*', '~', '%', '>', '|':
		size, err := strconv.Atoi(n.text)
		if err != nil {
			return node3{}, err
		}
		if n.typ == '%' || n.typ == '|' {
			size *= 2
		}
		for i := 0; i < size; i++ {
			k, err := readNode3(rd, depth+1)
			if err != nil {
				return node3{}, err
			}
			n.raw += k.raw
			n.kids = append(n.kids, k)
		}
		return n, nil
	}
	return node3{}, fmt.Errorf("bad type %q", n.typ)
}

// canon is n's bytes with the elements of sets and the pairs of maps in
// sorted order (Redis leaves their order unspecified: dict iteration).
func (n node3) canon() string {
	if len(n.kids) == 0 {
		return n.raw
	}
	kids := make([]string, len(n.kids))
	for i, k := range n.kids {
		kids[i] = k.canon()
	}
	switch n.typ {
	case '~':
		sort.Strings(kids)
	case '%':
		pairs := make([]string, 0, len(kids)/2)
		for i := 0; i+1 < len(kids); i += 2 {
			pairs = append(pairs, kids[i]+kids[i+1])
		}
		sort.Strings(pairs)
		kids = pairs
	}
	head := n.raw[:strings.Index(n.raw, "\r\n")+2]
	return head + strings.Join(kids, "")
}

// skeleton is n's types and sizes without the leaves' contents, for
// replies whose values legitimately differ (ids, times, memory).
func (n node3) skeleton() string {
	switch n.typ {
	case '*', '~', '%', '>', '|':
		var b strings.Builder
		b.WriteString(string(n.typ) + n.text + "[")
		for _, k := range n.kids {
			b.WriteString(k.skeleton())
		}
		b.WriteString("]")
		return b.String()
	case '=':
		return "=" + n.text[:min(4, len(n.text))]
	}
	return string(n.typ)
}

func fields(s string) [][]byte {
	var out [][]byte
	for _, f := range strings.Fields(s) {
		out = append(out, []byte(f))
	}
	return out
}

// BenchmarkAppendRESP3 measures the conversion a RESP3 client pays: a
// 100-member ZRANGE WITHSCORES and a plain GET.
func BenchmarkAppendRESP3(b *testing.B) {
	var reply []byte
	reply = appendHeader(reply, '*', 200)
	for i := 0; i < 100; i++ {
		reply = appendBulk3(reply, []byte("member:"+strconv.Itoa(i)))
		reply = appendBulk3(reply, []byte(strconv.FormatFloat(float64(i)*1.5, 'g', 17, 64)))
	}
	for _, bc := range []struct {
		name  string
		args  [][]byte
		reply []byte
	}{
		{"zrange-withscores-100", fields("ZRANGE z 0 -1 WITHSCORES"), reply},
		{"get", fields("GET k"), []byte("$5\r\nvalue\r\n")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var out []byte
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				out = appendRESP3(out[:0], bc.args, bc.reply)
			}
		})
	}
}
