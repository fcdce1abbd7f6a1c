package fsm

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/quoris/quoris/fsm/lualib"
)

// Redis's version as scripts see it (redis.REDIS_VERSION[_NUM]).
const (
	scriptRedisVersion    = "7.0.15"
	scriptRedisVersionNum = 0x07000f
)

// luaEngine is one Lua VM with Redis's sandbox. The FSM keeps one for apply
// (single-threaded) and a pool for the read path. Nothing a script does can
// outlive its run: every run gets fresh global and library proxies (see
// newEnv), so a node that rebuilt its VM after a restart runs the next
// script exactly as a node that never restarted.
type luaEngine struct {
	L      *lua.LState
	f      *FSM
	budget budgetCtx
	run    *scriptRun

	globals map[string]lua.LValue  // what scripts may read, libraries as real tables
	libs    map[string]*lua.LTable // real library tables, handed out as proxies
	loadAPI *lua.LTable            // the `redis` a FUNCTION library sees while loading
	envMeta *lua.LTable            // metatable of every env proxy
	libMeta map[*lua.LTable]*lua.LTable
	scratch []byte

	resumeDepth int  // nested coroutine resumes in the current run
	broken      bool // a Go panic unwound through the VM: do not reuse it
}

// scriptRun is the state of one script execution.
type scriptRun struct {
	c          *Ctx // the EVAL/FCALL command's context
	dbIndex    int  // SELECT inside a script changes this only
	readOnly   bool // no-writes, *_RO, or the read path
	name       string
	source     string // "@user_script" or "@user_function"
	calls      uint64
	rng        lrand48
	env        *lua.LTable
	backing    map[string]lua.LValue     // per-run globals: proxies, KEYS, ARGV
	proxies    map[*lua.LTable]bool      // tables a script must not modify
	loading    bool                      // a FUNCTION library's body is running
	library    *luaLibrary               // being loaded: register_function adds here
	callbacks  map[string]*lua.LFunction // what the library's load registered
	registered bool                      // library.funcs is known: do not add again
	errLine    map[lua.LValue]int        // line where an error value was raised
	wrote      bool
	resp3      bool               // redis.setresp(3): redis.call replies in RESP3 types
	noSuffix   bool               // errors without Redis's " script: ..." suffix (library loads)
	ids        map[lua.LValue]int // see identity
}

// maxScriptString is proto-max-bulk-len: the largest string string.rep builds.
const maxScriptString = 512 << 20

// strMetaKey holds a run's string metatable in its backing map; no Lua
// identifier can name it.
const strMetaKey = "\x00stringmeta"

var luaBuiltins = []string{"assert", "ipairs", "next", "pairs", "rawequal", "rawget",
	"select", "setmetatable", "tonumber", "type", "unpack", "xpcall"}

