package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/quoris/quoris/raftnode"
)

func TestLoadConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	yaml := filepath.Join(dir, "q.yaml")
	if err := os.WriteFile(yaml, []byte("port: 7000\nnode-id: fromfile\njoin: [a:1, b:2]\nsnapshot-threshold: 99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, c *Config)
	}{
		{"defaults", []string{"--dir", filepath.Join(dir, "d0")}, nil, func(t *testing.T, c *Config) {
			if c.Port != 6379 || c.Bind != "127.0.0.1" || c.NodeID != "node1" || c.RaftAddr != "127.0.0.1:16379" ||
				c.Databases != 16 || c.FollowerMode != "proxy" || c.HeartbeatTimeout != 500*time.Millisecond ||
				c.RaftLogStore != raftnode.DefaultLogStore {
				t.Fatalf("%+v", c)
			}
		}},
		{"file", []string{"--config", yaml, "--dir", filepath.Join(dir, "d1")}, nil, func(t *testing.T, c *Config) {
			if c.Port != 7000 || c.NodeID != "fromfile" || !reflect.DeepEqual(c.Join, []string{"a:1", "b:2"}) || c.SnapshotThreshold != 99 {
				t.Fatalf("%+v", c)
			}
		}},
		{"env beats file", []string{"--config", yaml, "--dir", filepath.Join(dir, "d2")},
			map[string]string{"QUORIS_PORT": "7100", "QUORIS_JOIN": "x:1,y:2"}, func(t *testing.T, c *Config) {
				if c.Port != 7100 || !reflect.DeepEqual(c.Join, []string{"x:1", "y:2"}) {
					t.Fatalf("%+v", c)
				}
			}},
		{"flag beats env", []string{"--config", yaml, "--port", "7200", "--dir", filepath.Join(dir, "d3")},
			map[string]string{"QUORIS_PORT": "7100"}, func(t *testing.T, c *Config) {
				if c.Port != 7200 {
					t.Fatalf("%+v", c)
				}
			}},
		{"gc-percent default", []string{"--dir", filepath.Join(dir, "d4")}, map[string]string{"GOGC": ""}, func(t *testing.T, c *Config) {
			if c.GCPercent != defaultGCPercent {
				t.Fatalf("gc-percent %d", c.GCPercent)
			}
		}},
		{"GOGC", []string{"--dir", filepath.Join(dir, "d5")}, map[string]string{"GOGC": "off"}, func(t *testing.T, c *Config) {
			if c.GCPercent != -1 {
				t.Fatalf("gc-percent %d", c.GCPercent)
			}
		}},
		{"gc-percent beats GOGC", []string{"--dir", filepath.Join(dir, "d6")},
			map[string]string{"GOGC": "30", "QUORIS_GC_PERCENT": "70"}, func(t *testing.T, c *Config) {
				if c.GCPercent != 70 {
					t.Fatalf("gc-percent %d", c.GCPercent)
				}
			}},
		{"raft-log-store from env", []string{"--dir", filepath.Join(dir, "d7")},
			map[string]string{"QUORIS_RAFT_LOG_STORE": "bolt"}, func(t *testing.T, c *Config) {
				if c.RaftLogStore != "bolt" {
					t.Fatalf("raft-log-store %q", c.RaftLogStore)
				}
			}},
		{"raft-log-store flag beats env", []string{"--dir", filepath.Join(dir, "d8"), "--raft-log-store", "wal"},
			map[string]string{"QUORIS_RAFT_LOG_STORE": "bolt"}, func(t *testing.T, c *Config) {
				if c.RaftLogStore != "wal" {
					t.Fatalf("raft-log-store %q", c.RaftLogStore)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
				if v == "" {
					os.Unsetenv(k) // t.Setenv restores it afterwards
				}
			}
			c, _, err := loadConfig(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestIdentityRemembered(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	c, _, err := loadConfig([]string{"--dir", dir, "--node-id", "n7", "--port", "7007", "--raft-addr", "127.0.0.1:8008", "--join", "127.0.0.1:6379", "--follower-mode", "redirect"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.saveIdentity(); err != nil {
		t.Fatal(err)
	}
	// A restart with only --dir gets the same identity back.
	c2, _, err := loadConfig([]string{"--dir", dir})
	if err != nil {
		t.Fatal(err)
	}
	if c2.NodeID != "n7" || c2.Port != 7007 || c2.RaftAddr != "127.0.0.1:8008" ||
		!reflect.DeepEqual(c2.Join, []string{"127.0.0.1:6379"}) || c2.FollowerMode != "redirect" {
		t.Fatalf("identity not restored: %+v", c2)
	}
	// An explicit flag still wins over the stored identity.
	c3, _, err := loadConfig([]string{"--dir", dir, "--port", "7010"})
	if err != nil {
		t.Fatal(err)
	}
	if c3.Port != 7010 || c3.NodeID != "n7" {
		t.Fatalf("%+v", c3)
	}
}

func TestConfigValidation(t *testing.T) {
	tests := [][]string{
		{"--port", "0"},
		{"--port", "70000"},
		{"--databases", "0"},
		{"--follower-mode", "sideways"},
		{"--dir", ""},
		{"--gc-percent", "0"},
		{"--raft-log-store", "leveldb"},
		{"--gc-percent", "-2"},
		{"--no-such-flag"},
	}
	for _, args := range tests {
		if _, _, err := loadConfig(append([]string{"--dir", t.TempDir()}, args...)); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
