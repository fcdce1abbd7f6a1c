package resp

import (
	"strconv"
	"strings"
	"testing"

	"github.com/quoris/quoris/fsm"
)

func TestCommandInfoGetMatchesRedis(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	// Redis 7.0.15's reply to COMMAND INFO get, byte for byte.
	want := "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n" +
		"*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n" +
		"*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n" +
		"$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n" +
		"$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n" +
		"*0\r\n"
	got := r.do("COMMAND", "INFO", "get")
	if got == "*1\r\n$-1\r\n" {
		t.Skip("fsm has no GET yet")
	}
	if got != want {
		t.Errorf("COMMAND INFO get =\n%q\nwant\n%q", got, want)
	}
}

func TestCommandInfo(t *testing.T) {
	addr, s := startTestServer(t)
	r := dialRaw(t, addr)

	// Local commands and subcommands, in Redis 7.0's layout.
	tests := []struct {
		name  string
		arity int64
		flags []any
		cats  []any
		subs  int
	}{
		{"ping", -1, []any{"fast"}, []any{"@fast", "@connection"}, 0},
		{"client|list", -2, []any{"admin", "noscript", "loading", "stale"}, []any{"@admin", "@slow", "@dangerous", "@connection"}, 0},
		{"CONFIG|GET", -3, []any{"admin", "noscript", "loading", "stale"}, []any{"@admin", "@slow", "@dangerous"}, 0},
		{"config|help", 2, []any{"loading", "stale"}, []any{"@slow"}, 0},
		{"command|getkeys", -4, []any{"loading", "stale"}, []any{"@slow", "@connection"}, 0},
		{"info", -1, []any{"loading", "stale"}, []any{"@slow", "@dangerous"}, 0},
		{"cluster|slots", 2, []any{"stale"}, []any{"@slow"}, 0},
		{"client", -2, []any{}, []any{"@slow"}, len(subcommandsOf("client"))},
		{"config", -2, []any{}, []any{"@slow"}, 5},
		{"command", -1, []any{"loading", "stale"}, []any{"@slow", "@connection"}, len(subcommandsOf("command"))},
	}
	for _, tc := range tests {
		v := r.val("COMMAND", "INFO", tc.name)
		e := v.([]any)[0].([]any)
		if len(e) != 10 {
			t.Fatalf("%s: %d elements", tc.name, len(e))
		}
		if e[0] != strings.ToLower(tc.name) || e[1] != tc.arity || !equalAny(e[2], tc.flags) ||
			e[3] != int64(0) || e[4] != int64(0) || e[5] != int64(0) || !equalAny(e[6], tc.cats) ||
			!equalAny(e[8], []any{}) || len(e[9].([]any)) != tc.subs {
			t.Errorf("COMMAND INFO %s = %#v", tc.name, e)
		}
	}

	// Unknown names are null entries, in request order.
	if got := r.do("COMMAND", "INFO", "nosuch", "ping"); !strings.HasPrefix(got, "*2\r\n$-1\r\n*10\r\n$4\r\nping\r\n") {
		t.Errorf("COMMAND INFO nosuch ping = %q", got)
	}

	// COMMAND, COMMAND INFO and COMMAND COUNT describe the same table: every
	// data command and every local command, once.
	table := s.commandTable()
	full := r.val("COMMAND").([]any)
	if n := r.val("COMMAND", "COUNT"); n != int64(len(full)) || len(full) != len(table) {
		t.Errorf("COMMAND COUNT = %v, COMMAND has %d entries, table %d", n, len(full), len(table))
	}
	if got := len(r.val("COMMAND", "INFO").([]any)); got != len(full) {
		t.Errorf("COMMAND INFO without names has %d entries, want %d", got, len(full))
	}
	names := map[string]bool{}
	for _, e := range full {
		name := e.([]any)[0].(string)
		if names[name] {
			t.Errorf("%s listed twice", name)
		}
		names[name] = true
	}
	for _, c := range s.table.All() {
		if !names[c.Name] {
			t.Errorf("data command %s missing from COMMAND", c.Name)
		}
	}
	for name := range s.local {
		if !names[name] {
			t.Errorf("local command %s missing from COMMAND", name)
		}
	}
}