func newLuaEngine(f *FSM) *luaEngine {
	L := lua.NewState(lua.Options{SkipOpenLibs: true, CallStackSize: 1000, RegistrySize: 256, RegistryMaxSize: 1 << 20})
	for _, open := range []struct {
		name string
		fn   lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath}, {lua.CoroutineLibName, lua.OpenCoroutine}} {
		L.Push(L.NewFunction(open.fn))
		L.Push(lua.LString(open.name))
		L.Call(1, 0)
	}
	lualib.OpenAll(L)
	e := &luaEngine{L: L, f: f, globals: map[string]lua.LValue{}, libs: map[string]*lua.LTable{}, libMeta: map[*lua.LTable]*lua.LTable{}}
	g := L.G.Global
	for _, name := range luaBuiltins {
		e.globals[name] = g.RawGetString(name)
	}
	for _, name := range []string{"string", "table", "math", "coroutine", "cjson", "cmsgpack", "bit", "struct"} {
		e.libs[name] = g.RawGetString(name).(*lua.LTable)
	}
	e.globals["_VERSION"] = lua.LString("Lua 5.1")
	set := func(name string, fn lua.LGFunction) { e.globals[name] = L.NewFunction(fn) }
	set("pcall", e.luaPcall)
	set("error", e.luaError)
	set("tostring", e.luaTostring)
	set("getmetatable", e.luaGetmetatable)
	set("rawset", e.luaRawset)
	setmeta := g.RawGetString("setmetatable").(*lua.LFunction)
	set("setmetatable", func(L *lua.LState) int {
		if t, ok := L.Get(1).(*lua.LTable); ok && e.run != nil && e.run.proxies[t] {
			e.raise(L, lua.LString("Attempt to modify a readonly table"))
		}
		L.Insert(setmeta, 1)
		L.Call(L.GetTop()-1, 1)
		return 1
	})
	set("loadstring", e.luaLoadstring)
	set("load", e.luaLoad)
	set("collectgarbage", func(L *lua.LState) int { L.Push(lua.LNumber(0)); return 1 })
	set("gcinfo", func(L *lua.LState) int { L.Push(lua.LNumber(0)); return 1 })

	str := e.libs["string"]
	rep := str.RawGetString("rep").(*lua.LFunction)
	str.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
		// One call must not ask the Go runtime for more than a bulk string
		// may hold: an allocation failure is fatal to the process, and it
		// would happen on every node at once.
		if n := L.OptInt64(2, 0); n > 0 && int64(len(L.CheckString(1)))*n > maxScriptString {
			e.raise(L, lua.LString(e.where(L)+"resulting string too large"))
		}
		L.Insert(rep, 1)
		L.Call(L.GetTop()-1, 1)
		return 1
	}))
	str.RawSetString("format", L.NewFunction(e.stringFormat(str.RawGetString("format").(*lua.LFunction))))
	math := e.libs["math"]
	math.RawSetString("random", L.NewFunction(e.mathRandom))
	math.RawSetString("randomseed", L.NewFunction(e.mathRandomseed))
	co := e.libs["coroutine"]
	create := co.RawGetString("create").(*lua.LFunction)
	co.RawSetString("create", L.NewFunction(func(L *lua.LState) int { return e.budgeted(L, create) }))
	wrap := co.RawGetString("wrap").(*lua.LFunction)
	co.RawSetString("wrap", L.NewFunction(func(L *lua.LState) int {
		e.budgeted(L, wrap)
		inner := L.Get(-1).(*lua.LFunction)
		L.Push(L.NewFunction(func(L *lua.LState) int { return e.nested(L, inner) }))
		return 1
	}))
	resume := co.RawGetString("resume").(*lua.LFunction)
	co.RawSetString("resume", L.NewFunction(func(L *lua.LState) int { return e.nested(L, resume) }))

	e.libs["redis"] = e.redisTable()
	e.loadAPI = e.loadTable()
	e.envMeta = L.NewTable()
	e.envMeta.RawSetString("__index", L.NewFunction(e.envIndex))
	e.envMeta.RawSetString("__newindex", L.NewFunction(e.readonlyErr))
	for _, lib := range e.libs {
		e.libMeta[lib] = e.protectMeta(lib)
	}
	return e
}

func (e *luaEngine) protectMeta(lib *lua.LTable) *lua.LTable {
	m := e.L.NewTable()
	m.RawSetString("__index", lib)
	m.RawSetString("__newindex", e.L.NewFunction(e.readonlyErr))
	return m
}

// budgeted runs coroutine.create or wrap, then gives the new thread this
// run's instruction budget: a coroutine would otherwise get a context of
// its own and escape the count.
func (e *luaEngine) budgeted(L *lua.LState, orig *lua.LFunction) int {
	fn := L.CheckFunction(1)
	L.Push(orig)
	L.Push(fn)
	L.Call(1, 1)
	res := L.Get(-1)
	if th, ok := res.(*lua.LState); ok {
		th.SetContext(&e.budget)
	} else if wrapped, ok := res.(*lua.LFunction); ok && len(wrapped.Upvalues) > 0 {
		if th, ok := wrapped.Upvalues[0].Value().(*lua.LState); ok {
			th.SetContext(&e.budget)
		}
	}
	return 1
}

// maxResumeDepth is Lua 5.1's LUAI_MAXCCALLS: each nested resume is a C
// call there. gopher-lua nests Go calls instead, which nothing else bounds.
const maxResumeDepth = 200

