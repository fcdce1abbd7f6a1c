package resp

import (
	"slices"
	"sort"
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/resp/cmdref"
)

func commandSubcommands() []*subCmd {
	spec := func(name string, arity int, summary, since, complexity string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: []string{"loading", "stale"}, Group: "server",
			Summary: summary, Since: since, Complexity: complexity}
	}
	return []*subCmd{
		{Spec: spec("count", 2, "Get total number of Redis commands", "2.8.13", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendInt(out, int64(len(s.commandTable())))
			}},
		{Spec: spec("docs", -2, "Get array of specific Redis command documentation", "7.0.0", "O(N) where N is the number of commands to look up"),
			run: commandDocs},
		{Spec: spec("getkeys", -4, "Extract keys given a full Redis command", "2.8.13", "O(N) where N is the number of arguments to the command"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return commandGetKeys(s, args, out, false)
			}},
		{Spec: spec("getkeysandflags", -4, "Extract keys and access flags given a full Redis command", "7.0.0", "O(N) where N is the number of arguments to the command"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return commandGetKeys(s, args, out, true)
			}},
		{Spec: spec("help", 2, "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "command", []string{
					"(no subcommand)",
					"    Return details about all Redis commands.",
					"COUNT",
					"    Return the total number of commands in this Redis server.",
					"LIST",
					"    Return a list of all commands in this Redis server.",
					"INFO [<command-name> ...]",
					"    Return details about multiple Redis commands.",
					"    If no command names are given, documentation details for all",
					"    commands are returned.",
					"DOCS [<command-name> ...]",
					"    Return documentation details about multiple Redis commands.",
					"    If no command names are given, documentation details for all",
					"    commands are returned.",
					"GETKEYS <full-command>",
					"    Return the keys from a full Redis command.",
					"GETKEYSANDFLAGS <full-command>",
					"    Return the keys and the access flags from a full Redis command.",
				})
			}},
		{Spec: spec("info", -2, "Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "O(N) where N is the number of commands to look up"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				table := s.commandTable()
				if len(args) == 2 {
					return appendCommandInfos(out, table)
				}
				out = redcon.AppendArray(out, len(args)-2)
				for _, name := range args[2:] {
					if d := findCommand(table, string(name)); d != nil {
						out = appendCommandInfo(out, d)
					} else {
						out = redcon.AppendNull(out)
					}
				}
				return out
			}},
		{Spec: spec("list", -2, "Get an array of Redis command names", "7.0.0", "O(N) where N is the total number of Redis commands"),
			run: commandList},
	}
}

// cmdDesc is one row of the table COMMAND reports: a data command of the
// FSM, a local command, or a subcommand of a local container.
type cmdDesc struct {
	spec *fsm.Spec
	name string    // full name: "get", "client|list"
	subs []cmdDesc // non-empty for containers
}

