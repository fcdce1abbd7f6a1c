package resp

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/fsm"
)

// introspectionCommands: INFO, COMMAND and CONFIG.
func introspectionCommands() []*localCmd {
	return []*localCmd{
		// "@dangerous" is an explicit ACL category (see aclCategories), as Redis 7 gives INFO.
		{Spec: fsm.Spec{Name: "info", Arity: -1, Flags: []string{"loading", "stale", "@dangerous"}, Group: "server",
			Summary: "Get information and statistics about the server", Since: "1.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulkString(out, s.info(args[1:]))
			}},
		{Spec: fsm.Spec{Name: "command", Arity: -1, Flags: []string{"loading", "stale"}, Group: "server",
			Summary: "Get array of Redis command details", Since: "2.8.13", Complexity: "O(N) where N is the total number of Redis commands"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				if len(args) == 1 {
					return appendCommandInfos(out, s.commandTable())
				}
				return runSub(s, cl, args, out, "command", commandSubcommands())
			}},
		containerCmd(fsm.Spec{Name: "config", Arity: -2, Group: "server",
			Summary: "A container for server configuration commands", Since: "2.0.0", Complexity: "Depends on subcommand."}),
	}
}

// subCmd is one subcommand of a container command (CLIENT LIST, CONFIG
// GET). Redis 7 reports it as "container|name" with its own arity and flags
// in COMMAND INFO, and names it that way in arity errors and CLIENT LIST.
type subCmd struct {
	fsm.Spec // Name is the short name: "list"
	run      func(s *Server, cl *client, args [][]byte, out []byte) []byte
}

// subcommandsOf is the one list of each container's subcommands: dispatch
// and COMMAND INFO/DOCS both read it.
func subcommandsOf(container string) []*subCmd {
	switch container {
	case "client":
		return clientSubcommands()
	case "cluster":
		return clusterSubcommands()
	case "command":
		return commandSubcommands()
	case "config":
		return configSubcommands()
	}
	return nil
}

// containerCmd makes the local command for a container whose subcommands
// are subcommandsOf(spec.Name).
func containerCmd(spec fsm.Spec) *localCmd {
	subs := subcommandsOf(spec.Name)
	return &localCmd{Spec: spec, run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		return runSub(s, cl, args, out, spec.Name, subs)
	}}
}

func runSub(s *Server, cl *client, args [][]byte, out []byte, container string, subs []*subCmd) []byte {
	name := string(args[1])
	for _, sc := range subs {
		if !strings.EqualFold(sc.Name, name) {
			continue
		}
		full := container + "|" + sc.Name
		if !sc.ArityOK(len(args)) {
			return appendErrStr(out, arityErr(full))
		}
		cl.setLast(full)
		return sc.run(s, cl, args, out)
	}
	return subcommandErr(out, container, args[1])
}

// appendHelp writes a container's HELP reply the way Redis's addReplyHelp
// does: a heading, the given lines, then HELP itself, as status replies.
func appendHelp(out []byte, container string, lines []string) []byte {
	out = redcon.AppendArray(out, len(lines)+3)
	out = redcon.AppendString(out, strings.ToUpper(container)+" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		out = redcon.AppendString(out, l)
	}
	out = redcon.AppendString(out, "HELP")
	return redcon.AppendString(out, "    Prints this help.")
}

// ---------------------------------------------------------------- INFO

// infoSections is the order Redis prints sections in, whatever order they
// were asked for; quoris's raft section comes last. Commandstats,
// errorstats and latencystats are not tracked and so never printed.
func infoSections() []string {
	return []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "cluster", "keyspace", "raft"}
}

func (s *Server) info(args [][]byte) string {
	sections := infoSections()
	want := make(map[string]bool, len(sections))
	all := func() {
		for _, n := range sections {
			want[n] = true
		}
	}
	if len(args) == 0 {
		all()
	}
	for _, a := range args {
		switch name := strings.ToLower(string(a)); name {
		case "default", "all", "everything":
			all()
		default:
			want[name] = true
		}
	}
	var b strings.Builder
	for _, name := range sections {
		if !want[name] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		s.infoSection(&b, name)
	}
	return b.String()
}

