package resp

import (
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

func TestInfoSections(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	headers := func(info string) []string {
		var out []string
		for _, l := range strings.Split(info, "\r\n") {
			if strings.HasPrefix(l, "# ") {
				out = append(out, strings.ToLower(l[2:]))
			}
		}
		return out
	}
	// Redis 7.0's default set leaves commandstats and latencystats out;
	// all and everything include them.
	def := []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace", "raft"}
	all := []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace", "raft"}
	tests := []struct {
		args []string
		want []string
	}{
		{nil, def},
		{[]string{"default"}, def},
		{[]string{"ALL"}, all},
		{[]string{"everything"}, all},
		{[]string{"default", "commandstats"}, append(def[:8:8], append([]string{"commandstats"}, def[8:]...)...)},
		{[]string{"server"}, []string{"server"}},
		{[]string{"keyspace", "CPU"}, []string{"cpu", "keyspace"}}, // Redis's order, not the request's
		{[]string{"raft", "nosuch", "server"}, []string{"server", "raft"}},
		{[]string{"nosuch"}, nil},
		{[]string{"commandstats"}, []string{"commandstats"}},
	}
	for _, tc := range tests {
		v := r.val(append([]string{"INFO"}, tc.args...)...)
		info, ok := v.(string)
		if !ok {
			t.Fatalf("INFO %v: reply %#v", tc.args, v)
		}
		if got := headers(info); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("INFO %v sections = %v, want %v", tc.args, got, tc.want)
		}
		checkInfoLayout(t, info)
	}
	if got := r.do("INFO", "nosuch"); got != "$0\r\n\r\n" {
		t.Errorf("INFO nosuch = %q, want an empty bulk string", got)
	}
}

// checkInfoLayout checks Redis's INFO layout: "# Name" headers,
// "field:value" lines ending in CRLF, one blank line between sections and
// none at the end.
func checkInfoLayout(t *testing.T, info string) {
	t.Helper()
	if info == "" {
		return
	}
	if !strings.HasSuffix(info, "\r\n") || strings.HasSuffix(info, "\r\n\r\n") {
		t.Errorf("INFO must end with exactly one CRLF: %q", info[max(0, len(info)-20):])
	}
	field := regexp.MustCompile(`^[a-z0-9_]+:[^\r\n]*$`)
	lines := strings.Split(strings.TrimSuffix(info, "\r\n"), "\r\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "# "):
			if i > 0 && lines[i-1] != "" {
				t.Errorf("no blank line before %q", l)
			}
		case l == "":
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "# ") {
				t.Errorf("blank line not followed by a section header at line %d", i)
			}
		case !field.MatchString(l):
			t.Errorf("malformed INFO line %q", l)
		}
	}
}

func infoFields(t *testing.T, r *rawConn, section string) map[string]string {
	t.Helper()
	info, _ := r.val("INFO", section).(string)
	m := map[string]string{}
	for _, l := range strings.Split(info, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && !strings.HasPrefix(l, "#") {
			m[k] = v
		}
	}
	return m
}