// nested calls fn (a resume) one coroutine level deeper, refusing past
// maxResumeDepth as Lua 5.1 does ("C stack overflow").
func (e *luaEngine) nested(L *lua.LState, fn *lua.LFunction) int {
	if e.resumeDepth >= maxResumeDepth {
		e.raise(L, lua.LString(e.where(L)+"C stack overflow"))
	}
	e.resumeDepth++
	defer func() { e.resumeDepth-- }()
	L.Insert(fn, 1)
	L.Call(L.GetTop()-1, lua.MultRet)
	return L.GetTop()
}

// newEnv builds a run's globals: an empty table whose reads go to backing
// (proxies of the libraries, created on first use) and whose writes fail,
// as Redis's read-only globals do.
func (e *luaEngine) newEnv(run *scriptRun) {
	run.backing = map[string]lua.LValue{}
	run.proxies = map[*lua.LTable]bool{}
	run.errLine = map[lua.LValue]int{}
	// Per-run tables start empty: NewTable preallocates 32 array and 32
	// hash slots, which dominated a small script's cost.
	env := e.L.CreateTable(0, 0)
	e.L.SetMetatable(env, e.envMeta)
	run.env = env
	run.proxies[env] = true
	run.backing["_G"] = env
}

// proxy is lib as a script sees it during this run.
func (e *luaEngine) proxy(run *scriptRun, name string) lua.LValue {
	if v, ok := run.backing[name]; ok {
		return v
	}
	lib := e.libs[name]
	if run.loading {
		if name != "redis" {
			return nil
		}
		lib = e.loadAPI
	}
	p := e.L.CreateTable(0, 0)
	if run.loading {
		// A library's load-time redis table has Redis's error metatable:
		// redis.call is a "nonexistent global" while loading.
		m := e.L.CreateTable(0, 2)
		m.RawSetString("__index", e.L.NewFunction(func(L *lua.LState) int {
			if v := lib.RawGet(L.Get(2)); v != lua.LNil {
				L.Push(v)
				return 1
			}
			e.raise(L, lua.LString(e.where(L)+"Script attempted to access nonexistent global variable '"+L.ToString(2)+"'"))
			return 0
		}))
		m.RawSetString("__newindex", e.L.NewFunction(e.readonlyErr))
		e.L.SetMetatable(p, m)
	} else {
		e.L.SetMetatable(p, e.protectMetaFor(lib))
	}
	run.proxies[p] = true
	run.backing[name] = p
	if name == "string" {
		// getmetatable("") answers a per-run table whose __index is this
		// proxy: the VM's string metatable must stay out of reach.
		sm := e.L.CreateTable(0, 1)
		sm.RawSetString("__index", p)
		run.proxies[sm] = true
		run.backing[strMetaKey] = sm
	}
	return p
}

func (e *luaEngine) protectMetaFor(lib *lua.LTable) *lua.LTable {
	if m, ok := e.libMeta[lib]; ok {
		return m
	}
	m := e.protectMeta(lib)
	e.libMeta[lib] = m
	return m
}

func (e *luaEngine) envIndex(L *lua.LState) int {
	run := e.run
	name, _ := L.Get(2).(lua.LString)
	if run != nil {
		if v, ok := run.backing[string(name)]; ok {
			L.Push(v)
			return 1
		}
		if _, ok := e.libs[string(name)]; ok {
			if p := e.proxy(run, string(name)); p != nil {
				L.Push(p)
				return 1
			}
		} else if v, ok := e.globals[string(name)]; ok && !run.loading {
			L.Push(v)
			return 1
		}
	}
	e.raise(L, lua.LString(e.where(L)+"Script attempted to access nonexistent global variable '"+L.ToString(2)+"'"))
	return 0
}

func (e *luaEngine) readonlyErr(L *lua.LState) int {
	e.raise(L, lua.LString(e.where(L)+"Attempt to modify a readonly table"))
	return 0
}

// where is the position of the innermost Lua frame, "user_script:3: ", as
// Lua prefixes an error raised at level 1.
func (e *luaEngine) where(L *lua.LState) string {
	src, line := luaPosition(L)
	if line <= 0 {
		return ""
	}
	return src + ":" + strconv.Itoa(line) + ": "
}

// luaPosition is the source and current line of the innermost Lua (not Go)
// function on L's stack.
func luaPosition(L *lua.LState) (string, int) {
	for i := 0; ; i++ {
		dbg, ok := L.GetStack(i)
		if !ok {
			return "", 0
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			return "", 0
		}
		if dbg.CurrentLine > 0 {
			return dbg.Source, dbg.CurrentLine
		}
	}
}