func equalAny(a any, b []any) bool {
	x, ok := a.([]any)
	if !ok || len(x) != len(b) {
		return false
	}
	for i := range x {
		if x[i] != b[i] {
			return false
		}
	}
	return true
}

func TestACLCategories(t *testing.T) {
	tests := []struct {
		spec fsm.Spec
		subs int
		want string
	}{
		{fsm.Spec{Flags: []string{"readonly", "fast"}, Group: "string"}, 0, "read string fast"},
		{fsm.Spec{Flags: []string{"write", "denyoom"}, Group: "string"}, 0, "write string slow"},
		{fsm.Spec{Flags: []string{"write"}, Group: "generic"}, 0, "keyspace write slow"},
		{fsm.Spec{Flags: []string{"readonly", "@dangerous"}, Group: "generic"}, 0, "keyspace read slow dangerous"},
		{fsm.Spec{Flags: []string{"write", "fast"}, Group: "sorted-set"}, 0, "write sortedset fast"},
		{fsm.Spec{Flags: []string{"write", "blocking"}, Group: "list"}, 0, "write list slow blocking"},
		{fsm.Spec{Flags: []string{"pubsub", "fast"}, Group: "pubsub"}, 0, "pubsub fast"},
		{fsm.Spec{Flags: []string{"admin", "noscript"}, Group: "server"}, 0, "admin slow dangerous"},
		{fsm.Spec{Flags: []string{"noscript"}, Group: "transactions"}, 0, "slow transaction"},
		{fsm.Spec{Flags: []string{"readonly"}, Group: "scripting"}, 0, "slow scripting"},
		{fsm.Spec{Group: "connection"}, 3, "slow"}, // a container
	}
	for _, tc := range tests {
		d := &cmdDesc{spec: &tc.spec, subs: make([]cmdDesc, tc.subs)}
		if got := strings.Join(aclCategories(d), " "); got != tc.want {
			t.Errorf("aclCategories(%v %s) = %q, want %q", tc.spec.Flags, tc.spec.Group, got, tc.want)
		}
	}
}

func TestKeySpecs(t *testing.T) {
	tests := []struct {
		spec fsm.Spec
		want string // flags and find_keys range spec
	}{
		{fsm.Spec{FirstKey: 0}, "*0\r\n"},
		{fsm.Spec{Flags: []string{"readonly"}, FirstKey: 1, LastKey: -1, Step: 1}, "RO access lastkey=-1 keystep=1 index=1"},
		{fsm.Spec{Flags: []string{"write"}, FirstKey: 1, LastKey: -1, Step: 2}, "RW lastkey=-1 keystep=2 index=1"},
		{fsm.Spec{Flags: []string{"readonly"}, FirstKey: 1, LastKey: 2, Step: 1}, "RO access lastkey=1 keystep=1 index=1"},
		{fsm.Spec{Flags: []string{"write"}, FirstKey: 2, LastKey: 3, Step: 1}, "RW lastkey=1 keystep=1 index=2"},
	}
	for _, tc := range tests {
		raw := appendKeySpecs(nil, &tc.spec)
		if tc.spec.FirstKey == 0 {
			if string(raw) != tc.want {
				t.Errorf("keyless spec = %q", raw)
			}
			continue
		}
		v, _, err := parseRESP(raw)
		if err != nil {
			t.Fatal(err)
		}
		ks := v.([]any)[0].([]any)
		var flags []string
		for _, f := range ks[1].([]any) {
			flags = append(flags, f.(string))
		}
		begin := ks[3].([]any)[3].([]any)
		find := ks[5].([]any)[3].([]any)
		got := strings.Join(flags, " ") + " " + find[0].(string) + "=" + strconv.FormatInt(find[1].(int64), 10) +
			" " + find[2].(string) + "=" + strconv.FormatInt(find[3].(int64), 10) +
			" " + begin[0].(string) + "=" + strconv.FormatInt(begin[1].(int64), 10)
		if got != tc.want || find[4] != "limit" || find[5] != int64(0) {
			t.Errorf("key spec of %+v = %q, want %q", tc.spec, got, tc.want)
		}
	}
}

