package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clientRun is one real client library's checks (integration/clients/):
// SET/GET through every node, pub/sub across nodes in one order,
// keyspace events on a follower, EVAL/EVALSHA across nodes.
type clientRun struct {
	name string
	cmd  func(ctx context.Context, follower string, others []string) *exec.Cmd
	// missing says why the library cannot run here ("" if it can).
	missing string
}

// nodeClients are the npm libraries of integration/clients/package.json.
func nodeClients(dir string) []clientRun {
	missing := ""
	node, err := exec.LookPath("node")
	if err != nil {
		missing = "node is not installed"
	} else {
		for _, m := range []string{"redis", "redis4", "ioredis"} {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
				missing = "npm module " + m + " is not installed in integration/clients (make deps, or npm ci there)"
				break
			}
		}
	}
	var out []clientRun
	for _, name := range []string{"node-redis", "node-redis-resp3", "node-redis4", "ioredis"} {
		out = append(out, clientRun{name: name, missing: missing, cmd: func(ctx context.Context, f string, o []string) *exec.Cmd {
			return exec.CommandContext(ctx, node, append([]string{"check.js", name, f}, o...)...)
		}})
	}
	return out
}

// pythonClient is redis-py: Debian's python3-redis (make deps installs
// it as root), or any python3 on PATH that can import redis.
func pythonClient() clientRun {
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import redis").Run() == nil {
			return clientRun{name: "redis-py", cmd: func(ctx context.Context, f string, o []string) *exec.Cmd {
				return exec.CommandContext(ctx, path, append([]string{"check.py", f}, o...)...)
			}}
		}
	}
	return clientRun{name: "redis-py", missing: "no python3 with the redis module (apt-get install python3-redis; make deps does it as root)"}
}

// TestRealClients runs node-redis (v5 over RESP2 and RESP3, and v4),
// ioredis and redis-py against one 3-node cluster, each through its own
// script in integration/clients. A library that is not installed is
// skipped with the reason.
func TestRealClients(t *testing.T) {
	dir, err := filepath.Abs("clients")
	if err != nil {
		t.Fatal(err)
	}
	runs := append(nodeClients(dir), pythonClient())
	available := 0
	for _, r := range runs {
		if r.missing == "" {
			available++
		}
	}
	if available == 0 {
		t.Skipf("no client library available: %s; %s", runs[0].missing, runs[len(runs)-1].missing)
	}
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "eval", "evalsha", "publish", "psubscribe", "hset")
	leader := c.Leader()
	follower := leader%3 + 1
	others := []string{c.Node(leader).Addr, c.Node(follower%3 + 1).Addr}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			if r.missing != "" {
				t.Skip(r.missing)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
			defer cancel()
			cmd := r.cmd(ctx, c.Node(follower).Addr, others)
			cmd.Dir = dir
			cmd.WaitDelay = time.Second
			out, err := cmd.CombinedOutput()
			t.Logf("%s:\n%s", strings.Join(cmd.Args, " "), out)
			if err != nil {
				t.Fatalf("%s failed: %v", r.name, err)
			}
			if !strings.Contains(string(out), "PASS "+r.name) {
				t.Fatalf("%s did not report PASS", r.name)
			}
		})
	}
}