func (s *Server) infoSection(b *strings.Builder, name string) {
	field := func(k string, v any) { fmt.Fprintf(b, "%s:%v\r\n", k, v) }
	switch name {
	case "server":
		b.WriteString("# Server\r\n")
		uptime := int64(time.Since(s.started) / time.Second)
		exe, _ := os.Executable()
		field("redis_version", RedisVersion)
		field("quoris_version", Version)
		field("redis_mode", "cluster")
		field("os", osName())
		field("arch_bits", strconv.IntSize)
		field("go_version", runtime.Version())
		field("process_id", os.Getpid())
		field("run_id", s.runID())
		field("tcp_port", s.tcpPort())
		field("server_time_usec", time.Now().UnixMicro())
		field("uptime_in_seconds", uptime)
		field("uptime_in_days", uptime/86400)
		field("executable", exe)
		field("config_file", s.setting("config"))
	case "clients":
		s.mu.Lock()
		n := len(s.clients)
		s.mu.Unlock()
		b.WriteString("# Clients\r\n")
		field("connected_clients", n)
	case "memory":
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		gc := goGCMetrics()
		b.WriteString("# Memory\r\n")
		// Heap spans in use: live data, garbage not yet collected (up to
		// go_gc_percent of the live heap) and free room in those spans.
		field("used_memory", ms.HeapInuse)
		field("used_memory_human", bytesToHuman(ms.HeapInuse))
		field("used_memory_rss", ms.Sys)
		field("used_memory_rss_human", bytesToHuman(ms.Sys))
		field("mem_fragmentation_ratio", strconv.FormatFloat(float64(ms.Sys)/float64(max(ms.HeapInuse, 1)), 'f', 2, 64))
		field("maxmemory", 0)
		field("maxmemory_human", "0B")
		field("maxmemory_policy", "noeviction")
		field("mem_allocator", "go")
		// What the Go collector works with: the heap it found live at the
		// end of its last cycle, the heap size that starts the next one,
		// and the settings that put it there (gc-percent, GOMEMLIMIT).
		field("go_heap_live", gc[0].Value.Uint64())
		field("go_heap_live_human", bytesToHuman(gc[0].Value.Uint64()))
		field("go_heap_goal", gc[1].Value.Uint64())
		field("go_heap_goal_human", bytesToHuman(gc[1].Value.Uint64()))
		field("go_gc_percent", int64(gc[2].Value.Uint64())) // -1: off
		limit := gc[3].Value.Uint64()
		if limit == math.MaxInt64 {
			limit = 0 // none, as maxmemory 0 says
		}
		field("go_memory_limit", limit)
		field("go_gc_cycles", gc[4].Value.Uint64())
	case "persistence":
		// The raft log is the append-only file: every write is logged and
		// fsynced before it is applied. Snapshots play the RDB's part.
		st := s.node.Raft().Stats()
		snap, _ := strconv.ParseUint(st["last_snapshot_index"], 10, 64)
		changes := uint64(0)
		if applied := s.fsm.AppliedIndex(); applied > snap {
			changes = applied - snap
		}
		b.WriteString("# Persistence\r\n")
		field("loading", 0)
		field("rdb_changes_since_last_save", changes)
		field("aof_enabled", 1)
	case "stats":
		fst := s.fsm.Stats()
		b.WriteString("# Stats\r\n")
		field("total_connections_received", s.stats.conns.Load())
		field("total_commands_processed", s.stats.cmds.Load())
		field("expired_keys", fst.ExpiredKeys.Load())
		field("keyspace_hits", fst.KeyspaceHits.Load())
		field("keyspace_misses", fst.KeyspaceMiss.Load())
		field("quoris_applied_commands", fst.AppliedCmds.Load())
		field("quoris_proxied_commands", s.stats.proxied.Load())
		field("quoris_uncertain_replies", s.stats.uncertain.Load())
	case "replication":
		b.WriteString("# Replication\r\n")
		s.infoReplication(field)
	case "cpu":
		var ru syscall.Rusage
		b.WriteString("# CPU\r\n")
		if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
			field("used_cpu_sys", fmt.Sprintf("%d.%06d", ru.Stime.Sec, ru.Stime.Usec))
			field("used_cpu_user", fmt.Sprintf("%d.%06d", ru.Utime.Sec, ru.Utime.Usec))
		}
		// The runtime's estimate of the CPU its collector took (background
		// workers and allocation assists): what gc-percent trades memory for.
		m := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
		metrics.Read(m)
		field("go_gc_cpu_seconds", strconv.FormatFloat(m[0].Value.Float64(), 'f', 6, 64))
	case "modules":
		b.WriteString("# Modules\r\n")
	case "cluster":
		b.WriteString("# Cluster\r\n")
		field("cluster_enabled", 1)
	case "keyspace":
		b.WriteString("# Keyspace\r\n")
		keys, expires := s.fsm.KeyspaceInfo()
		for db, n := range keys {
			if n > 0 {
				fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=0\r\n", db, n, expires[db])
			}
		}
	case "raft":
		b.WriteString(s.raftInfo())
	}
}

