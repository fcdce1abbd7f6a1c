package resp

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestGetKeysMatchesRedis runs COMMAND GETKEYS and GETKEYSANDFLAGS for
// every command quoris and redis-server share, with generated arguments
// (every arity from too few to a few more, key-like names) and hand-made
// ones for the commands whose keys move, and compares the replies byte for
// byte.
func TestGetKeysMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	q, r := dialRaw(t, qaddr), dialRaw(t, raddr)
	var samples [][]string
	for _, n := range q.val("COMMAND", "LIST").([]any) {
		name := n.(string)
		if info := r.val("COMMAND", "INFO", name).([]any); len(info) != 1 || info[0] == nil {
			continue // quoris-only
		}
		info := q.val("COMMAND", "INFO", name).([]any)[0].([]any)
		arity := int(info[1].(int64))
		words := strings.Split(name, "|")
		need := arity
		if need < 0 {
			need = -need
		}
		for argc := max(len(words), need-1); argc <= need+3; argc++ {
			argv := append([]string{}, words...)
			for i := len(words); i < argc; i++ {
				argv = append(argv, "k"+string(rune('a'+i)))
			}
			samples = append(samples, argv)
		}
	}
	for _, s := range []string{
		"zunion 2 a b", "zunion 2x a b", "zunion +2 a b", "zunion 0 a", "zunion 3 a b", "zunion -1 a",
		"zinter 1 a withscores", "zdiff 2 a b", "zintercard 2 a b limit 1", "sintercard 1 a",
		"zunionstore d 2 a b", "zunionstore d 0 a", "zunionstore d 3 a b", "zinterstore d 2 a b weights 1 2",
		"zdiffstore d 1 a", "zdiffstore d x a",
		"lmpop 2 a b left", "lmpop 1 a right count 2", "lmpop 3 a b left", "blmpop 0 2 a b left", "blmpop 1.5 1 a left",
		"bzmpop 1 1 z min", "bzmpop 0 2 a b max count 3", "zmpop 1 z max", "zmpop 2 a b min",
		"georadius g 1 2 3 km store s", "georadius g 1 2 3 km storedist d store s", "georadius g 1 2 3 km store",
		"georadius g 1 2 3 km STORE s STORE t", "georadiusbymember g m 3 km storedist d", "georadiusbymember g m 3 km",
		"georadius_ro g 1 2 3 km store s", "georadiusbymember_ro g m 3 km store s",
		"lmove a b left right", "blmove a b left right 0", "rpoplpush a b", "smove a b m", "bitop and d a b",
		"copy a b", "copy a b db 1 replace", "rename a b", "renamenx a b", "mset a 1 b 2", "mset a 1 b", "msetnx a 1 b 2",
		"pfmerge d a b", "sunionstore d a b", "sinterstore d a", "sdiffstore d a b c", "zrangestore d s 0 -1",
		"geosearchstore d s frommember m byradius 1 km", "object encoding k", "object freq k", "blpop a b 0", "brpop a 0",
		"bzpopmin a b 0", "del a b c", "exists a", "touch a b", "unlink a", "watch a b", "getex a persist",
		"xgroup create s g $", "xgroup create s g 0 mkstream", "xgroup destroy s g", "xgroup setid s g 0", "xinfo stream s full",
		"xinfo groups s", "xinfo consumers s g", "xread count 1 streams a b 0 0", "xreadgroup group g c streams a >",
		"xread streams a", "xreadgroup group g c block 0 noack streams a b > >",
		"xgroup foo s g", "xinfo foo s", "object foo k", "object help", "object encoding k x", "xinfo help",
		"script foo", "function foo x",
	} {
		samples = append(samples, strings.Fields(s))
	}
	// OBJECT is one command in quoris's FSM but a container in Redis:
	// GETKEYS with an unknown or keyless subcommand, or a wrong count,
	// answers "Invalid arguments" where Redis says "Invalid command
	// specified" or "Invalid number of arguments".
	// XGROUP and XINFO likewise, for an unknown subcommand or a wrong
	// count (their keyed subcommands are compared).
	differs := func(argv []string) bool {
		if strings.EqualFold(argv[0], "xgroup") || strings.EqualFold(argv[0], "xinfo") {
			return len(q.do(append([]string{"COMMAND", "GETKEYS"}, argv...)...)) > 0 && q.do(append([]string{"COMMAND", "GETKEYS"}, argv...)...)[0] == '-'
		}
		return strings.EqualFold(argv[0], "object") && !(len(argv) == 3 && strings.Contains(" encoding freq idletime refcount ", " "+strings.ToLower(argv[1])+" "))
	}
	compared := 0
	for _, argv := range samples {
		if differs(argv) {
			continue
		}
		for _, sub := range []string{"GETKEYS", "GETKEYSANDFLAGS"} {
			args := append([]string{"COMMAND", sub}, argv...)
			got, want := q.do(args...), r.do(args...)
			if got != want {
				t.Errorf("%v: quoris %q, redis %q", args, got, want)
			}
			compared++
		}
	}
	if compared < 800 {
		t.Fatalf("only %d cases compared", compared)
	}
	t.Logf("%d GETKEYS/GETKEYSANDFLAGS cases compared", compared)
}

