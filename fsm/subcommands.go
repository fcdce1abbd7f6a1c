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

// containerSubs is each FSM-run container's subcommands as Redis 7.0's
// command table gives them: dispatch takes their arities from here, and
// COMMAND INFO/DOCS/LIST and the ACL index their flags and keys.
var containerSubs = map[string][]Spec{
	"script": {
		{Name: "debug", Arity: 3, Flags: []string{"noscript"}, Group: "scripting",
			Summary: "Set the debug mode for executed scripts.", Since: "3.2.0", Complexity: "O(1)"},
		{Name: "exists", Arity: -3, Flags: []string{"noscript"}, Group: "scripting",
			Summary: "Check existence of scripts in the script cache.", Since: "2.6.0", Complexity: "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation)."},
		{Name: "flush", Arity: -2, Flags: []string{"noscript"}, Group: "scripting",
			Summary: "Remove all the scripts from the script cache.", Since: "2.6.0", Complexity: "O(N) with N being the number of scripts in cache"},
		{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "scripting",
			Summary: "Show helpful text about the different subcommands", Since: "5.0.0", Complexity: "O(1)"},
		{Name: "kill", Arity: 2, Flags: []string{"noscript", "allow_busy"}, Group: "scripting",
			Summary: "Kill the script currently in execution.", Since: "2.6.0", Complexity: "O(1)"},
		{Name: "load", Arity: 3, Flags: []string{"noscript", "stale"}, Group: "scripting",
			Summary: "Load the specified Lua script into the script cache.", Since: "2.6.0", Complexity: "O(N) with N being the length in bytes of the script body."},
	},
	"function": {
		{Name: "delete", Arity: 3, Flags: []string{"write", "noscript"}, Group: "scripting",
			Summary: "Delete a function by name", Since: "7.0.0", Complexity: "O(1)"},
		{Name: "dump", Arity: 2, Flags: []string{"noscript"}, Group: "scripting",
			Summary: "Dump all functions into a serialized binary payload", Since: "7.0.0", Complexity: "O(N) where N is the number of functions"},
		{Name: "flush", Arity: -2, Flags: []string{"write", "noscript"}, Group: "scripting",
			Summary: "Deleting all functions", Since: "7.0.0", Complexity: "O(N) where N is the number of functions deleted"},
		{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "scripting",
			Summary: "Show helpful text about the different subcommands", Since: "7.0.0", Complexity: "O(1)"},
		{Name: "kill", Arity: 2, Flags: []string{"noscript", "allow_busy"}, Group: "scripting",
			Summary: "Kill the function currently in execution.", Since: "7.0.0", Complexity: "O(1)"},
		{Name: "list", Arity: -2, Flags: []string{"noscript"}, Group: "scripting",
			Summary: "List information about all the functions", Since: "7.0.0", Complexity: "O(N) where N is the number of functions"},
		{Name: "load", Arity: -3, Flags: []string{"write", "denyoom", "noscript"}, Group: "scripting",
			Summary: "Create a function with the given arguments (name, code, description)", Since: "7.0.0", Complexity: "O(1) (considering compilation time is redundant)"},
		{Name: "restore", Arity: -3, Flags: []string{"write", "denyoom", "noscript"}, Group: "scripting",
			Summary: "Restore all the functions on the given payload", Since: "7.0.0", Complexity: "O(N) where N is the number of functions on the payload"},
		{Name: "stats", Arity: 2, Flags: []string{"noscript", "allow_busy"}, Group: "scripting",
			Summary: "Return information about the function currently running (name, description, duration)", Since: "7.0.0", Complexity: "O(1)"},
	},
	"xgroup": {
		{Name: "create", Arity: -5, Flags: []string{"write", "denyoom"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream",
			Summary: "Create a consumer group.", Since: "5.0.0", Complexity: "O(1)"},
		{Name: "createconsumer", Arity: 5, Flags: []string{"write", "denyoom"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream",
			Summary: "Create a consumer in a consumer group.", Since: "6.2.0", Complexity: "O(1)"},
		{Name: "delconsumer", Arity: 5, Flags: []string{"write"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream",
			Summary: "Delete a consumer from a consumer group.", Since: "5.0.0", Complexity: "O(1)"},
		{Name: "destroy", Arity: 4, Flags: []string{"write"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream",
			Summary: "Destroy a consumer group.", Since: "5.0.0", Complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL)."},
		{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "stream",
			Summary: "Show helpful text about the different subcommands", Since: "5.0.0", Complexity: "O(1)"},
		{Name: "setid", Arity: -5, Flags: []string{"write"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream",
			Summary: "Set a consumer group to an arbitrary last delivered ID value.", Since: "5.0.0", Complexity: "O(1)"},
	},
	"xinfo": {
		{Name: "consumers", Arity: 4, Flags: []string{"readonly"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream",
			Summary: "List the consumers in a consumer group", Since: "5.0.0", Complexity: "O(1)"},
		{Name: "groups", Arity: 3, Flags: []string{"readonly"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream",
			Summary: "List the consumer groups of a stream", Since: "5.0.0", Complexity: "O(1)"},
		{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "stream",
			Summary: "Show helpful text about the different subcommands", Since: "5.0.0", Complexity: "O(1)"},
		{Name: "stream", Arity: -3, Flags: []string{"readonly"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream",
			Summary: "Get information about a stream", Since: "5.0.0", Complexity: "O(1)"},
	},
	"object": {
		{Name: "encoding", Arity: 3, Flags: []string{"readonly"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic",
			Summary: "Inspect the internal encoding of a Redis object", Since: "2.2.3", Complexity: "O(1)"},
		{Name: "freq", Arity: 3, Flags: []string{"readonly"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic",
			Summary: "Get the logarithmic access frequency counter of a Redis object", Since: "4.0.0", Complexity: "O(1)"},
		{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "generic",
			Summary: "Show helpful text about the different subcommands", Since: "6.2.0", Complexity: "O(1)"},
		{Name: "idletime", Arity: 3, Flags: []string{"readonly"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic",
			Summary: "Get the time since a Redis object was last accessed", Since: "2.2.3", Complexity: "O(1)"},
		{Name: "refcount", Arity: 3, Flags: []string{"readonly"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "generic",
			Summary: "Get the number of references to the value of the key", Since: "2.2.3", Complexity: "O(1)"},
	},
}

// containerArity is containerSubs' arities, for dispatch.
var containerArity = func() map[string]map[string]int {
	m := map[string]map[string]int{}
	for c, subs := range containerSubs {
		m[c] = map[string]int{}
		for _, s := range subs {
			m[c][s.Name] = s.Arity
		}
	}
	return m
}()

// Subcommands is the subcommands of an FSM-run container (nil for any
// other command), sorted by name.
func Subcommands(container string) []Spec { return containerSubs[container] }

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
