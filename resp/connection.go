package resp

import (
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

func connectionCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "ping", Arity: -1, Flags: []string{"fast", "sentinel"}, Group: "connection", Summary: "Returns the server's liveliness response.", Since: "1.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				if cl.ps.active() && cl.proto.Load() != 3 && len(args) <= 2 {
					return subscribedPing(cl, args, out)
				}
				switch len(args) {
				case 1:
					return redcon.AppendString(out, "PONG")
				case 2:
					return redcon.AppendBulk(out, args[1])
				}
				return appendErrStr(out, arityErr("ping"))
			}},
		{Spec: fsm.Spec{Name: "echo", Arity: 2, Flags: []string{"loading", "stale", "fast"}, Group: "connection", Summary: "Returns the given string.", Since: "1.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulk(out, args[1])
			}},
		{Spec: fsm.Spec{Name: "quit", Arity: -1, Flags: []string{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}, Group: "connection", Summary: "Closes the connection.", Since: "1.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendOK(out)
			}},
		{Spec: fsm.Spec{Name: "select", Arity: 2, Flags: []string{"loading", "stale", "fast"}, Group: "connection", Summary: "Changes the selected database.", Since: "1.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				n, err := strconv.Atoi(string(args[1]))
				if err != nil || strings.TrimSpace(string(args[1])) != string(args[1]) {
					return appendErrStr(out, fsm.ErrNotInteger.Error())
				}
				if n < 0 || n >= s.fsm.Databases() {
					return appendErrStr(out, fsm.ErrDBIndex.Error())
				}
				cl.setDB(n)
				return redcon.AppendOK(out)
			}},
		{Spec: fsm.Spec{Name: "readonly", Arity: 1, Flags: []string{"loading", "stale", "fast"}, Group: "cluster", Summary: "Enables read-only queries on this node's local state (possibly stale).", Since: "3.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				cl.readonly = true
				return redcon.AppendOK(out)
			}},
		{Spec: fsm.Spec{Name: "readwrite", Arity: 1, Flags: []string{"loading", "stale", "fast"}, Group: "cluster", Summary: "Ends READONLY: reads are linearizable again.", Since: "3.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				cl.readonly = false
				return redcon.AppendOK(out)
			}},
		{Spec: fsm.Spec{Name: "time", Arity: 1, Flags: []string{"loading", "stale", "fast"}, Group: "server", Summary: "Returns the server time.", Since: "2.6.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				now := time.Now()
				out = redcon.AppendArray(out, 2)
				out = redcon.AppendBulkString(out, strconv.FormatInt(now.Unix(), 10))
				return redcon.AppendBulkString(out, strconv.FormatInt(int64(now.Nanosecond()/1000), 10))
			}},
		{Spec: fsm.Spec{Name: "hello", Arity: -1, Flags: []string{"noscript", "loading", "stale", "fast", "no_auth", "sentinel", "allow_busy"}, Group: "connection", Summary: "Handshake with Redis", Since: "6.0.0", Complexity: "O(1)"},
			run: hello},
		{Spec: fsm.Spec{Name: "reset", Arity: 1, Flags: []string{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}, Group: "connection", Summary: "Reset the connection", Since: "6.2.0", Complexity: "O(1)"},
			run: reset},
		{Spec: fsm.Spec{Name: "quoris.peer", Arity: -1, Flags: []string{"fast", "no_auth"}, Group: "cluster", Summary: "Internal: marks a node-to-node proxy connection.", Since: "0.1.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				if !s.peerAllowed(args) {
					return appendErrStr(out, errWrongPass)
				}
				cl.peer = true
				cl.peerSeen.Store(true)
				return redcon.AppendOK(out)
			}},
	}
}

// hello is Redis 7.0's HELLO: options are checked first, then the name,
// and the protocol switches last, so the reply (a map) is already in the
// negotiated protocol.
func hello(s *Server, cl *client, args [][]byte, out []byte) []byte {
	ver := int64(cl.resp())
	i := 1
	if len(args) > 1 {
		v, err := strconv.ParseInt(string(args[1]), 10, 64)
		if err != nil {
			return appendErrStr(out, "ERR Protocol version is not an integer or out of range")
		}
		if v < 2 || v > 3 {
			return appendErrStr(out, "NOPROTO unsupported protocol version")
		}
		ver, i = v, 2
	}
	var name, user, pass []byte
	for ; i < len(args); i++ {
		opt := strings.ToLower(string(args[i]))
		switch {
		case opt == "auth" && i+2 < len(args):
			user, pass = args[i+1], args[i+2]
			i += 2
		case opt == "setname" && i+1 < len(args):
			name = args[i+1]
			i++
		default:
			return appendErrStr(out, "ERR Syntax error in HELLO option '"+sanitize(args[i], 128)+"'")
		}
	}
	if user != nil && !s.authenticate(cl, string(user), pass) {
		return appendErrStr(out, errWrongPass)
	}
	if !cl.authed && s.fsm.ACL().AuthRequired() {
		return appendErrStr(out, "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
	}
	if name != nil {
		if !validClientName(string(name)) {
			return appendErrStr(out, "ERR Client names cannot contain spaces, newlines or special characters.")
		}
		cl.mu.Lock()
		cl.name = string(name)
		cl.mu.Unlock()
	}
	cl.proto.Store(int32(ver))
	role := "replica"
	if s.node.IsLeader() {
		role = "master"
	}
	out = redcon.AppendArray(out, 14)
	out = redcon.AppendBulkString(out, "server")
	out = redcon.AppendBulkString(out, "redis")
	out = redcon.AppendBulkString(out, "version")
	out = redcon.AppendBulkString(out, RedisVersion)
	out = redcon.AppendBulkString(out, "proto")
	out = redcon.AppendInt(out, ver)
	out = redcon.AppendBulkString(out, "id")
	out = redcon.AppendInt(out, cl.id)
	out = redcon.AppendBulkString(out, "mode")
	out = redcon.AppendBulkString(out, "cluster")
	out = redcon.AppendBulkString(out, "role")
	out = redcon.AppendBulkString(out, role)
	out = redcon.AppendBulkString(out, "modules")
	return redcon.AppendArray(out, 0)
}

// reset is Redis's RESET: the connection's state back to a fresh one
// (transaction and watches dropped, database 0, no name, READWRITE,
// RESP2, client flags off).
func reset(s *Server, cl *client, args [][]byte, out []byte) []byte {
	cl.tx.reset()
	s.hub.unsubscribeAll(cl.ps)
	s.track.disable(cl)
	s.unmonitor(cl)
	resetReply(cl)
	cl.readonly = false
	cl.readonlyFlag.Store(false)
	cl.mu.Lock()
	cl.db, cl.name, cl.noEvict, cl.noTouch = 0, "", false, false
	cl.user, cl.authed = "", !s.fsm.ACL().AuthRequired()
	cl.mu.Unlock()
	cl.proto.Store(2)
	return redcon.AppendString(out, "RESET")
}

// RedisVersion is the Redis version whose behaviour quoris follows; clients
// use it to pick features.
const RedisVersion = "7.0.15"

// Version is quoris's own version.
const Version = "0.1.0"

func validClientName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] < '!' || name[i] > '~' {
			return false
		}
	}
	return true
}
