package resp

import (
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

func configSubcommands() []*subCmd {
	admin := []string{"admin", "noscript", "loading", "stale"}
	spec := func(name string, arity int, flags []string, summary, since, complexity string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: flags, Group: "server", Summary: summary, Since: since, Complexity: complexity}
	}
	return []*subCmd{
		{Spec: spec("get", -3, admin, "Get the values of configuration parameters", "2.0.0", "O(N) when N is the number of configuration parameters provided"),
			run: configGet},
		{Spec: spec("set", -4, admin, "Set configuration parameters to the given values", "2.0.0", "O(N) when N is the number of configuration parameters provided"),
			run: configSet},
		{Spec: spec("resetstat", 2, admin, "Reset the stats returned by INFO", "2.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				s.resetStats()
				return redcon.AppendOK(out)
			}},
		{Spec: spec("rewrite", 2, admin, "Rewrite the configuration file with the in memory configuration", "2.8.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				// Settings come from flags, environment and a YAML file
				// merged by viper; there is no redis.conf to rewrite.
				return appendErrStr(out, "ERR The server is running without a config file")
			}},
		{Spec: spec("help", 2, []string{"loading", "stale"}, "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "config", []string{
					"GET <pattern>",
					"    Return parameters matching the glob-like <pattern> and their values.",
					"SET <directive> <value>",
					"    Set the configuration <directive> to <value>.",
					"RESETSTAT",
					"    Reset statistics reported by the INFO command.",
					"REWRITE",
					"    Rewrite the configuration file.",
				})
			}},
	}
}

// configGet answers CONFIG GET with every setting matching any pattern,
// each once.
func configGet(s *Server, cl *client, args [][]byte, out []byte) []byte {
	var pairs [][2]string
	seen := map[string]bool{}
	if s.opts.Settings != nil {
		for _, p := range args[2:] {
			for _, kv := range s.opts.Settings.Get(string(p)) {
				if !seen[kv[0]] {
					seen[kv[0]] = true
					pairs = append(pairs, kv)
				}
			}
		}
	}
	out = redcon.AppendArray(out, 2*len(pairs))
	for _, kv := range pairs {
		out = redcon.AppendBulkString(out, kv[0])
		out = redcon.AppendBulkString(out, kv[1])
	}
	return out
}

// configSet applies name/value pairs all or nothing, as Redis 7 does:
// every name is checked first, and if one value is refused the ones
// already set are put back.
func configSet(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args)%2 != 0 {
		return appendSyntaxErr(out)
	}
	type change struct{ name, value, old string }
	var changes []change
	seen := map[string]bool{}
	for i := 2; i < len(args); i += 2 {
		name := strings.ToLower(string(args[i]))
		old, known := "", false
		if s.opts.Settings != nil {
			for _, kv := range s.opts.Settings.Get(name) {
				if kv[0] == name {
					old, known = kv[1], true
				}
			}
		}
		if !known {
			return appendErrStr(out, "ERR Unknown option or number of arguments for CONFIG SET - '"+sanitize(args[i], 128)+"'")
		}
		if seen[name] {
			return appendErrStr(out, "ERR CONFIG SET failed (possibly related to argument '"+name+"') - duplicate parameter")
		}
		seen[name] = true
		changes = append(changes, change{name: name, value: string(args[i+1]), old: old})
	}
	for i, c := range changes {
		if err := s.opts.Settings.Set(c.name, c.value); err != nil {
			for _, done := range changes[:i] {
				_ = s.opts.Settings.Set(done.name, done.old)
			}
			return appendErrStr(out, err.Error())
		}
	}
	return redcon.AppendOK(out)
}

// resetStats zeroes the counters INFO stats reports.
func (s *Server) resetStats() {
	s.stats.conns.Store(0)
	s.stats.cmds.Store(0)
	s.stats.rejected.Store(0)
	s.stats.proxied.Store(0)
	s.stats.uncertain.Store(0)
	fst := s.fsm.Stats()
	fst.ExpiredKeys.Store(0)
	fst.KeyspaceHits.Store(0)
	fst.KeyspaceMiss.Store(0)
	fst.AppliedCmds.Store(0)
}