// commandTable is every command this server answers, sorted by name. A
// local command shadows a data command of the same name, as in dispatch.
func (s *Server) commandTable() []cmdDesc {
	out := make([]cmdDesc, 0, len(s.local)+64)
	for _, c := range s.local {
		d := cmdDesc{spec: &c.Spec, name: c.Name}
		for _, sc := range subcommandsOf(c.Name) {
			d.subs = append(d.subs, cmdDesc{spec: &sc.Spec, name: c.Name + "|" + sc.Name})
		}
		sort.Slice(d.subs, func(i, j int) bool { return d.subs[i].name < d.subs[j].name })
		out = append(out, d)
	}
	for _, c := range s.table.All() {
		if _, shadowed := s.local[c.Name]; !shadowed {
			d := cmdDesc{spec: &c.Spec, name: c.Name}
			subs := fsm.Subcommands(c.Name)
			for i := range subs {
				d.subs = append(d.subs, cmdDesc{spec: &subs[i], name: c.Name + "|" + subs[i].Name})
			}
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// findCommand looks a command up by name in any case; "container|sub"
// finds a subcommand.
func findCommand(table []cmdDesc, name string) *cmdDesc {
	name = strings.ToLower(name)
	top, _, isSub := strings.Cut(name, "|")
	for i := range table {
		if table[i].name != top {
			continue
		}
		if !isSub {
			return &table[i]
		}
		for j := range table[i].subs {
			if table[i].subs[j].name == name {
				return &table[i].subs[j]
			}
		}
		return nil
	}
	return nil
}

func appendCommandInfos(out []byte, table []cmdDesc) []byte {
	out = redcon.AppendArray(out, len(table))
	for i := range table {
		out = appendCommandInfo(out, &table[i])
	}
	return out
}

// appendCommandInfo writes Redis 7's ten-element COMMAND INFO entry: name,
// arity, flags, first key, last key, step, ACL categories, tips, key specs,
// subcommands.
func appendCommandInfo(out []byte, d *cmdDesc) []byte {
	sp := d.spec
	out = redcon.AppendArray(out, 10)
	out = redcon.AppendBulkString(out, d.name)
	out = redcon.AppendInt(out, int64(sp.Arity))
	flags := commandFlags(sp)
	out = redcon.AppendArray(out, len(flags))
	for _, f := range flags {
		out = redcon.AppendString(out, f)
	}
	out = redcon.AppendInt(out, int64(sp.FirstKey))
	out = redcon.AppendInt(out, int64(sp.LastKey))
	out = redcon.AppendInt(out, int64(sp.Step))
	cats := aclCategories(d)
	out = redcon.AppendArray(out, len(cats))
	for _, c := range cats {
		out = redcon.AppendString(out, "@"+c)
	}
	if ref := cmdref.Lookup(d.name); ref != nil {
		// Redis's own command: its tips and full key specs, as recorded
		// from redis-server.
		out = cmdref.AppendTips(out, ref.Tips)
		out = cmdref.AppendKeySpecs(out, ref.KeySpecs)
	} else {
		out = redcon.AppendArray(out, 0) // a quoris command has no tips
		out = appendKeySpecs(out, sp)
	}
	out = redcon.AppendArray(out, len(d.subs))
	for i := range d.subs {
		out = appendCommandInfo(out, &d.subs[i])
	}
	return out
}

// commandFlags are the flags COMMAND INFO shows: not explicit ACL
// categories, and not the sentinel flags, which Redis shows only in
// sentinel mode.
func commandFlags(sp *fsm.Spec) []string {
	out := make([]string, 0, len(sp.Flags))
	for _, f := range sp.Flags {
		if !strings.HasPrefix(f, "@") && f != "sentinel" && f != "only_sentinel" {
			out = append(out, f)
		}
	}
	return out
}

// aclCategories derives a command's ACL categories the way Redis's
// setImplicitACLCategories does from its flags, plus the data-type
// category of its group. A flag written "@name" adds category name
// explicitly (Redis's per-command acl_categories). The result is in
// Redis's category order.
func aclCategories(d *cmdDesc) []string {
	sp := d.spec
	has := map[string]bool{}
	for _, f := range sp.Flags {
		if strings.HasPrefix(f, "@") {
			has[f[1:]] = true
		}
	}
	if len(d.subs) == 0 {
		// Containers take no category from their group; their subcommands do.
		if cat := groupCategory(sp.Group); cat != "" {
			has[cat] = true
		}
	}
	if sp.Has("write") {
		has["write"] = true
	}
	if sp.Has("readonly") && !has["scripting"] {
		has["read"] = true
	}
	if sp.Has("admin") {
		has["admin"] = true
		has["dangerous"] = true
	}
	if sp.Has("pubsub") {
		has["pubsub"] = true
	}
	if sp.Has("fast") {
		has["fast"] = true
	} else {
		has["slow"] = true
	}
	if sp.Has("blocking") {
		has["blocking"] = true
	}
	fixCategories(d.name, has)
	out := make([]string, 0, len(has))
	for _, c := range aclCategoryOrder() {
		if has[c] {
			out = append(out, c)
		}
	}
	return out
}

func aclCategoryOrder() []string {
	return []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
		"hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
		"connection", "transaction", "scripting"}
}

func groupCategory(group string) string {
	switch group {
	case "generic":
		return "keyspace"
	case "string", "list", "hash", "set", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "connection", "scripting":
		return group
	case "sorted-set", "sorted_set":
		return "sortedset"
	case "transactions":
		return "transaction"
	}
	return ""
}

// appendKeySpecs writes the key specification Redis derives from legacy
// first/last/step: an index search and a range. Read-only commands mark
// their keys RO+access; writes get RW, the flag that claims least.
func appendKeySpecs(out []byte, sp *fsm.Spec) []byte {
	if sp.FirstKey <= 0 {
		return redcon.AppendArray(out, 0)
	}
	flags := []string{"RO", "access"}
	if sp.Has("write") {
		flags = []string{"RW"}
	}
	last := sp.LastKey
	if last >= 0 {
		last -= sp.FirstKey
	}
	out = redcon.AppendArray(out, 1)
	out = redcon.AppendArray(out, 6)
	out = redcon.AppendBulkString(out, "flags")
	out = redcon.AppendArray(out, len(flags))
	for _, f := range flags {
		out = redcon.AppendString(out, f)
	}
	out = redcon.AppendBulkString(out, "begin_search")
	out = redcon.AppendArray(out, 4)
	out = redcon.AppendBulkString(out, "type")
	out = redcon.AppendBulkString(out, "index")
	out = redcon.AppendBulkString(out, "spec")
	out = redcon.AppendArray(out, 2)
	out = redcon.AppendBulkString(out, "index")
	out = redcon.AppendInt(out, int64(sp.FirstKey))
	out = redcon.AppendBulkString(out, "find_keys")
	out = redcon.AppendArray(out, 4)
	out = redcon.AppendBulkString(out, "type")
	out = redcon.AppendBulkString(out, "range")
	out = redcon.AppendBulkString(out, "spec")
	out = redcon.AppendArray(out, 6)
	out = redcon.AppendBulkString(out, "lastkey")
	out = redcon.AppendInt(out, int64(last))
	out = redcon.AppendBulkString(out, "keystep")
	out = redcon.AppendInt(out, int64(sp.Step))
	out = redcon.AppendBulkString(out, "limit")
	return redcon.AppendInt(out, 0)
}

// commandDocs answers COMMAND DOCS: a name -> document map (flattened, as
// RESP2 has no maps). Unknown names are left out, as Redis does.
func commandDocs(s *Server, cl *client, args [][]byte, out []byte) []byte {
	table := s.commandTable()
	var picked []*cmdDesc
	if len(args) == 2 {
		for i := range table {
			picked = append(picked, &table[i])
		}
	} else {
		for _, name := range args[2:] {
			if d := findCommand(table, string(name)); d != nil {
				picked = append(picked, d)
			}
		}
	}
	out = redcon.AppendArray(out, 2*len(picked))
	for _, d := range picked {
		out = redcon.AppendBulkString(out, d.name)
		out = appendCommandDoc(out, d)
	}
	return out
}

func appendCommandDoc(out []byte, d *cmdDesc) []byte {
	extra := 0
	if len(d.subs) > 0 {
		extra = 1
	}
	if ref := cmdref.Lookup(d.name); ref != nil {
		out = cmdref.AppendDoc(out, &ref.Doc, extra)
	} else {
		out = appendOwnDoc(out, d.spec, extra)
	}
	if len(d.subs) > 0 {
		out = redcon.AppendBulkString(out, "subcommands")
		out = redcon.AppendArray(out, 2*len(d.subs))
		for i := range d.subs {
			out = redcon.AppendBulkString(out, d.subs[i].name)
			out = appendCommandDoc(out, &d.subs[i])
		}
	}
	return out
}

// appendOwnDoc writes the documentation of a quoris command (no argument
// list is recorded for those) from its Spec.
func appendOwnDoc(out []byte, sp *fsm.Spec, extra int) []byte {
	var kv []string
	if sp.Summary != "" {
		kv = append(kv, "summary", sp.Summary)
	}
	kv = append(kv, "since", sp.Since, "group", sp.Group)
	if sp.Complexity != "" {
		kv = append(kv, "complexity", sp.Complexity)
	}
	out = redcon.AppendArray(out, len(kv)+2*extra)
	for _, s := range kv {
		out = redcon.AppendBulkString(out, s)
	}
	return out
}

// commandList answers COMMAND LIST [FILTERBY MODULE|ACLCAT|PATTERN x]:
// every command and subcommand name that passes the filter.
func commandList(s *Server, cl *client, args [][]byte, out []byte) []byte {
	keep := func(*cmdDesc) bool { return true }
	switch {
	case len(args) == 2:
	case len(args) == 5 && strings.EqualFold(string(args[2]), "filterby"):
		arg := string(args[4])
		switch strings.ToLower(string(args[3])) {
		case "module":
			keep = func(*cmdDesc) bool { return false } // no modules
		case "aclcat":
			cat := strings.ToLower(arg)
			keep = func(d *cmdDesc) bool {
				for _, c := range aclCategories(d) {
					if c == cat {
						return true
					}
				}
				return false
			}
		case "pattern":
			keep = func(d *cmdDesc) bool { return datatypes.Match(arg, d.name, true) }
		default:
			return appendSyntaxErr(out)
		}
	default:
		return appendSyntaxErr(out)
	}
	var names []string
	for _, d := range s.commandTable() {
		if keep(&d) {
			names = append(names, d.name)
		}
		for i := range d.subs {
			if keep(&d.subs[i]) {
				names = append(names, d.subs[i].name)
			}
		}
	}
	out = redcon.AppendArray(out, len(names))
	for _, n := range names {
		out = redcon.AppendBulkString(out, n)
	}
	return out
}

// getKeys extracts the key arguments of argv as COMMAND GETKEYS does,
// with the index of each in argv. The error is a full Redis error string,
// "" on success; noKeys is set when the command may legitimately have
// none (no_mandatory_keys: EVAL, FCALL), which GETKEYS answers with an
// empty array.
func getKeys(table []cmdDesc, data *fsm.Table, argv [][]byte) (sp *fsm.Spec, keys [][]byte, errStr string) {
	// Like Redis's lookupCommand: argv[0] names a top-level command, and a
	// container's subcommand comes from argv[1].
	var d *cmdDesc
	if !strings.Contains(string(argv[0]), "|") {
		d = findCommand(table, string(argv[0]))
	}
	if d != nil && len(d.subs) > 0 {
		d = nil
		if len(argv) > 1 {
			d = findCommand(table, string(argv[0])+"|"+string(argv[1]))
		}
	}
	if d != nil && len(d.subs) == 0 && fsm.IsContainer(d.name) {
		// SCRIPT, FUNCTION, XGROUP, XINFO and OBJECT run in the FSM as
		// one command each, but Redis looks their subcommands up.
		if len(argv) < 2 || !fsm.IsSubcommand(d.name, string(argv[1])) {
			d = nil
		}
	}
	if d == nil {
		return nil, nil, "ERR Invalid command specified"
	}
	sp = d.spec
	specs := sp.KeySpecs
	if specs == nil {
		specs = data.KeySpecsOf(d.name)
	}
	if (sp.FirstKey <= 0 && sp.Keys == nil) || allNotKey(specs) {
		// Redis's doesCommandHaveKeys: shard channels (SPUBLISH ...) sit
		// where keys would, but every spec of theirs is not_key.
		return nil, nil, "ERR The command has no key arguments"
	}
	if !sp.ArityOK(len(argv)) {
		return nil, nil, "ERR Invalid number of arguments specified for command"
	}
	if sp.KeySpecs == nil {
		// A command answered here (WATCH ...) takes Redis's key specs.
		c := *sp
		c.KeySpecs = data.KeySpecsOf(d.name)
		sp = &c
	}
	keys = sp.KeyArgs(argv)
	if sp.Keys == nil && len(keys) < len(sp.KeySpecs) {
		// Redis finds no keys at all when one of a command's fixed key
		// specs finds none (PFMERGE dest with no source).
		keys = nil
	}
	if len(keys) == 0 && !sp.Has("no_mandatory_keys") {
		return nil, nil, "ERR Invalid arguments specified for command"
	}
	return sp, keys, ""
}

func allNotKey(specs []fsm.KeySpec) bool {
	for _, ks := range specs {
		if !slices.Contains(ks.Flags, "not_key") {
			return false
		}
	}
	return len(specs) > 0
}

// commandGetKeys answers COMMAND GETKEYS and, withFlags, GETKEYSANDFLAGS:
// each key with its key spec's flags.
func commandGetKeys(s *Server, args [][]byte, out []byte, withFlags bool) []byte {
	sp, keys, err := getKeys(s.commandTable(), s.table, args[2:])
	if err != "" {
		return appendErrStr(out, err)
	}
	out = redcon.AppendArray(out, len(keys))
	for i, k := range keys {
		if !withFlags {
			out = redcon.AppendBulk(out, k)
			continue
		}
		out = redcon.AppendArray(out, 2)
		out = redcon.AppendBulk(out, k)
		flags := sp.KeyFlags(args[2:], i)
		out = redcon.AppendArray(out, len(flags))
		for _, f := range flags {
			out = redcon.AppendString(out, f)
		}
	}
	return out
}
