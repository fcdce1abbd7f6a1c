package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRedisParamsFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q.yaml")
	body := "port: 7000\nmaxmemory-policy: allkeys-lru\nappendonly: true\ntimeout: 30\nsave: ''\n" +
		"client-output-buffer-limit: [normal, 0, 0, 0]\nnot-a-redis-name: 1\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, v, err := loadConfig([]string{"--config", path, "--dir", filepath.Join(dir, "d")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"maxmemory-policy": "allkeys-lru", "appendonly": "yes", "timeout": "30", "save": "",
		"client-output-buffer-limit": "normal 0 0 0"}
	if got := redisParams(v); !reflect.DeepEqual(got, want) {
		t.Fatalf("redisParams = %q, want %q", got, want)
	}
}

func TestConfigRewriteKeepsTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q.yaml")
	body := "# my node\nnode-id: n7 # keep me\nport: 7000\ntimeout: 5\nhz: 20\ncustom-thing: [1, 2]\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, v, err := loadConfig([]string{"--config", path, "--dir", filepath.Join(dir, "d")})
	if err != nil {
		t.Fatal(err)
	}
	s := &settingsView{cfg: cfg, v: v}
	cfg.LogLevel = "warning" // as CONFIG SET loglevel leaves it
	// timeout changed, hz back at its default, save newly set.
	if err := s.Rewrite(map[string]string{"timeout": "9", "save": ""}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"# my node\n", "node-id: n7 # keep me\n", "port: 7000\n", `timeout: "9"`,
		"custom-thing: [1, 2]\n", `loglevel: warning`, `save: ""`} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "hz") {
		t.Errorf("hz at its default should be gone:\n%s", got)
	}
	// The file still loads, with the rewritten values.
	_, v2, err := loadConfig([]string{"--config", path, "--dir", filepath.Join(dir, "d")})
	if err != nil {
		t.Fatal(err)
	}
	if p := redisParams(v2); p["timeout"] != "9" || p["save"] != "" {
		t.Fatalf("reloaded %q", p)
	}
	if err := (&settingsView{cfg: cfg, v: v}).Rewrite(nil); err != nil {
		t.Fatal(err)
	}
	_, v3, _ := loadConfig([]string{"--dir", filepath.Join(dir, "e")})
	if err := (&settingsView{cfg: cfg, v: v3}).Rewrite(nil); err == nil {
		t.Fatal("Rewrite without a config file succeeded")
	}
}
