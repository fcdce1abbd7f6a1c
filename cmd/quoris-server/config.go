package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/quoris/quoris/redisconf"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// Config is the server's configuration: every field is a flag, a YAML key
// and a QUORIS_* environment variable (dashes become underscores).
type Config struct {
	NodeID            string        `mapstructure:"node-id"`
	Bind              string        `mapstructure:"bind"`
	Port              int           `mapstructure:"port"`
	Dir               string        `mapstructure:"dir"`
	RaftAddr          string        `mapstructure:"raft-addr"`
	Join              []string      `mapstructure:"join"`
	Databases         int           `mapstructure:"databases"`
	FollowerMode      string        `mapstructure:"follower-mode"`
	SnapshotThreshold uint64        `mapstructure:"snapshot-threshold"`
	SnapshotBytes     uint64        `mapstructure:"snapshot-threshold-bytes"`
	SnapshotInterval  time.Duration `mapstructure:"snapshot-interval"`
	TrailingLogs      uint64        `mapstructure:"trailing-logs"`
	HeartbeatTimeout  time.Duration `mapstructure:"raft-heartbeat-timeout"`
	ElectionTimeout   time.Duration `mapstructure:"raft-election-timeout"`
	ApplyTimeout      time.Duration `mapstructure:"apply-timeout"`
	RaftNoSync        bool          `mapstructure:"raft-nosync"`
	RaftMaxInflight   int           `mapstructure:"raft-max-inflight"`
	RaftLogStore      string        `mapstructure:"raft-log-store"`
	MaxEntrySize      uint64        `mapstructure:"max-entry-size"`
	LogLevel          string        `mapstructure:"loglevel"`
	DebugClockSkew    time.Duration `mapstructure:"debug-clock-skew"`
	PprofAddr         string        `mapstructure:"pprof-addr"`
	MetricsAddr       string        `mapstructure:"metrics-addr"`
	LogFormat         string        `mapstructure:"log-format"`
	GCPercent         int           `mapstructure:"gc-percent"`
	TLSConfig         `mapstructure:",squash"`
}

// setting describes one configuration key for flags, help and CONFIG GET.
type setting struct {
	name  string
	def   any
	usage string
}

var settings = append([]setting{
	{"config", "", "YAML configuration file"},
	{"node-id", "", "raft server id (default: the id stored in --dir, else node1)"},
	{"bind", "127.0.0.1", "address to listen on for clients"},
	{"port", 6379, "client port"},
	{"dir", "./data", "data directory: raft log, snapshots, node identity"},
	{"raft-addr", "", "host:port for raft traffic (default: bind and port+10000)"},
	{"join", []string{}, "client addresses of existing cluster nodes to join"},
	{"databases", 16, "number of databases"},
	{"follower-mode", "proxy", "what a follower does with commands it cannot serve: proxy or redirect (MOVED)"},
	{"snapshot-threshold", uint64(8192), "log entries since the last snapshot that trigger a new one"},
	{"snapshot-threshold-bytes", uint64(64 << 20), "bytes of applied log since the last snapshot that trigger a new one (0: entry count only)"},
	{"snapshot-interval", 2 * time.Minute, "how often to check whether a snapshot is due"},
	{"trailing-logs", uint64(10240), "log entries kept after a snapshot for slow followers"},
	{"raft-heartbeat-timeout", 500 * time.Millisecond, "follower heartbeat timeout before an election"},
	{"raft-election-timeout", 500 * time.Millisecond, "candidate election timeout"},
	{"apply-timeout", 10 * time.Second, "how long a write may wait to enter the raft queue"},
	{"raft-nosync", false, "skip fsync of the raft log: NOT durable, for benchmarking only"},
	{"raft-log-store", raftnode.DefaultLogStore, "raft log store for a new data directory: wal or bolt (an existing directory keeps its own)"},
	{"raft-max-inflight", 1, "client command batches in raft at once; commands arriving meanwhile share the next log entry"},
	{"max-entry-size", uint64(raftnode.DefaultMaxCommandBytes), "largest command accepted, in bytes; commands over 1 MiB are replicated in chunks (at most 1 GiB)"},
	{"loglevel", "notice", "debug, verbose, notice or warning"},
	{"debug-clock-skew", time.Duration(0), "shift this node's wall clock (fault-injection tests only)"},
	{"pprof-addr", "", "host:port for net/http/pprof (/debug/pprof); empty: off"},
	{"metrics-addr", "", "host:port serving Prometheus /metrics (may equal pprof-addr); empty: off"},
	{"log-format", "text", "log lines as text or json (log/slog handlers)"},
	{"gc-percent", defaultGCPercent, "garbage the Go heap may accumulate, in percent of live data, before a collection (GOGC; -1: off); lower uses less memory and more CPU"},
}, tlsSettings...)

