package resp

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestACLMatchesRedis runs the same AUTH / ACL sessions on redis-server and
// quoris and compares every reply byte for byte. Each step names the
// connection it runs on, so a user's denials are seen from its own
// connection while another one administers.
func TestACLMatchesRedis(t *testing.T) {
	redisAddr := startRedisOrSkip(t)
	addr, _ := startTestServer(t)
	type step struct {
		conn int // 0: admin, 1 and 2: user connections
		args []string
	}
	steps := []step{
		{0, []string{"ACL", "WHOAMI"}},
		{0, []string{"ACL", "USERS"}},
		{0, []string{"ACL", "LIST"}},
		{0, []string{"AUTH", "x"}},
		{0, []string{"AUTH", "default", "x"}},
		{0, []string{"AUTH", "a", "b", "c"}},
		{0, []string{"ACL", "SETUSER", "alice", "on", ">pw", "~k*", "%R~r*", "%W~w*", "&c*", "+get", "+set", "+subscribe", "+publish", "+@hash", "-hdel"}},
		{0, []string{"ACL", "GETUSER", "alice"}},
		{0, []string{"ACL", "GETUSER", "nobody"}},
		{0, []string{"ACL", "SETUSER", "bob"}},
		{0, []string{"ACL", "SETUSER", "bob", "reset", "+@all", "-@dangerous", "allkeys", "allchannels", "nopass", "on"}},
		{0, []string{"ACL", "SETUSER", "carol", "+@read", "-get", "+@write", "-@read"}},
		{0, []string{"ACL", "SETUSER", "dave", "+config|get", "+client", "-client|kill", "#" + strings.Repeat("ab", 32)}},
		{0, []string{"ACL", "SETUSER", "erin", "+@all", "-get", "+get", "-@read", "+@read"}},
		{0, []string{"ACL", "LIST"}},
		{0, []string{"ACL", "USERS"}},
		{0, []string{"ACL", "SETUSER", "x", "+foo"}},
		{0, []string{"ACL", "SETUSER", "x", "+@foo"}},
		{0, []string{"ACL", "SETUSER", "x", "~a", "allkeys", "~b"}},
		{0, []string{"ACL", "SETUSER", "x", "&*", "&b"}},
		{0, []string{"ACL", "SETUSER", "x", "<nope"}},
		{0, []string{"ACL", "SETUSER", "x", "#abc"}},
		{0, []string{"ACL", "SETUSER", "x", "%X~a"}},
		{0, []string{"ACL", "SETUSER", "x", "+get|"}},
		{0, []string{"ACL", "SETUSER", "x", "+config|get|a"}},
		{0, []string{"ACL", "SETUSER", "x", "bogus"}},
		{0, []string{"ACL", "SETUSER", "a b"}},
		{0, []string{"ACL", "USERS"}},
		{0, []string{"ACL", "DRYRUN", "alice", "get", "k1"}},
		{0, []string{"ACL", "DRYRUN", "alice", "get", "zz"}},
		{0, []string{"ACL", "DRYRUN", "alice", "set", "r1", "v"}},
		{0, []string{"ACL", "DRYRUN", "alice", "get", "w1"}},
		{0, []string{"ACL", "DRYRUN", "alice", "set", "w1", "v"}},
		{0, []string{"ACL", "DRYRUN", "alice", "hdel", "k1", "f"}},
		{0, []string{"ACL", "DRYRUN", "alice", "del", "k1"}},
		{0, []string{"ACL", "DRYRUN", "alice", "publish", "b", "m"}},
		{0, []string{"ACL", "DRYRUN", "alice", "publish", "cx", "m"}},
		{0, []string{"ACL", "DRYRUN", "nobody", "get", "a"}},
		{0, []string{"ACL", "DRYRUN", "alice", "nocmd"}},
		{0, []string{"ACL", "DRYRUN", "alice", "get"}},
		{0, []string{"ACL", "DRYRUN", "dave", "config", "get", "x"}},
		{0, []string{"ACL", "DRYRUN", "dave", "config", "set", "x", "y"}},
		{0, []string{"ACL", "DRYRUN", "dave", "client", "kill", "x"}},
		{0, []string{"ACL", "CAT", "nosuch"}},
		{0, []string{"ACL", "CAT"}},
		{0, []string{"ACL", "GENPASS", "0"}},
		{0, []string{"ACL", "GENPASS", "4097"}},
		{0, []string{"ACL", "DELUSER", "default"}},
		{1, []string{"AUTH", "alice", "bad"}},
		{1, []string{"AUTH", "alice", "pw"}},
		{1, []string{"ACL", "WHOAMI"}},
		{1, []string{"GET", "k1"}},
		{1, []string{"GET", "zz"}},
		{1, []string{"SET", "w1", "v"}},
		{1, []string{"SET", "r1", "v"}},
		{1, []string{"DEL", "k1"}},
		{1, []string{"PUBLISH", "other", "m"}},
		{1, []string{"PUBLISH", "c1", "m"}},
		{1, []string{"MULTI"}},
		{1, []string{"GET", "k1"}},
		{1, []string{"DEL", "k1"}},
		{1, []string{"EXEC"}},
		{1, []string{"SUBSCRIBE", "c1", "nope"}},
		{2, []string{"AUTH", "bob", "anything"}},
		{2, []string{"FLUSHALL"}},
		{2, []string{"SET", "any", "v"}},
		{0, []string{"CONFIG", "SET", "requirepass", "secret"}},
		{2, []string{"AUTH", "secret"}},
		{2, []string{"AUTH", "wrong"}},
		{0, []string{"ACL", "GETUSER", "default"}},
		{0, []string{"ACL", "SETUSER", "mu", "on", "nopass", "+multi", "+exec", "+get", "~*"}},
		{1, []string{"AUTH", "mu", "x"}},
		{1, []string{"MULTI"}},
		{1, []string{"GET", "a"}},
		{1, []string{"SET", "a", "b"}},
		{1, []string{"EXEC"}},
		{0, []string{"CLIENT", "KILL", "USER", "nobody"}},
		{0, []string{"ACL", "DELUSER", "alice", "nobody", "bob"}},
		{0, []string{"ACL", "USERS"}},
		{0, []string{"CONFIG", "SET", "requirepass", ""}},
		{0, []string{"ACL", "LIST"}},
	}
	r := [3]*rawConn{dialRaw(t, redisAddr), dialRaw(t, redisAddr), dialRaw(t, redisAddr)}
	q := [3]*rawConn{dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)}
	for _, st := range steps {
		want, got := r[st.conn].do(st.args...), q[st.conn].do(st.args...)
		if st.args[0] == "ACL" && st.args[1] == "CAT" && !strings.HasPrefix(want, "-") {
			want, got = sortedLines(want), sortedLines(got)
		}
		if st.args[0] == "ACL" && (st.args[1] == "LIST" || st.args[1] == "GETUSER") {
			want, got = sortSingleRules(want), sortSingleRules(got)
		}
		if got != want {
			t.Errorf("conn %d %q:\n got %q\nwant %q", st.conn, st.args, got, want)
		}
	}
	// The newest ACL LOG entry, up to its age and client info.
	cut := func(s string) string {
		if i := strings.Index(s, "$11\r\nage-seconds"); i >= 0 {
			return s[:i]
		}
		return s
	}
	if want, got := cut(r[0].do("ACL", "LOG", "1")), cut(q[0].do("ACL", "LOG", "1")); got != want {
		t.Errorf("ACL LOG 1:\n got %q\nwant %q", got, want)
	}
	// Redis lists the commands of a category in its dict's random order.
	for _, cat := range []string{"geo", "transaction", "bitmap", "hash", "blocking"} {
		want, got := sortedLines(r[0].do("ACL", "CAT", cat)), sortedLines(q[0].do("ACL", "CAT", cat))
		if got != want {
			t.Errorf("ACL CAT %s:\n got %q\nwant %q", cat, got, want)
		}
	}
	// GENPASS only by shape.
	for _, bits := range []string{"", "5", "256", "4096"} {
		args := []string{"ACL", "GENPASS"}
		if bits != "" {
			args = append(args, bits)
		}
		re := regexp.MustCompile(`^\$(\d+)\r\n[0-9a-f]+\r\n$`)
		w, g := re.FindStringSubmatch(r[0].do(args...)), re.FindStringSubmatch(q[0].do(args...))
		if w == nil || g == nil || w[1] != g[1] {
			t.Errorf("ACL GENPASS %s: shapes differ: %q %q", bits, w, g)
		}
	}
}