// infoReplication maps raft roles onto Redis's: the leader is the master
// and every other member of the configuration is one of its replicas.
func (s *Server) infoReplication(field func(string, any)) {
	if s.node.IsLeader() {
		field("role", "master")
		replicas := s.replicas()
		field("connected_slaves", len(replicas))
		for i, r := range replicas {
			host, port, _ := net.SplitHostPort(r.addr)
			field("slave"+strconv.Itoa(i), "ip="+host+",port="+port)
		}
		return
	}
	field("role", "slave")
	_, addr := s.node.Leader()
	if host, port, err := net.SplitHostPort(addr); err == nil {
		field("master_host", host)
		field("master_port", port)
		field("master_link_status", "up")
	} else {
		field("master_link_status", "down")
	}
	io := int64(-1)
	if last := s.node.Raft().LastContact(); !last.IsZero() {
		io = int64(time.Since(last) / time.Second)
	}
	field("master_last_io_seconds_ago", io)
	field("connected_slaves", 0)
}

// member is a raft server as the Redis-facing commands see it.
type member struct {
	id     string // raft server id
	addr   string // RESP address, "" until the node's address is replicated
	raft   string // raft address
	leader bool
}

// members lists the raft configuration, sorted by id, with RESP addresses.
func (s *Server) members() []member {
	servers, err := s.node.Servers()
	if err != nil {
		return nil
	}
	lid, _ := s.node.Leader()
	addrs := s.fsm.Nodes()
	out := make([]member, 0, len(servers))
	for _, sv := range servers {
		id := string(sv.ID)
		out = append(out, member{id: id, addr: addrs[id], raft: string(sv.Address), leader: id == lid})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// replicas are the members other than the leader whose client address is known.
func (s *Server) replicas() []member {
	var out []member
	for _, m := range s.members() {
		if !m.leader && m.addr != "" {
			out = append(out, m)
		}
	}
	return out
}

// runID identifies this server instance like Redis's run_id: 40 hex
// characters, new on every start. Deriving it from the start instant and
// pid keeps it stable for the Server's life without storing it.
func (s *Server) runID() string {
	h := sha1.Sum([]byte(fmt.Sprintf("%s\x00%d\x00%d\x00%s", s.node.ID(), os.Getpid(), s.started.UnixNano(), s.opts.Addr)))
	return hex.EncodeToString(h[:])
}

func (s *Server) tcpPort() int {
	addr := s.opts.Addr
	if s.ln != nil {
		addr = s.ln.Addr().String()
	}
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return n
}

// setting reads one setting's value, "" when it is unknown.
func (s *Server) setting(name string) string {
	if s.opts.Settings == nil {
		return ""
	}
	for _, kv := range s.opts.Settings.Get(name) {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}

// osName approximates Redis's "sysname release machine" from uname with
// what Go knows at build time.
func osName() string {
	goos := runtime.GOOS
	if goos != "" {
		goos = strings.ToUpper(goos[:1]) + goos[1:]
	}
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		arch = "aarch64"
	case "386":
		arch = "i686"
	}
	return goos + " " + arch
}

// bytesToHuman formats n as Redis's INFO does: B, then K/M/G/T/P with two
// decimals.
// goGCMetrics reads the collector's state: live heap, heap goal, GOGC,
// memory limit and completed cycles, in that order.
func goGCMetrics() []metrics.Sample {
	m := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/gc/gogc:percent"},
		{Name: "/gc/gomemlimit:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(m)
	return m
}

func bytesToHuman(n uint64) string {
	const units = "KMGTP"
	if n < 1024 {
		return strconv.FormatUint(n, 10) + "B"
	}
	d := float64(n)
	for i := 0; i < len(units); i++ {
		d /= 1024
		if d < 1024 || i == len(units)-1 {
			return strconv.FormatFloat(d, 'f', 2, 64) + units[i:i+1]
		}
	}
	return strconv.FormatUint(n, 10) + "B"
}

// ---------------------------------------------------------------- COMMAND

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
				keys, err := getKeys(s.commandTable(), args[2:])
				if err != "" {
					return appendErrStr(out, err)
				}
				out = redcon.AppendArray(out, len(keys))
				for _, k := range keys {
					out = redcon.AppendBulk(out, k)
				}
				return out
			}},
		{Spec: spec("help", 2, "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "command", []string{
					"(no subcommand)",
					"    Return details about all Redis commands.",
					"COUNT",
					"    Return the total number of commands in this Redis server.",
					"LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
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
			out = append(out, cmdDesc{spec: &c.Spec, name: c.Name})
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
	out = redcon.AppendArray(out, 0) // tips: none are recorded
	out = appendKeySpecs(out, sp)
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
	sp := d.spec
	var kv []string
	if sp.Summary != "" {
		kv = append(kv, "summary", sp.Summary)
	}
	kv = append(kv, "since", sp.Since, "group", sp.Group)
	if sp.Complexity != "" {
		kv = append(kv, "complexity", sp.Complexity)
	}
	n := len(kv)
	if len(d.subs) > 0 {
		n += 2
	}
	out = redcon.AppendArray(out, n)
	for _, s := range kv {
		out = redcon.AppendBulkString(out, s)
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

// getKeys extracts the key arguments of argv as COMMAND GETKEYS does. The
// error is a full Redis error string, "" on success.
func getKeys(table []cmdDesc, argv [][]byte) ([][]byte, string) {
	// Like Redis's lookupCommand: argv[0] names a top-level command, and a
	// container's subcommand comes from argv[1].
	var d *cmdDesc
	if !strings.Contains(string(argv[0]), "|") {
		d = findCommand(table, string(argv[0]))
	}
	if d != nil && len(d.subs) > 0 {
		d = findCommand(table, string(argv[0])+"|"+string(argv[1]))
	}
	if d == nil {
		return nil, "ERR Invalid command specified"
	}
	sp := d.spec
	movable := sp.Has("movablekeys")
	if sp.FirstKey <= 0 && !movable {
		return nil, "ERR The command has no key arguments"
	}
	if !sp.ArityOK(len(argv)) {
		return nil, "ERR Invalid number of arguments specified for command"
	}
	var keys [][]byte
	if movable {
		keys = movableKeys(d.name, argv)
	} else {
		last := sp.LastKey
		if last < 0 {
			last += len(argv)
		}
		step := sp.Step
		if step <= 0 {
			step = 1
		}
		for i := sp.FirstKey; i <= last && i < len(argv); i += step {
			keys = append(keys, argv[i])
		}
	}
	if len(keys) == 0 {
		return nil, "ERR Invalid arguments specified for command"
	}
	return keys, ""
}

// movableKeys finds the keys of Redis's commands whose key positions depend
// on their arguments (a numkeys count, or a STREAMS keyword). A command not
// known here yields no keys, which GETKEYS reports as invalid arguments.
func movableKeys(name string, argv [][]byte) [][]byte {
	numkeys := func(countAt, firstAt int) [][]byte {
		if countAt >= len(argv) {
			return nil
		}
		n, err := strconv.Atoi(string(argv[countAt]))
		if err != nil || n <= 0 || firstAt+n > len(argv) {
			return nil
		}
		return argv[firstAt : firstAt+n]
	}
	switch name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "blmpop", "bzmpop":
		return numkeys(2, 3)
	case "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "zmpop":
		return numkeys(1, 2)
	case "zunionstore", "zinterstore", "zdiffstore":
		if keys := numkeys(2, 3); keys != nil {
			return append([][]byte{argv[1]}, keys...)
		}
	case "xread", "xreadgroup":
		for i := 1; i < len(argv); i++ {
			if strings.EqualFold(string(argv[i]), "streams") {
				rest := argv[i+1:]
				if len(rest) == 0 || len(rest)%2 != 0 {
					return nil
				}
				return rest[:len(rest)/2]
			}
		}
	}
	return nil
}

// ---------------------------------------------------------------- CONFIG

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