// defaultGCPercent trades CPU for memory. With Go's default of 100 the
// heap grows to twice its live data before each collection, so INFO's
// used_memory (heap in use) swings up to 2x the data; at 30 it stays
// within 1.3x plus fragmentation, for about three times the collector's
// CPU (measured: 2.9 -> 9.5 us per SET of some 70, 0.5 -> 1.6 us per
// GET of some 28, redis-benchmark -c 50).
const defaultGCPercent = 30

// identity is what a data directory remembers so a restart needs no flags.
type identity struct {
	NodeID   string `json:"node_id"`
	Bind     string `json:"bind"`
	Port     int    `json:"port"`
	RaftAddr string `json:"raft_addr"`
	// Join is remembered so that a node killed after asking to join, but
	// before receiving any raft state, asks again on restart instead of
	// bootstrapping a private one-node cluster.
	Join         []string `json:"join,omitempty"`
	FollowerMode string   `json:"follower_mode,omitempty"`
}

const identityFile = "node.json"

func loadConfig(args []string) (*Config, *viper.Viper, error) {
	fs := pflag.NewFlagSet("quoris-server", pflag.ContinueOnError)
	for _, s := range settings {
		switch d := s.def.(type) {
		case string:
			fs.String(s.name, d, s.usage)
		case int:
			fs.Int(s.name, d, s.usage)
		case uint64:
			fs.Uint64(s.name, d, s.usage)
		case bool:
			fs.Bool(s.name, d, s.usage)
		case time.Duration:
			fs.Duration(s.name, d, s.usage)
		case []string:
			fs.StringSlice(s.name, d, s.usage)
		}
	}
	_ = fs.MarkHidden("debug-clock-skew")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	v := viper.New()
	v.SetEnvPrefix("QUORIS")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if err := v.BindPFlags(fs); err != nil {
		return nil, nil, err
	}
	if f := v.GetString("config"); f != "" {
		v.SetConfigFile(f)
		if err := v.ReadInConfig(); err != nil {
			return nil, nil, fmt.Errorf("read config %s: %w", f, err)
		}
	}
	// An environment list is space- or comma-separated.
	if env := os.Getenv("QUORIS_JOIN"); env != "" && !fs.Changed("join") {
		v.Set("join", strings.FieldsFunc(env, func(r rune) bool { return r == ',' || r == ' ' }))
	}
	var cfg Config
	if err := v.Unmarshal(&cfg); err != nil {
		return nil, nil, err
	}
	explicit := func(key string) bool {
		_, env := os.LookupEnv("QUORIS_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_")))
		return fs.Changed(key) || env || v.InConfig(key)
	}
	if err := cfg.applyIdentity(explicit); err != nil {
		return nil, nil, err
	}
	// GOGC is Go's own name for gc-percent: honour it as the runtime would
	// have, unless the operator also set gc-percent.
	if g, env := os.LookupEnv("GOGC"); env && !explicit("gc-percent") {
		if n, err := strconv.Atoi(g); err == nil {
			cfg.GCPercent = n
		} else if g == "off" {
			cfg.GCPercent = -1
		}
	}
	return &cfg, v, cfg.validate()
}

