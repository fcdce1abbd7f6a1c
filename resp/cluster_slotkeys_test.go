package resp

import (
	"sort"
	"strings"
	"testing"
)

// TestClusterKeysInSlot: COUNTKEYSINSLOT and GETKEYSINSLOT find the keys
// of the client's database that hash to a slot (hash tags included),
// GETKEYSINSLOT stops at its count, expired keys are not counted, and bad
// arguments answer Redis's errors.
func TestClusterKeysInSlot(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	for _, args := range [][]string{{"MSET", "a", "1", "{a}x", "2", "{a}y", "3", "b", "4"}, {"SET", "{a}gone", "1", "PX", "1"}} {
		if got := r.do(args...); got != "+OK\r\n" {
			t.Fatalf("%q: %q", args, got)
		}
	}
	slot := r.val("CLUSTER", "KEYSLOT", "a").(int64)
	if slot != 15495 {
		t.Fatalf("keyslot a = %d", slot)
	}
	waitFor(t, func() bool { return r.val("CLUSTER", "COUNTKEYSINSLOT", "15495") == int64(3) })
	var keys []string
	for _, k := range r.val("CLUSTER", "GETKEYSINSLOT", "15495", "10").([]any) {
		keys = append(keys, k.(string))
	}
	sort.Strings(keys)
	if strings.Join(keys, " ") != "a {a}x {a}y" {
		t.Errorf("GETKEYSINSLOT 15495 10: %q", keys)
	}
	if n := len(r.val("CLUSTER", "GETKEYSINSLOT", "15495", "2").([]any)); n != 2 {
		t.Errorf("GETKEYSINSLOT 15495 2: %d keys", n)
	}
	for _, c := range [][2]string{
		{"CLUSTER COUNTKEYSINSLOT 0", ":0\r\n"},
		{"CLUSTER COUNTKEYSINSLOT 16384", "-ERR Invalid slot\r\n"},
		{"CLUSTER COUNTKEYSINSLOT -1", "-ERR Invalid slot\r\n"},
		{"CLUSTER COUNTKEYSINSLOT +1", "-ERR value is not an integer or out of range\r\n"},
		{"CLUSTER GETKEYSINSLOT 1 -1", "-ERR Invalid slot or number of keys\r\n"},
		{"CLUSTER GETKEYSINSLOT 16384 1", "-ERR Invalid slot or number of keys\r\n"},
		{"CLUSTER GETKEYSINSLOT 1 x", "-ERR value is not an integer or out of range\r\n"},
		{"CLUSTER GETKEYSINSLOT 15495 0", "*0\r\n"},
		{"CLUSTER COUNTKEYSINSLOT 1 2", "-ERR wrong number of arguments for 'cluster|countkeysinslot' command\r\n"},
		{"SELECT 1", "+OK\r\n"},
		{"CLUSTER COUNTKEYSINSLOT 15495", ":0\r\n"},
		{"CLUSTER GETKEYSINSLOT 15495 100", "*0\r\n"},
	} {
		if got := r.do(strings.Fields(c[0])...); got != c[1] {
			t.Errorf("%s: %q, want %q", c[0], got, c[1])
		}
	}
}
