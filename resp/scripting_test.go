package resp

import (
	"strings"
	"testing"
	"time"
)

// TestScriptingThroughRESP: routing per call (a write script through the
// log, a read-only one on the read path after its script was cached), and
// SCRIPT KILL / FUNCTION STATS answered while a read-only script holds the
// FSM's read lock.
func TestScriptingThroughRESP(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	ro := "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"}, "+OK\r\n"},
		{[]string{"EVAL", ro, "1", "k"}, "$1\r\nv\r\n"},
		{[]string{"SCRIPT", "EXISTS", sha1Hex(ro)}, "*1\r\n:1\r\n"},
		{[]string{"EVALSHA_RO", sha1Hex(ro), "1", "k"}, "$1\r\nv\r\n"},
		{[]string{"EVAL_RO", "return redis.call('del', KEYS[1])", "1", "k"}, "-ERR Write commands are not allowed from read-only scripts. script: " + sha1Hex("return redis.call('del', KEYS[1])") + ", on @user_script:1.\r\n"},
		{[]string{"SCRIPT", "KILL"}, "-NOTBUSY No scripts in execution right now.\r\n"},
		{[]string{"FUNCTION", "KILL"}, "-NOTBUSY No scripts in execution right now.\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"EVAL", "return redis.call('incr', KEYS[1])", "1", "n"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*1\r\n:1\r\n"},
	} {
		if got := r.do(tc.args...); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.args, got, tc.want)
		}
	}

	busy := dialRaw(t, addr)
	done := make(chan string, 1)
	go func() { done <- busy.do("FCALL_RO", "spin", "0") }()
	r.do("FUNCTION", "LOAD", "#!lua name=spin\nredis.register_function{function_name='spin', callback=function() while true do end end, flags={'no-writes'}}")
	busy2 := dialRaw(t, addr)
	go func() { done <- busy2.do("FCALL_RO", "spin", "0") }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		stats := r.do("FUNCTION", "STATS")
		if strings.Contains(stats, "$4\r\nspin\r\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("FUNCTION STATS never showed the running function: %q", stats)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := r.do("SCRIPT", "KILL"); got != "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n" {
		t.Errorf("SCRIPT KILL during a function: %q", got)
	}
	if got := r.do("FUNCTION", "KILL"); got != "+OK\r\n" {
		t.Errorf("FUNCTION KILL: %q", got)
	}
	for i := 0; i < 2; i++ {
		select {
		case got := <-done:
			if !strings.HasPrefix(got, "-ERR Function not found") && !strings.HasPrefix(got, "-ERR Script killed by user with SCRIPT KILL... script: spin") {
				t.Errorf("FCALL_RO: %q", got)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("FCALL_RO still running after FUNCTION KILL")
		}
	}
}
