package resp

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// monitorLineRE matches a MONITOR line's varying parts: the time and the
// client's port.
var monitorLineRE = regexp.MustCompile(`\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]`)

// TestMonitorMatchesRedis runs the same commands on redis-server and
// quoris with a MONITOR open and compares what the monitor gets, byte for
// byte but for times and client ports: quoting, redaction, what is left
// out (admin commands, refused ones), databases, transactions, and the
// monitor's own commands and refusals.
func TestMonitorMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	cmds := [][]string{
		{"SET", "k", "a b\"c\\\x01\n\r\t\a\b\xff"},
		{"GET", "k"},
		{"GET"},                // arity: not shown
		{"NOSUCHCMD", "x"},     // unknown: not shown
		{"CLIENT", "NOSUCH"},   // unknown subcommand: not shown
		{"CLIENT", "SETNAME"},  // subcommand arity: not shown
		{"CONFIG", "GET", "x"}, // admin: not shown
		{"CLIENT", "LIST"},     // admin subcommand: not shown
		{"CLIENT", "SETNAME", "me"},
		{"INCR", "k"}, // fails while running: shown
		{"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "x"},
		{"SELECT", "3"},
		{"SET", "x", "1"},
		{"SELECT", "0"},
		{"MULTI"}, {"SET", "a", "1"}, {"GET", "a"}, {"PING"}, {"EXEC"},
		{"MULTI"}, {"GET", "a"}, {"DISCARD"},
		{"EVAL", "return 1", "0"},
		{"ECHO", ""},
		{"PING", "end"},
	}
	run := func(addr string) string {
		m := dialPS(t, addr)
		m.send("MONITOR")
		if got := m.read(1); got != "+OK\r\n" {
			t.Fatalf("MONITOR: %q", got)
		}
		m.send("MONITOR") // ignored, without a reply
		m.send("GET", "k")
		m.send("PING")
		own := m.read(2)
		c := dialPS(t, addr)
		for _, cmd := range cmds {
			c.send(cmd...)
			c.read(1)
		}
		var out []string
		for !strings.Contains(own, `"end"`) {
			own += m.read(1)
		}
		for _, l := range strings.SplitAfter(own, "\r\n") {
			out = append(out, monitorLineRE.ReplaceAllString(l, "+T [$1 ADDR]"))
		}
		m.send("RESET")
		m.send("GET", "k")
		out = append(out, m.read(2))
		return strings.Join(out, "")
	}
	want, got := run(raddr), run(qaddr)
	if got != want {
		t.Fatalf("monitor output differs\nquoris: %q\nredis:  %q", got, want)
	}
}

// TestMonitorRefusesKeyspaceMatchesRedis: a monitoring connection may not
// read or write keys (nor run scripts or publish), as in Redis.
func TestMonitorRefusesKeyspaceMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	cmds := [][]string{{"GET", "k"}, {"SET", "k", "v"}, {"EVAL", "return 1", "0"}, {"PUBLISH", "c", "m"},
		{"PFCOUNT", "h"}, {"EVAL_RO", "return 1", "0"}, {"DBSIZE"}, {"SCAN", "0"}, {"ECHO", "x"}}
	run := func(addr string) []string {
		m := dialPS(t, addr)
		m.send("MONITOR")
		m.read(1)
		for _, c := range cmds {
			m.send(c...)
		}
		var out []string
		for _, r := range strings.SplitAfter(m.readAll(300*time.Millisecond), "\r\n") {
			if monitorLineRE.MatchString(r) {
				continue // its own CLIENT ID and ECHO, shown to itself
			}
			out = append(out, r)
		}
		return out
	}
	want, got := run(raddr), run(qaddr)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("quoris %q\nredis  %q", got, want)
	}
}

// readAll reads whatever arrives until the connection is quiet.
func (p *psConn) readAll(quiet time.Duration) string {
	var out []byte
	for !p.quiet(quiet) {
		var err error
		if out, err = appendReply(out, p.rd); err != nil {
			break
		}
	}
	return string(out)
}

func TestClientReplyMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	batches := [][][]string{
		{{"CLIENT", "REPLY", "OFF"}, {"PING"}, {"SET", "k", "v"}, {"GET", "k"}, {"NOSUCH"}, {"CLIENT", "REPLY", "ON"}, {"GET", "k"}},
		{{"CLIENT", "REPLY", "SKIP"}, {"PING", "a"}, {"PING", "b"}},
		{{"CLIENT", "REPLY", "SKIP"}, {"CLIENT", "REPLY", "SKIP"}, {"PING", "c"}, {"PING", "d"}},
		{{"CLIENT", "REPLY", "SKIP"}, {"NOSUCH"}, {"PING", "e"}},
		{{"CLIENT", "REPLY", "SKIP"}, {"SET", "k", "w"}, {"GET", "k"}},
		{{"CLIENT", "REPLY", "SKIP"}, {"CLIENT", "REPLY", "OFF"}, {"PING", "f"}, {"CLIENT", "REPLY", "SKIP"}, {"CLIENT", "REPLY", "ON"}, {"PING", "g"}},
		{{"CLIENT", "REPLY", "OFF"}, {"RESET"}, {"PING", "h"}},
		{{"CLIENT", "REPLY", "x"}, {"CLIENT", "REPLY"}, {"CLIENT", "REPLY", "on", "extra"}},
		{{"MULTI"}, {"MONITOR"}, {"EXEC"}, {"PING"}},
	}
	run := func(addr string, pipelined bool) []string {
		var out []string
		for _, b := range batches {
			c := dialPS(t, addr)
			if pipelined {
				var buf []byte
				for _, cmd := range b {
					argv := make([][]byte, len(cmd))
					for i, a := range cmd {
						argv[i] = []byte(a)
					}
					buf = appendCommand(buf, argv)
				}
				if _, err := c.c.Write(buf); err != nil {
					t.Fatal(err)
				}
			} else {
				for _, cmd := range b {
					c.send(cmd...)
					time.Sleep(20 * time.Millisecond)
				}
			}
			out = append(out, c.readAll(300*time.Millisecond))
		}
		return out
	}
	for _, pipelined := range []bool{false, true} {
		want, got := run(raddr, pipelined), run(qaddr, pipelined)
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("pipelined=%v batch %d %q: quoris %q, redis %q", pipelined, i, batches[i], got[i], want[i])
			}
		}
	}
}

func TestClientPauseMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	errs := [][]string{{"CLIENT", "PAUSE"}, {"CLIENT", "PAUSE", "abc"}, {"CLIENT", "PAUSE", "-1"},
		{"CLIENT", "PAUSE", "10", "foo"}, {"CLIENT", "PAUSE", "10", "write", "x"}, {"CLIENT", "UNPAUSE", "x"},
		{"CLIENT", "PAUSE", "0", "ALL"}, {"CLIENT", "UNPAUSE"}}
	// blocked reports, per probe, whether it waited under the pause set
	// by setup; UNPAUSE then releases it, and its reply is kept.
	type probe struct {
		setup [][]string
		cmds  [][]string
	}
	probes := []probe{
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}}, [][]string{{"GET", "k"}}},
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}}, [][]string{{"SET", "k", "v"}}},
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}}, [][]string{{"PUBLISH", "c", "m"}}},
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}}, [][]string{{"EVAL", "return 1", "0"}}},
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}}, [][]string{{"PFCOUNT", "h"}}},
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}}, [][]string{{"MULTI"}, {"PING"}, {"EXEC"}}},
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}}, [][]string{{"MULTI"}, {"SET", "a", "1"}}},
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}}, [][]string{{"NOSUCH"}, {"GET"}}},
		// Under ALL, UNPAUSE waits too, until the pause ends.
		{[][]string{{"CLIENT", "PAUSE", "1000", "ALL"}}, [][]string{{"PING"}}},
		{[][]string{{"CLIENT", "PAUSE", "1000", "WRITE"}, {"CLIENT", "PAUSE", "10", "ALL"}}, [][]string{{"GET", "k"}}},
		{[][]string{{"CLIENT", "PAUSE", "100000", "WRITE"}, {"CLIENT", "PAUSE", "10", "WRITE"}}, [][]string{{"SET", "k", "1"}}},
	}
	run := func(addr string) []string {
		admin := dialRaw(t, addr)
		var out []string
		for _, e := range errs {
			out = append(out, admin.do(e...))
		}
		for _, p := range probes {
			for _, s := range p.setup {
				admin.do(s...)
			}
			c := dialPS(t, addr)
			for _, cmd := range p.cmds {
				c.send(cmd...)
			}
			before := c.readAll(300 * time.Millisecond)
			admin.do("CLIENT", "UNPAUSE")
			out = append(out, before+" | "+c.readAll(300*time.Millisecond))
		}
		return out
	}
	want, got := run(raddr), run(qaddr)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("case %d: quoris %q, redis %q", i, got[i], want[i])
		}
	}
}

func TestClientUnblockMatchesRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	errs := [][]string{{"CLIENT", "UNBLOCK"}, {"CLIENT", "UNBLOCK", "abc"}, {"CLIENT", "UNBLOCK", "999999"},
		{"CLIENT", "UNBLOCK", "1", "foo"}, {"CLIENT", "UNBLOCK", "1", "timeout", "x"}, {"CLIENT", "UNBLOCK", "-5"}}
	cases := []struct {
		block  []string
		pause  bool
		reason []string
	}{
		{[]string{"BLPOP", "l", "0"}, false, []string{"ERROR"}},
		{[]string{"BLPOP", "l", "0"}, false, []string{"TIMEOUT"}},
		{[]string{"BRPOP", "l", "0"}, false, nil},
		{[]string{"BLMOVE", "l", "d", "LEFT", "LEFT", "0"}, false, []string{"TIMEOUT"}},
		{[]string{"BZPOPMIN", "z", "0"}, false, []string{"timeout"}},
		{[]string{"BZPOPMAX", "z", "0"}, false, []string{"error"}},
		{[]string{"XREAD", "BLOCK", "0", "STREAMS", "s", "0-0"}, false, nil},
		{[]string{"XREAD", "BLOCK", "0", "STREAMS", "s", "0-0"}, false, []string{"ERROR"}},
		{[]string{"WAIT", "1", "100000"}, false, []string{"ERROR"}},
		{[]string{"WAIT", "1", "100000"}, false, []string{"TIMEOUT"}},
		// A paused client unblocked with ERROR is left out: the
		// redis-server started by the test drops the connection then.
	}
	run := func(addr string) []string {
		admin := dialRaw(t, addr)
		var out []string
		for _, e := range errs {
			out = append(out, admin.do(e...))
		}
		for _, tc := range cases {
			c := dialRaw(t, addr)
			id := strings.TrimSpace(strings.TrimPrefix(c.do("CLIENT", "ID"), ":"))
			if tc.pause {
				admin.do("CLIENT", "PAUSE", "100000", "WRITE")
			}
			argv := make([][]byte, len(tc.block))
			for i, a := range tc.block {
				argv[i] = []byte(a)
			}
			if _, err := c.c.Write(appendCommand(nil, argv)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(200 * time.Millisecond)
			r1 := admin.do(append([]string{"CLIENT", "UNBLOCK", id}, tc.reason...)...)
			_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
			reply, err := appendReply(nil, c.rd)
			if err != nil {
				t.Fatalf("%s %v: no reply after CLIENT UNBLOCK (%q): %v", addr, tc.block, r1, err)
			}
			r2 := admin.do("CLIENT", "UNBLOCK", id) // no longer blocked
			if tc.pause {
				admin.do("CLIENT", "UNPAUSE")
			}
			out = append(out, r1+string(reply)+r2)
		}
		return out
	}
	want, got := run(raddr), run(qaddr)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("case %d: quoris %q, redis %q", i, got[i], want[i])
		}
	}
}

