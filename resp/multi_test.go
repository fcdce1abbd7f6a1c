package resp

import (
	"testing"
	"time"
)

func TestMultiExecDiscard(t *testing.T) {
	addr, _ := startTestServer(t)
	c := dialRaw(t, addr)
	steps := []struct {
		cmd  []string
		want string
	}{
		{[]string{"EXEC"}, "-ERR EXEC without MULTI\r\n"},
		{[]string{"DISCARD"}, "-ERR DISCARD without MULTI\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"MULTI"}, "-ERR MULTI calls can not be nested\r\n"},
		{[]string{"SET", "a", "1"}, "+QUEUED\r\n"},
		{[]string{"INCR", "a"}, "+QUEUED\r\n"},
		{[]string{"PING"}, "+QUEUED\r\n"},
		{[]string{"SELECT", "2"}, "+QUEUED\r\n"},
		{[]string{"SET", "a", "db2"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*5\r\n+OK\r\n:2\r\n+PONG\r\n+OK\r\n+OK\r\n"},
		{[]string{"GET", "a"}, "$3\r\ndb2\r\n"}, // SELECT inside the transaction took effect
		{[]string{"SELECT", "0"}, "+OK\r\n"},
		{[]string{"GET", "a"}, "$1\r\n2\r\n"},
		// Queuing errors abort the whole transaction.
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"SET", "a"}, "-ERR wrong number of arguments for 'set' command\r\n"},
		{[]string{"NOSUCH"}, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n"},
		{[]string{"INCR", "a"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "-EXECABORT Transaction discarded because of previous errors.\r\n"},
		{[]string{"GET", "a"}, "$1\r\n2\r\n"},
		// Runtime errors do not abort: the other commands still run.
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"SET", "s", "x"}, "+QUEUED\r\n"},
		{[]string{"INCR", "s"}, "+QUEUED\r\n"},
		{[]string{"INCR", "a"}, "+QUEUED\r\n"},
		{[]string{"EXEC"}, "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n:3\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"WATCH", "a"}, "-ERR WATCH inside MULTI is not allowed\r\n"},
		{[]string{"INCR", "a"}, "+QUEUED\r\n"},
		{[]string{"DISCARD"}, "+OK\r\n"},
		{[]string{"GET", "a"}, "$1\r\n3\r\n"},
		{[]string{"MULTI"}, "+OK\r\n"},
		{[]string{"EXEC"}, "*0\r\n"},
	}
	for _, st := range steps {
		if got := c.do(st.cmd...); got != st.want {
			t.Fatalf("%q: got %q, want %q", st.cmd, got, st.want)
		}
	}
}

func TestWatch(t *testing.T) {
	addr, _ := startTestServer(t)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	type step struct {
		conn *rawConn
		cmd  []string
		want string
	}
	run := func(name string, steps []step) {
		t.Helper()
		for _, st := range steps {
			if got := st.conn.do(st.cmd...); got != st.want {
				t.Fatalf("%s: %q: got %q, want %q", name, st.cmd, got, st.want)
			}
		}
	}
	tx := func(c *rawConn, want string) []step {
		return []step{{c, []string{"MULTI"}, "+OK\r\n"}, {c, []string{"INCR", "k"}, "+QUEUED\r\n"}, {c, []string{"EXEC"}, want}}
	}
	run("untouched", append([]step{{a, []string{"SET", "k", "1"}, "+OK\r\n"}, {a, []string{"WATCH", "k"}, "+OK\r\n"}}, tx(a, "*1\r\n:2\r\n")...))
	run("modified", append([]step{{a, []string{"WATCH", "k"}, "+OK\r\n"}, {b, []string{"SET", "k", "10"}, "+OK\r\n"}}, tx(a, "*-1\r\n")...))
	run("exec unwatches", tx(a, "*1\r\n:11\r\n"))
	run("deleted", append([]step{{a, []string{"WATCH", "k"}, "+OK\r\n"}, {b, []string{"DEL", "k"}, ":1\r\n"}}, tx(a, "*-1\r\n")...))
	run("created and deleted", append([]step{{a, []string{"WATCH", "k"}, "+OK\r\n"},
		{b, []string{"SET", "k", "5"}, "+OK\r\n"}, {b, []string{"DEL", "k"}, ":1\r\n"}}, tx(a, "*-1\r\n")...))
	run("missing stays missing", append([]step{{a, []string{"WATCH", "k", "other"}, "+OK\r\n"}, {b, []string{"SET", "unrelated", "1"}, "+OK\r\n"}}, tx(a, "*1\r\n:1\r\n")...))
	run("unwatch", append([]step{{a, []string{"WATCH", "k"}, "+OK\r\n"}, {b, []string{"SET", "k", "7"}, "+OK\r\n"}, {a, []string{"UNWATCH"}, "+OK\r\n"}}, tx(a, "*1\r\n:8\r\n")...))
	run("discard unwatches", append([]step{{a, []string{"WATCH", "k"}, "+OK\r\n"}, {a, []string{"MULTI"}, "+OK\r\n"}, {a, []string{"DISCARD"}, "+OK\r\n"},
		{b, []string{"SET", "k", "1"}, "+OK\r\n"}}, tx(a, "*1\r\n:2\r\n")...))
	run("flush", append([]step{{a, []string{"WATCH", "k"}, "+OK\r\n"}, {b, []string{"FLUSHDB"}, "+OK\r\n"}}, tx(a, "*-1\r\n")...))
	// A key that expires after WATCH has changed; one already expired
	// when watched has not, even once it is removed.
	run("expire after watch", []step{{a, []string{"SET", "k", "1", "PX", "100"}, "+OK\r\n"}, {a, []string{"WATCH", "k"}, "+OK\r\n"}})
	time.Sleep(150 * time.Millisecond)
	run("expire after watch", tx(a, "*-1\r\n"))
	run("expired before watch", []step{{a, []string{"SET", "k", "1", "PX", "50"}, "+OK\r\n"}})
	time.Sleep(100 * time.Millisecond)
	run("expired before watch", append([]step{{a, []string{"WATCH", "k"}, "+OK\r\n"}, {b, []string{"DEL", "k"}, ":0\r\n"}}, tx(a, "*1\r\n:1\r\n")...))
}
