package resp

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// MONITOR. A node shows the commands its own connections run: what its
// clients send (served here or proxied to the leader) and, on the leader,
// what followers proxy to it (shown with the follower's peer address).
// Commands are shown once their checks pass (unknown commands, arity
// errors and refused commands are not), admin commands never, as Redis
// 7.0 does. Lines are queued on the monitor's pub/sub outbox, so feeding
// never blocks the command being shown. When nobody monitors, the cost on
// the command path is one atomic load (monitors.n).

type monitors struct {
	n   atomic.Int32
	mu  sync.RWMutex
	cls []*client // in MONITOR order, as Redis feeds them
}

func (m *monitors) add(cl *client) {
	m.mu.Lock()
	m.cls = append(m.cls, cl)
	m.n.Store(int32(len(m.cls)))
	m.mu.Unlock()
}

func (m *monitors) remove(cl *client) {
	m.mu.Lock()
	for i, c := range m.cls {
		if c == cl {
			m.cls = append(m.cls[:i:i], m.cls[i+1:]...)
			break
		}
	}
	m.n.Store(int32(len(m.cls)))
	m.mu.Unlock()
}

func monitorCommand() *localCmd {
	return &localCmd{Spec: fsm.Spec{Name: "monitor", Arity: 1, Flags: []string{"admin", "noscript", "loading", "stale"}, Group: "server",
		Summary: "Listen for all requests received by the server in real time", Since: "1.0.0"},
		run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
			if cl.inExec {
				// EXEC's client must get one reply per command.
				return appendErrStr(out, "ERR MONITOR isn't allowed for DENY BLOCKING client")
			}
			if cl.monitor {
				return out // Redis ignores a second MONITOR, without a reply
			}
			cl.monitor = true
			cl.monitorFlag.Store(true)
			s.subscriberOf(cl) // the outbox and pusher the lines go through
			s.mon.add(cl)
			return redcon.AppendOK(out)
		}}
}

// unmonitor ends MONITOR mode (RESET, disconnect).
func (s *Server) unmonitor(cl *client) {
	if !cl.monitorFlag.Load() {
		return
	}
	cl.monitor = false
	cl.monitorFlag.Store(false)
	s.mon.remove(cl)
}

// feedMonitors sends one command line to every monitor. Callers check
// s.mon.n first, so nothing here runs when nobody monitors.
func (s *Server) feedMonitors(cl *client, db int, args [][]byte) {
	line := appendMonitorLine(nil, time.Now(), db, cl.addr, args)
	s.mon.mu.RLock()
	for _, m := range s.mon.cls {
		if p := m.ps; p != nil {
			p.enqueue(func(b []byte) []byte { return append(b, line...) })
		}
	}
	s.mon.mu.RUnlock()
}

// feedLocal shows a local command once it ran: not admin ones, not a
// container whose subcommand was refused (unknown, wrong arity), not what
// a peer connection sends for routing (QUORIS.PEER, SELECT). EXEC shows
// the commands it ran (txq, taken before it ran) ahead of itself.
func (s *Server) feedLocal(cl *client, lc *localCmd, args [][]byte, txq []queued, reply []byte) {
	if cl.peer || strings.HasPrefix(lc.Name, "quoris.") {
		return
	}
	name := cl.last()
	if !strings.Contains(name, "|") && len(subcommandsOf(lc.Name)) > 0 {
		return
	}
	if s.monSkip[name] {
		return
	}
	if lc.Name == "exec" && txq != nil && len(reply) > 0 && reply[0] == '*' && string(reply) != "*-1\r\n" {
		for _, q := range txq {
			if q.local == nil || !s.monSkip[q.local.Name] {
				s.feedMonitors(cl, q.db, q.args)
			}
		}
	}
	s.feedMonitors(cl, cl.DB(), args)
}

// execQueue is what an EXEC about to run will execute, for the monitors.
// It also notes whether the local command about to run is EXEC, whose
// queued MONITOR is refused.
func (s *Server) execQueue(cl *client, lc *localCmd) []queued {
	cl.inExec = lc.Name == "exec"
	if !cl.inExec || s.mon.n.Load() == 0 || !cl.tx.active || cl.tx.failed {
		return nil
	}
	return cl.tx.queue
}

