package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestClusterForms: three nodes form one cluster whose members all know
// each other and the leader; writes through every node (followers proxy)
// are readable through every node, linearizably and with READONLY.
func TestClusterForms(t *testing.T) {
	ctx := deadlineCtx(t, 45*time.Second)
	c := NewCluster(t)
	c.Start(3)

	leader := c.Leader()
	for i := 1; i <= 3; i++ {
		ms, err := c.Members(i)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 3 {
			t.Fatalf("node%d: RAFT NODES lists %d members: %+v", i, len(ms), ms)
		}
		for j, m := range ms {
			nd := c.Node(j + 1)
			want := Member{ID: nd.ID, RaftAddr: fmt.Sprintf("127.0.0.1:%d", nd.RaftPort), RespAddr: nd.Addr, Suffrage: "voter", Role: "follower"}
			if j+1 == leader {
				want.Role = "leader"
			}
			if m != want {
				t.Errorf("node%d: RAFT NODES row %d = %+v, want %+v", i, j, m, want)
			}
		}
		info, err := c.RaftInfo(i)
		if err != nil {
			t.Fatal(err)
		}
		wantState := "follower"
		if i == leader {
			wantState = "leader"
		}
		if info["state"] != wantState || info["leader_id"] != c.Node(leader).ID || info["node_id"] != c.Node(i).ID {
			t.Errorf("node%d RAFT INFO: state=%q leader_id=%q node_id=%q", i, info["state"], info["leader_id"], info["node_id"])
		}
		if got, err := c.Client(i).Ping(ctx).Result(); err != nil || got != "PONG" {
			t.Errorf("node%d PING = %q, %v", i, got, err)
		}
	}
	if t.Failed() {
		return
	}

	needCommands(t, c.Node(1).Addr, "set", "get")
	clients := []*redis.Client{c.Client(1), c.Client(2), c.Client(3)}
	for i, cl := range clients {
		for k := 0; k < 20; k++ {
			key := fmt.Sprintf("via%d:%d", i+1, k)
			if err := cl.Set(ctx, key, "v-"+key, 0).Err(); err != nil {
				t.Fatalf("SET %s through node%d: %v", key, i+1, err)
			}
			// Linearizable: the write is visible at once through every node.
			for j, rd := range clients {
				got, err := rd.Get(ctx, key).Result()
				if err != nil || got != "v-"+key {
					t.Fatalf("GET %s through node%d right after SET through node%d = %q, %v", key, j+1, i+1, got, err)
				}
			}
		}
	}
	// READONLY reads of local state converge on every node.
	for j := 1; j <= 3; j++ {
		ro := c.ReadOnlyClient(j)
		eventually(t, 5*time.Second, fmt.Sprintf("node%d local state", j), func() error {
			for i := range clients {
				for k := 0; k < 20; k++ {
					key := fmt.Sprintf("via%d:%d", i+1, k)
					got, err := ro.Get(ctx, key).Result()
					if err != nil || got != "v-"+key {
						return fmt.Errorf("READONLY GET %s = %q, %v", key, got, err)
					}
				}
			}
			return nil
		})
	}
}

