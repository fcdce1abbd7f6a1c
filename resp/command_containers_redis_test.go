package resp

import (
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// clusterSlotAdmin are the CLUSTER subcommands of redis-server 7.0 that
// quoris does not have: they assign slots and run gossip and failover,
// and a single raft shard that owns every slot has none of those.
var clusterSlotAdmin = strings.Fields("addslots addslotsrange bumpepoch count-failure-reports delslots " +
	"delslotsrange failover flushslots forget links meet replicate reset saveconfig set-config-epoch setslot")

// commandSets reads COMMAND LIST of quoris and redis-server: the names
// both have, and quoris's extras (quoris-only commands and subcommands).
type commandSets struct {
	shared, extra, missing map[string]bool
}

// readCommandSets starts a quoris and a redis-server (skipping without
// one) and reads their command sets.
func readCommandSets(t *testing.T) (q, r *rawConn, s commandSets) {
	t.Helper()
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	q, r = dialRaw(t, qaddr), dialRaw(t, raddr)
	s = commandSets{shared: map[string]bool{}, extra: map[string]bool{}, missing: map[string]bool{}}
	theirs := map[string]bool{}
	for _, n := range r.val("COMMAND", "LIST").([]any) {
		theirs[n.(string)] = true
	}
	for _, n := range q.val("COMMAND", "LIST").([]any) {
		if name := n.(string); theirs[name] {
			s.shared[name] = true
			delete(theirs, name)
		} else {
			s.extra[name] = true
		}
	}
	for name := range theirs {
		s.missing[name] = true
	}
	return q, r, s
}

// TestCommandContainersMatchRedis compares, for every container command
// quoris and redis-server 7.0 share, COMMAND INFO and COMMAND DOCS whole,
// subcommand arrays included (each side sorted by name, since Redis's
// order is that of a hash table seeded at random; quoris's own extra
// subcommands and CLUSTER's slot administration left out), the reply to
// an unknown subcommand, to the bare container, and to HELP.
func TestCommandContainersMatchRedis(t *testing.T) {
	q, r, sets := readCommandSets(t)
	skip := map[string]bool{}
	for n := range sets.extra {
		skip[n] = true
	}
	for _, n := range clusterSlotAdmin {
		skip["cluster|"+n] = true
	}
	for n := range sets.missing {
		if !skip[n] {
			t.Errorf("redis-server lists %s, quoris does not", n)
		}
	}
	containers := map[string]bool{}
	for n := range sets.shared {
		if c, _, ok := strings.Cut(n, "|"); ok {
			containers[c] = true
		}
	}
	for _, c := range []string{"acl", "client", "cluster", "command", "config", "function", "latency", "memory",
		"module", "object", "pubsub", "script", "slowlog", "xgroup", "xinfo"} {
		if !containers[c] {
			t.Errorf("no shared subcommand of %s", c)
		}
	}
	for c := range containers {
		qi := q.val("COMMAND", "INFO", c).([]any)[0].([]any)
		ri := r.val("COMMAND", "INFO", c).([]any)[0].([]any)
		qi[9], ri[9] = sortedEntries(qi[9], skip, 1), sortedEntries(ri[9], skip, 1)
		if !reflect.DeepEqual(qi, ri) {
			t.Errorf("COMMAND INFO %s:\nquoris %#v\nredis  %#v", c, qi, ri)
		}
		qd := q.val("COMMAND", "DOCS", c).([]any)[1].([]any)
		rd := r.val("COMMAND", "DOCS", c).([]any)[1].([]any)
		for _, d := range [][]any{qd, rd} {
			if n := len(d); n >= 2 && d[n-2] == "subcommands" {
				d[n-1] = sortedEntries(d[n-1], skip, 2)
			}
		}
		if !reflect.DeepEqual(qd, rd) {
			t.Errorf("COMMAND DOCS %s:\nquoris %#v\nredis  %#v", c, qd, rd)
		}
		up := strings.ToUpper(c)
		cases := [][]string{{up, "NOSUCH"}, {c, "Foo", "bar"}}
		if c != "command" { // bare COMMAND lists every command
			cases = append(cases, []string{up})
		}
		for _, argv := range cases {
			if got, want := q.do(argv...), r.do(argv...); got != want {
				t.Errorf("%q: quoris %q, redis %q", argv, got, want)
			}
		}
		if c == "cluster" {
			continue // redis-server runs without cluster support: CLUSTER HELP is an error there
		}
		if got, want := helpLines(q.val(c, "HELP"), skip, c), helpLines(r.val(c, "HELP"), nil, c); !reflect.DeepEqual(got, want) {
			t.Errorf("%s HELP:\nquoris %q\nredis  %q", c, got, want)
		}
	}
	t.Logf("%d containers compared; quoris-only: %v", len(containers), slices.Sorted(maps.Keys(sets.extra)))
}

// sortedEntries sorts a subcommands array (COMMAND INFO: one entry per
// subcommand; COMMAND DOCS: name, doc pairs, so width 2) by name, without
// the names in skip.
func sortedEntries(v any, skip map[string]bool, width int) []any {
	arr := v.([]any)
	type entry struct {
		name string
		els  []any
	}
	var es []entry
	for i := 0; i+width <= len(arr); i += width {
		name, ok := arr[i].(string)
		if !ok {
			name = arr[i].([]any)[0].(string)
		}
		if !skip[name] {
			es = append(es, entry{name, arr[i : i+width]})
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].name < es[j].name })
	out := []any{}
	for _, e := range es {
		out = append(out, e.els...)
	}
	return out
}

