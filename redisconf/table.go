package redisconf

import "math"

const (
	intMax   = math.MaxInt32
	uintMax  = math.MaxUint32
	longMax  = math.MaxInt64
	ullMax   = math.MaxUint64
	immut    = true
	modif    = false
	mb       = 1 << 20
	noAlias  = ""
	intUpper = uint64(intMax)
)

func boolP(name, alias string, def, immutable bool) *Param {
	d := "no"
	if def {
		d = "yes"
	}
	return &Param{Name: name, Alias: alias, Kind: Bool, Default: d, Immutable: immutable}
}

func intP(name, alias string, min int64, max uint64, def string) *Param {
	return &Param{Name: name, Alias: alias, Kind: Int, Min: min, Max: max, Default: def}
}

func memP(name, alias string, min int64, max uint64, def string) *Param {
	return &Param{Name: name, Alias: alias, Kind: Memory, Min: min, Max: max, Default: def}
}

func enumP(name, def string, values ...string) *Param {
	return &Param{Name: name, Kind: Enum, Values: values, Default: def}
}

func strP(name, alias, def string, immutable bool) *Param {
	return &Param{Name: name, Alias: alias, Kind: String, Default: def, Immutable: immutable}
}

func immutableP(p *Param) *Param { p.Immutable = true; return p }
func hiddenP(p *Param) *Param    { p.Hidden = true; return p }

