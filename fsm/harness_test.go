package fsm

import (
	"testing"

	"github.com/hashicorp/raft"
)

// harness drives an FSM the way the server does: writes go through Apply as
// encoded log entries with increasing indexes, reads through Read.
type harness struct {
	t   *testing.T
	f   *FSM
	idx uint64
	now int64 // ms; tests move it with advance
	db  int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return &harness{t: t, f: New(16, nil), now: 1_700_000_000_000}
}

func (h *harness) advance(ms int64) { h.now += ms }

// do runs one command and returns its raw RESP reply.
func (h *harness) do(args ...string) string {
	h.t.Helper()
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	cmd := h.f.Table().Lookup(argv[0])
	if cmd != nil && cmd.NeedsLog(h.f, argv) {
		h.idx++
		data := AppendEntry(nil, KindCommand, h.db, h.now, argv)
		out := h.f.Apply(&raft.Log{Index: h.idx, Type: raft.LogCommand, Data: data})
		return string(out.([]byte))
	}
	if cmd != nil && (cmd.Name == "eval" || cmd.Name == "eval_ro") && !h.f.ScriptCached(argv[1]) {
		// As the RESP layer does before a read-path EVAL: cache the script.
		h.do("SCRIPT", "LOAD", args[1])
	}
	return string(h.f.Read(h.db, h.now, argv, nil))
}

// cases runs a table of command/expected-reply pairs in order.
func (h *harness) cases(tests []struct {
	cmd  []string
	want string
}) {
	h.t.Helper()
	for _, tc := range tests {
		if got := h.do(tc.cmd...); got != tc.want {
			h.t.Errorf("%q: got %q, want %q", tc.cmd, got, tc.want)
		}
	}
}
