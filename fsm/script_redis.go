package fsm

import (
	"github.com/quoris/quoris/fsm/resp3"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The `redis` table scripts see, and redis.call's path into the FSM.

// redis.set_repl flags (accepted for compatibility; the log replicates the
// whole script, so there is nothing to select).
const (
	replNone    = 0
	replAOF     = 1
	replReplica = 2
	replAll     = 3
)

func (e *luaEngine) redisTable() *lua.LTable {
	L := e.L
	t := L.NewTable()
	fn := func(name string, f lua.LGFunction) { t.RawSetString(name, L.NewFunction(f)) }
	fn("call", func(L *lua.LState) int { return e.redisCall(L, true) })
	fn("pcall", func(L *lua.LState) int { return e.redisCall(L, false) })
	fn("sha1hex", e.redisSha1hex)
	fn("error_reply", func(L *lua.LState) int {
		s, ok := L.Get(1).(lua.LString)
		if L.GetTop() != 1 || !ok {
			L.Push(errorTable(L, "wrong number or type of arguments"))
			return 1
		}
		msg := string(s)
		if !strings.HasPrefix(msg, "-") {
			msg = "-" + msg
		}
		L.Push(errorTable(L, msg))
		return 1
	})
	fn("status_reply", func(L *lua.LState) int {
		s, ok := L.Get(1).(lua.LString)
		if L.GetTop() != 1 || !ok {
			L.Push(errorTable(L, "wrong number or type of arguments"))
			return 1
		}
		r := L.CreateTable(0, 1)
		r.RawSetString("ok", s)
		L.Push(r)
		return 1
	})
	fn("setresp", func(L *lua.LState) int {
		if L.GetTop() != 1 {
			e.raiseErr(L, "redis.setresp() requires one argument.")
		}
		n := L.ToInt(1)
		if n != 2 && n != 3 {
			e.raiseErr(L, "RESP version must be 2 or 3.")
		}
		if e.run != nil {
			e.run.resp3 = n == 3
		}
		return 0
	})
	fn("set_repl", func(L *lua.LState) int {
		if L.GetTop() != 1 {
			e.raiseErr(L, "redis.set_repl() requires two arguments.")
		}
		if n := int(L.ToNumber(1)); n&^replAll != 0 {
			e.raiseErr(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
		}
		return 0
	})
	fn("replicate_commands", func(L *lua.LState) int { L.Push(lua.LTrue); return 1 })
	fn("breakpoint", func(L *lua.LState) int { L.Push(lua.LFalse); return 1 })
	fn("debug", func(L *lua.LState) int { return 0 })
	fn("acl_check_cmd", e.redisACLCheck)
	// In a fixed order: gopher-lua iterates tables in insertion order.
	for _, c := range []struct {
		name string
		v    int
	}{{"REPL_NONE", replNone}, {"REPL_AOF", replAOF}, {"REPL_SLAVE", replReplica}, {"REPL_REPLICA", replReplica}, {"REPL_ALL", replAll}} {
		t.RawSetString(c.name, lua.LNumber(c.v))
	}
	e.addLogAndVersion(t)
	return t
}

// loadTable is the `redis` a FUNCTION library sees while it loads.
func (e *luaEngine) loadTable() *lua.LTable {
	t := e.L.NewTable()
	t.RawSetString("register_function", e.L.NewFunction(e.registerFunction))
	e.addLogAndVersion(t)
	return t
}

func (e *luaEngine) addLogAndVersion(t *lua.LTable) {
	t.RawSetString("log", e.L.NewFunction(e.redisLog))
	for i, name := range []string{"LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING"} {
		t.RawSetString(name, lua.LNumber(i))
	}
	t.RawSetString("REDIS_VERSION", lua.LString(scriptRedisVersion))
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(scriptRedisVersionNum))
}

// raiseErr raises Redis's error table for msg ("ERR msg").
func (e *luaEngine) raiseErr(L *lua.LState, msg string) {
	e.raise(L, errorTable(L, msg))
}

func (e *luaEngine) redisSha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		e.raiseErr(L, "wrong number of arguments")
	}
	L.Push(lua.LString(sha1Hex([]byte(L.ToString(1)))))
	return 1
}