// TestRedirectMode: a follower started with --follower-mode redirect
// answers MOVED <slot> <leader host:port> instead of proxying; with
// READONLY it serves reads locally.
func TestRedirectMode(t *testing.T) {
	ctx := deadlineCtx(t, 30*time.Second)
	c := NewCluster(t)
	c.NodeFlags[2] = []string{"--follower-mode", "redirect"}
	c.NodeFlags[3] = []string{"--follower-mode", "redirect"}
	c.Start(3)
	leader := c.Leader()
	follower := 2
	if leader == 2 {
		follower = 3
	}
	needCommands(t, c.Node(leader).Addr, "set", "get")
	laddr := c.Node(leader).Addr

	// CRC16 slots of Redis Cluster: "foo" is 12182, "{user1000}.following"
	// shares "user1000"'s slot 3443.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"SET", "foo", "bar"}, "-MOVED 12182 " + laddr + "\r\n"},
		{[]string{"SET", "{user1000}.following", "x"}, "-MOVED 3443 " + laddr + "\r\n"},
		{[]string{"GET", "foo"}, "-MOVED 12182 " + laddr + "\r\n"},
	} {
		got, err := rawDo(c.Node(follower).Addr, 5*time.Second, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("node%d (follower, redirect) %v = %q, want %q", follower, tc.args, got, tc.want)
		}
	}
	// Nothing was applied by the redirected write.
	if n, err := c.Client(leader).Exists(ctx, "foo").Result(); err != nil || n != 0 {
		t.Errorf("EXISTS foo on leader after redirected SET = %d, %v; want 0", n, err)
	}
	// Following the redirect works; READONLY reads on the follower are local.
	if err := c.Client(leader).Set(ctx, "foo", "bar", 0).Err(); err != nil {
		t.Fatal(err)
	}
	ro := c.ReadOnlyClient(follower)
	eventually(t, 5*time.Second, "READONLY GET foo on redirecting follower", func() error {
		got, err := ro.Get(ctx, "foo").Result()
		if err != nil || got != "bar" {
			return fmt.Errorf("got %q, %v", got, err)
		}
		return nil
	})
	// A write on a READONLY connection is still redirected.
	err := ro.Set(ctx, "foo", "baz", 0).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "MOVED 12182 "+laddr) {
		t.Errorf("SET on READONLY follower connection: %v, want MOVED", err)
	}
}

// TestGracefulShutdown: SIGTERM of the leader hands leadership over (a new
// leader within ~2s, no election timeout needed) and the process exits 0;
// writes acknowledged around the hand-over survive.
func TestGracefulShutdown(t *testing.T) {
	ctx := deadlineCtx(t, 40*time.Second)
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	var others []int
	for i := 1; i <= 3; i++ {
		if i != leader {
			others = append(others, i)
		}
	}

	// Writers keep going through every node while the leader stops: every
	// acknowledged write must survive the hand-over.
	var w *writers
	if ok, _ := knownCommand(c.Node(1).Addr, "incr"); ok {
		w = startWriters(c, 4, "gs")
		w.waitAcks(t, 100, 10*time.Second)
	}

	start := time.Now()
	code := c.Stop(leader)
	stopped := time.Since(start)
	if code != 0 {
		t.Errorf("leader node%d exited with code %d after SIGTERM, want 0", leader, code)
	}
	remaining := 2*time.Second - time.Since(start)
	if remaining < 100*time.Millisecond {
		remaining = 100 * time.Millisecond
	}
	newLeader, err := c.findLeader(remaining, others)
	if err != nil {
		t.Fatalf("no new leader within 2s of SIGTERM (the process took %v to exit): %v", stopped, err)
	}
	t.Logf("node%d exited after %v; node%d leads %v after SIGTERM", leader, stopped.Round(time.Millisecond), newLeader, time.Since(start).Round(time.Millisecond))
	if got := c.Client(newLeader).Ping(ctx).Val(); got != "PONG" {
		t.Errorf("new leader PING = %q", got)
	}
	if w != nil {
		w.waitAcks(t, 100, 10*time.Second)
		w.halt()
		t.Log(w.summary())
		w.verify(ctx, t, c.Client(newLeader), "after graceful leader shutdown")
	}

	// The stopped node rejoins from its directory alone.
	c.Restart(leader)
	c.WaitMembers(3)
}

// TestRestartBeforeJoin: a node started with --join that has not joined
// yet (its cluster is unreachable) is killed and restarted with only
// --dir. It must not bootstrap a cluster of its own: it was told to join
// one, and a private one-node cluster would acknowledge writes that vanish
// once it does join (or serve a split brain if it already is a member).
func TestRestartBeforeJoin(t *testing.T) {
	deadlineCtx(t, 30*time.Second)
	c := NewCluster(t)
	c.Start(1)
	nd := c.newNode()
	unreachable := fmt.Sprintf("127.0.0.1:%d", freePorts(t, 1)[0])
	c.startFresh(nd, []string{"--join", unreachable})
	time.Sleep(300 * time.Millisecond)
	c.Kill(nd.Index)

	c.Restart(nd.Index)
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		info, err := c.RaftInfo(nd.Index)
		if err != nil {
			t.Fatal(err)
		}
		if info["state"] == "leader" {
			t.Fatalf("node2, started with --join and restarted with only --dir before joining, bootstrapped its own cluster: %q", info)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