func TestCommandDocs(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	// Redis 7.0.15's bytes.
	want := "*2\r\n$4\r\nping\r\n*10\r\n$7\r\nsummary\r\n$15\r\nPing the server\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n" +
		"$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n" +
		"$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"
	if got := r.do("COMMAND", "DOCS", "nosuch", "PING"); got != want {
		t.Errorf("COMMAND DOCS nosuch PING =\n%q\nwant\n%q", got, want)
	}

	// A container's document nests its subcommands' under "subcommands".
	v := r.val("COMMAND", "DOCS", "client").([]any)
	doc := v[1].([]any)
	if v[0] != "client" || doc[len(doc)-2] != "subcommands" {
		t.Fatalf("COMMAND DOCS client = %#v", v)
	}
	subs := doc[len(doc)-1].([]any)
	found := false
	for i := 0; i < len(subs); i += 2 {
		if subs[i] == "client|list" {
			d := subs[i+1].([]any)
			found = len(d) > 8 && equalAny(d[:8], []any{"summary", "Get the list of client connections", "since", "2.4.0",
				"group", "connection", "complexity", "O(N) where N is the number of client connections"}) &&
				d[len(d)-2] == "arguments"
		}
	}
	if !found {
		t.Errorf("client|list docs missing or wrong in %#v", subs)
	}
	if d := r.val("COMMAND", "DOCS", "client|setname").([]any); len(d) != 2 || d[0] != "client|setname" {
		t.Errorf("COMMAND DOCS client|setname = %#v", d)
	}
	if all := r.val("COMMAND", "DOCS").([]any); int64(len(all)/2) != r.val("COMMAND", "COUNT") {
		t.Errorf("COMMAND DOCS has %d entries, COMMAND COUNT %v", len(all)/2, r.val("COMMAND", "COUNT"))
	}
}

func TestCommandList(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	list := func(args ...string) map[string]bool {
		v, ok := r.val(append([]string{"COMMAND", "LIST"}, args...)...).([]any)
		if !ok {
			t.Fatalf("COMMAND LIST %v: %#v", args, v)
		}
		m := map[string]bool{}
		for _, n := range v {
			m[n.(string)] = true
		}
		return m
	}
	all := list()
	for _, n := range []string{"ping", "info", "client", "client|list", "config|get", "cluster|slots", "command|docs", "raft"} {
		if !all[n] {
			t.Errorf("COMMAND LIST lacks %s", n)
		}
	}
	tests := []struct {
		args    []string
		has     []string
		hasNot  []string
		maxSize int
	}{
		{[]string{"FILTERBY", "PATTERN", "client*"}, []string{"client", "client|list", "client|kill"}, []string{"ping", "cluster"}, 0},
		{[]string{"filterby", "pattern", "CONFIG|?ET"}, []string{"config|get", "config|set"}, []string{"config|help"}, 2},
		{[]string{"FILTERBY", "ACLCAT", "connection"}, []string{"ping", "echo", "client|id"}, []string{"config|get", "client"}, 0},
		{[]string{"FILTERBY", "ACLCAT", "Dangerous"}, []string{"client|kill", "config|set", "info"}, []string{"ping"}, 0},
		{[]string{"FILTERBY", "ACLCAT", "nosuch"}, nil, nil, -1},
		{[]string{"FILTERBY", "MODULE", "x"}, nil, nil, -1},
	}
	for _, tc := range tests {
		got := list(tc.args...)
		for _, n := range tc.has {
			if !got[n] {
				t.Errorf("COMMAND LIST %v lacks %s", tc.args, n)
			}
		}
		for _, n := range tc.hasNot {
			if got[n] {
				t.Errorf("COMMAND LIST %v has %s", tc.args, n)
			}
		}
		if tc.maxSize == -1 && len(got) != 0 || tc.maxSize > 0 && len(got) > tc.maxSize {
			t.Errorf("COMMAND LIST %v = %v", tc.args, got)
		}
	}
	for _, args := range [][]string{{"FILTERBY"}, {"FOO"}, {"FILTERBY", "FOO", "x"}, {"FILTERBY", "PATTERN", "a", "b"}} {
		if got := r.do(append([]string{"COMMAND", "LIST"}, args...)...); got != "-ERR syntax error\r\n" {
			t.Errorf("COMMAND LIST %v = %q", args, got)
		}
	}
}

