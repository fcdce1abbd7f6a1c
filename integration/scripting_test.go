package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestScriptingCluster runs scripts on a 3-node cluster: a script's writes
// reach every node; SCRIPT LOAD on the leader then EVALSHA through a
// follower works (the cache is replicated); a runaway script stops with
// the budget error on the leader while every node applies the same stop,
// keeps the writes made before it and goes on serving; SCRIPT KILL stops
// a read-only script on the read path.
func TestScriptingCluster(t *testing.T) {
	ctx := deadlineCtx(t, 240*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "eval", "evalsha", "script", "fcall", "function")
	leader := c.Leader()
	follower := leader%3 + 1
	lc, fc := c.Client(leader), c.Client(follower)

	sha, err := lc.ScriptLoad(ctx, "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])").Result()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := fc.EvalSha(ctx, sha, []string{"sk"}, "through-follower").Result(); err != nil || got != "through-follower" {
		t.Fatalf("EVALSHA through the follower: %v %v", got, err)
	}
	if got, err := fc.EvalRO(ctx, "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", []string{"sk"}).Result(); err != nil || got != "through-follower" {
		t.Fatalf("EVAL_RO through the follower: %v %v", got, err)
	}
	if _, err := lc.FunctionLoad(ctx, "#!lua name=lib\nredis.register_function('setget', function(k, a) redis.call('set', k[1], a[1]) return redis.call('get', k[1]) end)").Result(); err != nil {
		t.Fatal(err)
	}
	if got, err := fc.FCall(ctx, "setget", []string{"fk"}, "fv").Result(); err != nil || got != "fv" {
		t.Fatalf("FCALL through the follower: %v %v", got, err)
	}
	for i := 1; i <= 3; i++ {
		rc := c.ReadOnlyClient(i)
		eventually(t, 20*time.Second, fmt.Sprintf("script writes on node%d", i), func() error {
			for k, want := range map[string]string{"sk": "through-follower", "fk": "fv"} {
				if got, err := rc.Get(ctx, k).Result(); err != nil || got != want {
					return fmt.Errorf("GET %s = %q, %v", k, got, err)
				}
			}
			if n, err := rc.ScriptExists(ctx, sha).Result(); err != nil || !n[0] {
				return fmt.Errorf("SCRIPT EXISTS: %v %v", n, err)
			}
			return nil
		})
	}

	// The runaway script: the leader answers the budget error; the other
	// nodes ran the same entry to the same stop and kept the first write.
	start := time.Now()
	_, err = lc.Eval(ctx, "redis.call('set', 'before-loop', 'kept') while true do end", nil).Result()
	if err == nil || !strings.HasPrefix(err.Error(), "ERR Script killed by the instruction budget") {
		t.Fatalf("infinite loop: %v", err)
	}
	t.Logf("infinite loop stopped after %v: %v", time.Since(start).Round(time.Millisecond), err)
	if err := fc.Set(ctx, "after-loop", "1", 0).Err(); err != nil {
		t.Fatalf("write after the loop: %v", err)
	}
	for i := 1; i <= 3; i++ {
		rc := c.ReadOnlyClient(i)
		eventually(t, 60*time.Second, fmt.Sprintf("node%d in step after the loop", i), func() error {
			if got, err := rc.Get(ctx, "before-loop").Result(); err != nil || got != "kept" {
				return fmt.Errorf("before-loop = %q, %v", got, err)
			}
			if got, err := rc.Get(ctx, "after-loop").Result(); err != nil || got != "1" {
				return fmt.Errorf("after-loop = %q, %v", got, err)
			}
			return nil
		})
	}

	// SCRIPT KILL answers while a read-only script runs on the leader.
	done := make(chan error, 1)
	go func() {
		_, err := lc.EvalRO(ctx, "while true do end", nil).Result()
		done <- err
	}()
	eventually(t, 30*time.Second, "SCRIPT KILL", func() error {
		return c.Client(leader).ScriptKill(ctx).Err()
	})
	select {
	case err := <-done:
		if err == nil || !strings.HasPrefix(err.Error(), "ERR Script killed by user with SCRIPT KILL...") {
			t.Fatalf("killed EVAL_RO: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("EVAL_RO still running after SCRIPT KILL")
	}
	if err := lc.ScriptKill(context.Background()).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOTBUSY") {
		t.Fatalf("SCRIPT KILL with nothing running: %v", err)
	}

	// SCRIPT FLUSH is replicated too.
	if err := lc.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := fc.EvalSha(ctx, sha, []string{"sk"}, "x").Result(); err == nil || !strings.HasPrefix(err.Error(), "NOSCRIPT") {
		t.Fatalf("EVALSHA after SCRIPT FLUSH: %v", err)
	}
}
