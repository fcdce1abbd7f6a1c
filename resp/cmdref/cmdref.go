// Package cmdref holds Redis 7.0's reference data for its own commands:
// the documentation COMMAND DOCS returns, and the key specifications and
// tips COMMAND INFO returns. It is generated from a real redis-server by
// ./gen (go generate), which checks that encoding the data again gives
// back redis-server's exact bytes for every command. Arity, flags and ACL
// categories are not here: they come from quoris's own command table,
// which is what quoris enforces.
package cmdref

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

//go:generate go run ./gen -o commands.json

// Command is the reference data of one command or subcommand ("config|get").
type Command struct {
	Doc      Doc       `json:"doc"`
	Tips     []string  `json:"tips,omitempty"`
	KeySpecs []KeySpec `json:"key_specs,omitempty"`
}

// Doc is one entry of COMMAND DOCS, without its subcommands (each has an
// entry of its own).
type Doc struct {
	Summary         string      `json:"summary,omitempty"`
	Since           string      `json:"since,omitempty"`
	Group           string      `json:"group,omitempty"`
	Complexity      string      `json:"complexity,omitempty"`
	DocFlags        []string    `json:"doc_flags,omitempty"`
	DeprecatedSince string      `json:"deprecated_since,omitempty"`
	ReplacedBy      string      `json:"replaced_by,omitempty"`
	History         [][2]string `json:"history,omitempty"`
	Args            []Arg       `json:"arguments,omitempty"`
}

// Arg is one argument of a command's documented syntax.
type Arg struct {
	Name            string   `json:"name"`
	Type            string   `json:"type"`
	DisplayText     string   `json:"display_text,omitempty"`
	KeySpecIndex    *int     `json:"key_spec_index,omitempty"`
	Token           *string  `json:"token,omitempty"` // MIGRATE's empty_string has token ""
	Summary         string   `json:"summary,omitempty"`
	Since           string   `json:"since,omitempty"`
	Flags           []string `json:"flags,omitempty"`
	DeprecatedSince string   `json:"deprecated_since,omitempty"`
	Value           string   `json:"value,omitempty"`
	Args            []Arg    `json:"arguments,omitempty"`
}

// KeySpec is one key specification: where the search for keys begins,
// and how keys are found from there.
type KeySpec struct {
	Notes       string   `json:"notes,omitempty"`
	Flags       []string `json:"flags"`
	BeginSearch Search   `json:"begin_search"`
	FindKeys    Search   `json:"find_keys"`
}

// Search is a begin_search or find_keys step: its type and its spec as
// ordered (name, value) pairs, each value an integer or a string.
type Search struct {
	Type string  `json:"type"`
	Spec []Field `json:"spec,omitempty"`
}

// Field is one (name, value) pair of a search spec; Str is set for a
// string value (a keyword), Int otherwise.
type Field struct {
	Name string  `json:"name"`
	Int  int64   `json:"int,omitempty"`
	Str  *string `json:"str,omitempty"`
}

//go:embed commands.json
var commandsJSON []byte

// Table maps lower-case command names ("get", "config|get") to their
// reference data. It is read-only once loaded.
type Table map[string]*Command

var load = sync.OnceValues(func() (Table, error) {
	var t Table
	if err := json.Unmarshal(commandsJSON, &t); err != nil {
		return nil, fmt.Errorf("cmdref: commands.json: %w", err)
	}
	return t, nil
})

// Load returns the table parsed from the embedded data; the data is
// checked when generated, so an error here is a build defect.
func Load() Table {
	t, err := load()
	if err != nil {
		panic(err)
	}
	return t
}

// Lookup returns the reference data of name, nil for a command Redis 7.0
// does not have.
func Lookup(name string) *Command { return Load()[name] }
