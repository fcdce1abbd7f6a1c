package fsm

import (
	"errors"
	"fmt"
	"strings"
)

// Scripts run in apply on every node, so the ACL check of their
// redis.call must be too, with the caller's user taken from the entry:
// the RESP layer sends a restricted user's EVAL/FCALL as QUORIS.ASUSER
// user EVAL ..., and the check itself (which needs resp's command table)
// is the hook installed with SetScriptACL. It reads only the replicated
// users, so every node decides alike.

// ScriptACLFunc returns "" when user may run args, else Redis's reason
// ("The user executing the script can't run this command or subcommand").
type ScriptACLFunc func(user string, args [][]byte) string

// SetScriptACL installs the check redis.call runs for QUORIS.ASUSER calls.
func (f *FSM) SetScriptACL(fn ScriptACLFunc) { f.scriptACL.Store(&fn) }

// asUserCommands are the commands QUORIS.ASUSER may wrap.
var asUserCommands = map[string]bool{"eval": true, "evalsha": true, "eval_ro": true, "evalsha_ro": true, "fcall": true, "fcall_ro": true}

// AsUserWraps reports whether name is a command QUORIS.ASUSER wraps.
func AsUserWraps(name string) bool { return asUserCommands[name] }

const asUserName = "quoris.asuser"

var errAsUser = errors.New("ERR QUORIS.ASUSER wraps EVAL and FCALL commands only")

func registerAsUser(t *Table) {
	t.Add(&Command{Spec: Spec{Name: asUserName, Arity: -3, Flags: []string{"admin", "noscript"}, Group: "server",
		Summary: "Internal: runs a script command with the ACL of the given user.", Since: "0.1.0", Complexity: "As the wrapped command."},
		Run: cmdAsUser,
		Logged: func(f *FSM, args [][]byte) bool {
			inner := asUserInner(f, args)
			return inner != nil && inner.NeedsLog(f, args[2:])
		}})
}

func asUserInner(f *FSM, args [][]byte) *Command {
	return wrappedInner(f, args, 2, func(name string) bool { return asUserCommands[name] })
}

// wrappedInner is the command a wrapper (QUORIS.ASUSER, QUORIS.RESP3)
// runs, args[skip:], when allowed takes its name and its arity fits; nil
// otherwise.
func wrappedInner(f *FSM, args [][]byte, skip int, allowed func(name string) bool) *Command {
	if len(args) <= skip {
		return nil
	}
	inner := f.table.Lookup(args[skip])
	if inner == nil || !allowed(inner.Name) || !inner.ArityOK(len(args)-skip) {
		return nil
	}
	return inner
}

// runWrapped runs a wrapper's inner command once the wrapper has set c
// up for it: the wrapper's own entry in the table carries no denyoom.
func runWrapped(c *Ctx, inner *Command) error {
	if c.Write && inner.DenyOOM && c.f.refuseOOM() {
		return ErrOOM
	}
	return inner.Run(c)
}

func cmdAsUser(c *Ctx) error {
	inner := asUserInner(c.f, c.Args)
	if inner == nil {
		return errAsUser
	}
	args, user := c.Args, c.user
	c.Args, c.user = args[2:], string(args[1])
	defer func() { c.Args, c.user = args, user }()
	return runWrapped(c, inner)
}

// scriptACLDenied is the error redis.call answers when the script's
// caller may not run args (nil when allowed or no user is set).
func (f *FSM) scriptACLDenied(user string, args [][]byte) []byte {
	if user == "" {
		return nil
	}
	fn := f.scriptACL.Load()
	if fn == nil {
		return nil
	}
	if msg := (*fn)(user, args); msg != "" {
		return appendErr(nil, fmt.Errorf("ERR %s", strings.TrimSpace(msg)))
	}
	return nil
}
