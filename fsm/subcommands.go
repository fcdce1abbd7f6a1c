package fsm

import (
	"errors"
	"strings"
)

// Container commands the FSM runs as one command each (SCRIPT, FUNCTION,
// XGROUP, XINFO, OBJECT) answer Redis's container errors themselves.

// subcommandError is Redis's reply for an unknown subcommand: the name cut
// at 128 bytes as C prints it, on one line.
func subcommandError(c *Ctx, container string) error {
	return errors.New("ERR unknown subcommand '" + oneLine(string(cstrBytes(c.Args[1], 128))) + "'. Try " + container + " HELP.")
}

// subArity checks a container subcommand's arity as Redis's command table
// does, with its "container|sub" name in the error.
func subArity(c *Ctx, container, sub string, arity int) error {
	n := len(c.Args)
	if (arity >= 0 && n != arity) || (arity < 0 && n < -arity) {
		return errors.New("ERR wrong number of arguments for '" + container + "|" + sub + "' command")
	}
	return nil
}

// containerArity is each FSM-run container's subcommands and their
// arities, as Redis's command table gives them.
var containerArity = map[string]map[string]int{
	"script":   {"load": 3, "exists": -3, "flush": -2, "kill": 2, "help": 2, "debug": 3},
	"function": {"load": -3, "delete": 3, "flush": -2, "list": -2, "dump": 2, "restore": -3, "stats": 2, "kill": 2, "help": 2},
	"xgroup":   {"create": -5, "createconsumer": 5, "delconsumer": 5, "destroy": 4, "setid": -5, "help": 2},
	"xinfo":    {"stream": -3, "groups": 3, "consumers": 4, "help": 2},
	"object":   {"encoding": 3, "freq": 3, "idletime": 3, "refcount": 3, "help": 2},
}

// IsContainer reports whether name is a container the FSM runs as one
// command, whose subcommands IsSubcommand knows.
func IsContainer(name string) bool {
	_, ok := containerArity[name]
	return ok
}

// IsSubcommand reports whether sub (any case) is a subcommand of the
// FSM-run container, for COMMAND GETKEYS's lookup.
func IsSubcommand(container, sub string) bool {
	_, ok := containerArity[container][strings.ToLower(sub)]
	return ok
}

// subcommand checks c's subcommand of container: unknown, or of the wrong
// arity, it answers Redis's error; else its lower-case name.
func subcommand(c *Ctx, container string) (string, error) {
	sub := strings.ToLower(string(c.Args[1]))
	arity, ok := containerArity[container][sub]
	if !ok {
		return "", subcommandError(c, strings.ToUpper(container))
	}
	return sub, subArity(c, container, sub, arity)
}
