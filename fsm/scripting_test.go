package fsm

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestParseShebang(t *testing.T) {
	for _, tc := range []struct {
		body  string
		flags uint8
		skip  int
		err   string
	}{
		{"return 1", 0, 0, ""},
		{"#!lua\nreturn 1", flagShebang, 5, ""},
		{"#!lua flags=no-writes\nx", flagShebang | flagNoWrites, 21, ""},
		{"#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\n", flagShebang | flagNoWrites | flagAllowOOM | flagAllowStale | flagNoCluster | flagAllowCrossSlot, 76, ""},
		{"#!lua flags=\nx", flagShebang, 12, ""},
		{"#!lua flags=no-writes,\nx", 0, 0, "ERR Unexpected flag in script shebang: "},
		{"#!lua flags=bogus\nx", 0, 0, "ERR Unexpected flag in script shebang: bogus"},
		{"#!lua name=x\nx", 0, 0, "ERR Unknown lua shebang option: name=x"},
		{"#!python\nx", 0, 0, "ERR Unexpected engine in script shebang: #!python"},
		{"#!lua", 0, 0, "ERR Invalid script shebang"},
	} {
		flags, skip, err := parseShebang([]byte(tc.body))
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.body, err, tc.err)
			}
			continue
		}
		if err != nil || flags != tc.flags || skip != tc.skip {
			t.Errorf("%q: %b %d %v, want %b %d", tc.body, flags, skip, err, tc.flags, tc.skip)
		}
	}
}