func (e *luaEngine) redisLog(L *lua.LState) int {
	argc := L.GetTop()
	if argc < 2 {
		e.raiseErr(L, "redis.log() requires two arguments or more.")
	}
	n, ok := L.Get(1).(lua.LNumber)
	if !ok {
		if s, isStr := L.Get(1).(lua.LString); isStr {
			if f, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64); err == nil {
				n, ok = lua.LNumber(f), true
			}
		}
	}
	if !ok {
		e.raiseErr(L, "First argument must be a number (log level).")
	}
	level := int(n)
	if level < 0 || level >= len(logLevels) {
		e.raiseErr(L, "Invalid debug level.")
	}
	var parts []string
	for i := 2; i <= argc; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			parts = append(parts, string(v))
		case lua.LNumber:
			parts = append(parts, formatLuaNumber(float64(v)))
		}
	}
	e.f.log.Log(nil, logLevels[level], strings.Join(parts, " "), "source", "script")
	return 0
}

func (e *luaEngine) redisACLCheck(L *lua.LState) int {
	args, msg := luaArgs(L)
	if msg != "" {
		e.raiseErr(L, msg)
	}
	if e.f.table.Lookup(args[0]) == nil && scriptLocal(args[0]) == nil {
		e.raiseErr(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	// quoris has one user, allowed everything.
	L.Push(lua.LTrue)
	return 1
}

// luaArgs is luaArgsToRedisArgv: the stack as command arguments, or the
// error message for an empty or non-string/number argument list.
func luaArgs(L *lua.LState) ([][]byte, string) {
	argc := L.GetTop()
	if argc == 0 {
		return nil, "Please specify at least one argument for this redis lib call"
	}
	args := make([][]byte, argc)
	for i := range args {
		a, ok := luaArg(L.Get(i + 1))
		if !ok {
			return nil, "Lua redis lib command arguments must be strings or integers"
		}
		args[i] = a
	}
	return args, ""
}

// redisCall is redis.call (raise) and redis.pcall.
func (e *luaEngine) redisCall(L *lua.LState, raise bool) int {
	run := e.run
	if run == nil || run.loading {
		e.raiseErr(L, "redis.call/pcall can only be called inside a script invocation")
	}
	args, msg := luaArgs(L)
	if msg != "" {
		t := errorTable(L, msg)
		if raise {
			e.raise(L, t)
		}
		L.Push(t)
		return 1
	}
	L.SetTop(0)
	reply := e.execFromScript(run, args)
	if run.resp3 && len(reply) > 0 && reply[0] != '-' {
		// Commands reply in RESP2; re-type as Redis would send RESP3.
		reply = resp3.Append(nil, args, reply)
	}
	v, _ := respToLua(L, reply)
	if raise && len(reply) > 0 && reply[0] == '-' {
		e.raise(L, v)
	}
	L.Push(v)
	return 1
}

// execFromScript runs one command for a script on the FSM's own command
// table, in the script's database, with the EVAL entry's time and index
// and a seed of its own; it returns the RESP reply.
func (e *luaEngine) execFromScript(run *scriptRun, args [][]byte) []byte {
	c := run.c
	if lc := scriptLocal(args[0]); lc != nil && e.f.table.Lookup(args[0]) == nil {
		if !lc.ArityOK(len(args)) {
			return appendErr(nil, errScriptArity)
		}
		return lc.run(e, run, args)
	}
	cmd := e.f.table.Lookup(args[0])
	switch {
	case cmd == nil:
		return appendErr(nil, errScriptUnknown)
	case !cmd.ArityOK(len(args)):
		return appendErr(nil, errScriptArity)
	case cmd.Has("noscript") || cmd.Has("blocking") || strings.HasPrefix(cmd.Name, "quoris.") ||
		cmd.Name == "script" || cmd.Name == "function": // every subcommand of these is noscript
		return appendErr(nil, errScriptDenied)
	case c.user != "" && e.f.scriptACLDenied(c.user, args) != nil:
		return e.f.scriptACLDenied(c.user, args) // Redis checks ACL before write permission
	case cmd.Write && (run.readOnly || !c.Write):
		return appendErr(nil, errScriptWriteRO)
	}

	run.calls++
	sub := Ctx{f: e.f, DB: e.f.dbs[run.dbIndex], DBIndex: run.dbIndex, Now: c.Now, Index: c.Index, Pos: c.Pos,
		Write: c.Write, Args: args, Seed: mixSeed(c.Seed, run.calls), out: e.scratch[:0], origin: c.origin}
	e.f.exec(&sub, c.Write)
	if cmd.Write {
		run.wrote = true
	}
	e.scratch = sub.out
	return sub.out
}

// mixSeed derives the seed of a script's n-th command from the entry's
// (splitmix64), so two SPOPs in one script draw different numbers.
func mixSeed(seed, n uint64) uint64 {
	z := seed + n*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// scriptLocalCmd is a connection-level command a script may call: quoris
// keeps these in the RESP layer, so scripts get their own, deterministic,
// versions.
type scriptLocalCmd struct {
	Spec
	run func(e *luaEngine, run *scriptRun, args [][]byte) []byte
}

var scriptLocals = map[string]*scriptLocalCmd{
	"select": {Spec: Spec{Name: "select", Arity: 2}, run: func(e *luaEngine, run *scriptRun, args [][]byte) []byte {
		n, err := strconv.ParseInt(string(args[1]), 10, 64)
		if err != nil || n < math.MinInt32 || n > math.MaxInt32 {
			return appendErr(nil, ErrNotInteger)
		}
		if n < 0 || n >= int64(len(e.f.dbs)) {
			return appendErr(nil, ErrDBIndex)
		}
		run.dbIndex = int(n)
		return []byte("+OK\r\n")
	}},
	"ping": {Spec: Spec{Name: "ping", Arity: -1}, run: func(e *luaEngine, run *scriptRun, args [][]byte) []byte {
		switch len(args) {
		case 1:
			return []byte("+PONG\r\n")
		case 2:
			return appendBulk(nil, args[1])
		}
		return appendErr(nil, errScriptArity)
	}},
	"echo": {Spec: Spec{Name: "echo", Arity: 2}, run: func(e *luaEngine, run *scriptRun, args [][]byte) []byte {
		return appendBulk(nil, args[1])
	}},
	"time": {Spec: Spec{Name: "time", Arity: 1}, run: func(e *luaEngine, run *scriptRun, args [][]byte) []byte {
		// The entry's time: the same on every node.
		ms := run.c.Now
		out := []byte("*2\r\n")
		out = appendBulk(out, strconv.AppendInt(nil, ms/1000, 10))
		return appendBulk(out, strconv.AppendInt(nil, (ms%1000)*1000, 10))
	}},
}

func scriptLocal(name []byte) *scriptLocalCmd {
	if len(name) > 16 {
		return nil
	}
	return scriptLocals[strings.ToLower(string(name))]
}

func appendBulk(out, b []byte) []byte {
	out = append(out, '$')
	out = strconv.AppendInt(out, int64(len(b)), 10)
	out = append(append(append(out, '\r', '\n'), b...), '\r', '\n')
	return out
}

// lrand48 is Redis's redisLrand48: the 48-bit linear congruential
// generator of POSIX lrand48, which Redis puts behind math.random so every
// platform draws the same sequence for a seed.
type lrand48 uint64

const lrandMax = math.MaxInt32

func (r *lrand48) seed(s int32) { *r = lrand48(uint64(uint32(s))<<16 | 0x330e) }

func (r *lrand48) next() int32 {
	*r = lrand48((uint64(*r)*0x5deece66d + 0xb) & (1<<48 - 1))
	return int32(uint64(*r) >> 17)
}

func (e *luaEngine) mathRandom(L *lua.LState) int {
	run := e.run
	if run == nil || run.loading {
		e.raise(L, lua.LString(e.where(L)+"math.random can only be called inside a script invocation"))
	}
	r := float64(run.rng.next()%lrandMax) / float64(lrandMax)
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := L.CheckInt(1)
		if u < 1 {
			L.ArgError(1, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l, u := L.CheckInt(1), L.CheckInt(2)
		if l > u {
			L.ArgError(2, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		e.raise(L, lua.LString(e.where(L)+"wrong number of arguments"))
	}
	return 1
}

func (e *luaEngine) mathRandomseed(L *lua.LState) int {
	run := e.run
	if run == nil || run.loading {
		e.raise(L, lua.LString(e.where(L)+"math.randomseed can only be called inside a script invocation"))
	}
	run.rng.seed(int32(L.CheckInt(1)))
	return 0
}
