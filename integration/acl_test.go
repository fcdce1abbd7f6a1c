package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func authedClient(c *Cluster, i int, user, pass string) *redis.Client {
	cl := redis.NewClient(&redis.Options{Addr: c.Node(i).Addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1,
		Username: user, Password: pass, DialTimeout: 2 * time.Second, ReadTimeout: 10 * time.Second})
	c.track(cl)
	return cl
}

// TestACLThroughFollowers: requirepass and ACL users are replicated state,
// enforced on the node a client is connected to; a follower proxies with
// the client's rights (peers authenticate with the cluster's secret), a
// user created on the leader authenticates on every node, and users
// survive a restart of the whole cluster.
func TestACLThroughFollowers(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	ctx := deadlineCtx(t, 60*time.Second)
	lead := c.Leader()
	fol := lead%3 + 1
	admin := c.Client(lead)
	if err := admin.ConfigSet(ctx, "requirepass", "s3cret").Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The harness talks to the nodes without credentials.
		for i := 1; i <= 3; i++ {
			if authedClient(c, i, "default", "s3cret").ConfigSet(context.Background(), "requirepass", "").Err() == nil {
				return
			}
		}
	})
	eventually(t, 10*time.Second, "NOAUTH on the follower", func() error {
		err := c.Client(fol).Get(ctx, "k").Err()
		if err == nil || err.Error() != "NOAUTH Authentication required." {
			return fmt.Errorf("GET without AUTH on the follower: %v", err)
		}
		return nil
	})
	f := authedClient(c, fol, "", "s3cret")
	if err := f.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET through the follower with the password: %v", err)
	}
	if v, err := f.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("GET through the follower: %q %v", v, err)
	}
	if err := authedClient(c, fol, "", "wrong").Ping(ctx).Err(); err == nil || !strings.HasPrefix(err.Error(), "WRONGPASS") {
		t.Fatalf("a wrong password: %v", err)
	}
	// A user created through a follower, used on every node.
	if err := f.Do(ctx, "ACL", "SETUSER", "alice", "on", ">pw", "~a*", "+get", "+set").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		eventually(t, 10*time.Second, "alice on every node", func() error {
			if err := authedClient(c, i, "alice", "pw").Get(ctx, "a-none").Err(); err != redis.Nil {
				return fmt.Errorf("node %d: GET as alice: %v", i, err)
			}
			return nil
		})
	}
	al := authedClient(c, fol, "alice", "pw")
	if err := al.Set(ctx, "a1", "x", 0).Err(); err != nil {
		t.Fatalf("alice SET a1 through the follower: %v", err)
	}
	for _, tc := range []struct {
		cmd  []any
		want string
	}{
		{[]any{"SET", "b1", "x"}, "NOPERM this user has no permissions to access one of the keys used as arguments"},
		{[]any{"DEL", "a1"}, "NOPERM this user has no permissions to run the 'del' command"},
		{[]any{"RAFT", "INFO"}, "NOPERM this user has no permissions to run the 'raft' command"},
		{[]any{"QUORIS.CONFIG", "maxmemory", "1"}, "NOPERM this user has no permissions to run the 'quoris.config' command"},
	} {
		if err := al.Do(ctx, tc.cmd...).Err(); err == nil || err.Error() != tc.want {
			t.Errorf("alice %v through the follower: %v, want %s", tc.cmd, err, tc.want)
		}
	}
	if v, err := admin.Get(ctx, "b1").Result(); err != redis.Nil {
		t.Errorf("b1 was written: %q %v", v, err)
	}
	if cli, err := exec.LookPath("redis-cli"); err == nil {
		out, _ := exec.Command(cli, "--no-auth-warning", "-u", "redis://alice:pw@"+c.Node(fol).Addr, "SET", "b2", "x").CombinedOutput()
		if !strings.Contains(string(out), "NOPERM") {
			t.Errorf("redis-cli as alice through the follower: %q", out)
		}
		out, _ = exec.Command(cli, "--no-auth-warning", "-u", "redis://alice:pw@"+c.Node(fol).Addr, "GET", "a1").CombinedOutput()
		if strings.TrimSpace(string(out)) != "x" {
			t.Errorf("redis-cli GET as alice: %q", out)
		}
	}

	// Users survive restarting every node (the harness needs the default
	// user open to find the leader again).
	if err := f.ConfigSet(ctx, "requirepass", "").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		eventually(t, 10*time.Second, "requirepass cleared everywhere", func() error {
			return c.Client(i).Ping(ctx).Err()
		})
	}
	for i := 1; i <= 3; i++ {
		c.Stop(i)
	}
	for i := 1; i <= 3; i++ {
		c.Restart(i)
	}
	c.LeaderWithin(20 * time.Second)
	for i := 1; i <= 3; i++ {
		eventually(t, 20*time.Second, "alice after restart", func() error {
			cl := authedClient(c, i, "alice", "pw")
			if v, err := cl.Get(ctx, "a1").Result(); err != nil || v != "x" {
				return fmt.Errorf("node %d: GET a1 as alice: %q %v", i, v, err)
			}
			return nil
		})
	}
}

