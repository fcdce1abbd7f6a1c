package lualib

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quoris/quoris/integration/redistest"

	lua "github.com/yuin/gopher-lua"
)

// The differential test runs the same snippets through EVAL on a real
// redis-server and through gopher-lua with OpenAll, and compares the
// serialised results byte for byte. Every snippet runs inside pcall, so
// errors compare as their message text (with the "user_script:1:" prefix
// both sides add). Table results serialise with sorted keys: C Lua and
// gopher-lua iterate hash parts in different orders.

// diffPrelude defines qs (quote a string, escaping bytes outside
// printable ASCII) and ser (serialise any value deterministically).
const diffPrelude = `local function qs(s) local o={} for i=1,#s do local b=s:byte(i) if b<32 or b>126 or b==92 or b==34 then o[#o+1]='\\'..b else o[#o+1]=string.char(b) end end return '"'..table.concat(o)..'"' end ` +
	`local ser; ser=function(v,d) local t=type(v) if t=='string' then return qs(v) elseif t=='number' then if v~=v then return 'nan' elseif v==1/0 then return 'inf' elseif v==-1/0 then return '-inf' end return string.format('%.17g',v) elseif t=='table' then if d>40 then return '{...}' end local ks={} for k in pairs(v) do ks[#ks+1]={ser(k,d+1),k} end table.sort(ks,function(a,b) return a[1]<b[1] end) local o={} for _,k in ipairs(ks) do o[#o+1]=k[1]..'='..ser(v[k[2]],d+1) end return '{'..table.concat(o,',')..'}' elseif t=='userdata' then if v==cjson.null then return 'null' end return 'userdata' else return tostring(v) end end ` +
	`local function pk(...) return select('#',...),{...} end `

// diffScript wraps body (Lua statements ending in a return) into a one-line
// script that returns the serialised results of pcall(body).
func diffScript(body string) string {
	return diffPrelude + `local n,r=pk(pcall(function() ` + body + ` end)) local o={} for i=1,n do o[i]=ser(r[i],0) end return table.concat(o,' | ')`
}

type redisConn struct {
	conn net.Conn
	rd   *bufio.Reader
}

func redisOrSkip(t *testing.T) *redisConn {
	t.Helper()
	conn, err := net.Dial("tcp", redistest.StartOrSkip(t, redistest.Quiet...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &redisConn{conn: conn, rd: bufio.NewReader(conn)}
}

// eval runs EVAL script 0 and returns the bulk string reply, or the error
// reply prefixed with "-".
func (r *redisConn) eval(t *testing.T, script string) string {
	t.Helper()
	var b []byte
	b = fmt.Appendf(b, "*3\r\n$4\r\nEVAL\r\n$%d\r\n%s\r\n$1\r\n0\r\n", len(script), script)
	r.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := r.conn.Write(b); err != nil {
		t.Fatalf("redis write: %v", err)
	}
	line, err := r.rd.ReadString('\n')
	if err != nil {
		t.Fatalf("redis read: %v", err)
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return "(nil)"
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r.rd, buf); err != nil {
			t.Fatalf("redis read: %v", err)
		}
		return string(buf[:n])
	case '-':
		return line
	}
	t.Fatalf("unexpected reply %q to %q", line, script)
	return ""
}

// localEval runs script like EVAL does: compiled as chunk "user_script".
func localEval(L *lua.LState, script string) string {
	fn, err := L.Load(strings.NewReader(script), "user_script")
	if err != nil {
		return "-ERR compile: " + err.Error()
	}
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		return "-ERR " + err.Error()
	}
	v := L.Get(-1)
	L.Pop(1)
	return v.String()
}

// diffCase is one snippet: statements ending in a return.
type diffCase struct {
	name string
	body string
}

func runDiff(t *testing.T, r *redisConn, L *lua.LState, cases []diffCase) (failed int) {
	t.Helper()
	for _, c := range cases {
		script := diffScript(c.body)
		want := r.eval(t, script)
		got := localEval(L, script)
		if got != want {
			failed++
			if failed <= 40 {
				t.Errorf("%s: %s\n redis: %s\n local: %s", c.name, clip(c.body), clip(want), clip(got))
			}
		}
	}
	return failed
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// newDiffState sizes the registry so that, like Redis's Lua, a C function
// may return up to LUAI_MAXCSTACK values.
func newDiffState() *lua.LState {
	L := lua.NewState(lua.Options{RegistrySize: 1024 * 20, RegistryMaxSize: 1024 * 80})
	OpenAll(L)
	return L
}

func TestRedisDifferential(t *testing.T) {
	r := redisOrSkip(t)
	L := newDiffState()
	defer L.Close()
	groups := []struct {
		name  string
		cases []diffCase
	}{
		{"bit", bitDiffCases()},
		{"struct", structDiffCases()},
		{"cjson", cjsonDiffCases()},
		{"cmsgpack", cmsgpackDiffCases()},
		{"misc", miscDiffCases()},
		{"fuzz", fuzzDiffCases()},
		{"numbers", numberDiffCases()},
		{"json-text", jsonTextDiffCases()},
	}
	total := 0
	for _, g := range groups {
		failed := runDiff(t, r, L, g.cases)
		t.Logf("%s: %d cases, %d differ", g.name, len(g.cases), failed)
		total += len(g.cases)
	}
	t.Logf("total differential cases: %d", total)
}

// miscDiffCases: called directly by pcall, a C function has no name in
// its argument errors.
func miscDiffCases() []diffCase {
	return []diffCase{
		{name: "direct-pcall[0]", body: "return pcall(struct.pack, 'z')"},
		{name: "direct-pcall[1]", body: "return pcall(cjson.encode)"},
		{name: "direct-pcall[2]", body: "return pcall(bit.band, {})"},
		{name: "direct-pcall[3]", body: "return pcall(cmsgpack.unpack_limit, 'a', 'b')"},
		{name: "direct-pcall[4]", body: "return pcall(cjson.decode, '[')"},
		{name: "name-local", body: "local e = cjson.encode return e()"},
		{name: "name-local-nontail", body: "local e = struct.pack local x = e('z') return x"},
		{name: "name-field", body: "local t = {f = bit.band} return t.f({})"},
		{name: "name-bracket", body: "return cjson['encode']()"},
		{name: "name-paren", body: "return (cjson.encode)()"},
		{name: "name-index-expr", body: "local k = 'encode' return cjson[k]()"},
		{name: "name-upvalue", body: "local e = cmsgpack.unpack_limit local function f() return e('x') end return f()"},
		{name: "name-call-result", body: "local function g() return struct.size end return g()('s')"},
	}
}

func exprCases(prefix string, exprs ...string) []diffCase {
	out := make([]diffCase, len(exprs))
	for i, e := range exprs {
		out[i] = diffCase{name: fmt.Sprintf("%s[%d]", prefix, i), body: "return " + e}
	}
	return out
}

// diffSeed is a random test's seed: def, or def plus LUALIB_SEED to
// explore other sequences (go test -run Differential with LUALIB_SEED=n).
func diffSeed(def uint64) uint64 {
	if s := os.Getenv("LUALIB_SEED"); s != "" {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return def + v
		}
	}
	return def
}
