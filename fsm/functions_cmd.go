package fsm

import (
	"errors"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/quoris/quoris/datatypes"
)

func registerFunctions(t *Table) {
	fc := func(name, summary string, flags ...string) Spec {
		return Spec{Name: name, Arity: -3, Flags: flags, Group: "scripting", Keys: NumKeys(2),
			Summary: summary, Since: "7.0.0", Complexity: "Depends on the function that is executed."}
	}
	t.Add(
		&Command{Spec: fc("fcall", "Invoke a function", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"),
			Run: fcallCmd(false), Logged: loggedFcall(false)},
		&Command{Spec: fc("fcall_ro", "Invoke a read-only function", "readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"),
			Run: fcallCmd(true), Logged: loggedFcall(true)},
		&Command{Spec: Spec{Name: "function", Arity: -2, Group: "scripting",
			Summary: "A container for function commands", Since: "7.0.0", Complexity: "Depends on subcommand."},
			Run: cmdFunction, Logged: loggedFunction},
	)
}

func loggedFcall(ro bool) func(f *FSM, args [][]byte) bool {
	return func(f *FSM, args [][]byte) bool {
		if ro || len(args) < 2 {
			return false
		}
		fi := f.scripts.function(string(args[1]))
		return fi != nil && fi.flags&flagNoWrites == 0
	}
}

func loggedFunction(f *FSM, args [][]byte) bool {
	if len(args) < 2 {
		return false
	}
	switch strings.ToLower(string(args[1])) {
	case "load", "delete", "flush", "restore":
		return true
	}
	return false
}

func fcallCmd(ro bool) func(c *Ctx) error {
	name := "fcall"
	if ro {
		name = "fcall_ro"
	}
	return func(c *Ctx) error {
		fi := c.f.scripts.function(string(c.Args[1]))
		if fi == nil {
			return errFuncNotFound
		}
		keys, argv, err := scriptKeys(c.Args, errBadNumKeys)
		if err != nil {
			return err
		}
		if ro && fi.flags&flagNoWrites == 0 {
			return errROWithWrite
		}
		info := &runningScript{Name: fi.name, Command: name, Start: c.Now, Args: cloneArgs(c.Args)}
		e, done := c.f.engine(c, info)
		defer done()
		run := &scriptRun{c: c, dbIndex: c.DBIndex, readOnly: ro || fi.flags&flagNoWrites != 0 || !c.Write,
			name: fi.name, source: "@user_function", library: fi.lib, registered: true}
		run.rng.seed(int32(c.Seed))
		cbs, err := e.loadLibrary(c, run)
		if err != nil {
			return err
		}
		cb := cbs[fi.name]
		if cb == nil {
			return errFuncNotFound
		}
		e.runScript(c, run, cb, luaStrings(e.L, keys), luaStrings(e.L, argv))
		return nil
	}
}

func cloneArgs(args [][]byte) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = append([]byte(nil), a...)
	}
	return out
}

var functionHelp = []string{
	"FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"LOAD [REPLACE] <FUNCTION CODE>",
	"    Create a new library with the given library name and code.",
	"DELETE <LIBRARY NAME>",
	"    Delete the given library.",
	"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
	"    Return general information on all the libraries:",
	"    * Library name",
	"    * The engine used to run the Library",
	"    * Library description",
	"    * Functions list",
	"    * Library code (if WITHCODE is given)",
	"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
	"STATS",
	"    Return information about the current function running:",
	"    * Function name",
	"    * Command used to run the function",
	"    * Duration in MS that the function is running",
	"    If no function is running, return nil",
	"    In addition, returns a list of available engines.",
	"KILL",
	"    Kill the current running function.",
	"FLUSH [ASYNC|SYNC]",
	"    Delete all the libraries.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the libraries.",
	"    * SYNC: Synchronously flush the libraries.",
	"DUMP",
	"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
	"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
	"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
	"    control how to handle existing libraries (default APPEND):",
	"    * FLUSH: delete all existing libraries.",
	"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
	"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
	"      libraries with the new libraries (notice that even on this option there is a chance of failure",
	"      in case of functions name collision with another library).",
	"HELP",
	"    Prints this help.",
}

