package resp

import "github.com/quoris/quoris/fsm"

// A script's reply is written where the script runs, in the FSM, in the
// caller's protocol (fsm/script_resp3.go): a RESP3 client's EVAL/FCALL
// goes to the log or the read path as QUORIS.RESP3 EVAL ..., whose reply
// is already RESP3 and passes through appendRESP3 (raw shape), a peer
// link and EXEC untouched. RESP2 clients' scripts go as they are.

// scriptCommand wraps a script command as this client's user and
// protocol need (restricted user: QUORIS.ASUSER; RESP3: QUORIS.RESP3
// outside it).
func (s *Server) scriptCommand(cl *client, c *fsm.Command, args [][]byte) ([][]byte, *fsm.Command) {
	args, c = s.scriptAsUser(cl, c, args)
	if cl.peer || cl.proto.Load() != 3 || !fsm.RESP3Wraps(c.Name) {
		return args, c
	}
	wrapped := append([][]byte{[]byte("QUORIS.RESP3")}, args...)
	return wrapped, s.table.Lookup(wrapped[0])
}

// unwrapArgs is args as the client sent them (what SLOWLOG shows).
func (s *Server) unwrapArgs(args [][]byte) [][]byte {
	if len(args) == 0 {
		return args
	}
	if c := s.table.Lookup(args[0]); c != nil {
		_, args = s.unwrapScript(c, args)
	}
	return args
}