// TestReplicationCommandsMatchRedis compares the replies a single node
// and a standalone redis-server (a master without replicas) give alike,
// and COMMAND INFO/DOCS of every command added here.
func TestReplicationCommandsMatchRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	q, r := dialRaw(t, qaddr), dialRaw(t, raddr)
	for _, c := range [][]string{
		{"REPLICAOF", "NO", "ONE"}, {"SLAVEOF", "no", "one"}, {"REPLICAOF", "x"}, {"REPLICAOF", "127.0.0.1", "abc"},
		{"FAILOVER"}, {"FAILOVER", "ABORT"}, {"FAILOVER", "TIMEOUT", "-1"}, {"FAILOVER", "TIMEOUT", "abc"},
		{"FAILOVER", "FORCE"}, {"FAILOVER", "TO", "x"}, {"FAILOVER", "foo"}, {"FAILOVER", "TO", "127.0.0.1", "abc"},
		{"FAILOVER", "TO", "127.0.0.1", "1"}, {"FAILOVER", "FORCE", "FORCE"}, {"FAILOVER", "TIMEOUT", "5", "TIMEOUT", "5"},
		{"LOLWUT"}, {"LOLWUT", "VERSION", "7"}, {"LOLWUT", "VERSION", "56"}, {"LOLWUT", "VERSION", "-1"},
		{"LOLWUT", "VERSION", "abc"}, {"LOLWUT", "foo"}, {"LOLWUT", "VERSION"}, {"MONITOR", "x"},
		{"CLIENT", "HELP"}, {"PFSELFTEST"}, {"PFSELFTEST", "x"},
	} {
		got, want := q.do(c...), r.do(c...)
		if c[0] == "CLIENT" {
			// quoris's help also lists 7.2's SETINFO and NO-TOUCH, and
			// tracking is another change: compare the lines added here.
			for _, l := range []string{"UNPAUSE", "PAUSE <timeout> [WRITE|ALL]", "REPLY (ON|OFF|SKIP)", "UNBLOCK <clientid> [TIMEOUT|ERROR]"} {
				if !strings.Contains(got, "+"+l+"\r\n") || !strings.Contains(want, "+"+l+"\r\n") {
					t.Errorf("CLIENT HELP: %q missing", l)
				}
			}
			continue
		}
		if got != want {
			t.Errorf("%v: quoris %q, redis %q", c, got, want)
		}
	}
	for _, name := range []string{"monitor", "pfselftest", "failover", "replicaof", "slaveof", "sync", "psync", "replconf", "asking", "lolwut",
		"client|reply", "client|pause", "client|unpause", "client|unblock"} {
		if got, want := q.do("COMMAND", "INFO", name), r.do("COMMAND", "INFO", name); got != want {
			t.Errorf("COMMAND INFO %s: quoris %q, redis %q", name, got, want)
		}
		got, _ := q.val("COMMAND", "DOCS", name).([]any)
		want, _ := r.val("COMMAND", "DOCS", name).([]any)
		if len(got) != 2 || len(want) != 2 {
			t.Fatalf("COMMAND DOCS %s: quoris %v, redis %v", name, got, want)
		}
		gd, wd := docFields(got[1]), docFields(want[1])
		for _, f := range []string{"summary", "since", "group", "complexity"} {
			if gd[f] != wd[f] {
				t.Errorf("COMMAND DOCS %s %s: quoris %q, redis %q", name, f, gd[f], wd[f])
			}
		}
	}
}

func docFields(v any) map[string]string {
	m := map[string]string{}
	kv, _ := v.([]any)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		s, _ := kv[i+1].(string)
		m[k] = s
	}
	return m
}
