package resp

import (
	"strings"
	"time"

	"github.com/tidwall/redcon"
)

// scriptControl answers SCRIPT KILL, FUNCTION KILL and FUNCTION STATS
// without the FSM's lock: they must answer while a script holds it (a
// read-only script holds the read lock for as long as it runs). They are
// about this node's running scripts, so they are not replicated either.
func (s *Server) scriptControl(args [][]byte) ([]byte, bool) {
	if len(args) != 2 {
		return nil, false
	}
	container, sub := strings.ToLower(string(args[0])), strings.ToLower(string(args[1]))
	switch {
	case container == "script" && sub == "kill", container == "function" && sub == "kill":
		if err := s.fsm.KillScript(container == "script"); err != nil {
			return redcon.AppendError(nil, err.Error()), true
		}
		return redcon.AppendOK(nil), true
	case container == "function" && sub == "stats":
		return s.fsm.FunctionStats(time.Now().UnixMilli()), true
	}
	return nil, false
}
