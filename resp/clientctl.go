package resp

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"
)

// Connection control: CLIENT REPLY, CLIENT PAUSE/UNPAUSE and CLIENT
// UNBLOCK. All of it is node-local: a pause holds the clients connected to
// the node that received it (not what followers proxy to it: peers are
// never paused, as Redis never pauses its replicas), and UNBLOCK reaches
// the clients of this node.

const errUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK"

// replyCtl is CLIENT REPLY's state. It belongs to the connection's
// goroutine. Replies are dropped by muting the connection's writer; the
// mute state only changes when nothing is pending, so a reply written
// later by flush is muted or not as its own command was.
type replyCtl struct {
	off      bool // CLIENT REPLY OFF
	skipNext bool // CLIENT REPLY SKIP ran: mute the next command
	skipping bool // the running command's reply is being skipped
}

// muter is the connection side that can drop replies (netConn).
type muter interface{ setMute(bool) }

func setMute(cl *client, on bool) {
	if m, ok := cl.conn.(muter); ok {
		m.setMute(on)
	}
}

// replyGate runs before each command of a client with a SKIP in effect:
// replies already pending go out (or not) under the old state, then the
// state for this command applies.
func (s *Server) replyGate(cl *client) {
	r := &cl.reply
	switch {
	case r.skipNext:
		s.flush(cl)
		setMute(cl, true)
		r.skipNext, r.skipping = false, true
	case r.skipping:
		s.flush(cl)
		setMute(cl, r.off)
		r.skipping = false
	}
}

func clientReply(s *Server, cl *client, args [][]byte, out []byte) []byte {
	r := &cl.reply
	switch strings.ToLower(string(args[2])) {
	case "on":
		*r = replyCtl{}
		setMute(cl, false)
		return redcon.AppendOK(out)
	case "off":
		r.off = true
		setMute(cl, true)
		return redcon.AppendOK(out)
	case "skip":
		// Redis answers nothing, and ignores SKIP while OFF.
		if !r.off {
			r.skipNext = true
		}
		return out
	}
	return appendSyntaxErr(out)
}

// resetReply is RESET's part: replies back on.
func resetReply(cl *client) {
	cl.reply = replyCtl{}
	setMute(cl, false)
}

// pauseState is CLIENT PAUSE's: a later pause replaces the mode and keeps
// the later end, as Redis 7.0's pauseClients does.
type pauseState struct {
	on      atomic.Bool // a pause is set (maybe expired): the command path's only check
	mu      sync.Mutex
	all     bool
	end     time.Time
	changed chan struct{} // closed when the pause is replaced or lifted
}

func (p *pauseState) set(end time.Time, all bool) {
	p.mu.Lock()
	if !p.on.Load() || end.After(p.end) {
		p.end = end
	}
	p.all = all
	if p.changed != nil {
		close(p.changed)
	}
	p.changed = make(chan struct{})
	p.on.Store(true)
	p.mu.Unlock()
}

func (p *pauseState) lift() {
	p.mu.Lock()
	p.on.Store(false)
	if p.changed != nil {
		close(p.changed)
		p.changed = nil
	}
	p.mu.Unlock()
}

// holds reports whether a command must wait now, with when the pause ends
// and a channel closed when it changes.
func (p *pauseState) holds(write bool) (bool, time.Time, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.on.Load() {
		return false, time.Time{}, nil
	}
	if !time.Now().Before(p.end) {
		p.on.Store(false)
		return false, time.Time{}, nil
	}
	return p.all || write, p.end, p.changed
}

func clientPause(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) > 4 {
		return appendErrStr(out, "ERR unknown subcommand or wrong number of arguments for '"+sanitize(args[1], 128)+"'. Try CLIENT HELP.")
	}
	ms, err := strconv.ParseInt(string(args[2]), 10, 64)
	if err != nil {
		return appendErrStr(out, "ERR timeout is not an integer or out of range")
	}
	if ms < 0 {
		return appendErrStr(out, "ERR timeout is negative")
	}
	all := true
	if len(args) == 4 {
		switch strings.ToLower(string(args[3])) {
		case "write":
			all = false
		case "all":
		default:
			return appendErrStr(out, "ERR CLIENT PAUSE mode must be WRITE or ALL")
		}
	}
	s.pause.set(time.Now().Add(time.Duration(ms)*time.Millisecond), all)
	return redcon.AppendOK(out)
}