// feedData shows a data command about to run here or be proxied.
func (s *Server) feedData(cl *client, c *fsm.Command, args [][]byte) {
	if s.monSkip[c.Name] || strings.HasPrefix(c.Name, "quoris.") {
		return
	}
	s.feedMonitors(cl, cl.DB(), args)
}

// monitorSkips lists the commands Redis never shows: admin commands and
// subcommands.
func (s *Server) monitorSkips() map[string]bool {
	skip := map[string]bool{}
	for _, d := range s.commandTable() {
		if d.spec.Has("admin") {
			skip[d.name] = true
		}
		for _, sd := range d.subs {
			if sd.spec.Has("admin") {
				skip[sd.name] = true
			}
		}
	}
	return skip
}

// mayReplicate is Redis 7.0's CMD_MAY_REPLICATE set outside the write
// commands (a flag COMMAND INFO hides).
var mayReplicate = map[string]bool{"eval": true, "evalsha": true, "fcall": true, "publish": true, "spublish": true, "pfcount": true}

// monitorRefuses is Redis's answer to a monitoring connection touching
// the keyspace; "" lets the command run (or be refused by the usual
// checks, which come first in Redis).
func (s *Server) monitorRefuses(args [][]byte) string {
	sp := s.specOf(args)
	if sp == nil || !sp.ArityOK(len(args)) {
		return ""
	}
	if sp.Has("write") || sp.Has("readonly") || mayReplicate[sp.Name] {
		return "ERR Replica can't interact with the keyspace"
	}
	return ""
}

// appendMonitorLine formats a command as Redis's replicationFeedMonitors:
// a status reply with the time, the database, the client and each
// argument quoted by sdscatrepr. AUTH and HELLO passwords are redacted,
// as Redis 7.0 redacts them before feeding.
func appendMonitorLine(out []byte, now time.Time, db int, addr string, args [][]byte) []byte {
	out = append(out, '+')
	out = strconv.AppendInt(out, now.Unix(), 10)
	out = append(out, '.')
	us := strconv.AppendInt(nil, int64(now.Nanosecond()/1000), 10)
	for i := len(us); i < 6; i++ {
		out = append(out, '0')
	}
	out = append(out, us...)
	out = append(out, " ["...)
	out = strconv.AppendInt(out, int64(db), 10)
	out = append(out, ' ')
	out = append(out, addr...)
	out = append(out, "] "...)
	redact := redactedArgs(args)
	for i, a := range args {
		if i > 0 {
			out = append(out, ' ')
		}
		if redact[i] {
			a = []byte("(redacted)")
		}
		out = appendRepr(out, a)
	}
	return append(out, '\r', '\n')
}

// redactedArgs marks the arguments Redis 7.0 replaces by "(redacted)":
// AUTH's, HELLO's AUTH username and password, MIGRATE's AUTH/AUTH2 ones.
func redactedArgs(args [][]byte) map[int]bool {
	name := strings.ToLower(string(args[0]))
	r := map[int]bool{}
	switch name {
	case "auth":
		for i := 1; i < len(args); i++ {
			r[i] = true
		}
	case "hello":
		for i := 2; i < len(args); i++ {
			opt := strings.ToLower(string(args[i]))
			if opt == "auth" && i+2 < len(args) {
				r[i+1], r[i+2] = true, true
				i += 2
			} else if opt == "setname" && i+1 < len(args) {
				i++
			}
		}
	case "migrate":
		for i := 6; i < len(args); i++ {
			switch strings.ToLower(string(args[i])) {
			case "auth":
				if i+1 < len(args) {
					r[i+1] = true
					i++
				}
			case "auth2":
				if i+2 < len(args) {
					r[i+1], r[i+2] = true, true
					i += 2
				}
			case "keys":
				i = len(args)
			}
		}
	}
	return r
}

// appendRepr is Redis's sdscatrepr: a double-quoted string with \\, \",
// \n, \r, \t, \a, \b escaped and other non-printable bytes as \xHH.
func appendRepr(out, s []byte) []byte {
	const hex = "0123456789abcdef"
	out = append(out, '"')
	for _, c := range s {
		switch c {
		case '\\', '"':
			out = append(out, '\\', c)
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		case '\a':
			out = append(out, '\\', 'a')
		case '\b':
			out = append(out, '\\', 'b')
		default:
			if c >= 0x20 && c < 0x7f {
				out = append(out, c)
			} else {
				out = append(out, '\\', 'x', hex[c>>4], hex[c&15])
			}
		}
	}
	return append(out, '"')
}
