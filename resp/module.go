package resp

import (
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// quoris loads no modules: its commands must run identically on every node
// through the log, which a native module cannot promise. MODULE answers as
// Redis 7.0 does under its default enable-module-command "no" (LIST is
// empty; loading is refused); with "yes" or "local" a load fails as a
// module that cannot be loaded does.
func moduleCommands() []*localCmd {
	return []*localCmd{
		containerCmd(fsm.Spec{Name: "module", Arity: -2, Group: "server",
			Summary: "A container for module commands", Since: "4.0.0", Complexity: "Depends on subcommand."}),
	}
}

const errModuleNotAllowed = `ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`

func moduleSubcommands() []*subCmd {
	admin := []string{"admin", "noscript", "no_async_loading"}
	refuse := func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		if strings.EqualFold(s.configValue("enable-module-command"), "no") {
			return appendErrStr(out, errModuleNotAllowed)
		}
		return appendErrStr(out, "ERR Error loading the extension. Please check the server logs.")
	}
	return []*subCmd{
		{Spec: fsm.Spec{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "server",
			Summary: "Show helpful text about the different subcommands", Since: "5.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "module", []string{
					"LIST",
					"    Return a list of loaded modules.",
					"LOAD <path> [<arg> ...]",
					"    Load a module library from <path>, passing to it any optional arguments.",
					"LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
					"    Load a module library from <path>, while passing it module configurations and optional arguments.",
					"UNLOAD <name>",
					"    Unload a module.",
				})
			}},
		{Spec: fsm.Spec{Name: "list", Arity: 2, Flags: []string{"admin", "noscript"}, Group: "server",
			Summary: "List all modules loaded by the server", Since: "4.0.0", Complexity: "O(N) where N is the number of loaded modules."},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendArray(out, 0)
			}},
		{Spec: fsm.Spec{Name: "load", Arity: -3, Flags: admin, Group: "server",
			Summary: "Load a module", Since: "4.0.0", Complexity: "O(1)"}, run: refuse},
		{Spec: fsm.Spec{Name: "loadex", Arity: -3, Flags: admin, Group: "server",
			Summary: "Load a module with extended parameters", Since: "7.0.0", Complexity: "O(1)"}, run: refuse},
		{Spec: fsm.Spec{Name: "unload", Arity: 3, Flags: admin, Group: "server",
			Summary: "Unload a module", Since: "4.0.0", Complexity: "O(1)"}, run: refuse},
	}
}
