package fsm

import (
	"strings"
	"testing"
)

// QUORIS.RESP3 writes a script's reply as Redis writes it to a RESP3
// client, alone or around QUORIS.ASUSER; it wraps script commands only,
// and the same script unwrapped keeps its RESP2 reply.
func TestRESP3ScriptWrapper(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"QUORIS.RESP3", "SET", "k", "v"}, "-" + errRESP3Script.Error() + "\r\n"},
		{[]string{"QUORIS.RESP3", "QUORIS.RESP3", "EVAL", "return 1", "0"}, "-" + errRESP3Script.Error() + "\r\n"},
		{[]string{"QUORIS.RESP3", "EVAL"}, "-" + errRESP3Script.Error() + "\r\n"},
		{[]string{"EVAL", "return {map={a=1}}", "0"}, "*2\r\n$1\r\na\r\n:1\r\n"},
		{[]string{"QUORIS.RESP3", "EVAL", "return {map={a=1}}", "0"}, "%1\r\n$1\r\na\r\n:1\r\n"},
		{[]string{"QUORIS.RESP3", "EVAL", "return {double=3.5}", "0"}, ",3.5\r\n"},
		{[]string{"QUORIS.RESP3", "EVAL", "return {1, nil}", "0"}, "*1\r\n:1\r\n"},
		{[]string{"QUORIS.RESP3", "EVAL", "return false", "0"}, "_\r\n"},
		{[]string{"QUORIS.RESP3", "EVAL", "redis.setresp(3) return {false}", "0"}, "*1\r\n#f\r\n"},
		{[]string{"EVAL", "redis.setresp(3) return {false}", "0"}, "*1\r\n:0\r\n"},
		{[]string{"QUORIS.RESP3", "EVAL", "return {verbatim_string={format='x', string='hi'}}", "0"}, "=6\r\nx  :hi\r\n"},
		{[]string{"QUORIS.RESP3", "QUORIS.ASUSER", "u", "EVAL", "return {set={a=1}}", "0"}, "~1\r\n$1\r\na\r\n"},
		{[]string{"QUORIS.RESP3", "QUORIS.ASUSER", "u", "EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "k"}, "+OK\r\n"},
	} {
		if got := h.do(tc.cmd...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.cmd, got, tc.want)
		}
	}
	h.f.SetScriptACL(func(user string, args [][]byte) string {
		if user == "u" && strings.EqualFold(string(args[0]), "set") {
			return "The user executing the script can't run this command or subcommand"
		}
		return ""
	})
	if got := h.do("QUORIS.RESP3", "QUORIS.ASUSER", "u", "EVAL", "return redis.call('set', KEYS[1], 'w')", "1", "k"); !strings.HasPrefix(got, "-ERR The user executing the script can't run this command or subcommand") {
		t.Errorf("denied SET in a wrapped script: %q", got)
	}
}

// An EVAL_RO or a no-writes function is a read inside the wrapper too.
func TestRESP3ScriptWrapperReadPath(t *testing.T) {
	h := newHarness(t)
	ro := [][]byte{[]byte("QUORIS.RESP3"), []byte("EVAL_RO"), []byte("return {double=1.5}"), []byte("0")}
	if got := string(h.f.Read(0, h.now, ro, nil)); got != ",1.5\r\n" {
		t.Errorf("EVAL_RO on the read path: %q", got)
	}
	rw := [][]byte{[]byte("QUORIS.RESP3"), []byte("EVAL"), []byte("return redis.call('set', 'k', 'v')"), []byte("0")}
	if c := h.f.table.Lookup(rw[0]); !c.NeedsLog(h.f, rw) {
		t.Errorf("a wrapped writing EVAL does not need the log")
	}
	if c := h.f.table.Lookup(ro[0]); c.NeedsLog(h.f, ro) {
		t.Errorf("a wrapped EVAL_RO needs the log")
	}
}
