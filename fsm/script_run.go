package fsm

import (
	"errors"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"
)

// Scripts and function libraries are replicated state: the script cache
// and the libraries change only in apply, and are persisted in snapshots.
// They have their own lock so that routing a command (Logged) and SCRIPT
// KILL never wait on the FSM's.

type scriptState struct {
	mu      sync.RWMutex
	scripts map[string]*luaScript   // by lower-case sha1 hex
	libs    map[string]*luaLibrary  // by library name
	funcs   map[string]*luaFunction // by function name

	apply  *luaEngine // the apply goroutine's VM, created on first use
	pool   sync.Pool  // read-path VMs
	budget atomic.Int64

	runMu   sync.Mutex
	running map[*luaEngine]*runningScript // read-path scripts, for SCRIPT KILL
	applyOn atomic.Pointer[runningScript] // the script apply is running
}

// runningScript describes a script in execution, for KILL and STATS.
type runningScript struct {
	Name    string // sha or function name
	Command string // eval, evalsha, fcall ...
	Start   int64  // ms: the entry's time in apply, the caller's on reads
	Eval    bool   // EVAL family (SCRIPT KILL) rather than FCALL (FUNCTION KILL)
	Apply   bool   // running in apply: deterministic, cannot be killed
	Args    [][]byte
}

func (s *scriptState) init() {
	s.scripts = map[string]*luaScript{}
	s.libs = map[string]*luaLibrary{}
	s.funcs = map[string]*luaFunction{}
	s.running = map[*luaEngine]*runningScript{}
}

// persisted returns the script bodies and library codes for a snapshot,
// in a fixed order so that two nodes write the same bytes.
func (s *scriptState) persisted() (scripts, libs [][]byte) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	shas := make([]string, 0, len(s.scripts))
	for sha := range s.scripts {
		shas = append(shas, sha)
	}
	sort.Strings(shas)
	for _, sha := range shas {
		scripts = append(scripts, s.scripts[sha].body)
	}
	names := make([]string, 0, len(s.libs))
	for n := range s.libs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		libs = append(libs, s.libs[n].code)
	}
	return scripts, libs
}

// SetScriptBudget overrides the replicated lua-instruction-budget setting
// for tests; n <= 0 ends the override. Every node must count alike, so
// servers set the budget with CONFIG SET (a log entry), never with this.
func (f *FSM) SetScriptBudget(n int64) { f.scripts.budget.Store(n) }

// scriptBudget is the instructions the next script may run: the replicated
// lua-instruction-budget as of this entry. The caller holds the FSM lock.
func (f *FSM) scriptBudget() int64 {
	if n := f.scripts.budget.Load(); n > 0 {
		return n
	}
	if n := f.settings.int("lua-instruction-budget"); n > 0 {
		return n
	}
	return DefaultScriptBudget
}