func TestCommandGetKeys(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	hasMset := r.val("COMMAND", "INFO", "mset").([]any)[0] != nil
	tests := []struct {
		args  []string
		want  string
		needs bool // needs MSET/GET/SET in the fsm
	}{
		{[]string{"get"}, "-ERR wrong number of arguments for 'command|getkeys' command\r\n", false},
		{[]string{"ping", "x"}, "-ERR The command has no key arguments\r\n", false},
		{[]string{"nosuch", "a"}, "-ERR Invalid command specified\r\n", false},
		{[]string{"client", "list"}, "-ERR The command has no key arguments\r\n", false},
		{[]string{"client", "nosuch"}, "-ERR Invalid command specified\r\n", false},
		{[]string{"client|list", "x"}, "-ERR Invalid command specified\r\n", false},
		{[]string{"GET", "a"}, "*1\r\n$1\r\na\r\n", true},
		{[]string{"get", "a", "b"}, "-ERR Invalid number of arguments specified for command\r\n", true},
		{[]string{"set", "a"}, "-ERR Invalid number of arguments specified for command\r\n", true},
		{[]string{"mset", "a", "1", "b", "2"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", true},
		{[]string{"mset", "a", "1", "b"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", true}, // as Redis 7.0 answers
	}
	for _, tc := range tests {
		if tc.needs && !hasMset {
			continue
		}
		if got := r.do(append([]string{"COMMAND", "GETKEYS"}, tc.args...)...); got != tc.want {
			t.Errorf("COMMAND GETKEYS %v = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestContainerErrors(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"COMMAND", "FOO"}, "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n"},
		{[]string{"command", "count", "x"}, "-ERR wrong number of arguments for 'command|count' command\r\n"},
		{[]string{"CONFIG"}, "-ERR wrong number of arguments for 'config' command\r\n"},
		{[]string{"config", "Foo"}, "-ERR unknown subcommand 'Foo'. Try CONFIG HELP.\r\n"},
		{[]string{"CONFIG", "GET"}, "-ERR wrong number of arguments for 'config|get' command\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory"}, "-ERR wrong number of arguments for 'config|set' command\r\n"},
		{[]string{"CONFIG", "RESETSTAT", "x"}, "-ERR wrong number of arguments for 'config|resetstat' command\r\n"},
		{[]string{"CLIENT"}, "-ERR wrong number of arguments for 'client' command\r\n"},
		{[]string{"CLIENT", "NO-EVICT"}, "-ERR wrong number of arguments for 'client|no-evict' command\r\n"},
		{[]string{"CLIENT", "FOO"}, "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n"},
		{[]string{"CLUSTER"}, "-ERR wrong number of arguments for 'cluster' command\r\n"},
		{[]string{"CLUSTER", "KEYSLOT"}, "-ERR wrong number of arguments for 'cluster|keyslot' command\r\n"},
		{[]string{"CLUSTER", "FOO"}, "-ERR unknown subcommand 'FOO'. Try CLUSTER HELP.\r\n"},
	}
	for _, tc := range tests {
		if got := r.do(tc.args...); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestHelpReplies(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	for _, c := range []string{"COMMAND", "CONFIG", "CLIENT", "CLUSTER"} {
		v, ok := r.val(c, "help").([]any)
		if !ok || len(v) < 4 {
			t.Fatalf("%s HELP = %#v", c, v)
		}
		if v[0] != c+" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" ||
			v[len(v)-2] != "HELP" || v[len(v)-1] != "    Prints this help." {
			t.Errorf("%s HELP frame = %q ... %q", c, v[0], v[len(v)-2:])
		}
		// Every implemented subcommand is documented.
		text := ""
		for _, l := range v {
			text += l.(string) + "\n"
		}
		for _, sc := range subcommandsOf(strings.ToLower(c)) {
			if sc.Name == "slaves" {
				continue // a deprecated alias Redis's help leaves out too
			}
			if !strings.Contains(text, "\n"+strings.ToUpper(sc.Name)) {
				t.Errorf("%s HELP does not mention %s", c, sc.Name)
			}
		}
	}
	if got := r.do("CONFIG", "HELP"); !strings.HasPrefix(got, "*11\r\n+CONFIG <subcommand>") {
		t.Errorf("CONFIG HELP = %q", got)
	}
}