// applyIdentity fills what the operator did not set from the data
// directory's stored identity, then from defaults.
func (c *Config) applyIdentity(explicit func(key string) bool) error {
	b, err := os.ReadFile(filepath.Join(c.Dir, identityFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err == nil {
		var id identity
		if err := json.Unmarshal(b, &id); err != nil {
			return fmt.Errorf("%s: %w", identityFile, err)
		}
		if !explicit("node-id") {
			c.NodeID = id.NodeID
		}
		if !explicit("bind") && id.Bind != "" {
			c.Bind = id.Bind
		}
		// A stored port 0 (TLS only) is kept: a restart must not open
		// a plain port the node was started without.
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(b, &keys)
		if _, stored := keys["port"]; !explicit("port") && (id.Port != 0 || stored) {
			c.Port = id.Port
		}
		if !explicit("raft-addr") {
			c.RaftAddr = id.RaftAddr
		}
		if !explicit("join") && len(id.Join) > 0 {
			c.Join = id.Join
		}
		if !explicit("follower-mode") && id.FollowerMode != "" {
			c.FollowerMode = id.FollowerMode
		}
	}
	if c.NodeID == "" {
		c.NodeID = "node1"
	}
	if c.RaftAddr == "" {
		port := c.Port
		if port == 0 {
			port = c.TLSPort
		}
		c.RaftAddr = net.JoinHostPort(c.Bind, strconv.Itoa(port+10000))
	}
	return nil
}

func (c *Config) saveIdentity() error {
	b, _ := json.MarshalIndent(identity{NodeID: c.NodeID, Bind: c.Bind, Port: c.Port, RaftAddr: c.RaftAddr, Join: c.Join, FollowerMode: c.FollowerMode}, "", "  ")
	tmp := filepath.Join(c.Dir, identityFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(c.Dir, identityFile))
}

func (c *Config) validate() error {
	switch {
	case c.Port < 0 || c.Port > 65535:
		return fmt.Errorf("port %d out of range", c.Port)
	case c.Databases < 1 || c.Databases > 1<<16:
		return fmt.Errorf("databases must be between 1 and 65536")
	case c.RaftMaxInflight < 1 || c.RaftMaxInflight > 64:
		return fmt.Errorf("raft-max-inflight must be between 1 and 64")
	case c.MaxEntrySize < 1<<20 || c.MaxEntrySize > fsm.MaxStagedBytes:
		return fmt.Errorf("max-entry-size must be between 1 MiB and 1 GiB")
	case !raftnode.ValidLogStore(c.RaftLogStore):
		return fmt.Errorf("raft-log-store must be wal or bolt, not %q", c.RaftLogStore)
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("log-format must be text or json, not %q", c.LogFormat)
	case c.FollowerMode != "proxy" && c.FollowerMode != "redirect":
		return fmt.Errorf("follower-mode must be proxy or redirect, not %q", c.FollowerMode)
	case c.Dir == "":
		return fmt.Errorf("dir must not be empty")
	case c.GCPercent < -1 || c.GCPercent == 0:
		return fmt.Errorf("gc-percent must be positive, or -1 for off")
	}
	return c.TLSConfig.validate(c.Port)
}

// RespAddr is the client address advertised to the cluster.
func (c *Config) RespAddr() string { return net.JoinHostPort(c.Bind, strconv.Itoa(c.Port)) }

// redisParams returns the Redis parameters (redis.conf names that are not
// quoris settings: maxmemory-policy, timeout, save ...) given in the YAML
// file, as CONFIG SET values: booleans as yes/no, lists space-separated.
func redisParams(v *viper.Viper) map[string]string {
	own := map[string]bool{}
	for _, s := range settings {
		own[s.name] = true
	}
	out := map[string]string{}
	for _, k := range v.AllKeys() {
		if own[k] || !v.InConfig(k) || redisconf.Lookup(k) == nil {
			continue
		}
		switch x := v.Get(k).(type) {
		case bool:
			out[k] = map[bool]string{true: "yes", false: "no"}[x]
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = fmt.Sprint(e)
			}
			out[k] = strings.Join(parts, " ")
		case nil:
			out[k] = ""
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}