func cmdFunction(c *Ctx) error {
	sub, err := subcommand(c, "function")
	if err != nil {
		return err
	}
	s := &c.f.scripts
	switch sub {
	case "help":
		c.Array(len(functionHelp))
		for _, l := range functionHelp {
			c.Simple(l)
		}
	case "load":
		replace := false
		code := c.Args[2]
		if len(c.Args) == 4 && strings.EqualFold(string(c.Args[2]), "replace") {
			replace, code = true, c.Args[3]
		} else if len(c.Args) != 3 {
			return errors.New("ERR Unknown option given: " + string(c.Args[2]))
		}
		if !c.Write {
			return errReadPathWrite
		}
		// Redis refuses an existing name before it runs the code.
		if name, _, err := parseLibraryMeta(code); err == nil && !replace {
			s.mu.RLock()
			exists := s.libs[name] != nil
			s.mu.RUnlock()
			if exists {
				return errors.New("ERR Library '" + name + "' already exists")
			}
		}
		lib, err := compileLibrary(c, code)
		if err != nil {
			return err
		}
		if err := s.addLibraries([]*luaLibrary{lib}, replace); err != nil {
			return err
		}
		c.BulkString(lib.name)
	case "delete":
		if !c.Write {
			return errReadPathWrite
		}
		s.mu.Lock()
		lib := s.libs[string(c.Args[2])]
		if lib != nil {
			s.unlinkLocked(lib)
		}
		s.mu.Unlock()
		if lib == nil {
			return errLibNotFound
		}
		c.OK()
	case "flush":
		if len(c.Args) == 3 {
			if m := string(c.Args[2]); !strings.EqualFold(m, "sync") && !strings.EqualFold(m, "async") {
				return errors.New("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
			}
		} else if len(c.Args) > 3 {
			return errors.New("ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.")
		}
		if !c.Write {
			return errReadPathWrite
		}
		s.mu.Lock()
		s.libs, s.funcs = map[string]*luaLibrary{}, map[string]*luaFunction{}
		s.mu.Unlock()
		c.OK()
	case "list":
		return functionList(c)
	case "dump":
		c.Bulk(s.dump())
	case "restore":
		return functionRestore(c)
	case "stats":
		c.Raw(c.f.FunctionStats(c.Now))
	case "kill":
		if err := c.f.KillScript(false); err != nil {
			return err
		}
		c.OK()
	}
	return nil
}

// addLibraries links libs, all or none: a name collision with a library
// not being replaced, or a function owned by another library, refuses all.
func (s *scriptState) addLibraries(libs []*luaLibrary, replace bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	replaced := map[string]bool{}
	for _, lib := range libs {
		if s.libs[lib.name] != nil {
			if !replace {
				return errors.New("ERR Library '" + lib.name + "' already exists")
			}
			replaced[lib.name] = true
		}
	}
	seen := map[string]bool{}
	for _, lib := range libs {
		for _, fi := range lib.funcs {
			if old := s.funcs[fi.name]; (old != nil && !replaced[old.lib.name]) || seen[fi.name] {
				return errors.New("ERR Function " + fi.name + " already exists")
			}
			seen[fi.name] = true
		}
	}
	for _, lib := range libs {
		if old := s.libs[lib.name]; old != nil {
			s.unlinkLocked(old)
		}
		s.libs[lib.name] = lib
		for _, fi := range lib.funcs {
			s.funcs[fi.name] = fi
		}
	}
	return nil
}

func (s *scriptState) unlinkLocked(lib *luaLibrary) {
	delete(s.libs, lib.name)
	for _, fi := range lib.funcs {
		delete(s.funcs, fi.name)
	}
}

// sortedLibs returns the libraries by name: Redis lists them in its dict's
// order, quoris in one every node agrees on.
func (s *scriptState) sortedLibs() []*luaLibrary {
	s.mu.RLock()
	defer s.mu.RUnlock()
	libs := make([]*luaLibrary, 0, len(s.libs))
	for _, l := range s.libs {
		libs = append(libs, l)
	}
	sort.Slice(libs, func(i, j int) bool { return libs[i].name < libs[j].name })
	return libs
}

func functionList(c *Ctx) error {
	withCode, pattern := false, []byte(nil)
	for i := 2; i < len(c.Args); i++ {
		switch {
		case strings.EqualFold(string(c.Args[i]), "withcode") && !withCode:
			withCode = true
		case strings.EqualFold(string(c.Args[i]), "libraryname") && pattern == nil:
			if i+1 >= len(c.Args) {
				return errors.New("ERR library name argument was not given")
			}
			i++
			pattern = c.Args[i]
		default:
			return errors.New("ERR Unknown argument " + string(c.Args[i]))
		}
	}
	var libs []*luaLibrary
	for _, l := range c.f.scripts.sortedLibs() {
		if pattern == nil || datatypes.Match(string(pattern), l.name, false) {
			libs = append(libs, l)
		}
	}
	c.Array(len(libs))
	for _, l := range libs {
		if withCode {
			c.Array(8)
		} else {
			c.Array(6)
		}
		c.BulkString("library_name")
		c.BulkString(l.name)
		c.BulkString("engine")
		c.BulkString("LUA")
		c.BulkString("functions")
		c.Array(len(l.funcs))
		for _, fi := range l.funcs {
			c.Array(6)
			c.BulkString("name")
			c.BulkString(fi.name)
			c.BulkString("description")
			if d, ok := fi.desc.(lua.LString); ok {
				c.BulkString(string(d))
			} else {
				c.Null()
			}
			c.BulkString("flags")
			var names []string
			for _, d := range scriptFlagNames {
				if fi.flags&d.flag != 0 {
					names = append(names, d.name)
				}
			}
			c.Array(len(names))
			for _, n := range names {
				c.Simple(n)
			}
		}
		if withCode {
			c.BulkString("library_code")
			c.Bulk(l.code)
		}
	}
	return nil
}

// FunctionStats is FUNCTION STATS's reply. It takes no FSM lock, so the
// RESP layer can answer it while a script runs; now (ms) times the
// running script.
func (f *FSM) FunctionStats(now int64) []byte {
	c := &Ctx{}
	c.Array(4)
	c.BulkString("running_script")
	// Redis reports functions only: a running EVAL shows as nil.
	if r, ok := f.RunningScript(); ok && !r.Eval {
		c.Array(6)
		c.BulkString("name")
		c.BulkString(r.Name)
		c.BulkString("command")
		c.Array(len(r.Args))
		for _, a := range r.Args {
			c.Bulk(a)
		}
		c.BulkString("duration_ms")
		c.Int(max(now-r.Start, 0))
	} else {
		c.Null()
	}
	s := &f.scripts
	s.mu.RLock()
	nlibs, nfuncs := len(s.libs), len(s.funcs)
	s.mu.RUnlock()
	c.BulkString("engines")
	c.Array(2)
	c.BulkString("LUA")
	c.Array(4)
	c.BulkString("libraries_count")
	c.Int(int64(nlibs))
	c.BulkString("functions_count")
	c.Int(int64(nfuncs))
	return c.out
}
