package fsm

import (
	"errors"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// FUNCTION and FCALL. A library is replicated state: its code, loaded in
// apply. Every FCALL loads the library afresh in the VM that runs it, so
// no state kept in a library's upvalues survives from one call to the next
// (it would differ between a node that restarted and one that did not).

var (
	errFuncNotFound  = errors.New("ERR Function not found")
	errBadNumKeys    = errors.New("ERR Bad number of keys provided")
	errLibNotFound   = errors.New("ERR Library not found")
	errNoFunctions   = errors.New("ERR No functions registered")
	errMissingMeta   = errors.New("ERR Missing library metadata")
	errInvalidMeta   = errors.New("ERR Invalid library metadata")
	errNoLibName     = errors.New("ERR Library name was not given")
	errLibNameChars  = errors.New("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
	errRestorePolicy = errors.New("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
)

type luaLibrary struct {
	name  string
	code  []byte
	proto *lua.FunctionProto
	funcs []*luaFunction // by name
}

type luaFunction struct {
	name  string
	lib   *luaLibrary
	desc  lua.LValue // LString or LNil
	flags uint8
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, ch := range s {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}

// parseLibraryMeta is functionExtractLibMetaData: "#!lua name=<name>".
func parseLibraryMeta(code []byte) (name string, skip int, err error) {
	if !strings.HasPrefix(string(code), "#!") {
		return "", 0, errMissingMeta
	}
	end := strings.IndexByte(string(code), '\n')
	if end < 0 {
		return "", 0, errInvalidMeta
	}
	parts := strings.Fields(string(code[:end]))
	if len(parts) == 0 {
		return "", 0, errInvalidMeta
	}
	engine := parts[0][2:]
	given := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(p[:5], "name=") {
			if given {
				return "", 0, errors.New("ERR Invalid metadata value, name argument was given multiple times")
			}
			name, given = p[5:], true
			continue
		}
		return "", 0, errors.New("ERR Invalid metadata value given: " + p)
	}
	if !given {
		return "", 0, errNoLibName
	}
	if !validName(name) {
		return "", 0, errLibNameChars
	}
	if !strings.EqualFold(engine, "lua") {
		return "", 0, errors.New("ERR Engine '" + engine + "' not found")
	}
	return name, end, nil
}

// compileLibrary parses, compiles and loads code once to learn its
// functions. c gives the VM and the budget; it is the caller's context.
func compileLibrary(c *Ctx, code []byte) (*luaLibrary, error) {
	name, skip, err := parseLibraryMeta(code)
	if err != nil {
		return nil, err
	}
	proto, err := compileLua(string(code[skip:]), "user_function")
	if err != nil {
		return nil, errors.New("ERR Error compiling function: " + compileError(err, "user_function"))
	}
	lib := &luaLibrary{name: name, code: append([]byte(nil), code...), proto: proto}
	info := &runningScript{Name: name, Command: "function", Start: c.Now}
	e, done := c.f.engine(c, info)
	defer done()
	run := &scriptRun{c: c, dbIndex: c.DBIndex, readOnly: true, name: name, source: "@user_function", library: lib}
	if _, err := e.loadLibrary(c, run); err != nil {
		return nil, err
	}
	if len(lib.funcs) == 0 {
		return nil, errNoFunctions
	}
	sort.Slice(lib.funcs, func(i, j int) bool { return lib.funcs[i].name < lib.funcs[j].name })
	return lib, nil
}

// loadLibrary runs run.library's body in load mode and returns the
// callbacks it registered, by function name.
func (e *luaEngine) loadLibrary(c *Ctx, run *scriptRun) (map[string]*lua.LFunction, error) {
	e.newEnv(run)
	run.loading = true
	run.callbacks = map[string]*lua.LFunction{}
	fn := e.L.NewFunctionFromProto(run.library.proto)
	fn.Env = run.env
	var out []byte
	e.run = run
	e.budget.reset(e.f.scriptBudget())
	e.L.SetContext(&e.budget)
	e.L.SetTop(0)
	e.L.Push(fn)
	err := e.L.PCall(0, 0, nil)
	stopped := e.budget.stopped()
	switch {
	case err != nil && stopped != nil && run.registered:
		// A KILL or the budget stopped the FCALL while its library
		// loaded: the call answers as a stopped function does.
		out = e.errorReply(nil, run, err)
	case err != nil:
		// Load errors carry no " script: ..., on ..." suffix in Redis.
		out = e.errorReply(nil, &scriptRun{errLine: map[lua.LValue]int{}, noSuffix: true}, err)
	}
	e.L.SetTop(0)
	e.L.RemoveContext()
	e.run = nil
	run.loading = false
	delete(run.backing, "redis")
	if err != nil {
		msg := strings.TrimSuffix(strings.TrimPrefix(string(out), "-"), "\r\n")
		if stopped != nil && run.registered {
			return nil, errors.New(msg)
		}
		return nil, errors.New("ERR Error registering functions: " + msg)
	}
	return run.callbacks, nil
}

// registerFunction is redis.register_function, during a library's load.
func (e *luaEngine) registerFunction(L *lua.LState) int {
	run := e.run
	if run == nil || !run.loading {
		e.raiseErr(L, "redis.register_function can only be called on FUNCTION LOAD command")
	}
	fi := &luaFunction{lib: run.library, desc: lua.LNil}
	var cb lua.LValue
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			e.raiseErr(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		var bad string
		t.ForEach(func(k, v lua.LValue) {
			if bad != "" {
				return
			}
			key, _ := k.(lua.LString)
			switch string(key) {
			case "function_name":
				s, ok := luaStringOf(v)
				if !ok {
					bad = "function_name argument given to redis.register_function must be a string"
				}
				fi.name = s
			case "description":
				s, ok := luaStringOf(v)
				if !ok {
					bad = "description argument given to redis.register_function must be a string"
				}
				fi.desc = lua.LString(s)
			case "callback":
				if _, ok := v.(*lua.LFunction); !ok {
					bad = "callback argument given to redis.register_function must be a function"
				}
				cb = v
			case "flags":
				ft, ok := v.(*lua.LTable)
				if !ok {
					bad = "flags argument to redis.register_function must be a table representing function flags"
					return
				}
				ft.ForEach(func(_, fv lua.LValue) {
					name, _ := fv.(lua.LString)
					found := false
					for _, d := range scriptFlagNames {
						if d.name == string(name) {
							fi.flags |= d.flag
							found = true
						}
					}
					if !found && bad == "" {
						bad = "unknown flag given"
					}
				})
			default:
				bad = "unknown argument given to redis.register_function"
			}
		})
		if bad != "" {
			e.raiseErr(L, bad)
		}
		if fi.name == "" && t.RawGetString("function_name") == lua.LNil {
			e.raiseErr(L, "redis.register_function must get a function name argument")
		}
		if cb == nil {
			e.raiseErr(L, "redis.register_function must get a callback argument")
		}
	case 2:
		s, ok := luaStringOf(L.Get(1))
		if !ok {
			e.raiseErr(L, "first argument to redis.register_function must be a string")
		}
		if _, ok := L.Get(2).(*lua.LFunction); !ok {
			e.raiseErr(L, "second argument to redis.register_function must be a function")
		}
		fi.name, cb = s, L.Get(2)
	default:
		e.raiseErr(L, "wrong number of arguments to redis.register_function")
	}
	if !validName(fi.name) {
		// Redis 7.0 reports a bad function name with the library message.
		e.raiseErr(L, strings.TrimPrefix(errLibNameChars.Error(), "ERR "))
	}
	if _, dup := run.callbacks[fi.name]; dup {
		e.raiseErr(L, "Function already exists in the library")
	}
	run.callbacks[fi.name] = cb.(*lua.LFunction)
	if run.c != nil && !run.registered {
		run.library.funcs = append(run.library.funcs, fi)
	}
	return 0
}

// luaStringOf is luaGetStringSds: strings, and numbers as Lua prints them.
func luaStringOf(v lua.LValue) (string, bool) {
	switch v := v.(type) {
	case lua.LString:
		return string(v), true
	case lua.LNumber:
		return formatLuaNumber(float64(v)), true
	}
	return "", false
}

func (s *scriptState) function(name string) *luaFunction {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.funcs[name]
}
