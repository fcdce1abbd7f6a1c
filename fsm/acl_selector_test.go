package fsm

import (
	"reflect"
	"strings"
	"testing"
)

func TestMergeSelectorArgs(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string // merged, joined by "|", or the argument that never closes
	}{
		{[]string{"on", "(+get ~a*)", "+ping"}, "on|(+get ~a*)|+ping"},
		{[]string{"(+get", "~a*)", "(+set", "%W~w*", "&c)"}, "(+get ~a*)|(+set %W~w* &c)"},
		{[]string{"(", ")"}, "( )"},
		{[]string{"(a", "(b", "c)"}, "(b c)"},
		{[]string{"x)"}, "x)"},
		{[]string{"(+get", "~a*)", "(+set"}, "bad (+set"},
		{[]string{"(+get ~a*) junk"}, "bad (+get ~a*) junk"},
	} {
		merged, bad, ok := MergeSelectorArgs(tc.in)
		got := strings.Join(merged, "|")
		if !ok {
			got = "bad " + bad
		}
		if got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestACLSelectorsDeterministic: the same log entries (SETUSER with
// selectors, a refused one, LOAD lines carrying split selectors) give the
// same users on two FSMs, as every node must hold.
func TestACLSelectorsDeterministic(t *testing.T) {
	entries := [][]string{
		{"QUORIS.ACL", "SETUSER", "u", "on", "nopass", "+ping", "(~k* +get)", "(%W~w* &c* +set)"},
		{"QUORIS.ACL", "SETUSER", "u", "(+get ~a* >pw)"},
		{"QUORIS.ACL", "SETUSER", "v", "(~x*)", "clearselectors", "(+@read)"},
		{"QUORIS.ACL", "LOAD", "w", "on (~k* +get) (+set x)", "u", "on (~k* +get) (%R~r* +set)"},
	}
	want := []string{"+OK\r\n", "-ERR Error in ACL SETUSER modifier '(+get ~a* >pw)': Syntax error\r\n", "+OK\r\n",
		"-ERR Error in ACL SETUSER modifier '(+set x)': Syntax error\r\n"}
	var users []*ACLUsers
	for range 2 {
		h := newHarness(t)
		got := make([]string, len(entries))
		for i, e := range entries {
			got[i] = h.do(e...)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("replies %q, want %q", got, want)
		}
		if got := h.do("QUORIS.ACL", "LOAD", "w", "on (~k* +get) (%R~r*   +set)"); got != "+OK\r\n" {
			t.Errorf("LOAD with selectors: %q", got)
		}
		users = append(users, h.f.ACL())
	}
	if w := users[0].Get("w"); w == nil || strings.Join(w.Ops(), " ") != "on (~k* +get) (%R~r* +set)" {
		t.Errorf("loaded w: %+v", w)
	}
	if !reflect.DeepEqual(users[0], users[1]) {
		t.Error("two FSMs applying the same entries hold different users")
	}
}
