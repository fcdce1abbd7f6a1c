package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTLSConfig(t *testing.T) {
	dir := t.TempDir()
	yaml := filepath.Join(dir, "tls.yaml")
	// YAML as a Redis user writes it: yes/no strings.
	if err := os.WriteFile(yaml, []byte("tls-port: 7443\ntls-cluster: yes\ntls-auth-clients: optional\ncluster-secret: abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		err   string
		check func(t *testing.T, c *Config)
	}{
		{"defaults: no TLS", nil, "", func(t *testing.T, c *Config) {
			if c.TLSPort != 0 || c.peerTLS() || c.raftTLS() || c.TLSAddr() != "" || c.AdvertisedAddr() != "127.0.0.1:6379" || c.TLSAuthClients != "yes" {
				t.Fatalf("%+v", c.TLSConfig)
			}
		}},
		{"both ports, plain links", []string{"--tls-port", "6380"}, "", func(t *testing.T, c *Config) {
			if c.PlainAddr() != "127.0.0.1:6379" || c.TLSAddr() != "127.0.0.1:6380" || c.peerTLS() || c.AdvertisedAddr() != "127.0.0.1:6379" {
				t.Fatalf("%+v", c.TLSConfig)
			}
		}},
		{"TLS only", []string{"--port", "0", "--tls-port", "6380"}, "", func(t *testing.T, c *Config) {
			if c.PlainAddr() != "" || !c.peerTLS() || c.AdvertisedAddr() != "127.0.0.1:6380" || c.RaftAddr != "127.0.0.1:16380" {
				t.Fatalf("%+v raft %s", c.TLSConfig, c.RaftAddr)
			}
		}},
		{"file", []string{"--config", yaml}, "", func(t *testing.T, c *Config) {
			if c.TLSPort != 7443 || c.TLSCluster != "yes" || !c.raftTLS() || !c.peerTLS() || c.TLSAuthClients != "optional" ||
				c.ClusterSecret != "abc" || c.AdvertisedAddr() != "127.0.0.1:7443" {
				t.Fatalf("%+v", c.TLSConfig)
			}
		}},
		{"tls-replication", []string{"--tls-port", "6380", "--tls-replication", "yes"}, "", func(t *testing.T, c *Config) {
			if !c.raftTLS() || !c.peerTLS() {
				t.Fatalf("%+v", c.TLSConfig)
			}
		}},
		{"no client port", []string{"--port", "0"}, "port 0 needs a tls-port", nil},
		{"tls-cluster without tls-port", []string{"--tls-cluster", "yes"}, "tls-cluster needs a tls-port", nil},
		{"bad boolean", []string{"--tls-port", "6380", "--tls-cluster", "maybe"}, "must be yes or no", nil},
		{"tls-ciphersuites", []string{"--tls-port", "6380", "--tls-ciphersuites", "TLS_AES_128_GCM_SHA256"}, "not supported", nil},
		{"tls-key-file-pass", []string{"--tls-port", "6380", "--tls-key-file-pass", "x"}, "not supported", nil},
		{"tls-port range", []string{"--tls-port", "70000"}, "out of range", nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--dir", filepath.Join(dir, fmt.Sprintf("d%d", i))}, tc.args...)
			c, _, err := loadConfig(args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

// CONFIG GET shows the TLS settings; CONFIG SET of a TLS file without TLS
// enabled is refused, and tls-port cannot change at run time.
func TestTLSSettingsView(t *testing.T) {
	c, v, err := loadConfig([]string{"--dir", t.TempDir(), "--tls-port", "0", "--cluster-secret", "k"})
	if err != nil {
		t.Fatal(err)
	}
	s := &settingsView{cfg: c, v: v}
	got := map[string]string{}
	for _, kv := range s.Get("tls-*") {
		got[kv[0]] = kv[1]
	}
	if got["tls-port"] != "0" || got["tls-auth-clients"] != "yes" || got["tls-cluster"] != "no" || len(got) != 14 {
		t.Fatalf("CONFIG GET tls-*: %v", got)
	}
	if kv := s.Get("cluster-secret"); len(kv) != 1 || kv[0][1] != "k" {
		t.Fatalf("cluster-secret: %v", kv)
	}
	if err := s.Set("tls-cert-file", "/x.crt"); err == nil || !strings.Contains(err.Error(), "TLS is not enabled") {
		t.Fatalf("CONFIG SET tls-cert-file without TLS: %v", err)
	}
}

// A node started with port 0 restarts without a plain port: the stored 0
// is kept, so TLS settings are needed again.
func TestTLSOnlyIdentity(t *testing.T) {
	dir := t.TempDir()
	c, _, err := loadConfig([]string{"--dir", dir, "--port", "0", "--tls-port", "6380"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.saveIdentity(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadConfig([]string{"--dir", dir}); err == nil || !strings.Contains(err.Error(), "port 0 needs a tls-port") {
		t.Fatalf("restart without TLS settings: %v", err)
	}
	c, _, err = loadConfig([]string{"--dir", dir, "--tls-port", "6380"})
	if err != nil || c.Port != 0 || c.PlainAddr() != "" {
		t.Fatalf("restart: port %d, %v", c.Port, err)
	}
}