// raise throws v, remembering the line it came from for the reply's
// "on @user_script:N." suffix.
func (e *luaEngine) raise(L *lua.LState, v lua.LValue) {
	if run := e.run; run != nil {
		if _, line := luaPosition(L); line > 0 {
			run.errLine[v] = line
		}
	}
	L.Error(v, 0)
}

// luaError is Lua 5.1's error(): strings and numbers get the position of
// the function at the given level (1, the caller, by default), none when
// that function is not Lua (pcall(error, "x")); other values go as they are.
func (e *luaEngine) luaError(L *lua.LState) int {
	v := L.Get(1)
	level := L.OptInt(2, 1)
	switch s := v.(type) {
	case lua.LString, lua.LNumber:
		msg := s.String()
		if level > 0 {
			msg = levelWhere(L, level) + msg
		}
		v = lua.LString(msg)
	}
	e.raise(L, v)
	return 0
}

// levelWhere is luaL_where: "src:line: " of the function level frames up
// the stack (0 is the running Go function), "" if it is not a Lua function.
func levelWhere(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 {
		return ""
	}
	return dbg.Source + ":" + strconv.Itoa(dbg.CurrentLine) + ": "
}

// luaPcall is Redis's pcall: an error table with an err field comes back
// as its message, as pre-7.0 scripts expect.
func (e *luaEngine) luaPcall(L *lua.LState) int {
	L.CheckAny(1)
	n := L.GetTop()
	err := L.PCall(n-1, lua.MultRet, nil)
	if err != nil {
		obj := lua.LValue(lua.LString(err.Error()))
		if ae, ok := err.(*lua.ApiError); ok {
			obj = ae.Object
		}
		if t, ok := obj.(*lua.LTable); ok {
			if s, ok := t.RawGetString("err").(lua.LString); ok {
				obj = s
			}
		}
		L.SetTop(0)
		L.Push(lua.LFalse)
		L.Push(obj)
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// luaTostring formats numbers as Lua 5.1 does ("%.14g"); gopher-lua's own
// tostring prints Go's shortest form. Tables, functions and threads print
// an identity that is the same on every node (see identity).
func (e *luaEngine) luaTostring(L *lua.LState) int {
	v := L.CheckAny(1)
	if mt, ok := L.GetMetaField(v, "__tostring").(*lua.LFunction); ok {
		L.Push(mt)
		L.Push(v)
		L.Call(1, 1)
		return 1
	}
	L.Push(lua.LString(e.plainString(v)))
	return 1
}

func (e *luaEngine) plainString(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LNumber:
		return formatLuaNumber(float64(v))
	case *lua.LTable, *lua.LFunction, *lua.LState, *lua.LUserData:
		return e.identity(v)
	}
	return v.String()
}

// identity stands in for the address Lua prints for a table ("table:
// 0x55d0c3a8e2a0"): a memory address differs between nodes, and a script
// that stores one would make their states differ. Values are numbered in
// the order a run first prints them.
func (e *luaEngine) identity(v lua.LValue) string {
	if ud, ok := v.(*lua.LUserData); ok && ud.Value == nil {
		return v.String() // cjson.null prints "userdata: (nil)" everywhere
	}
	run := e.run
	if run == nil {
		return v.Type().String()
	}
	if run.ids == nil {
		run.ids = map[lua.LValue]int{}
	}
	id, ok := run.ids[v]
	if !ok {
		id = len(run.ids) + 1
		run.ids[v] = id
	}
	return fmt.Sprintf("%s: 0x%012x", v.Type().String(), id)
}

// stringFormat is string.format with tables, functions and threads given
// to %s printed by identity rather than by address.
func (e *luaEngine) stringFormat(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		for i := 2; i <= L.GetTop(); i++ {
			switch v := L.Get(i).(type) {
			case *lua.LTable, *lua.LFunction, *lua.LState, *lua.LUserData:
				if _, ok := L.GetMetaField(v, "__tostring").(*lua.LFunction); !ok {
					L.Replace(i, lua.LString(e.identity(v)))
				}
			}
		}
		L.Insert(orig, 1)
		L.Call(L.GetTop()-1, lua.MultRet)
		return L.GetTop()
	}
}

