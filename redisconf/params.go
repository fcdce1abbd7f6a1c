// Package redisconf describes every configuration parameter of Redis 7.0:
// name, alias, type, bounds, default and whether CONFIG SET may change it,
// and validates values exactly as Redis's CONFIG SET does, returning the
// text CONFIG GET shows afterwards. It holds no state: the RESP layer keeps
// node-local values and the FSM keeps replicated ones.
package redisconf

import "strings"

// Kind is how a parameter's value is parsed.
type Kind uint8

const (
	Bool    Kind = iota
	Int          // string2ll integer
	Memory       // memtoull: digits with an optional b/k/kb/m/mb/g/gb unit
	Enum         // one of Values (several, space-separated, when Flags)
	String       // any text
	Special      // Check does it
)

// Param is one configuration parameter.
type Param struct {
	Name      string
	Alias     string
	Kind      Kind
	Min       int64
	Max       uint64
	Percent   bool     // Memory: "N%" allowed, shown as such
	Octal     bool     // Int: parsed and shown in octal
	Values    []string // Enum: canonical names; Synonyms map others onto them
	Synonyms  map[string]string
	Flags     bool // Enum: a set of names, "default" when none
	Default   string
	Immutable bool // CONFIG SET refuses: "can't set immutable config"
	Protected bool // refused while enable-protected-configs is no
	Hidden    bool // not matched by CONFIG GET patterns, only by name
	// Effective turns an accepted number into the value Redis keeps and
	// shows (hz is clamped to 1..500, the backlog to at least 16kb).
	Effective func(n int64) int64
	// Check validates and normalises a Special value; the error is the
	// text after "CONFIG SET failed (possibly related to argument ...) - ".
	Check func(old, value string) (string, error)
}

// Lookup finds a parameter by name or alias in any letter case.
func Lookup(name string) *Param { return index[strings.ToLower(name)] }

// All returns every parameter, in table order (the order CONFIG GET
// answers in).
func All() []*Param { return table }

var table, index = build()

func build() ([]*Param, map[string]*Param) {
	t := params()
	idx := make(map[string]*Param, 2*len(t))
	for _, p := range t {
		idx[p.Name] = p
		if p.Alias != "" {
			idx[p.Alias] = p
		}
	}
	return t, idx
}