// TestCommandDocsAndSpecsMatchRedis compares, for every command and
// subcommand quoris and redis-server share, COMMAND DOCS byte for byte
// (a container's without its subcommands map, since quoris implements a
// subset of some containers' subcommands) and COMMAND INFO's tips and key
// specifications.
func TestCommandDocsAndSpecsMatchRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	q, r := dialRaw(t, qaddr), dialRaw(t, raddr)
	compared := 0
	for _, n := range q.val("COMMAND", "LIST").([]any) {
		name := n.(string)
		rinfo := r.val("COMMAND", "INFO", name).([]any)
		if len(rinfo) != 1 || rinfo[0] == nil {
			continue // quoris-only
		}
		qi := q.val("COMMAND", "INFO", name).([]any)[0].([]any)
		ri := rinfo[0].([]any)
		if missing := missingNames(subcommandNames(qi[9]), subcommandNames(ri[9])); name != "cluster" && len(missing) > 0 {
			t.Errorf("COMMAND INFO %s: no subcommands %v", name, missing)
		}
		for _, el := range []struct {
			i    int
			what string
		}{{1, "arity"}, {2, "flags"}, {3, "first key"}, {4, "last key"}, {5, "step"}, {6, "ACL categories"}, {7, "tips"}, {8, "key specs"}} {
			if !reflect.DeepEqual(qi[el.i], ri[el.i]) {
				t.Errorf("COMMAND INFO %s %s: quoris %#v, redis %#v", name, el.what, qi[el.i], ri[el.i])
			}
		}
		qd, rd := q.val("COMMAND", "DOCS", name).([]any), r.val("COMMAND", "DOCS", name).([]any)
		if len(qd) != 2 || len(rd) != 2 {
			t.Errorf("COMMAND DOCS %s: quoris %d, redis %d elements", name, len(qd), len(rd))
			continue
		}
		if !reflect.DeepEqual(withoutSubcommands(qd[1]), withoutSubcommands(rd[1])) {
			t.Errorf("COMMAND DOCS %s:\nquoris %#v\nredis  %#v", name, qd[1], rd[1])
		}
		compared++
	}
	if compared < 200 {
		t.Fatalf("only %d commands compared", compared)
	}
	t.Logf("%d commands and subcommands compared", compared)
}

func withoutSubcommands(doc any) []any {
	d := doc.([]any)
	if n := len(d); n >= 2 && d[n-2] == "subcommands" {
		return d[:n-2]
	}
	return d
}

// missingNames is what want has and got does not.
func missingNames(got, want []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			out = append(out, w)
		}
	}
	return out
}

func subcommandNames(subs any) []string {
	var names []string
	for _, sc := range subs.([]any) {
		names = append(names, sc.([]any)[0].(string))
	}
	sort.Strings(names)
	return names
}

// TestCommandListMatchesRedis: COMMAND LIST names every command and
// subcommand redis-server 7.0 has, except the CLUSTER subcommands that
// administer slots and gossip, which a single raft shard has no use for;
// COMMAND COUNT counts top-level commands as Redis does.
func TestCommandListMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	q, r := dialRaw(t, qaddr), dialRaw(t, raddr)
	ours := map[string]bool{}
	top := 0
	for _, n := range q.val("COMMAND", "LIST").([]any) {
		ours[n.(string)] = true
		if !strings.Contains(n.(string), "|") {
			top++
		}
	}
	if got := q.val("COMMAND", "COUNT"); got != int64(top) {
		t.Errorf("COMMAND COUNT %v, COMMAND LIST has %d top-level commands", got, top)
	}
	notHere := map[string]bool{}
	for _, n := range clusterSlotAdmin {
		notHere["cluster|"+n] = true
	}
	var missing []string
	for _, n := range r.val("COMMAND", "LIST").([]any) {
		if name := n.(string); !ours[name] && !notHere[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("redis-server has, quoris does not list: %v", missing)
	}
}
