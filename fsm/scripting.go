package fsm

import (
	"errors"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/quoris/quoris/datatypes"
)

// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. A script that may write
// is one log entry run by every node (Logged says so per call); read-only
// ones run on the read path. See DESIGN.md, "Scripting".

var (
	errScriptUnknown = errors.New("ERR Unknown Redis command called from script")
	errScriptArity   = errors.New("ERR Wrong number of args calling Redis command from script")
	errScriptDenied  = errors.New("ERR This Redis command is not allowed from script")
	errScriptWriteRO = errors.New("ERR Write commands are not allowed from read-only scripts.")
	ErrNoScript      = errors.New("NOSCRIPT No matching script. Please use EVAL.")
	errROWithWrite   = errors.New("ERR Can not execute a script with write flag using *_ro command.")
	errKeysNegative  = errors.New("ERR Number of keys can't be negative")
	errKeysTooMany   = errors.New("ERR Number of keys can't be greater than number of args")
	errFlushMode     = errors.New("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
)

// Script flags from a "#!lua flags=..." shebang.
const (
	flagNoWrites uint8 = 1 << iota
	flagAllowOOM
	flagAllowStale
	flagNoCluster
	flagAllowCrossSlot
	flagShebang // the script has a shebang: no eval compatibility mode
)

var scriptFlagNames = []struct {
	name string
	flag uint8
}{{"no-writes", flagNoWrites}, {"allow-oom", flagAllowOOM}, {"allow-stale", flagAllowStale},
	{"no-cluster", flagNoCluster}, {"allow-cross-slot-keys", flagAllowCrossSlot}}

// luaScript is one cached script. proto is immutable once compiled and is
// shared by every VM.
type luaScript struct {
	sha   string
	body  []byte
	flags uint8
	proto *lua.FunctionProto
}

// parseShebang is evalExtractShebangFlags: the flags, and how many bytes
// the shebang line takes (the newline stays, so line numbers hold).
func parseShebang(body []byte) (uint8, int, error) {
	if !strings.HasPrefix(string(body), "#!") {
		return 0, 0, nil
	}
	end := strings.IndexByte(string(body), '\n')
	if end < 0 {
		return 0, 0, errors.New("ERR Invalid script shebang")
	}
	parts := strings.Fields(string(body[:end]))
	if len(parts) == 0 {
		return 0, 0, errors.New("ERR Invalid engine in script shebang")
	}
	if parts[0] != "#!lua" {
		return 0, 0, errors.New("ERR Unexpected engine in script shebang: " + parts[0])
	}
	flags := flagShebang
	for _, p := range parts[1:] {
		list, ok := strings.CutPrefix(p, "flags=")
		if !ok {
			return 0, 0, errors.New("ERR Unknown lua shebang option: " + p)
		}
		if list == "" {
			continue
		}
		for _, name := range strings.Split(list, ",") {
			found := false
			for _, d := range scriptFlagNames {
				if d.name == name {
					flags |= d.flag
					found = true
				}
			}
			if !found {
				return 0, 0, errors.New("ERR Unexpected flag in script shebang: " + name)
			}
		}
	}
	return flags, end, nil
}

// compileScript builds a cache entry for body.
func compileScript(body []byte) (*luaScript, error) {
	flags, skip, err := parseShebang(body)
	if err != nil {
		return nil, err
	}
	proto, err := compileLua(string(body[skip:]), "user_script")
	if err != nil {
		return nil, errors.New("ERR Error compiling script (new function): " + compileError(err, "user_script"))
	}
	return &luaScript{sha: sha1Hex(body), body: append([]byte(nil), body...), flags: flags, proto: proto}, nil
}

func (s *scriptState) script(sha string) *luaScript {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.scripts[strings.ToLower(sha)]
}

func (s *scriptState) addScript(sc *luaScript) {
	s.mu.Lock()
	s.scripts[sc.sha] = sc
	s.mu.Unlock()
}

func registerScripting(t *Table) {
	sp := func(name string, ro bool, flags ...string) Spec {
		return Spec{Name: name, Arity: -3, Flags: flags, Group: "scripting", Keys: NumKeys(2)}
	}
	eval := sp("eval", false, "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys")
	eval.Summary, eval.Since, eval.Complexity = "Execute a Lua script server side", "2.6.0", "Depends on the script that is executed."
	evalsha := sp("evalsha", false, "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys")
	evalsha.Summary, evalsha.Since, evalsha.Complexity = "Execute a Lua script server side", "2.6.0", "Depends on the script that is executed."
	evalRO := sp("eval_ro", true, "readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys")
	evalRO.Summary, evalRO.Since, evalRO.Complexity = "Execute a read-only Lua script server side", "7.0.0", "Depends on the script that is executed."
	evalshaRO := sp("evalsha_ro", true, "readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys")
	evalshaRO.Summary, evalshaRO.Since, evalshaRO.Complexity = "Execute a read-only Lua script server side", "7.0.0", "Depends on the script that is executed."
	t.Add(
		&Command{Spec: eval, Run: evalCmd(false, false), Logged: loggedEval(false, false)},
		&Command{Spec: evalsha, Run: evalCmd(false, true), Logged: loggedEval(false, true)},
		&Command{Spec: evalRO, Run: evalCmd(true, false), Logged: loggedEval(true, false)},
		&Command{Spec: evalshaRO, Run: evalCmd(true, true), Logged: loggedEval(true, true)},
		&Command{Spec: Spec{Name: "script", Arity: -2, Group: "scripting",
			Summary: "A container for Lua scripts management commands", Since: "2.6.0", Complexity: "Depends on subcommand."},
			Run: cmdScript, Logged: loggedScript},
	)
}

// loggedEval decides whether an EVAL-family call goes through the log: a
// script that may write does; *_RO and no-writes ones run on the read path
// (the RESP layer first adds an uncached script to the replicated cache
// with SCRIPT LOAD, see ScriptCached). Unknown shas go to the read path,
// which answers NOSCRIPT.
func loggedEval(ro, bySha bool) func(f *FSM, args [][]byte) bool {
	return func(f *FSM, args [][]byte) bool {
		if ro || len(args) < 2 {
			return false
		}
		if bySha {
			sc := f.scripts.script(string(args[1]))
			return sc != nil && sc.flags&flagNoWrites == 0
		}
		flags, _, err := parseShebang(args[1])
		return err != nil || flags&flagNoWrites == 0
	}
}

// ScriptCached reports whether body is in the script cache.
func (f *FSM) ScriptCached(body []byte) bool { return f.scripts.script(sha1Hex(body)) != nil }

// scriptKeys splits EVAL/FCALL's arguments after numkeys (at 2).
func scriptKeys(args [][]byte, badCount error) (keys, argv [][]byte, err error) {
	n, ok := datatypes.ParseInt(args[2])
	switch {
	case !ok:
		return nil, nil, badCount
	case n > int64(len(args)-3):
		return nil, nil, errKeysTooMany
	case n < 0:
		return nil, nil, errKeysNegative
	}
	return args[3 : 3+n], args[3+n:], nil
}

func evalCmd(ro, bySha bool) func(c *Ctx) error {
	name := "eval"
	switch {
	case ro && bySha:
		name = "evalsha_ro"
	case ro:
		name = "eval_ro"
	case bySha:
		name = "evalsha"
	}
	return func(c *Ctx) error {
		if bySha && len(c.Args[1]) != 40 {
			return ErrNoScript // evalShaCommand checks the length first
		}
		keys, argv, err := scriptKeys(c.Args, ErrNotInteger)
		if err != nil {
			return err
		}
		var sc *luaScript
		if bySha {
			if sc = c.f.scripts.script(string(c.Args[1])); sc == nil {
				return ErrNoScript
			}
		} else if sc = c.f.scripts.script(sha1Hex(c.Args[1])); sc == nil {
			if sc, err = compileScript(c.Args[1]); err != nil {
				return err
			}
			// EVAL caches what it runs, as Redis does. Only apply may
			// change the cache; the read path compiles and forgets.
			if c.Write {
				c.f.scripts.addScript(sc)
			}
		}
		if ro && sc.flags&flagShebang != 0 && sc.flags&flagNoWrites == 0 {
			return errROWithWrite
		}
		info := &runningScript{Name: sc.sha, Command: name, Start: c.Now, Eval: true}
		e, done := c.f.engine(c, info)
		defer done()
		run := &scriptRun{c: c, dbIndex: c.DBIndex, readOnly: ro || sc.flags&flagNoWrites != 0 || !c.Write,
			name: sc.sha, source: "@user_script"}
		run.rng.seed(int32(c.Seed))
		e.newEnv(run)
		run.backing["KEYS"] = luaStrings(e.L, keys)
		run.backing["ARGV"] = luaStrings(e.L, argv)
		fn := e.L.NewFunctionFromProto(sc.proto)
		fn.Env = run.env
		e.runScript(c, run, fn)
		return nil
	}
}

func luaStrings(L *lua.LState, args [][]byte) *lua.LTable {
	t := L.CreateTable(len(args), 0)
	for i, a := range args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	return t
}

// loggedScript: LOAD and FLUSH change the cache; EXISTS, HELP and errors
// are answered by the read path. KILL never gets here (the RESP layer
// answers it without the FSM lock).
func loggedScript(f *FSM, args [][]byte) bool {
	if len(args) < 2 {
		return false
	}
	switch strings.ToLower(string(args[1])) {
	case "load", "flush":
		return true
	}
	return false
}

var scriptHelp = []string{
	"SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"DEBUG (YES|SYNC|NO)",
	"    Set the debug mode for subsequent scripts executed.",
	"EXISTS <sha1> [<sha1> ...]",
	"    Return information about the existence of the scripts in the script cache.",
	"FLUSH [ASYNC|SYNC]",
	"    Flush the Lua scripts cache. Very dangerous on replicas.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the scripts cache.",
	"    * SYNC: Synchronously flush the scripts cache.",
	"KILL",
	"    Kill the currently executing Lua script.",
	"LOAD <script>",
	"    Load a script into the scripts cache without executing it.",
	"HELP",
	"    Prints this help.",
}

func cmdScript(c *Ctx) error {
	sub, err := subcommand(c, "script")
	if err != nil {
		return err
	}
	switch sub {
	case "help":
		c.Array(len(scriptHelp))
		for _, l := range scriptHelp {
			c.Simple(l)
		}
	case "exists":
		c.Array(len(c.Args) - 2)
		for _, sha := range c.Args[2:] {
			c.Bool(c.f.scripts.script(string(sha)) != nil)
		}
	case "load":
		if !c.Write {
			return errReadPathWrite
		}
		sc := c.f.scripts.script(sha1Hex(c.Args[2]))
		if sc == nil {
			var err error
			if sc, err = compileScript(c.Args[2]); err != nil {
				return err
			}
			c.f.scripts.addScript(sc)
		}
		c.BulkString(sc.sha)
	case "flush":
		if len(c.Args) > 3 {
			return errFlushMode
		}
		if len(c.Args) == 3 {
			if m := string(c.Args[2]); !strings.EqualFold(m, "sync") && !strings.EqualFold(m, "async") {
				return errFlushMode
			}
		}
		if !c.Write {
			return errReadPathWrite
		}
		c.f.scripts.mu.Lock()
		c.f.scripts.scripts = map[string]*luaScript{}
		c.f.scripts.mu.Unlock()
		c.OK()
	case "kill":
		// The RESP layer answers SCRIPT KILL; an FSM that sees it (from a
		// MULTI, say) reports the state of its own node.
		if err := c.f.KillScript(true); err != nil {
			return err
		}
		c.OK()
	case "debug":
		if strings.EqualFold(string(c.Args[2]), "no") {
			c.OK()
			return nil
		}
		if m := strings.ToLower(string(c.Args[2])); m == "yes" || m == "sync" {
			return errors.New("ERR quoris does not support the Lua debugger (SCRIPT DEBUG YES|SYNC)")
		}
		return errors.New("ERR Use SCRIPT DEBUG YES/SYNC/NO")
	}
	return nil
}

// errReadPathWrite answers a state-changing subcommand that reached the
// read path, which Logged should never let happen.
var errReadPathWrite = errors.New("ERR internal: write command on the read path")

func cstrBytes(b []byte, max int) []byte {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	if len(b) > max {
		b = b[:max]
	}
	return b
}
