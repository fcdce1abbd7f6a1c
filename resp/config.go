package resp

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/redisconf"
)

// CONFIG answers for three kinds of setting:
//   - every Redis 7.0 parameter (package redisconf), validated as Redis
//     does; those that change what writes do are replicated
//     (fsm.IsReplicatedSetting: CONFIG SET is a QUORIS.CONFIG log entry),
//     the rest are node-local and live in localConfig;
//   - Redis parameters the operator's configuration owns (port, bind, dir,
//     databases, loglevel: Settings answers for them after redisconf has
//     checked the value);
//   - quoris's own settings (node-id, raft-*, snapshot-* ...), Settings
//     only.

// localConfig holds node-local Redis parameters that differ from their
// defaults, by canonical name.
type localConfig struct {
	mu   sync.RWMutex
	vals map[string]string
}

func (l *localConfig) get(p *redisconf.Param) string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if v, ok := l.vals[p.Name]; ok {
		return v
	}
	return p.Default
}

func (l *localConfig) set(name, value string) {
	l.mu.Lock()
	if l.vals == nil {
		l.vals = map[string]string{}
	}
	l.vals[name] = value
	l.mu.Unlock()
}

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
			run: configRewrite},
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

// ownedSetting returns the operator configuration's value of name, if
// Settings has a setting of exactly that name.
func (s *Server) ownedSetting(name string) (string, bool) {
	if s.opts.Settings == nil {
		return "", false
	}
	for _, kv := range s.opts.Settings.Get(name) {
		if strings.EqualFold(kv[0], name) {
			return kv[1], true
		}
	}
	return "", false
}

// configValue is a parameter's current value as CONFIG GET shows it, ""
// for an unknown name. Other parts of the server (INFO, SLOWLOG, LATENCY)
// read their settings here.
func (s *Server) configValue(name string) string {
	return s.configValueIn(name, nil)
}

// configValueIn is configValue; owned, when not nil, is ownedAll's, so a
// caller reading many settings builds the operator's view once.
func (s *Server) configValueIn(name string, owned map[string]string) string {
	p := redisconf.Lookup(name)
	if p == nil {
		if owned != nil {
			return owned[name]
		}
		v, _ := s.ownedSetting(name)
		return v
	}
	return s.paramValue(p, owned)
}

// ownedAll is every setting of the operator's configuration, by name: one
// Settings call for a whole CONFIG GET.
func (s *Server) ownedAll() map[string]string {
	out := map[string]string{}
	if s.opts.Settings != nil {
		for _, kv := range s.opts.Settings.Get("*") {
			out[strings.ToLower(kv[0])] = kv[1]
		}
	}
	return out
}

// paramValue is p's current value; owned, when not nil, is ownedAll's.
func (s *Server) paramValue(p *redisconf.Param, owned map[string]string) string {
	if owned == nil {
		if v, ok := s.ownedSetting(p.Name); ok {
			return v
		}
	} else if v, ok := owned[p.Name]; ok {
		return v
	}
	if live := s.liveValue(p.Name); live != "" {
		return live
	}
	if fsm.IsReplicatedSetting(p.Name) {
		return s.fsm.Setting(p.Name)
	}
	return s.conf.get(p)
}

// liveValue is what the process is actually doing for the parameters it
// cannot change at run time when no operator configuration answers for
// them: the port it listens on, its working directory. "" otherwise.
func (s *Server) liveValue(name string) string {
	switch name {
	case "port":
		return strconv.Itoa(s.tcpPort())
	case "dir":
		wd, _ := os.Getwd()
		return wd
	}
	return ""
}

