package resp

import (
	"bytes"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// scriptControl answers SCRIPT KILL, FUNCTION KILL and FUNCTION STATS
// without the FSM's lock: they must answer while a script holds it (a
// read-only script holds the read lock for as long as it runs). They are
// about this node's running scripts, so they are not replicated either.
func (s *Server) scriptControl(args [][]byte) ([]byte, bool) {
	// Every data command passes here: compare without allocating.
	if len(args) != 2 {
		return nil, false
	}
	script, function := bytes.EqualFold(args[0], []byte("script")), bytes.EqualFold(args[0], []byte("function"))
	switch {
	case (script || function) && bytes.EqualFold(args[1], []byte("kill")):
		if err := s.fsm.KillScript(script); err != nil {
			return redcon.AppendError(nil, err.Error()), true
		}
		return redcon.AppendOK(nil), true
	case function && bytes.EqualFold(args[1], []byte("stats")):
		return s.fsm.FunctionStats(time.Now().UnixMilli()), true
	}
	return nil, false
}

// cacheEvalScript is for an EVAL or EVAL_RO about to run on the read path:
// Redis's EVAL adds its script to the cache, and the cache is replicated
// state, so the leader first logs a SCRIPT LOAD of an uncached script (once
// per script; a script that does not compile is not cached, and the read
// reports why).
func (s *Server) cacheEvalScript(c *fsm.Command, args [][]byte) {
	c, args = s.unwrapScript(c, args)
	if (c.Name != "eval" && c.Name != "eval_ro") || len(args) < 2 || s.fsm.ScriptCached(args[1]) || !s.node.IsLeader() {
		return
	}
	entry := fsm.AppendEntry(nil, fsm.KindCommand, 0, s.node.Now(), [][]byte{[]byte("SCRIPT"), []byte("LOAD"), args[1]})
	_, _ = raftnode.Result(s.node.Propose(entry))
}
