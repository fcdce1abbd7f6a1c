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
)

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