// params is Redis 7.0.15's table (config.c), in its order: the list and
// defaults of `CONFIG GET *` on a redis-server started with no arguments.
func params() []*Param {
	yes, no := true, false
	return []*Param{
		boolP("rdbchecksum", noAlias, yes, immut),
		boolP("daemonize", noAlias, no, immut),
		boolP("io-threads-do-reads", noAlias, no, immut),
		boolP("always-show-logo", noAlias, no, immut),
		boolP("protected-mode", noAlias, yes, modif),
		boolP("rdbcompression", noAlias, yes, modif),
		boolP("rdb-del-sync-files", noAlias, no, modif),
		boolP("activerehashing", noAlias, yes, modif),
		boolP("stop-writes-on-bgsave-error", noAlias, yes, modif),
		boolP("set-proc-title", noAlias, yes, immut),
		boolP("dynamic-hz", noAlias, yes, modif),
		boolP("lazyfree-lazy-eviction", noAlias, no, modif),
		boolP("lazyfree-lazy-expire", noAlias, no, modif),
		boolP("lazyfree-lazy-server-del", noAlias, no, modif),
		boolP("lazyfree-lazy-user-del", noAlias, no, modif),
		boolP("lazyfree-lazy-user-flush", noAlias, no, modif),
		boolP("repl-disable-tcp-nodelay", noAlias, no, modif),
		boolP("repl-diskless-sync", noAlias, yes, modif),
		boolP("aof-rewrite-incremental-fsync", noAlias, yes, modif),
		boolP("no-appendfsync-on-rewrite", noAlias, no, modif),
		boolP("cluster-require-full-coverage", noAlias, yes, modif),
		boolP("rdb-save-incremental-fsync", noAlias, yes, modif),
		boolP("aof-load-truncated", noAlias, yes, modif),
		boolP("aof-use-rdb-preamble", noAlias, yes, modif),
		boolP("aof-timestamp-enabled", noAlias, no, modif),
		boolP("cluster-replica-no-failover", "cluster-slave-no-failover", no, modif),
		boolP("replica-lazy-flush", "slave-lazy-flush", no, modif),
		boolP("replica-serve-stale-data", "slave-serve-stale-data", yes, modif),
		boolP("replica-read-only", "slave-read-only", yes, modif),
		boolP("replica-ignore-maxmemory", "slave-ignore-maxmemory", yes, modif),
		boolP("jemalloc-bg-thread", noAlias, yes, modif),
		boolP("activedefrag", noAlias, no, modif),
		boolP("syslog-enabled", noAlias, no, immut),
		boolP("cluster-enabled", noAlias, no, immut),
		boolP("appendonly", noAlias, no, modif),
		boolP("cluster-allow-reads-when-down", noAlias, no, modif),
		boolP("cluster-allow-pubsubshard-when-down", noAlias, yes, modif),
		boolP("crash-log-enabled", noAlias, yes, modif),
		boolP("crash-memcheck-enabled", noAlias, yes, modif),
		hiddenP(boolP("use-exit-on-panic", noAlias, no, modif)),
		boolP("disable-thp", noAlias, yes, immut),
		boolP("cluster-allow-replica-migration", noAlias, yes, modif),
		boolP("replica-announced", noAlias, yes, modif),
		boolP("latency-tracking", noAlias, yes, modif),
		boolP("aof-disable-auto-gc", noAlias, no, modif),
		boolP("replica-ignore-disk-write-errors", noAlias, no, modif),

		strP("aclfile", noAlias, "", immut),
		strP("unixsocket", noAlias, "", immut),
		strP("pidfile", noAlias, "", immut),
		strP("replica-announce-ip", "slave-announce-ip", "", modif),
		strP("masteruser", noAlias, "", modif),
		strP("cluster-announce-ip", noAlias, "", modif),
		strP("cluster-config-file", noAlias, "nodes.conf", immut),
		strP("cluster-announce-hostname", noAlias, "", modif),
		strP("syslog-ident", noAlias, "redis", immut),
		{Name: "dbfilename", Kind: String, Default: "dump.rdb", Protected: true},
		strP("appendfilename", noAlias, "appendonly.aof", immut),
		strP("appenddirname", noAlias, "appendonlydir", immut),
		strP("server_cpulist", noAlias, "", immut),
		strP("bio_cpulist", noAlias, "", immut),
		strP("aof_rewrite_cpulist", noAlias, "", immut),
		strP("bgsave_cpulist", noAlias, "", immut),
		strP("ignore-warnings", noAlias, "", modif),
		strP("proc-title-template", noAlias, "{title} {listen-addr} {server-mode}", modif),
		strP("bind-source-addr", noAlias, "", modif),
		strP("logfile", noAlias, "", immut),
		strP("masterauth", noAlias, "", modif),
		strP("requirepass", noAlias, "", modif),

		immutableP(enumP("supervised", "no", "upstart", "systemd", "auto", "no")),
		immutableP(enumP("syslog-facility", "local0", "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7")),
		enumP("repl-diskless-load", "disabled", "disabled", "on-empty-db", "swapdb"),
		enumP("loglevel", "notice", "debug", "verbose", "notice", "warning"),
		enumP("maxmemory-policy", "noeviction", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"),
		enumP("appendfsync", "everysec", "everysec", "always", "no"),
		{Name: "oom-score-adj", Kind: Enum, Default: "no", Values: []string{"no", "yes", "relative", "absolute"}, Synonyms: map[string]string{"relative": "yes"}},
		enumP("acl-pubsub-default", "resetchannels", "allchannels", "resetchannels"),
		enumP("sanitize-dump-payload", "no", "no", "yes", "clients"),
		immutableP(enumP("enable-protected-configs", "no", "no", "yes", "local")),
		immutableP(enumP("enable-debug-command", "no", "no", "yes", "local")),
		immutableP(enumP("enable-module-command", "no", "no", "yes", "local")),
		enumP("cluster-preferred-endpoint-type", "ip", "ip", "hostname", "unknown-endpoint"),
		enumP("propagation-error-behavior", "ignore", "ignore", "panic", "panic-on-replicas"),
		{Name: "shutdown-on-sigint", Kind: Enum, Flags: true, Default: "default", Values: []string{"default", "save", "nosave", "now", "force"}},
		{Name: "shutdown-on-sigterm", Kind: Enum, Flags: true, Default: "default", Values: []string{"default", "save", "nosave", "now", "force"}},

		immutableP(intP("databases", noAlias, 1, intUpper, "16")),
		intP("port", noAlias, 0, 65535, "6379"),
		immutableP(intP("io-threads", noAlias, 1, 128, "1")),
		intP("auto-aof-rewrite-percentage", noAlias, 0, intUpper, "100"),
		intP("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, intUpper, "10"),
		intP("list-max-listpack-size", "list-max-ziplist-size", math.MinInt32, intUpper, "-2"),
		intP("tcp-keepalive", noAlias, 0, intUpper, "300"),
		intP("cluster-migration-barrier", noAlias, 0, intUpper, "1"),
		intP("active-defrag-cycle-min", noAlias, 1, 99, "1"),
		intP("active-defrag-cycle-max", noAlias, 1, 99, "25"),
		intP("active-defrag-threshold-lower", noAlias, 0, 1000, "10"),
		intP("active-defrag-threshold-upper", noAlias, 0, 1000, "100"),
		intP("lfu-log-factor", noAlias, 0, intUpper, "10"),
		intP("lfu-decay-time", noAlias, 0, intUpper, "1"),
		intP("replica-priority", "slave-priority", 0, intUpper, "100"),
		intP("repl-diskless-sync-delay", noAlias, 0, intUpper, "5"),
		intP("maxmemory-samples", noAlias, 1, intUpper, "5"),
		intP("maxmemory-eviction-tenacity", noAlias, 0, 100, "10"),
		intP("timeout", noAlias, 0, intUpper, "0"),
		intP("replica-announce-port", "slave-announce-port", 0, 65535, "0"),
		immutableP(intP("tcp-backlog", noAlias, 0, intUpper, "511")),
		immutableP(intP("cluster-port", noAlias, 0, 65535, "0")),
		intP("cluster-announce-bus-port", noAlias, 0, 65535, "0"),
		intP("cluster-announce-port", noAlias, 0, 65535, "0"),
		intP("cluster-announce-tls-port", noAlias, 0, 65535, "0"),
		intP("repl-timeout", noAlias, 1, intUpper, "60"),
		intP("repl-ping-replica-period", "repl-ping-slave-period", 1, intUpper, "10"),
		intP("list-compress-depth", noAlias, 0, intUpper, "0"),
		hiddenP(intP("rdb-key-save-delay", noAlias, math.MinInt32, intUpper, "0")),
		hiddenP(intP("key-load-delay", noAlias, math.MinInt32, intUpper, "0")),
		intP("active-expire-effort", noAlias, 1, 10, "1"),
		{Name: "hz", Kind: Int, Min: 0, Max: intUpper, Default: "10", Effective: func(n int64) int64 { return min(max(n, 1), 500) }},
		intP("min-replicas-to-write", "min-slaves-to-write", 0, intUpper, "0"),
		intP("min-replicas-max-lag", "min-slaves-max-lag", 0, intUpper, "10"),
		hiddenP(intP("watchdog-period", noAlias, 0, intUpper, "0")),
		intP("shutdown-timeout", noAlias, 0, intUpper, "10"),
		intP("repl-diskless-sync-max-replicas", noAlias, 0, intUpper, "0"),

		intP("maxclients", noAlias, 1, uintMax, "10000"),
		{Name: "unixsocketperm", Kind: Int, Octal: true, Min: 0, Max: 0o777, Default: "0", Immutable: true},
		immutableP(intP("socket-mark-id", noAlias, 0, uintMax, "0")),

		intP("active-defrag-max-scan-fields", noAlias, 1, longMax, "1000"),
		intP("slowlog-max-len", noAlias, 0, longMax, "128"),
		intP("acllog-max-len", noAlias, 0, longMax, "128"),

		intP("busy-reply-threshold", "lua-time-limit", 0, longMax, "5000"),
		// quoris's own: the Lua instructions a script may run before it is
		// stopped at the same instruction on every node (about 5 s here).
		intP("lua-instruction-budget", noAlias, 1000, longMax, "125000000"),
		intP("cluster-node-timeout", noAlias, 0, longMax, "15000"),
		intP("slowlog-log-slower-than", noAlias, -1, longMax, "10000"),
		intP("latency-monitor-threshold", noAlias, 0, longMax, "0"),
		memP("proto-max-bulk-len", noAlias, mb, longMax, "536870912"),
		intP("stream-node-max-entries", noAlias, 0, longMax, "100"),
		{Name: "repl-backlog-size", Kind: Memory, Min: 1, Max: longMax, Default: "1048576", Effective: func(n int64) int64 { return max(n, 16*1024) }},

		memP("maxmemory", noAlias, 0, ullMax, "0"),
		memP("cluster-link-sendbuf-limit", noAlias, 0, ullMax, "0"),

		intP("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, longMax, "512"),
		intP("set-max-intset-entries", noAlias, 0, longMax, "512"),
		intP("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, longMax, "128"),
		memP("active-defrag-ignore-bytes", noAlias, 1, longMax, "104857600"),
		memP("hash-max-listpack-value", "hash-max-ziplist-value", 0, longMax, "64"),
		memP("stream-node-max-bytes", noAlias, 0, longMax, "4096"),
		memP("zset-max-listpack-value", "zset-max-ziplist-value", 0, longMax, "64"),
		memP("hll-sparse-max-bytes", noAlias, 0, longMax, "3000"),
		intP("tracking-table-max-keys", noAlias, 0, longMax, "1000000"),
		memP("client-query-buffer-limit", noAlias, mb, longMax, "1073741824"),
		{Name: "maxmemory-clients", Kind: Memory, Percent: true, Min: -100, Max: longMax, Default: "0"},

		intP("repl-backlog-ttl", noAlias, 0, longMax, "3600"),
		memP("auto-aof-rewrite-min-size", noAlias, 0, longMax, "67108864"),
		hiddenP(intP("loading-process-events-interval-bytes", noAlias, 1024, intUpper, "2097152")),

		intP("tls-port", noAlias, 0, 65535, "0"),
		intP("tls-session-cache-size", noAlias, 0, intUpper, "20480"),
		intP("tls-session-cache-timeout", noAlias, 0, intUpper, "300"),
		boolP("tls-cluster", noAlias, no, modif),
		boolP("tls-replication", noAlias, no, modif),
		{Name: "tls-auth-clients", Kind: Enum, Default: "yes", Values: []string{"no", "yes", "optional"}},
		boolP("tls-prefer-server-ciphers", noAlias, no, modif),
		boolP("tls-session-caching", noAlias, yes, modif),
		strP("tls-cert-file", noAlias, "", modif),
		strP("tls-key-file", noAlias, "", modif),
		strP("tls-key-file-pass", noAlias, "", modif),
		strP("tls-client-cert-file", noAlias, "", modif),
		strP("tls-client-key-file", noAlias, "", modif),
		strP("tls-client-key-file-pass", noAlias, "", modif),
		strP("tls-dh-params-file", noAlias, "", modif),
		strP("tls-ca-cert-file", noAlias, "", modif),
		strP("tls-ca-cert-dir", noAlias, "", modif),
		strP("tls-protocols", noAlias, "", modif),
		strP("tls-ciphers", noAlias, "", modif),
		strP("tls-ciphersuites", noAlias, "", modif),

		{Name: "dir", Kind: String, Default: "", Protected: true},
		{Name: "save", Kind: Special, Default: "3600 1 300 100 60 10000", Check: checkSave},
		{Name: "client-output-buffer-limit", Kind: Special, Default: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", Check: checkClientOutputBufferLimit},
		{Name: "oom-score-adj-values", Kind: Special, Default: "0 200 800", Check: checkOOMValues},
		{Name: "notify-keyspace-events", Kind: Special, Default: "", Check: checkNotify},
		{Name: "bind", Kind: Special, Default: "* -::*", Check: checkBind},
		{Name: "replicaof", Alias: "slaveof", Kind: Special, Default: "", Immutable: true, Check: func(old, v string) (string, error) { return v, nil }},
		{Name: "latency-tracking-info-percentiles", Kind: Special, Default: "50 99 99.9", Check: checkPercentiles},
	}
}
