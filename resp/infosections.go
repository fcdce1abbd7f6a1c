package resp

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// infoSections is the order Redis 7.0 prints sections in, whatever order
// they were asked for; quoris's raft section comes last.
func infoSections() []string {
	return []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
		"commandstats", "errorstats", "latencystats", "cluster", "keyspace", "raft"}
}

// infoNotDefault are the sections INFO without arguments (or "default")
// leaves out, as Redis does: they grow with every command name used.
func infoNotDefault(name string) bool { return name == "commandstats" || name == "latencystats" }

func (s *Server) info(args [][]byte) string {
	sections := infoSections()
	want := make(map[string]bool, len(sections))
	pick := func(all bool) {
		for _, n := range sections {
			if all || !infoNotDefault(n) {
				want[n] = true
			}
		}
	}
	if len(args) == 0 {
		pick(false)
	}
	for _, a := range args {
		switch name := strings.ToLower(string(a)); name {
		case "default":
			pick(false)
		case "all", "everything":
			pick(true)
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
		s.infoServer(field)
	case "clients":
		b.WriteString("# Clients\r\n")
		s.infoClients(field)
	case "memory":
		b.WriteString("# Memory\r\n")
		s.infoMemory(field)
	case "persistence":
		b.WriteString("# Persistence\r\n")
		s.infoPersistence(field)
	case "stats":
		b.WriteString("# Stats\r\n")
		s.infoStats(field)
	case "replication":
		b.WriteString("# Replication\r\n")
		s.infoReplication(field)
	case "cpu":
		b.WriteString("# CPU\r\n")
		infoCPU(field)
	case "modules":
		b.WriteString("# Modules\r\n")
	case "commandstats":
		b.WriteString("# Commandstats\r\n")
		for _, st := range s.ops.used() {
			calls, usec := st.calls.Load(), st.nanos.Load()/1000
			perCall := 0.0
			if calls > 0 {
				perCall = float64(usec) / float64(calls)
			}
			fmt.Fprintf(b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
				st.name, calls, usec, perCall, st.rejected.Load(), st.failed.Load())
		}
	case "errorstats":
		b.WriteString("# Errorstats\r\n")
		names, counts := s.ops.errorCounts()
		for _, n := range names {
			fmt.Fprintf(b, "errorstat_%s:count=%d\r\n", n, counts[n])
		}
	case "latencystats":
		b.WriteString("# Latencystats\r\n")
		if s.setting("latency-tracking") == "no" {
			return
		}
		pcts := latencyPercentiles(s.setting("latency-tracking-info-percentiles"))
		for _, st := range s.ops.used() {
			h := st.hist.Load()
			if h == nil || h.total.Load() == 0 {
				continue
			}
			fmt.Fprintf(b, "latency_percentiles_usec_%s:", st.name)
			for i, p := range pcts {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(b, "p%s=%.3f", strconv.FormatFloat(p, 'f', -1, 64), float64(h.percentile(p))/1000)
			}
			b.WriteString("\r\n")
		}
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

// latencyPercentiles parses latency-tracking-info-percentiles; Redis's
// default "50 99 99.9" when unset or invalid.
func latencyPercentiles(v string) []float64 {
	def := []float64{50, 99, 99.9}
	if strings.TrimSpace(v) == "" {
		return def
	}
	var out []float64
	for _, f := range strings.Fields(v) {
		p, err := strconv.ParseFloat(f, 64)
		if err != nil || p < 0 || p > 100 {
			return def
		}
		out = append(out, p)
	}
	return out
}

func (s *Server) infoServer(field func(string, any)) {
	uptime := int64(time.Since(s.started) / time.Second)
	exe, _ := os.Executable()
	sha, dirty := buildVCS()
	field("redis_version", RedisVersion)
	field("redis_git_sha1", sha)
	field("redis_git_dirty", dirty)
	field("redis_build_id", buildID())
	field("quoris_version", Version)
	field("redis_mode", "cluster")
	field("os", osName())
	field("arch_bits", strconv.IntSize)
	field("multiplexing_api", multiplexingAPI())
	field("go_version", runtime.Version())
	field("process_id", os.Getpid())
	field("run_id", s.runID())
	field("tcp_port", s.tcpPort())
	field("server_time_usec", time.Now().UnixMicro())
	field("uptime_in_seconds", uptime)
	field("uptime_in_days", uptime/86400)
	// The clock OBJECT IDLETIME counts in: seconds, 24 bits, as Redis's.
	field("lru_clock", time.Now().Unix()&(1<<24-1))
	field("executable", exe)
	field("config_file", s.setting("config"))
}

func (s *Server) infoClients(field func(string, any)) {
	clients := s.clientsSorted()
	blocked := 0
	var maxQbuf int64
	for _, c := range clients {
		if c.blocked.Load() {
			blocked++
		}
		maxQbuf = max(maxQbuf, c.qbuf())
	}
	maxClients := s.setting("maxclients")
	if maxClients == "" {
		maxClients = "10000" // Redis's default; quoris enforces none
	}
	field("connected_clients", len(clients))
	field("maxclients", maxClients)
	field("client_recent_max_input_buffer", maxQbuf)
	field("blocked_clients", blocked)
	tracking, _, _, _ := s.track.stats()
	field("tracking_clients", tracking)
}

func (s *Server) infoMemory(field func(string, any)) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gc := goGCMetrics()
	s.notePeak(ms.HeapInuse)
	peak := s.ops.peakMem.Load()
	// Heap spans in use: live data, garbage not yet collected (up to
	// go_gc_percent of the live heap) and free room in those spans.
	field("used_memory", ms.HeapInuse)
	field("used_memory_human", bytesToHuman(ms.HeapInuse))
	field("used_memory_rss", ms.Sys)
	field("used_memory_rss_human", bytesToHuman(ms.Sys))
	field("used_memory_peak", peak)
	field("used_memory_peak_human", bytesToHuman(peak))
	field("used_memory_peak_perc", strconv.FormatFloat(float64(ms.HeapInuse)*100/float64(max(peak, 1)), 'f', 2, 64)+"%")
	// The dataset accounting maxmemory is compared with: the same on
	// every node at the same log index, unlike the heap above.
	field("used_memory_dataset", s.fsm.UsedDataset())
	if total := totalSystemMemory(); total > 0 {
		field("total_system_memory", total)
		field("total_system_memory_human", bytesToHuman(total))
	}
	maxmem, _ := strconv.ParseUint(s.setting("maxmemory"), 10, 64)
	policy := s.setting("maxmemory-policy")
	if policy == "" {
		policy = "noeviction"
	}
	field("maxmemory", maxmem)
	field("maxmemory_human", bytesToHuman(maxmem))
	field("maxmemory_policy", policy)
	field("mem_fragmentation_ratio", strconv.FormatFloat(float64(ms.Sys)/float64(max(ms.HeapInuse, 1)), 'f', 2, 64))
	field("mem_fragmentation_bytes", int64(ms.Sys)-int64(ms.HeapInuse))
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
}

// infoPersistence: the raft log is the append-only file (every write is
// logged and fsynced before it is applied); snapshots play the RDB's part.
func (s *Server) infoPersistence(field func(string, any)) {
	s.noteSnapshots()
	snap := s.lastSnapIndex.Load()
	changes := uint64(0)
	if applied := s.fsm.AppliedIndex(); applied > snap {
		changes = applied - snap
	}
	status := "ok"
	if s.saves.Load() > 0 && !s.lastSaveOK.Load() {
		status = "err"
	}
	current, inProgress := int64(-1), 0
	if s.saving.Load() {
		inProgress = 1
		current = time.Now().Unix() - s.saveStarted.Load()
	}
	field("loading", 0)
	field("async_loading", 0)
	field("rdb_changes_since_last_save", changes)
	field("rdb_bgsave_in_progress", inProgress)
	field("rdb_last_save_time", s.lastSave.Load())
	field("rdb_last_bgsave_status", status)
	field("rdb_last_bgsave_time_sec", s.lastSaveSecs.Load())
	field("rdb_current_bgsave_time_sec", current)
	field("rdb_saves", s.saves.Load())
	field("aof_enabled", 1)
	field("aof_rewrite_in_progress", 0)
	field("aof_last_write_status", "ok")
}

func (s *Server) infoStats(field func(string, any)) {
	fst := s.fsm.Stats()
	ops, inK, outK := s.ops.instantaneous()
	field("total_connections_received", s.stats.conns.Load())
	field("total_commands_processed", s.stats.cmds.Load())
	field("instantaneous_ops_per_sec", ops)
	field("total_net_input_bytes", s.ops.netIn.Load())
	field("total_net_output_bytes", s.ops.netOut.Load())
	field("instantaneous_input_kbps", strconv.FormatFloat(inK, 'f', 2, 64))
	field("instantaneous_output_kbps", strconv.FormatFloat(outK, 'f', 2, 64))
	field("rejected_connections", s.stats.rejected.Load())
	field("expired_keys", fst.ExpiredKeys.Load())
	field("evicted_keys", fst.EvictedKeys.Load())
	field("keyspace_hits", fst.KeyspaceHits.Load())
	field("keyspace_misses", fst.KeyspaceMiss.Load())
	_, keys, items, prefixes := s.track.stats()
	field("tracking_total_keys", keys)
	field("tracking_total_items", items)
	field("tracking_total_prefixes", prefixes)
	field("total_error_replies", s.ops.errReplies.Load())
	field("quoris_applied_commands", fst.AppliedCmds.Load())
	field("quoris_proxied_commands", s.stats.proxied.Load())
	field("quoris_uncertain_replies", s.stats.uncertain.Load())
}

func infoCPU(field func(string, any)) {
	var ru, ch syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		field("used_cpu_sys", fmt.Sprintf("%d.%06d", ru.Stime.Sec, ru.Stime.Usec))
		field("used_cpu_user", fmt.Sprintf("%d.%06d", ru.Utime.Sec, ru.Utime.Usec))
	}
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ch) == nil {
		field("used_cpu_sys_children", fmt.Sprintf("%d.%06d", ch.Stime.Sec, ch.Stime.Usec))
		field("used_cpu_user_children", fmt.Sprintf("%d.%06d", ch.Utime.Sec, ch.Utime.Usec))
	}
	// The runtime's estimate of the CPU its collector took (background
	// workers and allocation assists): what gc-percent trades memory for.
	m := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(m)
	field("go_gc_cpu_seconds", strconv.FormatFloat(m[0].Value.Float64(), 'f', 6, 64))
}
