package resp

import (
	"fmt"
	"math/rand"
	"testing"
)

// streamScript covers every stream write that announces itself (and the
// no-ops and errors that must not): each command is compared by the
// frames a keyspace subscriber receives for it.
var streamScript = [][]string{
	{"XADD", "x0", "1-1", "f", "v"}, {"XADD", "x0", "1-2", "f", "v"}, {"XADD", "x0", "*", "f", "v"},
	{"XADD", "x0", "1-1", "f", "v"}, // ID too small: error, no event
	{"XADD", "nokey", "NOMKSTREAM", "*", "f", "v"},
	{"XADD", "x0", "MAXLEN", "2", "*", "f", "v"},  // xadd then xtrim
	{"XADD", "x0", "MAXLEN", "10", "*", "f", "v"}, // nothing to trim
	{"XTRIM", "x0", "MAXLEN", "1"}, {"XTRIM", "x0", "MAXLEN", "5"}, {"XTRIM", "nokey", "MAXLEN", "0"},
	{"XADD", "x1", "5-1", "a", "1"}, {"XADD", "x1", "5-2", "a", "2"}, {"XADD", "x1", "5-3", "a", "3"},
	{"XDEL", "x1", "5-2"}, {"XDEL", "x1", "9-9"}, {"XDEL", "nokey", "1-1"},
	{"XSETID", "x1", "10-0"}, {"XSETID", "x1", "1-0"}, {"XSETID", "nokey", "1-0"},
	{"XGROUP", "CREATE", "x1", "g1", "0"}, {"XGROUP", "CREATE", "x1", "g1", "0"},
	{"XGROUP", "CREATE", "x2", "g1", "$", "MKSTREAM"}, {"XGROUP", "CREATE", "nokey", "g1", "$"},
	{"XGROUP", "CREATECONSUMER", "x1", "g1", "c1"}, {"XGROUP", "CREATECONSUMER", "x1", "g1", "c1"},
	{"XGROUP", "CREATECONSUMER", "x1", "nogroup", "c1"},
	{"XREADGROUP", "GROUP", "g1", "c2", "COUNT", "1", "STREAMS", "x1", ">"}, // creates c2
	{"XREADGROUP", "GROUP", "g1", "c2", "STREAMS", "x1", ">"},
	{"XREADGROUP", "GROUP", "g1", "c3", "STREAMS", "x1", ">"}, // nothing new: c3 not created
	{"XREADGROUP", "GROUP", "g1", "c2", "STREAMS", "x1", "0"},
	{"XACK", "x1", "g1", "5-1"}, {"XACK", "x1", "g1", "5-1"},
	{"XCLAIM", "x1", "g1", "c4", "0", "5-3"}, {"XCLAIM", "x1", "g1", "c5", "0", "7-7"},
	{"XAUTOCLAIM", "x1", "g1", "c6", "0", "0"}, {"XAUTOCLAIM", "x1", "g1", "c7", "0", "0"},
	{"XAUTOCLAIM", "x1", "g1", "c6", "0", "0"},
	{"XGROUP", "DELCONSUMER", "x1", "g1", "c6"}, {"XGROUP", "DELCONSUMER", "x1", "g1", "nosuch"},
	{"XGROUP", "SETID", "x1", "g1", "0"}, {"XGROUP", "SETID", "x1", "g1", "$", "ENTRIESREAD", "2"},
	{"XGROUP", "SETID", "x1", "nogroup", "0"},
	{"XGROUP", "DESTROY", "x1", "g1"}, {"XGROUP", "DESTROY", "x1", "g1"},
	{"XADD", "x3", "MINID", "5", "1-1", "f", "v"}, {"XLEN", "x3"},
	{"EXPIRE", "x0", "1000"}, {"RENAME", "x0", "x4"}, {"COPY", "x4", "x5"}, {"DEL", "x4", "x5", "x2"},
	{"XADD", "s0", "*", "f", "v"}, {"SET", "x3", "v"}, {"XADD", "x3", "*", "f", "v"},
}

// TestStreamKeyspaceEventsMatchRedis runs the script, then a seeded random
// mix of the same writes, on redis-server and quoris and compares the
// keyspace notifications command by command, for every class and for the
// stream class alone.
func TestStreamKeyspaceEventsMatchRedis(t *testing.T) {
	raddr := startRedisServer(t)
	qaddr, _ := startTestServer(t)
	r := rand.New(rand.NewSource(11))
	cmds := append([][]string(nil), streamScript...)
	for range 400 {
		cmds = append(cmds, randomStreamWrite(r))
	}
	for _, classes := range []string{"KEA", "KEAn", "Kt", "Eg"} {
		want, n := keyspaceStream(t, raddr, classes, cmds)
		got, _ := keyspaceStream(t, qaddr, classes, cmds)
		if classes == "KEA" && n < 250 {
			t.Fatalf("redis sent only %d events: the sequence exercises too little", n)
		}
		bad := 0
		for i := range cmds {
			if want[i] != got[i] {
				t.Errorf("%s: command %d %q:\nredis  %s\nquoris %s", classes, i, cmds[i], want[i], got[i])
				if bad++; bad == 5 {
					t.FailNow()
				}
			}
		}
	}
}

// randomStreamWrite draws a stream write whose outcome does not depend on
// the clock: explicit IDs, idle 0, no BLOCK.
func randomStreamWrite(r *rand.Rand) []string {
	k := fmt.Sprintf("rs%d", r.Intn(3))
	id := func() string { return fmt.Sprintf("%d-%d", 1+r.Intn(30), r.Intn(3)) }
	g := fmt.Sprintf("g%d", r.Intn(2))
	cons := fmt.Sprintf("c%d", r.Intn(4))
	cmds := [][]string{
		{"XADD", k, id(), "f", "v"}, {"XADD", k, fmt.Sprint(1 + r.Intn(40)), "f", "v"},
		{"XADD", k, "MAXLEN", fmt.Sprint(r.Intn(6)), fmt.Sprint(1 + r.Intn(60)), "f", "v"},
		{"XADD", k, "NOMKSTREAM", "MINID", id(), fmt.Sprint(1 + r.Intn(60)), "f", "v"},
		{"XTRIM", k, "MAXLEN", fmt.Sprint(r.Intn(8))}, {"XTRIM", k, "MINID", id()},
		{"XDEL", k, id(), id()}, {"XSETID", k, fmt.Sprint(60 + r.Intn(5))},
		{"XGROUP", "CREATE", k, g, "0"}, {"XGROUP", "CREATE", k, g, "$", "MKSTREAM"},
		{"XGROUP", "CREATECONSUMER", k, g, cons}, {"XGROUP", "DELCONSUMER", k, g, cons},
		{"XGROUP", "DESTROY", k, g}, {"XGROUP", "SETID", k, g, id()},
		{"XREADGROUP", "GROUP", g, cons, "COUNT", "2", "STREAMS", k, ">"},
		{"XREADGROUP", "GROUP", g, cons, "STREAMS", k, "0"},
		{"XACK", k, g, id(), id()}, {"XCLAIM", k, g, cons, "0", id(), id()},
		{"XAUTOCLAIM", k, g, cons, "0", "0", "COUNT", "2"}, {"DEL", k},
	}
	return cmds[r.Intn(len(cmds))]
}