func formatLuaNumber(f float64) string {
	s := strconv.FormatFloat(f, 'g', 14, 64)
	switch s {
	case "+Inf":
		return "inf"
	case "-Inf":
		return "-inf"
	case "NaN":
		return "nan"
	}
	return s
}

func (e *luaEngine) luaGetmetatable(L *lua.LState) int {
	v := L.CheckAny(1)
	if _, ok := v.(lua.LString); ok && e.run != nil {
		e.proxy(e.run, "string")
		if sm, ok := e.run.backing[strMetaKey]; ok {
			L.Push(sm)
		} else {
			L.Push(lua.LNil)
		}
		return 1
	}
	if t, ok := v.(*lua.LTable); ok && e.run != nil && e.run.proxies[t] {
		// A proxy's metatable is shared by every run: hand out a copy.
		L.Push(e.L.NewTable())
		return 1
	}
	L.Push(L.GetMetatable(v))
	return 1
}

func (e *luaEngine) luaRawset(L *lua.LState) int {
	t := L.CheckTable(1)
	if e.run != nil && e.run.proxies[t] {
		e.raise(L, lua.LString("Attempt to modify a readonly table"))
	}
	t.RawSet(L.CheckAny(2), L.CheckAny(3))
	L.Push(t)
	return 1
}

// luaLoadstring compiles a chunk into this run's globals, never the VM's.
func (e *luaEngine) luaLoadstring(L *lua.LState) int {
	src := L.CheckString(1)
	name := L.OptString(2, src)
	return e.loadChunk(L, src, chunkID(name))
}

func (e *luaEngine) luaLoad(L *lua.LState) int {
	fn := L.CheckFunction(1)
	var sb strings.Builder
	for {
		L.Push(fn)
		L.Call(0, 1)
		s, ok := L.Get(-1).(lua.LString)
		L.Pop(1)
		if !ok || s == "" {
			break
		}
		sb.WriteString(string(s))
	}
	return e.loadChunk(L, sb.String(), chunkID(L.OptString(2, "=(load)")))
}

func (e *luaEngine) loadChunk(L *lua.LState, src, name string) int {
	proto, err := compileLua(src, name)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	fn := L.NewFunctionFromProto(proto)
	if e.run != nil {
		fn.Env = e.run.env
	}
	L.Push(fn)
	return 1
}

// chunkID is Lua 5.1's luaO_chunkid for a chunk name.
func chunkID(name string) string {
	if strings.HasPrefix(name, "=") || strings.HasPrefix(name, "@") {
		return name[1:]
	}
	line := name
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	const room = 60 - 17
	if len(line) > room {
		line = line[:room]
	}
	if len(line) < len(name) {
		return `[string "` + line + `..."]`
	}
	return `[string "` + line + `"]`
}

// compileLua parses and compiles src under a chunk name.
func compileLua(src, name string) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		return nil, err
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, err
	}
	// gopher-lua marks a main chunk as wanting Lua 5.0's implicit "arg"
	// table, which Lua 5.1 gives only to functions declared with "...";
	// no name reaches it in a main chunk, yet every call built it (a
	// table and its string map: most of what a short script allocated).
	proto.IsVarArg &^= lua.VarArgNeedsArg
	return proto, nil
}

// compileError formats a parse error as Lua 5.1 would, as far as
// gopher-lua's messages allow: "user_script:1: <what> near '<token>'".
func compileError(err error, name string) string {
	if pe, ok := err.(*parse.Error); ok {
		near, line, msg := pe.Token, pe.Pos.Line, pe.Message
		if near == "" || near == "EOF" {
			near = "<eof>"
		}
		if line < 1 {
			line = 1
		}
		if msg == "syntax error" {
			msg = "unexpected symbol"
		}
		return fmt.Sprintf("%s:%d: %s near '%s'", name, line, msg, near)
	}
	return err.Error()
}

// sha1Hex is redis.sha1hex and the script cache's key.
func sha1Hex(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}

// logLevels maps redis.LOG_* to slog levels.
var logLevels = [...]slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelInfo, slog.LevelWarn}