func TestInfoFields(t *testing.T) {
	addr, s := startTestServer(t)
	r := dialRaw(t, addr)
	port := addr[strings.LastIndex(addr, ":")+1:]

	server := infoFields(t, r, "server")
	hex40 := regexp.MustCompile(`^[0-9a-f]{40}$`)
	for k, want := range map[string]string{
		"redis_version":  RedisVersion,
		"quoris_version": Version,
		"redis_mode":     "cluster",
		"arch_bits":      strconv.Itoa(strconv.IntSize),
		"tcp_port":       port,
		"config_file":    "",
	} {
		if server[k] != want {
			t.Errorf("server %s = %q, want %q", k, server[k], want)
		}
	}
	if !hex40.MatchString(server["run_id"]) {
		t.Errorf("run_id %q is not 40 hex characters", server["run_id"])
	}
	if again := infoFields(t, r, "server")["run_id"]; again != server["run_id"] {
		t.Errorf("run_id changed from %s to %s", server["run_id"], again)
	}
	for _, k := range []string{"os", "process_id", "uptime_in_seconds", "uptime_in_days", "executable", "server_time_usec"} {
		if _, ok := server[k]; !ok {
			t.Errorf("server section lacks %s", k)
		}
	}

	if got := infoFields(t, r, "clients")["connected_clients"]; got != "1" {
		t.Errorf("connected_clients = %q, want 1", got)
	}
	mem := infoFields(t, r, "memory")
	if n, err := strconv.ParseUint(mem["used_memory"], 10, 64); err != nil || n == 0 {
		t.Errorf("used_memory = %q", mem["used_memory"])
	}
	if mem["maxmemory"] != "0" || mem["mem_allocator"] != "go" || !strings.HasSuffix(mem["used_memory_human"], "M") && !strings.HasSuffix(mem["used_memory_human"], "K") {
		t.Errorf("memory section: %v", mem)
	}
	gogc := debug.SetGCPercent(-1)
	debug.SetGCPercent(gogc)
	if live, err := strconv.ParseUint(mem["go_heap_live"], 10, 64); err != nil || live == 0 ||
		mem["go_gc_percent"] != strconv.Itoa(gogc) || mem["go_memory_limit"] == "" {
		t.Errorf("memory section's Go fields: %v", mem)
	}
	if p := infoFields(t, r, "persistence"); p["loading"] != "0" || p["aof_enabled"] != "1" {
		t.Errorf("persistence section: %v", p)
	}
	repl := infoFields(t, r, "replication")
	if repl["role"] != "master" || repl["connected_slaves"] != "0" {
		t.Errorf("replication section: %v", repl)
	}
	if c := infoFields(t, r, "cluster"); c["cluster_enabled"] != "1" {
		t.Errorf("cluster section: %v", c)
	}
	rf := infoFields(t, r, "raft")
	if rf["state"] != "leader" || rf["leader_id"] != "n1" || rf["leader_addr"] != addr {
		t.Errorf("raft section: %v", rf)
	}
	for _, k := range []string{"term", "commit_index", "applied_index", "last_snapshot_index"} {
		if _, ok := rf[k]; !ok {
			t.Errorf("raft section lacks %s", k)
		}
	}

	// Stats count connections and commands, and CONFIG RESETSTAT zeroes them.
	stats := infoFields(t, r, "stats")
	if n, _ := strconv.Atoi(stats["total_commands_processed"]); n < 5 {
		t.Errorf("total_commands_processed = %q after several commands", stats["total_commands_processed"])
	}
	if stats["total_connections_received"] != "1" {
		t.Errorf("total_connections_received = %q, want 1", stats["total_connections_received"])
	}
	s.fsm.Stats().ExpiredKeys.Store(7)
	if got := infoFields(t, r, "stats")["expired_keys"]; got != "7" {
		t.Errorf("expired_keys = %q, want the FSM's 7", got)
	}
	if got := r.do("CONFIG", "RESETSTAT"); got != "+OK\r\n" {
		t.Fatalf("CONFIG RESETSTAT = %q", got)
	}
	stats = infoFields(t, r, "stats")
	if stats["total_commands_processed"] != "1" || stats["total_connections_received"] != "0" || stats["expired_keys"] != "0" {
		t.Errorf("after RESETSTAT: %v", stats)
	}
}

func TestInfoKeyspace(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	if r.val("COMMAND", "INFO", "set").([]any)[0] == nil {
		t.Skip("fsm has no SET yet")
	}
	if got := r.do("INFO", "keyspace"); got != "$12\r\n# Keyspace\r\n\r\n" {
		t.Errorf("empty keyspace = %q", got)
	}
	r.do("SET", "a", "1")
	r.do("SET", "b", "1", "EX", "100")
	r.do("SELECT", "3")
	r.do("SET", "c", "1")
	want := "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n"
	if got := r.val("INFO", "keyspace"); got != want {
		t.Errorf("INFO keyspace = %q, want %q", got, want)
	}
}

func TestBytesToHuman(t *testing.T) {
	tests := []struct {
		n    uint64
		want string
	}{
		{0, "0B"}, {1023, "1023B"}, {1024, "1.00K"}, {990328, "967.12K"}, {7110656, "6.78M"},
		{25276026880, "23.54G"}, {1 << 40, "1.00T"}, {1 << 50, "1.00P"}, {1 << 60, "1024.00P"},
	}
	for _, tc := range tests {
		if got := bytesToHuman(tc.n); got != tc.want {
			t.Errorf("bytesToHuman(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
