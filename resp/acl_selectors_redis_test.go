package resp

import (
	"strings"
	"testing"
)

// TestACLSelectorsMatchRedis: selectors "(...)" as Redis 7.0 takes,
// describes and enforces them: a command runs when the root permissions
// or any selector allow it, and a refusal names the most relevant
// selector's reason.
func TestACLSelectorsMatchRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	type step struct {
		conn int // 0 admin, 1 the user's connection
		args []string
	}
	steps := []step{
		{0, []string{"ACL", "SETUSER", "s1", "on", ">pw", "~a*", "+get", "(~b* +set)", "(%R~c* &ch* +@read -hget +publish)"}},
		{0, []string{"ACL", "GETUSER", "s1"}},
		{0, []string{"ACL", "LIST"}},
		{0, []string{"ACL", "SETUSER", "s2", "(+get", "~x*)", "(", "+set", "~y*", ")"}},
		{0, []string{"ACL", "SETUSER", "s3", "(+get", "~x*"}},
		{0, []string{"ACL", "SETUSER", "s3", "(on)"}},
		{0, []string{"ACL", "SETUSER", "s3", "(>pw)"}},
		{0, []string{"ACL", "SETUSER", "s3", "(+nosuch)"}},
		{0, []string{"ACL", "SETUSER", "s3", "(~a", "b)", "c)"}},
		{0, []string{"ACL", "SETUSER", "s3", "x)"}},
		{0, []string{"ACL", "SETUSER", "s3", "()"}},
		{0, []string{"ACL", "SETUSER", "s4", "(~* +get)", "reset"}},
		{0, []string{"ACL", "SETUSER", "s5", "(  +get   ~k  )"}},
		{0, []string{"ACL", "SETUSER", "s6", "(allkeys allchannels allcommands)", "(resetkeys resetchannels nocommands)", "(-@all +@all)"}},
		{0, []string{"ACL", "SETUSER", "s7", "on", "nopass", "~m*", "+mget", "(~n* +mget)"}},
		{0, []string{"ACL", "LIST"}},
		{0, []string{"ACL", "GETUSER", "s6"}},
		{0, []string{"ACL", "DRYRUN", "s1", "get", "a1"}},
		{0, []string{"ACL", "DRYRUN", "s1", "get", "b1"}},
		{0, []string{"ACL", "DRYRUN", "s1", "set", "b1", "v"}},
		{0, []string{"ACL", "DRYRUN", "s1", "set", "a1", "v"}},
		{0, []string{"ACL", "DRYRUN", "s1", "get", "c1"}},
		{0, []string{"ACL", "DRYRUN", "s1", "set", "c1", "v"}},
		{0, []string{"ACL", "DRYRUN", "s1", "hget", "c1", "f"}},
		{0, []string{"ACL", "DRYRUN", "s1", "publish", "ch1", "m"}},
		{0, []string{"ACL", "DRYRUN", "s1", "publish", "x", "m"}},
		{0, []string{"ACL", "DRYRUN", "s1", "mget", "a1", "c1"}},
		{0, []string{"ACL", "DRYRUN", "s1", "lpush", "a1", "x"}},
		{0, []string{"ACL", "DRYRUN", "s7", "mget", "m1", "n1"}},
		{0, []string{"ACL", "DRYRUN", "s7", "mget", "n1", "m1"}},
		{1, []string{"AUTH", "s1", "pw"}},
		{1, []string{"SET", "b1", "v"}},
		{1, []string{"GET", "b1"}},
		{1, []string{"GET", "a1"}},
		{1, []string{"SET", "a1", "v"}},
		{1, []string{"PUBLISH", "x", "m"}},
		{1, []string{"PUBLISH", "ch2", "m"}},
		{1, []string{"EVAL", "return 1", "0"}},
		{0, []string{"ACL", "SETUSER", "s1", "clearselectors"}},
		{1, []string{"SET", "b1", "v"}},
		{0, []string{"ACL", "GETUSER", "s1"}},
	}
	r := [2]*rawConn{dialRaw(t, raddr), dialRaw(t, raddr)}
	q := [2]*rawConn{dialRaw(t, qaddr), dialRaw(t, qaddr)}
	for _, st := range steps {
		want, got := r[st.conn].do(st.args...), q[st.conn].do(st.args...)
		if st.args[0] == "ACL" && (st.args[1] == "LIST" || st.args[1] == "GETUSER") {
			want, got = sortSelectorRules(want), sortSelectorRules(got)
		}
		if got != want {
			t.Errorf("conn %d %q:\n got %q\nwant %q", st.conn, st.args, got, want)
		}
	}
}

// sortSelectorRules is sortSingleRules for the root rules and for each
// "(...)" selector of a description on its own.
func sortSelectorRules(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexAny(s, "()")
		if i < 0 {
			b.WriteString(sortSingleRules(s))
			return b.String()
		}
		b.WriteString(sortSingleRules(strings.TrimRight(s[:i], " ")))
		b.WriteByte(s[i])
		s = s[i+1:]
	}
}