// configGet answers CONFIG GET: for each argument, the parameter of that
// exact name (shown as typed, as Redis does), or every parameter and alias
// whose name matches the glob (shown in lower case); each once. Redis
// answers in its dictionary's order; quoris in its table's.
func configGet(s *Server, cl *client, args [][]byte, out []byte) []byte {
	var pairs [][2]string
	seen := map[string]bool{}
	owned := s.ownedAll()
	add := func(name, value string) {
		if k := strings.ToLower(name); !seen[k] {
			seen[k] = true
			pairs = append(pairs, [2]string{name, value})
		}
	}
	for _, a := range args[2:] {
		pat := string(a)
		if !strings.ContainsAny(pat, "[*?") {
			if p := redisconf.Lookup(pat); p != nil {
				add(pat, s.paramValue(p, owned))
			} else if v, ok := s.ownedSetting(pat); ok {
				add(strings.ToLower(pat), v)
			}
			continue
		}
		for _, p := range redisconf.All() {
			if p.Hidden {
				continue
			}
			if datatypes.Match(pat, p.Name, true) {
				add(p.Name, s.paramValue(p, owned))
			}
			if p.Alias != "" && datatypes.Match(pat, p.Alias, true) {
				add(p.Alias, s.paramValue(p, owned))
			}
		}
		if s.opts.Settings != nil {
			for _, kv := range s.opts.Settings.Get(pat) {
				if redisconf.Lookup(kv[0]) == nil {
					add(kv[0], kv[1])
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

func configSetErr(arg []byte, err error) string {
	return fmt.Sprintf("ERR CONFIG SET failed (possibly related to argument '%s') - %v", sanitize(arg, 128), err)
}

// configSet applies name/value pairs all or nothing, as Redis 7 does:
// every name is checked first (unknown, immutable, protected, duplicate),
// then every value, then the changes are made; node-local ones are put
// back if the operator's configuration or the replicated entry refuses.
func configSet(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args)%2 != 0 {
		return appendSyntaxErr(out)
	}
	type change struct {
		arg   []byte
		param *redisconf.Param // nil: a quoris setting
		name  string           // canonical
		value string
		owned bool // the operator's configuration answers for it
	}
	var changes []*change
	seen := map[string]bool{}
	for i := 2; i < len(args); i += 2 {
		name := strings.ToLower(string(args[i]))
		p := redisconf.Lookup(name)
		_, owned := s.ownedSetting(name)
		switch {
		case p == nil && !owned:
			return appendErrStr(out, "ERR Unknown option or number of arguments for CONFIG SET - '"+sanitize(args[i], 128)+"'")
		case p != nil && p.Immutable:
			return appendErrStr(out, configSetErr(args[i], redisconf.ErrImmutable))
		case p != nil && p.Protected:
			return appendErrStr(out, configSetErr(args[i], redisconf.ErrProtected))
		case seen[name]:
			return appendErrStr(out, configSetErr(args[i], errors.New("duplicate parameter")))
		}
		seen[name] = true
		ch := &change{arg: args[i], param: p, name: name, value: string(args[i+1]), owned: owned}
		if p != nil {
			ch.name = p.Name
			if _, ok := s.ownedSetting(p.Name); ok {
				ch.owned = true
			}
		}
		changes = append(changes, ch)
	}
	var replicated [][]byte
	for _, ch := range changes {
		if ch.param == nil {
			continue
		}
		cur := s.paramValue(ch.param, nil)
		v, err := ch.param.Normalize(cur, ch.value)
		if err != nil {
			return appendErrStr(out, configSetErr(ch.arg, err))
		}
		if !ch.owned && s.liveValue(ch.name) != "" && v != cur {
			// Redis would rebind; quoris listens where it started.
			return appendErrStr(out, configSetErr(ch.arg, redisconf.ErrImmutable))
		}
		raw := ch.value
		ch.value = v
		if !ch.owned && fsm.IsReplicatedSetting(ch.name) {
			if ch.name == "notify-keyspace-events" {
				// The FSM normalizes it again, keeping the n class that
				// Redis's text drops beside A (see fsm/settings.go).
				v = raw
			}
			replicated = append(replicated, []byte(ch.name), []byte(v))
		}
	}
	type undo struct {
		name, old string
		owned     bool
	}
	var undos []undo
	rollback := func() {
		for i := len(undos) - 1; i >= 0; i-- {
			u := undos[i]
			if u.owned {
				_ = s.opts.Settings.Set(u.name, u.old)
			} else {
				s.conf.set(u.name, u.old)
			}
		}
	}
	for _, ch := range changes {
		switch {
		case ch.owned:
			old, _ := s.ownedSetting(ch.name)
			if err := s.opts.Settings.Set(ch.name, ch.value); err != nil {
				rollback()
				return appendErrStr(out, err.Error())
			}
			undos = append(undos, undo{ch.name, old, true})
		case !fsm.IsReplicatedSetting(ch.name):
			undos = append(undos, undo{ch.name, s.conf.get(ch.param), false})
			s.conf.set(ch.name, ch.value)
		}
	}
	if len(replicated) > 0 {
		err := s.peerSecretFor(cl, replicated)
		var reply []byte
		if err == nil {
			reply, err = s.writeCommand(cl, append([][]byte{[]byte("QUORIS.CONFIG")}, replicated...))
		}
		if err == nil && (len(reply) == 0 || reply[0] == '-') {
			err = errors.New(strings.TrimSpace(strings.TrimPrefix(string(reply), "-")))
		}
		if err != nil {
			rollback()
			return appendErrStr(out, err.Error())
		}
	}
	return redcon.AppendOK(out)
}

// configRewrite writes the running configuration back to the file the
// server was started with, when the operator's configuration can.
func configRewrite(s *Server, cl *client, args [][]byte, out []byte) []byte {
	rw, ok := s.opts.Settings.(Rewriter)
	if !ok {
		return appendErrStr(out, "ERR The server is running without a config file")
	}
	vals := map[string]string{}
	owned := s.ownedAll()
	for _, p := range redisconf.All() {
		// Replicated settings persist in the raft log and snapshots.
		if _, isOwned := owned[p.Name]; isOwned || p.Hidden || fsm.IsReplicatedSetting(p.Name) || s.liveValue(p.Name) != "" {
			continue
		}
		if v := s.paramValue(p, owned); v != p.Default {
			vals[p.Name] = v
		}
	}
	if err := rw.Rewrite(vals); err != nil {
		if errors.Is(err, ErrNoConfigFile) {
			return appendErrStr(out, "ERR The server is running without a config file")
		}
		s.log.Warn("CONFIG REWRITE failed", "err", err)
		return appendErrStr(out, "ERR Rewriting config file: "+err.Error())
	}
	return redcon.AppendOK(out)
}

// Rewriter is implemented by Settings that can write the configuration
// back to a file (CONFIG REWRITE): redis holds the node-local Redis
// parameters whose values differ from Redis's defaults, by name (any other
// Redis parameter is at its default); the Settings adds its own.
type Rewriter interface {
	Rewrite(redis map[string]string) error
}

// ErrNoConfigFile is what a Rewriter returns when the server was started
// without a configuration file.
var ErrNoConfigFile = errors.New("no config file")

// resetStats zeroes the counters INFO stats reports.
func (s *Server) resetStats() {
	s.stats.conns.Store(0)
	s.stats.cmds.Store(0)
	s.stats.rejected.Store(0)
	s.stats.proxied.Store(0)
	s.stats.uncertain.Store(0)
	fst := s.fsm.Stats()
	fst.ExpiredKeys.Store(0)
	fst.EvictedKeys.Store(0)
	fst.KeyspaceHits.Store(0)
	fst.KeyspaceMiss.Store(0)
	fst.AppliedCmds.Store(0)
}

// LoadConfig sets node-local Redis parameters from the operator's
// configuration file at start, validated as CONFIG SET validates them.
// Replicated parameters are refused: their values are cluster state,
// changed with CONFIG SET and kept in the raft log and snapshots.
func (s *Server) LoadConfig(vals map[string]string) error {
	for name, v := range vals {
		p := redisconf.Lookup(name)
		if p == nil {
			return fmt.Errorf("unknown Redis parameter %q", name)
		}
		if fsm.IsReplicatedSetting(p.Name) {
			return fmt.Errorf("%s is a replicated setting: set it with CONFIG SET, not in the configuration file", p.Name)
		}
		nv, err := p.Normalize(s.conf.get(p), v)
		if err != nil {
			return fmt.Errorf("%s %q: %v", p.Name, v, err)
		}
		s.conf.set(p.Name, nv)
	}
	return nil
}
