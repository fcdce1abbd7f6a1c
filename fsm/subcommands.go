package fsm

import "errors"

// Container commands the FSM runs as one command each (SCRIPT, FUNCTION,
// XGROUP, XINFO) answer Redis's container errors themselves.

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