// TestJoinUnderRequirepass: with requirepass on, a new node joins when it
// authenticates as a Redis replica does (masterauth in its configuration),
// or proves membership with the cluster secret; a node with neither is
// refused with NOAUTH.
func TestJoinUnderRequirepass(t *testing.T) {
	t.Run("masterauth", func(t *testing.T) {
		c, members := protectedCluster(t)
		none := c.newNode()
		c.startFresh(none, []string{"--join", c.Node(1).Addr})
		eventually(t, 15*time.Second, "the refused join logged", func() error {
			b, _ := os.ReadFile(none.LogPath)
			if !strings.Contains(string(b), "NOAUTH") {
				return fmt.Errorf("%s's log does not show NOAUTH", none.ID)
			}
			return nil
		})
		if n := members(); n != 1 {
			t.Fatalf("a node without credentials joined: %d members", n)
		}
		c.Kill(none.Index)
		yaml := filepath.Join(t.TempDir(), "quoris.yaml")
		if err := os.WriteFile(yaml, []byte("masterauth: s3cret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c.startFresh(c.newNode(), []string{"--join", c.Node(1).Addr, "--config", yaml})
		eventually(t, 20*time.Second, "the node with masterauth to join", func() error {
			if n := members(); n != 2 {
				return fmt.Errorf("%d members", n)
			}
			return nil
		})
	})
	t.Run("cluster-secret", func(t *testing.T) {
		c, members := protectedCluster(t, "--cluster-secret", "members-only")
		c.startFresh(c.newNode(), []string{"--join", c.Node(1).Addr})
		eventually(t, 20*time.Second, "the node with the cluster secret to join", func() error {
			if n := members(); n != 2 {
				return fmt.Errorf("%d members", n)
			}
			return nil
		})
	})
}

// protectedCluster is one node with requirepass s3cret, and a function
// counting its members through an authenticated connection.
func protectedCluster(t *testing.T, flags ...string) (*Cluster, func() int) {
	c := NewCluster(t)
	c.Flags = flags
	c.Start(1)
	ctx := deadlineCtx(t, 90*time.Second)
	if err := c.Client(1).ConfigSet(ctx, "requirepass", "s3cret").Err(); err != nil {
		t.Fatal(err)
	}
	c.Password = "s3cret"
	admin := authedClient(c, 1, "default", "s3cret")
	t.Cleanup(func() { _ = admin.ConfigSet(context.Background(), "requirepass", "").Err() })
	return c, func() int {
		v, err := admin.Do(ctx, "RAFT", "NODES").Slice()
		if err != nil {
			t.Fatal(err)
		}
		return len(v)
	}
}
