package resp

import "testing"

// TestModuleRewriteRestoreAskingMatchRedis compares MODULE, BGREWRITEAOF and
// RESTORE-ASKING with redis-server, byte for byte.
func TestModuleRewriteRestoreAskingMatchRedis(t *testing.T) {
	raddr := startRedisOrSkip(t)
	qaddr, _ := startTestServer(t)
	conns := []*rawConn{dialRaw(t, raddr), dialRaw(t, qaddr)}
	steps := [][]string{
		{"MODULE", "LIST"}, {"MODULE", "HELP"}, {"MODULE", "LOAD", "/nonexistent.so"},
		{"MODULE", "LOADEX", "/nonexistent.so", "ARGS", "a"}, {"MODULE", "UNLOAD", "x"},
		{"MODULE", "foo"}, {"MODULE"}, {"MODULE", "LIST", "x"},
		{"BGREWRITEAOF", "x"}, {"BGREWRITEAOF"},
		{"RESTORE-ASKING"}, {"RESTORE-ASKING", "k", "0", "garbage"},
		{"SET", "src", "hello"},
	}
	for _, st := range steps {
		r, q := conns[0].do(st...), conns[1].do(st...)
		if r != q {
			t.Errorf("%q: redis %q, quoris %q", st, r, q)
		}
	}
	// A payload DUMPed on each side restores through RESTORE-ASKING once;
	// the second time the key exists.
	for i, c := range conns {
		payload, _ := c.val("DUMP", "src").(string)
		for _, st := range []struct {
			args []string
			want string
		}{
			{[]string{"RESTORE-ASKING", "dst", "0", payload}, "+OK\r\n"},
			{[]string{"RESTORE-ASKING", "dst", "0", payload}, "-BUSYKEY Target key name already exists.\r\n"},
			{[]string{"GET", "dst"}, "$5\r\nhello\r\n"},
		} {
			if got := c.do(st.args...); got != st.want {
				t.Errorf("side %d %q: %q, want %q", i, st.args[:2], got, st.want)
			}
		}
	}
}