// pausedWrite is Redis's test for WRITE pauses: a write command, one that
// may replicate (EVAL, PUBLISH, PFCOUNT ...), or an EXEC that queued one.
func (s *Server) pausedWrite(cl *client, args [][]byte) bool {
	if lc := s.lookupLocal(args[0]); lc != nil {
		if lc.Name != "exec" || !cl.tx.active {
			return lc.Has("write") || mayReplicate[lc.Name]
		}
		for _, q := range cl.tx.queue {
			if q.local == nil && s.pausedWrite(cl, q.args) {
				return true
			}
		}
		return false
	}
	c := s.table.Lookup(args[0])
	return c != nil && (c.Has("write") || mayReplicate[c.Name])
}

// gate runs before a command of a monitoring client or while a pause is
// set. It answers false when the command was answered here (refused, or
// unblocked with an error while paused).
func (s *Server) gate(cl *client, args [][]byte) bool {
	if cl.monitor {
		if msg := s.monitorRefuses(args); msg != "" {
			s.flush(cl)
			s.rejected(nil, "ERR")
			cl.conn.WriteError(msg)
			return false
		}
		return true // monitors are never paused, like Redis's replicas
	}
	if !s.pause.on.Load() || cl.peer {
		return true
	}
	// Unknown commands and wrong arities are refused before the pause.
	var ok bool
	if lc := s.lookupLocal(args[0]); lc != nil {
		ok = lc.ArityOK(len(args))
	} else if c := s.table.Lookup(args[0]); c != nil {
		ok = c.ArityOK(len(args))
	}
	if !ok {
		return true
	}
	write := s.pausedWrite(cl, args)
	hold, _, _ := s.pause.holds(write)
	if !hold {
		return true
	}
	s.flush(cl)
	flushOut(cl)
	ub := cl.enterBlock()
	defer cl.leaveBlock()
	for {
		hold, end, changed := s.pause.holds(write)
		if !hold {
			return true
		}
		t := time.NewTimer(min(time.Until(end), 100*time.Millisecond))
		select {
		case asErr := <-ub:
			t.Stop()
			if asErr {
				cl.conn.WriteError(errUnblocked)
				return false
			}
			return true
		case <-changed:
		case <-t.C:
		}
		t.Stop()
		if connGone(cl) {
			return false // nobody to run it for, as Redis frees the client
		}
		if s.closing.Load() {
			cl.conn.WriteError(errShuttingDown.Error())
			return false
		}
	}
}

// flushOut sends the replies written so far to the socket: before a
// client waits, the replies of the commands pipelined ahead of the wait
// go out, as Redis writes them before blocking a client. (A follower's
// peer connection needs it too: its QUORIS.PEER +OK must reach the
// follower before the blocking command behind it waits.)
func flushOut(cl *client) {
	if f, ok := cl.conn.(interface{ flushOut() }); ok {
		f.flushOut()
	}
}

// enterBlock marks the client blocked in a wait CLIENT UNBLOCK may end;
// the channel receives true for UNBLOCK ... ERROR, false for TIMEOUT.
func (c *client) enterBlock() chan bool {
	ch := make(chan bool, 1)
	c.blockMu.Lock()
	c.unblockCh = ch
	c.blockMu.Unlock()
	c.blocked.Store(true)
	return ch
}

func (c *client) leaveBlock() {
	c.blockMu.Lock()
	c.unblockCh = nil
	c.blockMu.Unlock()
	c.blocked.Store(false)
}

// unblock ends the client's wait, once: a second UNBLOCK finds it free.
func (c *client) unblock(asErr bool) bool {
	c.blockMu.Lock()
	defer c.blockMu.Unlock()
	if c.unblockCh == nil {
		return false
	}
	c.unblockCh <- asErr
	c.unblockCh = nil
	return true
}

func clientUnblock(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) > 4 {
		return appendErrStr(out, "ERR unknown subcommand or wrong number of arguments for '"+sanitize(args[1], 128)+"'. Try CLIENT HELP.")
	}
	id, err := strconv.ParseInt(string(args[2]), 10, 64)
	if err != nil {
		return appendErrStr(out, "ERR value is not an integer or out of range")
	}
	asErr := false
	if len(args) == 4 {
		switch strings.ToLower(string(args[3])) {
		case "timeout":
		case "error":
			asErr = true
		default:
			return appendErrStr(out, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
		}
	}
	s.mu.Lock()
	target := s.clients[id]
	s.mu.Unlock()
	if target != nil && target.unblock(asErr) {
		return redcon.AppendInt(out, 1)
	}
	return redcon.AppendInt(out, 0)
}
