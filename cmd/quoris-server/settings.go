package main

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/raft"
	"github.com/spf13/viper"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/raftnode"
)

// settingsView answers CONFIG GET/SET from the running configuration.
type settingsView struct {
	cfg  *Config
	v    *viper.Viper
	node *raftnode.Node
	// level is the logger's, so CONFIG SET loglevel takes effect at once.
	level *slog.LevelVar
	tls   *raftnode.TLS // nil without TLS; CONFIG SET tls-* reloads it
	log   *slog.Logger
}

// values returns every setting's current value as CONFIG GET shows it:
// quoris's own, and the Redis parameters the operator's configuration
// owns (port, bind, dir, databases, loglevel). The RESP layer answers for
// every other Redis parameter.
func (s *settingsView) values() map[string]string {
	c := s.cfg
	rc := raft.ReloadableConfig{SnapshotThreshold: c.SnapshotThreshold, SnapshotInterval: c.SnapshotInterval, TrailingLogs: c.TrailingLogs}
	logStore := c.RaftLogStore
	if s.node != nil {
		rc = s.node.Raft().ReloadableConfig()
		logStore = s.node.LogStore()
	}
	m := map[string]string{
		"node-id":                  c.NodeID,
		"bind":                     c.Bind,
		"port":                     strconv.Itoa(c.Port),
		"dir":                      c.Dir,
		"raft-addr":                c.RaftAddr,
		"join":                     strings.Join(c.Join, " "),
		"databases":                strconv.Itoa(c.Databases),
		"follower-mode":            c.FollowerMode,
		"snapshot-threshold":       strconv.FormatUint(rc.SnapshotThreshold, 10),
		"snapshot-threshold-bytes": strconv.FormatUint(c.SnapshotBytes, 10),
		"snapshot-interval":        rc.SnapshotInterval.String(),
		"trailing-logs":            strconv.FormatUint(rc.TrailingLogs, 10),
		"raft-heartbeat-timeout":   c.HeartbeatTimeout.String(),
		"raft-election-timeout":    c.ElectionTimeout.String(),
		"apply-timeout":            c.ApplyTimeout.String(),
		"raft-nosync":              yesno(c.RaftNoSync),
		"raft-max-inflight":        strconv.Itoa(c.RaftMaxInflight),
		"raft-log-store":           logStore,
		"max-entry-size":           strconv.FormatUint(c.MaxEntrySize, 10),
		"loglevel":                 c.LogLevel,
		"log-format":               c.LogFormat,
		"metrics-addr":             c.MetricsAddr,
		"pprof-addr":               c.PprofAddr,
		"gc-percent":               strconv.Itoa(gcPercent()),
	}
	tc := c.TLSConfig
	if s.tls != nil {
		tc = tc.withFiles(s.tls.Files())
	}
	for k, v := range tc.values() {
		m[k] = v
	}
	return m
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// gcPercent is the collector's current target, however it was set.
func gcPercent() int {
	m := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(m)
	return int(int64(m[0].Value.Uint64())) // -1 (off) arrives wrapped
}

// Get matches names with Redis's own glob, case-insensitively, as CONFIG
// GET does.
func (s *settingsView) Get(pattern string) [][2]string {
	var out [][2]string
	for k, v := range s.values() {
		if datatypes.Match(pattern, k, true) {
			out = append(out, [2]string{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// Set changes what raft can reload at run time; everything else needs a
// restart, which CONFIG SET reports as Redis does for immutable settings
// (setting one to its current value is a no-op, as in Redis).
func (s *settingsView) Set(name, value string) error {
	name = strings.ToLower(name)
	cur, known := s.values()[name]
	if !known {
		return fmt.Errorf("ERR Unknown option or number of arguments for CONFIG SET - '%s'", name)
	}
	if handled, err := s.setTLS(name, value); handled {
		return err
	}
	r := s.node.Raft()
	rc := r.ReloadableConfig()
	bad := fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - argument couldn't be parsed into an integer", name)
	switch name {
	case "snapshot-threshold":
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return bad
		}
		rc.SnapshotThreshold = n
	case "trailing-logs":
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return bad
		}
		rc.TrailingLogs = n
	case "snapshot-interval":
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 {
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - invalid duration", name)
		}
		rc.SnapshotInterval = d
	case "loglevel":
		s.cfg.LogLevel = value
		if s.level != nil {
			s.level.Set(logLevel(value))
		}
		return nil
	case "gc-percent":
		n, err := strconv.Atoi(value)
		if err != nil || n < -1 || n == 0 {
			return bad
		}
		debug.SetGCPercent(n)
		return nil
	default:
		if value == cur {
			return nil
		}
		return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - can't set immutable config", name)
	}
	if err := r.ReloadConfig(rc); err != nil {
		return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - %v", name, err)
	}
	return nil
}
