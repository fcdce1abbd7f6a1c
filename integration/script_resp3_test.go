package integration

import (
	"fmt"
	"testing"
	"time"
)

// TestScriptRESP3ThroughFollower: a script's reply is written in the
// caller's protocol by the FSM that runs it, on the leader, and crosses a
// follower's RESP2 proxy link untouched: a follower's HELLO 3 client gets
// Redis 7.0's RESP3 forms (maps, sets, doubles, booleans, big numbers,
// nulls) on the write path, the read path, pipelined, in MULTI/EXEC and
// from functions, and its RESP2 client the flattened forms, as from the
// leader itself.
func TestScriptRESP3ThroughFollower(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	follower := leader%3 + 1
	lib := "#!lua name=r3lib\nredis.register_function('r3f', function(keys, args) return {map={a={double=1.5}}} end)"
	if _, err := rawDo(c.Node(leader).Addr, 10*time.Second, "FUNCTION", "LOAD", lib); err != nil {
		t.Fatal(err)
	}
	type step struct {
		args []string
		want string
	}
	resp3 := []step{
		{[]string{"EVAL", "redis.call('set', KEYS[1], 'v') return {map={a={double=1.5}}}", "1", "r3:k"}, "%1\r\n$1\r\na\r\n,1.5\r\n"},
		{[]string{"EVAL_RO", "return {set={x=1}}", "0"}, "~1\r\n$1\r\nx\r\n"},
		{[]string{"EVAL", "redis.setresp(3) return {true, false, redis.call('get', KEYS[1])}", "1", "r3:k"}, "*3\r\n#t\r\n#f\r\n$1\r\nv\r\n"},
		{[]string{"EVAL", "return nil", "0"}, "_\r\n"},
		{[]string{"EVAL", "return {big_number='12'}", "0"}, "(12\r\n"},
		{[]string{"FCALL", "r3f", "0"}, "%1\r\n$1\r\na\r\n,1.5\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"EVAL", "return {double=2}", "0"}, "+QUEUED\r\n"},
		{[]string{"HGETALL", "r3:nohash"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*2\r\n,2\r\n%0\r\n"},
	}
	resp2 := []step{
		{[]string{"EVAL", "return {map={a={double=1.5}}}", "0"}, "*2\r\n$1\r\na\r\n$3\r\n1.5\r\n"},
		{[]string{"EVAL", "redis.setresp(3) return {true, false}", "0"}, "*2\r\n:1\r\n:0\r\n"},
		{[]string{"EVAL_RO", "return {1, false}", "0"}, "*2\r\n:1\r\n$-1\r\n"},
		{[]string{"FCALL", "r3f", "0"}, "*2\r\n$1\r\na\r\n$3\r\n1.5\r\n"},
	}
	run := func(node int, proto string, steps []step, pipelined bool) {
		t.Helper()
		rc, err := dialRESP(c.Node(node).Addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		rc.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := rc.Do("HELLO", proto); err != nil {
			t.Fatal(err)
		}
		for _, s := range steps {
			rc.Queue(s.args...)
			if !pipelined {
				if err := rc.Flush(); err != nil {
					t.Fatal(err)
				}
				checkReply(t, fmt.Sprintf("node %d RESP%s %q", node, proto, s.args), rc, s.want)
			}
		}
		if pipelined {
			if err := rc.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, s := range steps {
				checkReply(t, fmt.Sprintf("node %d RESP%s pipelined %q", node, proto, s.args), rc, s.want)
			}
		}
	}
	for _, node := range []int{follower, leader} {
		for _, pipelined := range []bool{false, true} {
			run(node, "3", resp3, pipelined)
			run(node, "2", resp2, pipelined)
		}
	}
}

func checkReply(t *testing.T, what string, rc *respConn, want string) {
	t.Helper()
	got, err := rc.Read()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if string(got) != want {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}
