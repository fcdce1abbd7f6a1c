package fsm

import (
	"strings"
	"testing"
)

func TestKeyArgs(t *testing.T) {
	tab := NewTable()
	for _, tc := range []struct {
		cmd  string
		want string
	}{
		{"get a", "a"},
		{"mset a 1 b 2", "a b"},
		{"zunion 2 a b", "a b"},
		{"zunion 2x a b", "a b"}, // atoi, as Redis's genericGetKeys
		{"zunion 0 a", ""},
		{"zunion 3 a b", ""},
		{"zinterstore d 2 a b WEIGHTS 1 2", "d a b"},
		{"zdiffstore d 5 a b", ""},
		{"zintercard 1 a LIMIT 5", "a"},
		{"sintercard 2 a b", "a b"},
		{"lmpop 2 a b LEFT", "a b"},
		{"blmpop 0 2 a b LEFT", "a b"},
		{"bzmpop 0 1 z MIN", "z"},
		{"zmpop 1 z MAX COUNT 2", "z"},
		{"georadius g 1 2 3 km STORE s", "g s"},
		{"georadius g 1 2 3 km STOREDIST d STORE s", "g s d"},
		{"georadius g 1 2 3 km store", "g"}, // a keyword last has no key after it
		{"georadiusbymember g m 3 km storedist d", "g d"},
		{"georadius_ro g 1 2 3 km STORE s", "g"},
	} {
		a := argv(tc.cmd)
		c := tab.Lookup(a[0])
		var got []string
		for _, k := range c.KeyArgs(a) {
			got = append(got, string(k))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("KeyArgs(%s) = %q, want %q", tc.cmd, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want int64
	}{{"12", 12}, {" +7x", 7}, {"-3", -3}, {"abc", 0}, {"", 0}, {"99999999999999999999", -1}, {"4294967298", 2}} {
		if got := atoi([]byte(tc.in)); got != tc.want {
			t.Errorf("atoi(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestKeyFlags(t *testing.T) {
	tab := NewTable()
	for _, tc := range []struct {
		cmd  string
		i    int
		want string
	}{
		{"lmove a b left right", 0, "RW access delete"},
		{"lmove a b left right", 1, "RW insert"},
		{"zunionstore d 2 a b", 0, "OW update"},
		{"zunionstore d 2 a b", 2, "RO access"},
		{"zunionstore d 2x a b", 2, ""}, // Redis's atoi fallback has no flags
		{"georadius g 1 2 3 km store a storedist b", 2, "OW update"},
		{"get a", 0, "RO access"},
		{"set a b", 0, "OW update"},
		{"set a b nx get", 0, "RW access update"},
		{"bitfield a get u8 0", 0, "RO access"},
		{"bitfield a get u8 0 incrby u8 0 1", 0, "RW access update"},
		{"quoris.watch a", 0, "RO access"}, // no Redis key spec: from its flags
	} {
		a := argv(tc.cmd)
		if got := strings.Join(tab.Lookup(a[0]).KeyFlags(a, tc.i), " "); got != tc.want {
			t.Errorf("%s key %d: %q, want %q", tc.cmd, tc.i, got, tc.want)
		}
	}
}
