package fsm

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/redisconf"
	"github.com/quoris/quoris/snapshot"
)

// Replicated settings are configuration that changes what writes do, so
// every node must hold the same value at the same log index: the encoding
// thresholds (OBJECT ENCODING must agree cluster-wide), and settings that
// writes will consult at apply time (notify-keyspace-events, maxmemory*).
// CONFIG SET of one is a QUORIS.CONFIG log entry; the values live here and
// in snapshots. Each is a redisconf.Param, validated the same way on the
// RESP layer (for Redis's error text before proposing) and at apply (an
// entry is never trusted).
//
// To add one: append its name to replicatedNames (declare a Param in
// redisconf first if Redis has none), read it in handlers with
// Ctx.Setting or Ctx.SettingInt, and, if it is read on a hot path, cache
// its parsed form in settings.apply as limits does.
var replicatedNames = []string{
	"hash-max-listpack-entries", "hash-max-listpack-value",
	"set-max-intset-entries",
	"zset-max-listpack-entries", "zset-max-listpack-value",
	"list-max-listpack-size", "list-compress-depth",
	"stream-node-max-bytes", "stream-node-max-entries",
	"hll-sparse-max-bytes",
	"notify-keyspace-events",
	"maxmemory", "maxmemory-policy", "maxmemory-samples",
	"lua-instruction-budget",
	// requirepass sets the default user's password (acl_cmd.go): the
	// users are replicated, so it is too.
	"requirepass",
}

// IsReplicatedSetting reports whether the parameter name (or an alias of
// it) is FSM state rather than node-local.
func IsReplicatedSetting(name string) bool {
	p := redisconf.Lookup(name)
	if p == nil {
		return false
	}
	for _, n := range replicatedNames {
		if n == p.Name {
			return true
		}
	}
	return false
}

// settings holds the replicated values by canonical name; a name absent
// from vals has its default.
type settings struct {
	vals      map[string]string
	limits    datatypes.Limits
	maxmemory int64       // parsed: every denyoom write compares with it
	notify    NotifyClass // notify-keyspace-events, parsed: Ctx.Notify's one check
}

func newSettings() settings {
	return settings{vals: map[string]string{}, limits: datatypes.DefaultLimits()}
}

func (s *settings) get(name string) string {
	if v, ok := s.vals[name]; ok {
		return v
	}
	if p := redisconf.Lookup(name); p != nil {
		return p.Default
	}
	return ""
}

func (s *settings) int(name string) int64 {
	n, _ := strconv.ParseInt(s.get(name), 10, 64)
	return n
}

// set stores a validated value and refreshes the cached forms.
func (s *settings) set(name, value string) {
	s.vals[name] = value
	s.maxmemory = s.int("maxmemory")
	s.limits = datatypes.Limits{
		HashMaxListpackEntries: s.int("hash-max-listpack-entries"),
		HashMaxListpackValue:   s.int("hash-max-listpack-value"),
		SetMaxIntsetEntries:    s.int("set-max-intset-entries"),
		ZSetMaxListpackEntries: s.int("zset-max-listpack-entries"),
		ZSetMaxListpackValue:   s.int("zset-max-listpack-value"),
		HLLSparseMaxBytes:      s.int("hll-sparse-max-bytes"),
	}
	s.notify = parseNotify(s.get("notify-keyspace-events"))
}

// clone copies the values for a snapshot.
func (s *settings) sorted() [][2]string {
	out := make([][2]string, 0, len(s.vals))
	for k, v := range s.vals {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// Setting returns a replicated setting's current value ("" for a name that
// is not one). It is the read path's accessor (CONFIG GET).
func (f *FSM) Setting(name string) string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if !IsReplicatedSetting(name) {
		return ""
	}
	return notifyDisplay(f.settings.get(redisconf.Lookup(name).Name))
}

// Setting returns a replicated setting's value as of this entry.
func (c *Ctx) Setting(name string) string { return notifyDisplay(c.f.settings.get(name)) }

// Redis prints notify-keyspace-events "A" without the "n" class, which is
// not part of A, yet keeps announcing new keys: "KEAn" reads back "AKE".
// The stored value keeps the n ("AKEn") so every node, and a node
// restored from a snapshot, sends the same events; CONFIG GET shows
// Redis's text.
const notifyName = "notify-keyspace-events"

// notifyKeepNew is the stored form of a normalized value whose raw text
// had n along with A.
func notifyKeepNew(normalized, raw string) string {
	if strings.HasPrefix(normalized, "A") && parseNotify(raw)&NotifyNew != 0 {
		return normalized + "n"
	}
	return normalized
}

// notifyDisplay is Redis's text of a stored value (any other setting's
// value passes unchanged: only notify's can start with A and end with n).
func notifyDisplay(v string) string {
	if len(v) > 1 && v[0] == 'A' && v[len(v)-1] == 'n' {
		return v[:len(v)-1]
	}
	return v
}

// SettingInt is Setting for an integer setting (0 if it is not one).
func (c *Ctx) SettingInt(name string) int64 { return c.f.settings.int(name) }

// Limits are the encoding thresholds as of this entry.
func (c *Ctx) Limits() datatypes.Limits { return c.f.settings.limits }

var errConfigSyntax = errors.New("ERR syntax error")

// cmdQuorisConfig is QUORIS.CONFIG name value [name value ...]: CONFIG SET
// of replicated settings, all or nothing, with CONFIG SET's errors.
func cmdQuorisConfig(c *Ctx) error {
	args := c.Args[1:]
	if len(args)%2 != 0 {
		return errConfigSyntax
	}
	failed := func(arg []byte, err error) error {
		return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - %v", arg, err)
	}
	type change struct{ name, value string }
	changes := make([]change, 0, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		name := string(args[i])
		if !IsReplicatedSetting(name) {
			return fmt.Errorf("ERR Unknown option or number of arguments for CONFIG SET - '%s'", strings.ToLower(name))
		}
		p := redisconf.Lookup(name)
		v, err := p.Normalize(c.f.settings.get(p.Name), string(args[i+1]))
		if err != nil {
			return failed(args[i], err)
		}
		if p.Name == notifyName {
			v = notifyKeepNew(v, string(args[i+1]))
		}
		changes = append(changes, change{p.Name, v})
	}
	for _, ch := range changes {
		c.f.settings.set(ch.name, ch.value)
		if ch.name == "requirepass" {
			c.f.applyRequirePass(ch.value)
		}
	}
	c.OK()
	return nil
}

func registerSettings(t *Table) {
	t.Add(&Command{Spec: Spec{Name: "quoris.config", Arity: -3, Flags: []string{"write", "admin", "noscript"},
		Group: "server", Summary: "Internal: CONFIG SET of replicated settings, as one log entry.", Since: "0.1.0", Complexity: "O(N)"},
		Run: cmdQuorisConfig})
}

// restore loads a snapshot's setting record, validated like an entry: a
// name this build does not replicate or a value it refuses is corruption.
func (s *settings) restore(name, value string) error {
	if !IsReplicatedSetting(name) {
		return fmt.Errorf("%w: unknown setting %q", snapshot.ErrCorrupt, name)
	}
	p := redisconf.Lookup(name)
	v, err := p.Normalize(s.get(p.Name), value)
	if p.Name == notifyName && err == nil {
		v = notifyKeepNew(v, value)
	}
	if err != nil || v != value {
		return fmt.Errorf("%w: setting %s = %q", snapshot.ErrCorrupt, name, value)
	}
	s.set(p.Name, v)
	return nil
}
