package fsm

import "errors"

// A script's reply depends on the caller's protocol (Redis's
// luaReplyToRedisReply writes a map as %, a double as ',', a null as _ to
// a RESP3 client), and it can only be written where the script runs: in
// the FSM, once, on the node that applies or reads it. The RESP layer so
// sends a RESP3 client's EVAL/FCALL as QUORIS.RESP3 EVAL ... (or
// QUORIS.RESP3 QUORIS.ASUSER user EVAL ...), and passes that reply through
// unconverted. RESP2 callers' scripts go unwrapped, as before.

const resp3ScriptName = "quoris.resp3"

var errRESP3Script = errors.New("ERR QUORIS.RESP3 wraps EVAL and FCALL commands only")

// RESP3Wraps reports whether name is a command QUORIS.RESP3 wraps.
func RESP3Wraps(name string) bool { return asUserCommands[name] || name == asUserName }

func registerRESP3Script(t *Table) {
	t.Add(&Command{Spec: Spec{Name: resp3ScriptName, Arity: -2, Flags: []string{"admin", "noscript"}, Group: "server",
		Summary: "Internal: runs a script command whose reply is written in RESP3.", Since: "0.1.0", Complexity: "As the wrapped command."},
		Run: cmdRESP3Script,
		Logged: func(f *FSM, args [][]byte) bool {
			inner := resp3Inner(f, args)
			return inner != nil && inner.NeedsLog(f, args[1:])
		}})
}

func resp3Inner(f *FSM, args [][]byte) *Command {
	return wrappedInner(f, args, 1, RESP3Wraps)
}

func cmdRESP3Script(c *Ctx) error {
	inner := resp3Inner(c.f, c.Args)
	if inner == nil {
		return errRESP3Script
	}
	args, r3 := c.Args, c.resp3
	c.Args, c.resp3 = args[1:], true
	defer func() { c.Args, c.resp3 = args, r3 }()
	return runWrapped(c, inner)
}