// Errors of the KILL commands, as Redis's scriptKill answers.
var (
	ErrNotBusy    = errors.New("NOTBUSY No scripts in execution right now.")
	ErrUnkillable = errors.New("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
	ErrBusyScript = errors.New("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")
	ErrBusyFunc   = errors.New("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
)

// KillScript is SCRIPT KILL (eval) or FUNCTION KILL: it stops the scripts
// running on this node's read path. It takes no FSM lock, so it answers
// while a script holds the read lock. A script in apply runs on every node
// and may not be stopped by one: UNKILLABLE.
func (f *FSM) KillScript(eval bool) error {
	s := &f.scripts
	s.runMu.Lock()
	defer s.runMu.Unlock()
	killed, other := 0, 0
	for e, r := range s.running {
		if r.Eval == eval {
			e.budget.killed.Store(true)
			killed++
		} else {
			other++
		}
	}
	switch {
	case killed > 0:
		return nil
	case s.applyOn.Load() != nil:
		return ErrUnkillable
	case other > 0 && eval:
		return ErrBusyFunc
	case other > 0:
		return ErrBusyScript
	}
	return ErrNotBusy
}

// RunningScript reports a script in execution on this node, if any.
func (f *FSM) RunningScript() (runningScript, bool) {
	if r := f.scripts.applyOn.Load(); r != nil {
		return *r, true
	}
	f.scripts.runMu.Lock()
	defer f.scripts.runMu.Unlock()
	for _, r := range f.scripts.running {
		return *r, true
	}
	return runningScript{}, false
}

// engine returns a VM for c's path and a function to hand it back.
func (f *FSM) engine(c *Ctx, info *runningScript) (*luaEngine, func()) {
	s := &f.scripts
	if c.Write {
		if s.apply == nil {
			s.apply = newLuaEngine(f)
		}
		info.Apply = true
		s.applyOn.Store(info)
		e := s.apply
		return e, func() {
			s.applyOn.Store(nil)
			if e.broken {
				s.apply = nil
			}
		}
	}
	e, _ := s.pool.Get().(*luaEngine)
	if e == nil {
		e = newLuaEngine(f)
	}
	e.budget.killed.Store(false) // before KILL can see this run
	s.runMu.Lock()
	s.running[e] = info
	s.runMu.Unlock()
	return e, func() {
		s.runMu.Lock()
		delete(s.running, e)
		s.runMu.Unlock()
		if !e.broken {
			s.pool.Put(e)
		}
	}
}

// runScript calls fn (a fresh closure of the script or function) with
// args and appends its reply, or its error with Redis's suffix, to c.
func (e *luaEngine) runScript(c *Ctx, run *scriptRun, fn *lua.LFunction, args ...lua.LValue) {
	L := e.L
	e.run = run
	e.budget.reset(e.f.scriptBudget())
	L.SetContext(&e.budget)
	defer func() {
		L.SetTop(0)
		L.RemoveContext()
		e.run = nil
	}()
	L.SetTop(0)
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), 1, nil); err != nil {
		if ae, ok := err.(*lua.ApiError); ok && ae.Type == lua.ApiErrorPanic {
			// The reply is deterministic, the VM's state after a Go panic
			// may not be: the next script gets a new VM.
			e.broken = true
		}
		c.out = e.errorReply(c.out, run, err)
		return
	}
	c.out = luaToRespProto(c.out, L.Get(-1), 0, replyMode{script3: run.resp3, caller3: c.resp3})
}

var luaPosRE = regexp.MustCompile(`^(.*?):(\d+): `)

// errorReply is luaCallFunction's error reply: the message ("ERR " before
// a string error), then " script: <name>, on <source>:<line>." when the
// error came from a known line.
func (e *luaEngine) errorReply(out []byte, run *scriptRun, err error) []byte {
	var obj lua.LValue = lua.LString(err.Error())
	if ae, ok := err.(*lua.ApiError); ok {
		obj = ae.Object
	}
	msg, line, source := "", run.errLine[obj], run.source
	if stop := e.budget.stopped(); stop != nil {
		msg = stop.Error()
		if m := luaPosRE.FindStringSubmatch(obj.String()); m != nil {
			line, _ = strconv.Atoi(m[2])
		}
	} else if t, ok := obj.(*lua.LTable); ok {
		s, isStr := t.RawGetString("err").(lua.LString)
		if !isStr {
			msg = "ERR unknown error"
		} else {
			msg = string(s)
		}
	} else {
		s := obj.String()
		if obj == lua.LNil {
			s = "nil"
		}
		msg = "ERR " + s
		if line == 0 {
			if m := luaPosRE.FindStringSubmatch(s); m != nil {
				line, _ = strconv.Atoi(m[2])
				if m[1] != "user_script" && m[1] != "user_function" {
					source = m[1]
				}
			}
		}
	}
	if line > 0 && !run.noSuffix {
		msg += " script: " + run.name + ", on " + source + ":" + strconv.Itoa(line) + "."
	}
	return appendErrorReply(out, msg)
}
