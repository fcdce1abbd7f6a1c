package resp

import (
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// introspectionCommands: INFO, COMMAND and CONFIG.
func introspectionCommands() []*localCmd {
	return []*localCmd{
		// "@dangerous" is an explicit ACL category (see aclCategories), as Redis 7 gives INFO.
		{Spec: fsm.Spec{Name: "info", Arity: -1, Flags: []string{"loading", "stale", "@dangerous"}, Group: "server",
			Summary: "Get information and statistics about the server", Since: "1.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulkString(out, s.info(args[1:]))
			}},
		{Spec: fsm.Spec{Name: "command", Arity: -1, Flags: []string{"loading", "stale"}, Group: "server",
			Summary: "Get array of Redis command details", Since: "2.8.13", Complexity: "O(N) where N is the total number of Redis commands"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				if len(args) == 1 {
					return appendCommandInfos(out, s.commandTable())
				}
				return runSub(s, cl, args, out, "command", commandSubcommands())
			}},
		containerCmd(fsm.Spec{Name: "config", Arity: -2, Group: "server",
			Summary: "A container for server configuration commands", Since: "2.0.0", Complexity: "Depends on subcommand."}),
	}
}

// subCmd is one subcommand of a container command (CLIENT LIST, CONFIG
// GET). Redis 7 reports it as "container|name" with its own arity and flags
// in COMMAND INFO, and names it that way in arity errors and CLIENT LIST.
type subCmd struct {
	fsm.Spec // Name is the short name: "list"
	run      func(s *Server, cl *client, args [][]byte, out []byte) []byte
}

// subcommandsOf is the one list of each container's subcommands: dispatch
// and COMMAND INFO/DOCS both read it.
func subcommandsOf(container string) []*subCmd {
	switch container {
	case "client":
		return clientSubcommands()
	case "cluster":
		return clusterSubcommands()
	case "command":
		return commandSubcommands()
	case "config":
		return configSubcommands()
	case "slowlog":
		return slowlogSubcommands()
	case "latency":
		return latencySubcommands()
	case "memory":
		return memorySubcommands()
	case "pubsub":
		return pubsubSubcommands()
	case "acl":
		return aclSubcommands()
	case "module":
		return moduleSubcommands()
	}
	return nil
}

// containerCmd makes the local command for a container whose subcommands
// are subcommandsOf(spec.Name).
func containerCmd(spec fsm.Spec) *localCmd {
	subs := subcommandsOf(spec.Name)
	return &localCmd{Spec: spec, run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		return runSub(s, cl, args, out, spec.Name, subs)
	}}
}

func runSub(s *Server, cl *client, args [][]byte, out []byte, container string, subs []*subCmd) []byte {
	name := string(args[1])
	for _, sc := range subs {
		if !strings.EqualFold(sc.Name, name) {
			continue
		}
		full := container + "|" + sc.Name
		if !sc.ArityOK(len(args)) {
			return appendErrStr(out, arityErr(full))
		}
		cl.setLast(full)
		return sc.run(s, cl, args, out)
	}
	return subcommandErr(out, container, args[1])
}

// appendHelp writes a container's HELP reply the way Redis's addReplyHelp
// does: a heading, the given lines, then HELP itself, as status replies.
func appendHelp(out []byte, container string, lines []string) []byte {
	out = redcon.AppendArray(out, len(lines)+3)
	out = redcon.AppendString(out, strings.ToUpper(container)+" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		out = redcon.AppendString(out, l)
	}
	out = redcon.AppendString(out, "HELP")
	return redcon.AppendString(out, "    Prints this help.")
}