// TestNoAuthMatchesRedis compares what an unauthenticated connection is
// answered once requirepass is set.
func TestNoAuthMatchesRedis(t *testing.T) {
	redisAddr := startRedisOrSkip(t)
	addr, _ := startTestServer(t)
	for _, a := range []string{redisAddr, addr} {
		c := dialRaw(t, a)
		if got := c.do("CONFIG", "SET", "requirepass", "pw"); got != "+OK\r\n" {
			t.Fatalf("CONFIG SET requirepass: %q", got)
		}
		t.Cleanup(func() {
			c := dialRaw(t, a)
			c.do("AUTH", "pw")
			c.do("CONFIG", "SET", "requirepass", "")
		})
	}
	r, q := dialRaw(t, redisAddr), dialRaw(t, addr)
	for _, args := range [][]string{
		{"GET", "a"}, {"FOO"}, {"GET"}, {"PING"}, {"MULTI"}, {"HELLO", "3"},
		{"HELLO", "2", "AUTH", "default", "bad"}, {"AUTH", "bad"}, {"AUTH", "nouser", "x"},
		{"ACL", "WHOAMI"}, {"AUTH", "pw"}, {"ACL", "WHOAMI"}, {"GET", "a"},
		{"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "me"}, {"CLIENT", "GETNAME"},
		{"RESET"}, {"GET", "a"},
	} {
		want, got := r.do(args...), q.do(args...)
		if args[0] == "HELLO" && strings.HasPrefix(want, "*") {
			want, got = want[:2], got[:2] // the map's contents (id, version, role) differ by design
		}
		if got != want {
			t.Errorf("%q:\n got %q\nwant %q", args, got, want)
		}
	}
}

// sortSingleRules sorts the single-command rules ("+get -hdel") that
// end each command description: Redis emits them in its command dict's
// order, which is random per process. Lengths are unchanged.
func sortSingleRules(s string) string {
	lines := strings.Split(s, "\r\n")
	for i, l := range lines {
		f := strings.Split(l, " ")
		j := len(f)
		for j > 0 && len(f[j-1]) > 1 && (f[j-1][0] == '+' || f[j-1][0] == '-') && f[j-1][1] != '@' {
			j--
		}
		sort.Strings(f[j:])
		lines[i] = strings.Join(f, " ")
	}
	return strings.Join(lines, "\r\n")
}

func sortedLines(s string) string {
	l := strings.Split(s, "\r\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}

// TestScriptACLMatchesRedis: a script's redis.call is checked against the
// caller's ACL, with Redis's errors, through the log (EVAL) and on the
// read path (EVAL_RO).
func TestScriptACLMatchesRedis(t *testing.T) {
	redisAddr := startRedisOrSkip(t)
	addr, _ := startTestServer(t)
	for _, a := range []string{redisAddr, addr} {
		if got := dialRaw(t, a).do("ACL", "SETUSER", "sc", "on", "nopass", "+eval", "+eval_ro", "+get", "+publish", "+multi", "+exec", "+acl|whoami", "~a*", "&x"); got != "+OK\r\n" {
			t.Fatalf("SETUSER: %q", got)
		}
	}
	r, q := dialRaw(t, redisAddr), dialRaw(t, addr)
	for _, args := range [][]string{
		{"AUTH", "sc", "x"},
		{"EVAL", "return redis.call('set','a1','x')", "0"},
		{"EVAL", "return redis.call('get','b1')", "0"},
		{"EVAL", "return redis.pcall('get','b1')", "0"},
		{"EVAL", "return redis.call('get','a1')", "0"},
		{"EVAL", "return redis.call('publish','y','m')", "0"},
		{"EVAL", "return redis.call('publish','x','m')", "0"},
		{"EVAL_RO", "return redis.call('get','b1')", "0"},
		{"EVAL_RO", "return redis.pcall('get','a1')", "0"},
		// Queued scripts are checked as well when EXEC runs them.
		{"ACL", "WHOAMI"},
		{"MULTI"},
		{"EVAL", "return redis.call('set','b2','x')", "0"},
		{"EVAL", "return redis.call('get','a1')", "0"},
		{"EVAL_RO", "return redis.pcall('get','b1')", "0"},
		{"EXEC"},
	} {
		if want, got := r.do(args...), q.do(args...); got != want {
			t.Errorf("%q:\n got %q\nwant %q", args, got, want)
		}
	}
}
