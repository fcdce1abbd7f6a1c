package resp

import (
	"strings"
	"testing"
)

// TestACLSelectorEdgesMatchRedis: what TestACLSelectorsMatchRedis leaves
// out — the order in which a selector's bad rules are reported, argument
// merging edge cases, redis.call in a script under a user whose rights
// come from a selector, MULTI, and the ACL LOG entry (reason, object) of
// a denial decided across selectors.
func TestACLSelectorEdgesMatchRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	type step struct {
		conn int // 0 admin, 1 the user's connection
		args []string
	}
	logStep := step{0, []string{"ACL", "LOG", "1"}}
	steps := []step{
		// Bad selectors: the first bad rule inside names the error.
		{0, []string{"ACL", "SETUSER", "e", "(>pw +nosuch)"}},
		{0, []string{"ACL", "SETUSER", "e", "(+nosuch >pw)"}},
		{0, []string{"ACL", "SETUSER", "e", "(~* ~a +nosuch)"}},
		{0, []string{"ACL", "SETUSER", "e", "(+get ~a* (+set))"}},
		{0, []string{"ACL", "SETUSER", "e", "(+get ~a*) junk"}},
		{0, []string{"ACL", "SETUSER", "e", "(a", "(+get", "~b)"}},
		{0, []string{"ACL", "SETUSER", "e", "(reset)"}},
		{0, []string{"ACL", "SETUSER", "e", "(clearselectors)"}},
		{0, []string{"ACL", "SETUSER", "e", "(nopass)"}},
		{0, []string{"ACL", "SETUSER", "e", "(+get|x|y)"}},
		{0, []string{"ACL", "SETUSER", "e", "bogus", "(+get"}},
		{0, []string{"ACL", "SETUSER", "e", "(", ")", "(+get\t~t*)"}},
		{0, []string{"ACL", "LIST"}},
		// Rights from the root or from one selector only.
		{0, []string{"ACL", "SETUSER", "u", "on", ">pw", "~r*", "+get", "+eval", "+multi", "+exec",
			"(~s* +set +incr)", "(%R~p* &news +publish +@read)"}},
		{0, []string{"ACL", "DRYRUN", "u", "incr", "s1"}},
		{0, []string{"ACL", "DRYRUN", "u", "incr", "r1"}},
		{0, []string{"ACL", "DRYRUN", "u", "publish", "other", "m"}},
		{1, []string{"AUTH", "u", "pw"}},
		{1, []string{"SET", "s1", "1"}},
		{1, []string{"GET", "s1"}},
		{1, []string{"GET", "p1"}},
		{1, []string{"SET", "r1", "1"}},
		logStep,
		{1, []string{"SET", "p1", "1"}},
		logStep,
		{1, []string{"PUBLISH", "other", "m"}},
		logStep,
		{1, []string{"DEL", "s1"}},
		logStep,
		{1, []string{"EVAL", "return redis.call('incr', KEYS[1])", "1", "s1"}},
		{1, []string{"EVAL", "return redis.call('incr', KEYS[1])", "1", "r1"}},
		{1, []string{"EVAL", "return redis.call('del', KEYS[1])", "1", "s1"}},
		{1, []string{"EVAL", "return redis.call('publish', 'news', 'm')", "0"}},
		{1, []string{"EVAL", "return redis.call('publish', 'other', 'm')", "0"}},
		{1, []string{"MULTI"}},
		{1, []string{"INCR", "s1"}},
		{1, []string{"INCR", "r1"}},
		{1, []string{"EXEC"}},
		{0, []string{"ACL", "SETUSER", "u", "clearselectors"}},
		{1, []string{"INCR", "s1"}},
		{1, []string{"GET", "r1"}},
	}
	cut := func(s string) string {
		if i := strings.Index(s, "$11\r\nage-seconds"); i >= 0 {
			return s[:i]
		}
		return s
	}
	r := [2]*rawConn{dialRaw(t, raddr), dialRaw(t, raddr)}
	q := [2]*rawConn{dialRaw(t, qaddr), dialRaw(t, qaddr)}
	for _, st := range steps {
		want, got := r[st.conn].do(st.args...), q[st.conn].do(st.args...)
		switch {
		case len(st.args) > 1 && st.args[1] == "LIST":
			want, got = sortSelectorRules(want), sortSelectorRules(got)
		case len(st.args) > 1 && st.args[1] == "LOG":
			want, got = cut(want), cut(got)
		}
		if got != want {
			t.Errorf("conn %d %q:\n got %q\nwant %q", st.conn, st.args, got, want)
		}
	}
}