// TestLoggedRouting: which EVAL-family calls go through the log.
func TestLoggedRouting(t *testing.T) {
	h := newHarness(t)
	rw := h.do("SCRIPT", "LOAD", "return 1")[5:45]
	ro := h.do("SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 1")[5:45]
	h.do("FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('w', function() end)\nredis.register_function{function_name='r', callback=function() end, flags={'no-writes'}}")
	for _, tc := range []struct {
		args []string
		log  bool
	}{
		{[]string{"EVAL", "return 1", "0"}, true},
		{[]string{"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}, false},
		{[]string{"EVAL", "#!lua flags=bogus\nreturn 1", "0"}, true},
		{[]string{"EVAL_RO", "return 1", "0"}, false},
		{[]string{"EVALSHA", rw, "0"}, true},
		{[]string{"EVALSHA", ro, "0"}, false},
		{[]string{"EVALSHA", strings.ToUpper(rw), "0"}, true},
		{[]string{"EVALSHA", "0000000000000000000000000000000000000000", "0"}, false},
		{[]string{"EVALSHA_RO", rw, "0"}, false},
		{[]string{"FCALL", "w", "0"}, true},
		{[]string{"FCALL", "r", "0"}, false},
		{[]string{"FCALL", "nosuch", "0"}, false},
		{[]string{"FCALL_RO", "w", "0"}, false},
		{[]string{"SCRIPT", "LOAD", "x"}, true},
		{[]string{"SCRIPT", "flush"}, true},
		{[]string{"SCRIPT", "EXISTS", rw}, false},
		{[]string{"FUNCTION", "DELETE", "l"}, true},
		{[]string{"FUNCTION", "RESTORE", "x"}, true},
		{[]string{"FUNCTION", "LIST"}, false},
		{[]string{"GET", "k"}, false},
		{[]string{"SET", "k", "v"}, true},
	} {
		argv := make([][]byte, len(tc.args))
		for i, a := range tc.args {
			argv[i] = []byte(a)
		}
		if got := h.f.Table().Lookup(argv[0]).NeedsLog(h.f, argv); got != tc.log {
			t.Errorf("%q: NeedsLog %v, want %v", tc.args, got, tc.log)
		}
	}
}

// TestScriptRunsIsolated: nothing one script does is seen by the next one,
// so a VM rebuilt after a restart behaves exactly as a long-lived one.
func TestScriptRunsIsolated(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct{ cmd, want string }{
		{"rawset(_G, 'leak', 1)", "-ERR Attempt to modify a readonly table"},
		{"rawset(string, 'leak', 1)", "-ERR Attempt to modify a readonly table"},
		{"getmetatable('').__index.leak = 1", "-ERR user_script:1: Attempt to modify a readonly table"},
		{"local m = getmetatable('') rawset(m, '__index', {})", "-ERR Attempt to modify a readonly table"},
		{"loadstring('leak = 1')()", "-ERR [string \"leak = 1\"]:1: Attempt to modify a readonly table"},
		{"setmetatable(_G, nil)", "-ERR Attempt to modify a readonly table"},
		{"setmetatable(string, {})", "-ERR Attempt to modify a readonly table"},
	} {
		got := h.do("EVAL", tc.cmd, "0")
		if tc.want != "" && !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want prefix %q", tc.cmd, got, tc.want)
		}
	}
	for _, probe := range []string{
		"return type(rawget(_G, 'leak'))", "return type(rawget(string, 'leak'))", "return type(string.leak)",
		"return type(getmetatable('').__index.leak)",
	} {
		if got := h.do("EVAL", probe, "0"); got != strBulk("nil") {
			t.Errorf("%s after the attempts: %q", probe, got)
		}
	}
	// Every run seeds math.random from its entry, whatever ran before.
	a := applyAll(New(16, nil), [][]string{{"EVAL", "math.randomseed(7)", "0"}, {"EVAL", "return math.random(1000000)", "0"}})
	b := applyAll(New(16, nil), [][]string{{"EVAL", "return 1", "0"}, {"EVAL", "return math.random(1000000)", "0"}})
	if a[1] != b[1] || a[1][0] != ':' {
		t.Errorf("math.random after another script: %q vs %q", a[1], b[1])
	}
}

func TestLrand48MatchesRedis(t *testing.T) {
	// math.randomseed(42); math.random(1000000), math.random() on Redis
	// 7.0.15: 744526 and 0.34270147855519.
	var r lrand48
	r.seed(42)
	if got := int(float64(r.next()%lrandMax)/float64(lrandMax)*1000000) + 1; got != 744526 {
		t.Errorf("first draw %d, want 744526", got)
	}
	if got := formatLuaNumber(float64(r.next()%lrandMax) / float64(lrandMax)); got != "0.34270147855519" {
		t.Errorf("second draw %s", got)
	}
	if mixSeed(1, 1) == mixSeed(1, 2) || mixSeed(1, 1) == mixSeed(2, 1) {
		t.Error("mixSeed collides on neighbours")
	}
}

func TestLuaConversions(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	for _, tc := range []struct {
		reply string
		back  string // luaToResp(respToLua(reply))
	}{
		{":42\r\n", ":42\r\n"},
		{"$3\r\nabc\r\n", "$3\r\nabc\r\n"},
		{"$-1\r\n", "$-1\r\n"}, // false
		{"*-1\r\n", "$-1\r\n"},
		{"+OK\r\n", "+OK\r\n"},
		{"-WRONGTYPE bad\r\n", "-WRONGTYPE bad\r\n"},
		{"-oops\r\n", "-ERR oops\r\n"},
		{"*3\r\n:1\r\n*1\r\n$1\r\nx\r\n$-1\r\n", "*3\r\n:1\r\n*1\r\n$1\r\nx\r\n$-1\r\n"},
		{"*0\r\n", "*0\r\n"},
	} {
		v, rest := respToLua(L, []byte(tc.reply))
		if len(rest) != 0 {
			t.Errorf("%q: %d bytes left", tc.reply, len(rest))
		}
		if got := string(luaToResp(nil, v, 0)); got != tc.back {
			t.Errorf("%q: back as %q, want %q", tc.reply, got, tc.back)
		}
	}
	for _, tc := range []struct {
		f    float64
		want int64
	}{{3.99, 3}, {-3.99, -3}, {1e100, -1 << 63}, {-1e100, -1 << 63}, {9.2233720368547758e18, -1 << 63}} {
		if got := luaToInt(tc.f); got != tc.want {
			t.Errorf("luaToInt(%g) = %d, want %d", tc.f, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"-ERR x y", "ERR x y"}, {"x y", "ERR x y"}, {"-x", "ERR x"}, {"-CODE", "ERR CODE"}, {"-A b\r\n", "A b"},
	} {
		if got := errorText(tc.in); got != tc.want {
			t.Errorf("errorText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		f    float64
		want string
	}{{0.1, "0.10000000000000001"}, {3.25, "3.25"}, {1e20, "1e+20"}, {100, "100"}} {
		if got := formatG17(tc.f); got != tc.want {
			t.Errorf("formatG17(%g) = %q, want %q", tc.f, got, tc.want)
		}
	}
	// A table holding itself ends in an error, not a stack overflow.
	self := L.NewTable()
	self.RawSetInt(1, self)
	if got := string(luaToResp(nil, self, 0)); !strings.Contains(got, "reached lua stack limit") {
		t.Errorf("self-referencing table: %.60q", got)
	}
}

func TestChunkID(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"x = 1", `[string "x = 1"]`},
		{"line1\nline2", `[string "line1..."]`},
		{"=name", "name"},
		{"@file", "file"},
		{strings.Repeat("a", 50), `[string "` + strings.Repeat("a", 43) + `..."]`},
	} {
		if got := chunkID(tc.in); got != tc.want {
			t.Errorf("chunkID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestEvalInTransaction: EVAL queued in MULTI runs inside QUORIS.TX, and
// WATCH sees a key a script changed.
func TestEvalInTransaction(t *testing.T) {
	h := newHarness(t)
	h.do("SET", "w", "0")
	watch := h.do("QUORIS.WATCH", "w")
	h.do("EVAL", "return redis.call('incr', KEYS[1])", "1", "w")
	if after := h.do("QUORIS.WATCH", "w"); after == watch {
		t.Fatalf("version of a key a script changed did not move: %q", after)
	}
	args := AppendTx(nil, nil, []TxCmd{
		{DB: 0, Args: [][]byte{[]byte("EVAL"), []byte("return redis.call('incrby', KEYS[1], ARGV[1])"), []byte("1"), []byte("w"), []byte("10")}},
		{DB: 0, Args: [][]byte{[]byte("GET"), []byte("w")}},
	})
	strs := make([]string, len(args))
	for i, a := range args {
		strs[i] = string(a)
	}
	if got := h.do(strs...); got != "*2\r\n:11\r\n$2\r\n11\r\n" {
		t.Errorf("transaction with EVAL: %q", got)
	}
}

// TestAddressesDeterministic: what Lua would print as a memory address is
// the same on every node, so a script cannot store node-specific bytes.
func TestAddressesDeterministic(t *testing.T) {
	cmds := [][]string{
		{"EVAL", "local t = {} local f = function() end return {tostring(t), tostring(f), tostring(t), string.format('%s %s', {}, t), tostring(coroutine.create(f))}", "0"},
		{"EVAL", "redis.call('set', 'addr', tostring({})) return redis.call('get', 'addr')", "0"},
	}
	a, b := applyAll(New(16, nil), cmds), applyAll(New(16, nil), cmds)
	for i := range cmds {
		if a[i] != b[i] {
			t.Errorf("%q: %q vs %q", cmds[i][1], a[i], b[i])
		}
	}
	want := "*5\r\n$21\r\ntable: 0x000000000001\r\n$24\r\nfunction: 0x000000000002\r\n$21\r\ntable: 0x000000000001\r\n" +
		"$43\r\ntable: 0x000000000003 table: 0x000000000001\r\n$22\r\nthread: 0x000000000004\r\n"
	if a[0] != want {
		t.Errorf("identities: %q", a[0])
	}
}

// gopher-lua would build Lua 5.0's "arg" table on every call of a script's
// main chunk, where nothing can name it: compileLua drops the flag there
// and only there.
func TestMainChunkBuildsNoArgTable(t *testing.T) {
	proto, err := compileLua("local function f(...) return arg.n end return f(1, 2)", "user_script")
	if err != nil {
		t.Fatal(err)
	}
	if proto.IsVarArg&lua.VarArgNeedsArg != 0 {
		t.Errorf("main chunk still asks for an arg table (IsVarArg %#x)", proto.IsVarArg)
	}
	if len(proto.FunctionPrototypes) != 1 || proto.FunctionPrototypes[0].IsVarArg&lua.VarArgNeedsArg == 0 {
		t.Errorf("a nested vararg function lost its arg table")
	}
}
