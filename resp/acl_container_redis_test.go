package resp

import "testing"

// TestACLContainerSubcommandsMatchRedis: ACL rules name the subcommands of
// the containers the FSM runs (SCRIPT, FUNCTION, XGROUP, XINFO, OBJECT) and
// their categories cover them, as in Redis.
func TestACLContainerSubcommandsMatchRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	r, q := dialRaw(t, raddr), dialRaw(t, qaddr)
	steps := [][]string{
		{"ACL", "SETUSER", "sub", "on", "nopass", "~*", "+@read", "+script|load", "+xgroup|create", "-object|freq"},
		{"ACL", "SETUSER", "cat", "on", "nopass", "~*", "+@all", "-@scripting", "+function|list"},
		{"ACL", "GETUSER", "sub"},
		{"ACL", "DRYRUN", "sub", "script", "load", "return 1"},
		{"ACL", "DRYRUN", "sub", "script", "flush"},
		{"ACL", "DRYRUN", "sub", "xinfo", "stream", "s"},
		{"ACL", "DRYRUN", "sub", "xgroup", "create", "s", "g", "$"},
		{"ACL", "DRYRUN", "sub", "xgroup", "destroy", "s", "g"},
		{"ACL", "DRYRUN", "sub", "object", "encoding", "k"},
		{"ACL", "DRYRUN", "sub", "object", "freq", "k"},
		{"ACL", "DRYRUN", "cat", "function", "list"},
		{"ACL", "DRYRUN", "cat", "function", "flush"},
		{"ACL", "DRYRUN", "cat", "script", "exists", "x"},
		{"ACL", "DRYRUN", "cat", "xinfo", "help"},
		{"ACL", "SETUSER", "bad", "+script|nosuch"},
		{"ACL", "SETUSER", "bad", "+xinfo|stream|x"},
		{"AUTH", "sub", "x"},
		{"SCRIPT", "LOAD", "return 1"},
		{"SCRIPT", "FLUSH"},
		{"OBJECT", "FREQ", "k"},
	}
	for _, args := range steps {
		want, got := r.do(args...), q.do(args...)
		if args[1] == "GETUSER" {
			// Single-command rules come in Redis's dict order, which
			// changes from one process to the next.
			want, got = sortSingleRules(want), sortSingleRules(got)
		}
		if got != want {
			t.Errorf("%q:\n got %q\nwant %q", args, got, want)
		}
	}
}
