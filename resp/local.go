package resp

import (
	"strconv"
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// localCmd is a command answered by this node itself, from connection or
// node state, without the FSM's data (PING, SELECT, INFO, RAFT ...).
type localCmd struct {
	fsm.Spec
	run func(s *Server, cl *client, args [][]byte, out []byte) []byte
}

// localCommands collects every command family of this package. Each family
// lives in its own file and contributes a slice.
func localCommands() map[string]*localCmd {
	m := map[string]*localCmd{}
	for _, family := range [][]*localCmd{
		connectionCommands(),
		adminCommands(),
		introspectionCommands(),
		clientCommands(),
		clusterCommands(),
		healthCommands(),
		multiCommands(),
		slowlogCommands(),
		latencyCommands(),
		persistCommands(),
		backupCommands(),
		replicationCommands(),
		debugCommands(),
		memoryCommands(),
		pubsubCommands(),
		migrateCommands(),
		replctlCommands(),
		authCommands(),
		moduleCommands(),
	} {
		for _, c := range family {
			c.Name = strings.ToLower(c.Name)
			if _, dup := m[c.Name]; dup {
				panic("resp: duplicate command " + c.Name)
			}
			m[c.Name] = c
		}
	}
	return m
}

func (s *Server) lookupLocal(name []byte) *localCmd {
	var buf [32]byte
	if len(name) > len(buf) {
		return nil
	}
	for i, ch := range name {
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	return s.local[string(buf[:len(name)])]
}

// specOf is the spec of the command args names, as dispatch finds it (a
// local command shadows a data command); nil for an unknown one.
func (s *Server) specOf(args [][]byte) *fsm.Spec {
	if lc := s.lookupLocal(args[0]); lc != nil {
		return &lc.Spec
	}
	if c := s.table.Lookup(args[0]); c != nil {
		return &c.Spec
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func appendErrStr(out []byte, msg string) []byte { return redcon.AppendError(out, msg) }

func appendSyntaxErr(out []byte) []byte { return redcon.AppendError(out, fsm.ErrSyntax.Error()) }

// subcommandErr is Redis 7's reply to an unknown container subcommand.
func subcommandErr(out []byte, cmd string, sub []byte) []byte {
	return redcon.AppendError(out, "ERR unknown subcommand '"+sanitize(sub, 128)+"'. Try "+strings.ToUpper(cmd)+" HELP.")
}
