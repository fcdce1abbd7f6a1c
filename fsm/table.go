package fsm

import "strings"

// Spec describes a command the way COMMAND INFO and COMMAND DOCS report it.
// resp's connection-level commands use the same type, so there is one table
// of record for arity, flags and key positions.
type Spec struct {
	Name       string // lower case
	Arity      int    // Redis convention: negative means "at least -Arity"
	Flags      []string
	FirstKey   int
	LastKey    int
	Step       int
	Group      string
	Summary    string
	Since      string
	Complexity string
	// Keys finds the key arguments of commands whose key positions depend
	// on their arguments (movablekeys: a numkeys count, a STORE option, a
	// STREAMS keyword). Nil means FirstKey/LastKey/Step say it all. It is
	// the one place key positions come from: COMMAND GETKEYS, blocking,
	// scripting and slot routing all ask KeyArgs.
	Keys func(args [][]byte) [][]byte
	// KeySpecs carry the flags of each key for COMMAND GETKEYSANDFLAGS.
	// Table.Add fills them from Redis's table by name when left nil.
	KeySpecs []KeySpec
	// KeyFlagsOf, when set, decides the flags of the i-th key from the
	// arguments (Redis's variable_flags commands, SET and BITFIELD, and
	// numkeys counts Redis reads only through its fallback, which reports
	// no flags); a nil result means "as KeySpecs say".
	KeyFlagsOf func(args [][]byte, i int) []string
}

// Has reports whether the spec carries flag.
func (s *Spec) Has(flag string) bool {
	for _, f := range s.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// ArityOK checks argc (including the command name) against Arity.
func (s *Spec) ArityOK(argc int) bool {
	if s.Arity >= 0 {
		return argc == s.Arity
	}
	return argc >= -s.Arity
}

// Command is a data command executed by the FSM: writes in Apply on every
// node, reads directly against the local state.
type Command struct {
	Spec
	Write bool // derived from the "write" flag at registration
	// DenyOOM is the "denyoom" flag: refused over maxmemory (evict.go).
	DenyOOM bool
	Run     func(c *Ctx) error
	// Logged, when set, decides per call whether the command must go
	// through the log (true) or is served by the read path. SORT is
	// flagged "write" but changes state only with STORE; EVAL-family
	// commands have no "write" flag in Redis, yet a script may write:
	// whether it may depends on its shebang, or on the replicated script
	// cache for EVALSHA. Nil means Write decides. It must not
	// under-report: a handler that stores on the read path is refused.
	Logged func(f *FSM, args [][]byte) bool
}

// NeedsLog reports whether this call of the command must be a log entry;
// the dispatcher routes by it, the rest runs on the read path.
func (c *Command) NeedsLog(f *FSM, args [][]byte) bool {
	if c.Logged != nil {
		return c.Logged(f, args)
	}
	return c.Write
}

// Table maps lower-case command names to commands.
type Table struct {
	cmds     map[string]*Command
	keySpecs map[string][]KeySpec
}

// NewTable returns a table holding every data command quoris implements.
func NewTable() *Table {
	t := &Table{cmds: make(map[string]*Command), keySpecs: redisKeySpecs()}
	for _, register := range []func(*Table){
		registerStrings,
		registerStringCAS,
		registerKeyVersion,
		registerKeys,
		registerServer,
		registerMulti,
		registerBitmaps,
		registerHyperLogLog,
		registerPfdebug,
		registerHashes,
		registerSets,
		registerLists,
		registerZSets,
		registerGeo,
		registerDump,
		registerSort,
		registerSettings,
		registerPubSub,
		registerScripting,
		registerFunctions,
		registerStreams,
		registerACL,
		registerAsUser,
		registerRESP3Script,
	} {
		register(t)
	}
	return t
}

// Add registers commands; a duplicate name is a programming error.
func (t *Table) Add(cmds ...*Command) {
	for _, c := range cmds {
		c.Name = strings.ToLower(c.Name)
		c.Write = c.Has("write")
		c.DenyOOM = c.Has("denyoom")
		if c.KeySpecs == nil {
			c.KeySpecs = t.keySpecs[c.Name]
		}
		if c.KeyFlagsOf == nil {
			c.KeyFlagsOf = variableKeyFlags(c.Name)
		}
		if _, dup := t.cmds[c.Name]; dup {
			panic("fsm: duplicate command " + c.Name)
		}
		t.cmds[c.Name] = c
	}
}

// Lookup finds a command by name in any letter case without allocating for
// names up to 32 bytes.
func (t *Table) Lookup(name []byte) *Command {
	var buf [32]byte
	if len(name) > len(buf) {
		return t.cmds[strings.ToLower(string(name))]
	}
	for i, ch := range name {
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	return t.cmds[string(buf[:len(name)])]
}

// All returns every command, in no particular order.
func (t *Table) All() []*Command {
	out := make([]*Command, 0, len(t.cmds))
	for _, c := range t.cmds {
		out = append(out, c)
	}
	return out
}

// KeySpecsOf returns Redis's key specs of a command or subcommand
// ("object|encoding") by name, for commands the RESP layer answers itself.
func (t *Table) KeySpecsOf(name string) []KeySpec { return t.keySpecs[name] }
