package fsm

import (
	"strconv"
	"testing"
	"time"
)

// TestPfdebugAgainstRedis runs PFDEBUG's subcommands on the same HLLs in
// Redis and the FSM (sparse, dense, converted, missing, not an HLL, a
// corrupt one) and compares replies and the stored bytes after each.
func TestPfdebugAgainstRedis(t *testing.T) {
	r := bitRedis(t)
	h := newHarness(t)
	h.now = time.Now().UnixMilli()
	var cmds [][]string
	add := func(c ...string) { cmds = append(cmds, c) }
	add("PFADD", "sp", "a", "b", "c")
	for i := 0; i < 3000; i++ {
		add("PFADD", "dn", "e"+strconv.Itoa(i))
	}
	add("SET", "str", "hello")
	add("SET", "bad", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f")
	for _, sub := range []string{"ENCODING", "DECODE", "decode", "GETREG", "TODENSE", "NOSUCH", "no\x00such"} {
		for _, k := range []string{"sp", "dn", "missing", "str", "bad"} {
			add("PFDEBUG", sub, k)
			add("GET", k)
		}
		add("DEL", "sp")
		add("PFADD", "sp", "a", "b", "c", "d")
	}
	add("PFADD", "sp2", "x")
	add("PFDEBUG", "TODENSE", "sp2")
	add("PFDEBUG", "TODENSE", "sp2")
	add("PFDEBUG", "ENCODING", "sp2")
	add("PFCOUNT", "sp2")
	add("GET", "sp2")
	for _, c := range cmds {
		if want, got := r.do(t, c...), h.do(c...); got != want {
			t.Errorf("%q: redis %.200q, quoris %.200q", c, want, got)
		}
	}
}