// helpLines is a HELP reply without the entries (a heading line and its
// indented lines) of the subcommands in skip.
func helpLines(v any, skip map[string]bool, container string) []string {
	var out []string
	dropping := false
	for _, l := range v.([]any) {
		line := l.(string)
		if !strings.HasPrefix(line, " ") {
			word := strings.ToLower(strings.Fields(line + " x")[0])
			dropping = skip[container+"|"+word]
		}
		if !dropping {
			out = append(out, line)
		}
	}
	return out
}

// TestCommandListFilterMatchesRedis: COMMAND COUNT counts top-level
// commands as Redis does (Redis's count plus quoris's own top-level
// commands), and COMMAND LIST FILTERBY MODULE, ACLCAT (every category)
// and PATTERN give Redis's names, besides quoris's extras; every
// subcommand listed is one the server runs.
func TestCommandListFilterMatchesRedis(t *testing.T) {
	q, r, sets := readCommandSets(t)
	extraTop := 0
	for n := range sets.extra {
		if !strings.Contains(n, "|") {
			extraTop++
		}
	}
	qc, rc := q.val("COMMAND", "COUNT").(int64), r.val("COMMAND", "COUNT").(int64)
	if qc != rc+int64(extraTop) {
		t.Errorf("COMMAND COUNT: quoris %d, redis %d, quoris-only top-level commands %d", qc, rc, extraTop)
	}
	var filters [][]string
	for _, c := range r.val("ACL", "CAT").([]any) {
		filters = append(filters, []string{"ACLCAT", c.(string)}, []string{"aclcat", strings.ToUpper(c.(string))})
	}
	for _, p := range []string{"*", "x*", "*|*", "script|*", "cluster|*", "*info*", "c?ient|*", "[a-c]*", "nosuch", "CONFIG|GET"} {
		filters = append(filters, []string{"PATTERN", p})
	}
	filters = append(filters, []string{"MODULE", "json"}, []string{"ACLCAT", "nosuch"})
	for _, f := range filters {
		args := append([]string{"COMMAND", "LIST", "FILTERBY"}, f...)
		got, want := listNames(q.val(args...), sets.extra), listNames(r.val(args...), nil)
		want = slices.DeleteFunc(want, func(n string) bool {
			return slices.Contains(clusterSlotAdmin, strings.TrimPrefix(n, "cluster|")) && strings.HasPrefix(n, "cluster|")
		})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\nquoris %v\nredis  %v", args, got, want)
		}
	}
	for _, args := range [][]string{{"COMMAND", "LIST", "FILTERBY", "nosuch", "x"}, {"COMMAND", "LIST", "x"},
		{"COMMAND", "LIST", "FILTERBY", "PATTERN"}, {"COMMAND", "COUNT", "x"}, {"COMMAND", "INFO", "script|nosuch", "xinfo|stream"}} {
		if got, want := q.do(args...), r.do(args...); got != want {
			t.Errorf("%q: quoris %q, redis %q", args, got, want)
		}
	}
	for _, n := range q.val("COMMAND", "LIST").([]any) {
		if c, sub, ok := strings.Cut(n.(string), "|"); ok {
			if reply := q.do(c, sub); strings.Contains(reply, "unknown subcommand") {
				t.Errorf("COMMAND LIST has %s, but %s %s answers %q", n, c, sub, reply)
			}
		}
	}
}

// listNames is a COMMAND LIST reply sorted, without the names in skip.
func listNames(v any, skip map[string]bool) []string {
	out := []string{}
	for _, n := range v.([]any) {
		if !skip[n.(string)] {
			out = append(out, n.(string))
		}
	}
	sort.Strings(out)
	return out
}
