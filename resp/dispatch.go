package resp

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// serveRESP handles one command and everything pipelined behind it. Writes
// are proposed to raft back to back and their replies collected in order
// afterwards, so a pipeline shares raft batches and fsyncs instead of paying
// one round trip per command.
func (s *Server) serveRESP(conn redcon.Conn, cmd redcon.Command) {
	cl, _ := conn.Context().(*client)
	if cl == nil {
		return
	}
	s.inflight.Add(1)
	defer s.inflight.Done()
	cmds := append(cl.cmdBuf[:0], cmd)
	cmds = append(cmds, conn.ReadPipeline()...)
	cl.lastActive.Store(time.Now().UnixMilli())
	cl.busy.Store(true) // never idle while a command runs (or blocks)
	defer func() {
		cl.lastActive.Store(time.Now().UnixMilli())
		cl.busy.Store(false)
	}()
	readsBarriered := false
	for i := range cmds {
		args := cmds[i].Args
		s.stats.cmds.Add(1)
		start := time.Now()
		if i > 0 {
			cl.consumed.Add(int64(len(cmds[i-1].Raw))) // qbuf counts the running command
		}
		cl.argvMem.Store(argvBytes(args))
		if cl.reply.skipNext || cl.reply.skipping {
			s.replyGate(cl)
		}
		if s.closing.Load() {
			s.flush(cl)
			conn.WriteError(errShuttingDown.Error())
			continue
		}
		if msg := s.subscribedErr(cl, args); msg != "" {
			s.flush(cl)
			s.rejected(nil, "ERR")
			conn.WriteError(msg)
			continue
		}
		if msg := s.authGate(cl, args); msg != "" {
			s.flush(cl)
			s.rejected(nil, "ERR")
			conn.WriteError(msg)
			continue
		}
		if (cl.monitor || s.pause.on.Load()) && !s.gate(cl, args) {
			continue
		}
		s.trackCommand(cl, args)
		if cl.tx.active {
			if lc := s.lookupLocal(args[0]); lc == nil || !txControl(lc.Name) {
				readsBarriered = false
				s.flush(cl)
				cl.buf = s.queue(cl, args, cl.buf[:0])
				conn.WriteRaw(cl.buf)
				cl.multiLen.Store(int32(len(cl.tx.queue)))
				cl.multiMem.Add(argvBytes(args))
				continue
			}
		}
		if lc := s.lookupLocal(args[0]); lc != nil {
			readsBarriered = false
			s.flush(cl)
			if !lc.ArityOK(len(args)) {
				s.rejected(s.ops.stat(lc.Name), arityErr(lc.Name))
				conn.WriteError(arityErr(lc.Name))
				continue
			}
			cl.setLast(lc.Name)
			txq := s.execQueue(cl, lc)
			cl.buf = lc.run(s, cl, args, cl.buf[:0])
			cl.writeReply(args, cl.buf)
			if s.mon.n.Load() != 0 {
				s.feedLocal(cl, lc, args, txq, cl.buf)
			}
			name := cl.last()
			s.afterLocal(name, cl.buf) // first: a new slow log threshold applies to this CONFIG SET
			s.called(s.ops.stat(name), cl, args, start, cl.buf)
			if lc.Name == "quit" {
				s.flush(cl)
				conn.Close()
				return
			}
			continue
		}
		c := s.table.Lookup(args[0])
		if c == nil {
			s.flush(cl)
			s.rejected(nil, "ERR")
			conn.WriteError(unknownErr(args))
			continue
		}
		st := s.ops.stat(c.Name)
		if !c.ArityOK(len(args)) {
			s.flush(cl)
			s.rejected(st, "ERR")
			conn.WriteError(arityErr(c.Name))
			continue
		}
		cl.setLast(c.Name)
		if s.mon.n.Load() != 0 {
			s.feedData(cl, c, args)
		}
		if reply, ok := s.scriptControl(args); ok {
			readsBarriered = false
			s.flush(cl)
			conn.WriteRaw(reply)
			continue
		}
		args, c = s.scriptCommand(cl, c, args)
		db := cl.DB()
		writes := c.NeedsLog(s.fsm, args)
		switch {
		case !writes && !cl.readonly && cl.writesPending() && s.node.IsLeader():
			// A read behind this pipeline's writes goes into the log
			// after them (usually in their batch) instead of waiting for
			// their commit and a read barrier: see resp/DESIGN.md.
			cl.pending = append(cl.pending, pending{tk: s.node.SubmitRead(db, s.node.Now(), args), args: args, read: true, st: st, start: start})
		case !writes && (cl.readonly || s.node.IsLeader()):
			s.flush(cl)
			if !cl.readonly && !readsBarriered {
				if err := s.node.ReadBarrier(context.Background()); err != nil {
					conn.WriteError(s.routeErr(err, c, args))
					continue
				}
				readsBarriered = true
			}
			s.cacheEvalScript(c, args)
			var ok bool
			if cl.buf, ok = s.fsm.TryRead(db, s.node.Now(), args, cl.buf[:0]); !ok {
				// Routed before the barrier applied what makes it a
				// write (the SCRIPT LOAD of an EVALSHA): propose it.
				readsBarriered = false
				if s.node.IsLeader() {
					cl.pending = append(cl.pending, pending{tk: s.submit(cl, db, args), args: args, st: st, start: start})
				} else {
					s.forward(cl, c, args)
				}
				continue
			}
			cl.writeReply(args, cl.buf)
			s.called(st, cl, args, start, cl.buf)
		case writes && s.node.IsLeader() && fsm.StreamBlocks(c, args):
			readsBarriered = false
			s.flush(cl)
			cl.blocked.Store(true)
			reply := s.block(cl, c, args, db)
			cl.blocked.Store(false)
			if reply != nil {
				cl.writeReply(args, reply)
			}
			// Time spent waiting for data is not execution time: Redis
			// leaves it out of the slow log and latency figures too.
			s.called(st, cl, nil, time.Now(), reply)
		case writes && s.node.IsLeader():
			readsBarriered = false
			cl.pending = append(cl.pending, pending{tk: s.submit(cl, db, args), args: args, st: st, start: start})
		default:
			readsBarriered = false
			s.forward(cl, c, args)
		}
	}
	s.flush(cl)
	cl.consumed.Add(int64(len(cmds[len(cmds)-1].Raw)))
	cl.argvMem.Store(0)
	cl.outMem.Store(int64(cap(cl.buf)))
	cl.readonlyFlag.Store(cl.readonly)
	if !cl.tx.active {
		cl.multiLen.Store(-1)
		cl.multiMem.Store(0)
	} else {
		cl.multiLen.Store(int32(len(cl.tx.queue)))
	}
	clear(cmds)
	cl.cmdBuf = cmds[:0]
}

// forward sends a command to the leader (proxy mode) or answers MOVED.
func (s *Server) forward(cl *client, c *fsm.Command, args [][]byte) {
	if cl.peer {
		// A proxying follower thought we lead; we don't. Say so rather
		// than proxy again, which could loop between two confused nodes.
		s.flush(cl)
		cl.conn.WriteError(raftnode.ErrNotApplied.Error())
		return
	}
	_, addr := s.node.Leader()
	if addr == "" {
		s.flush(cl)
		cl.conn.WriteError(raftnode.ErrNoLeader.Error())
		return
	}
	if s.opts.FollowerMode == "redirect" {
		s.flush(cl)
		uc, uargs := s.unwrapScript(c, args)
		cl.conn.WriteError(movedErr(uc, uargs, addr))
		return
	}
	cl.pending = append(cl.pending, pending{args: args, err: errProxy})
	cl.proxyPending = true
}

var errProxy = errors.New("proxy")

// flush writes every pending reply in order: raft futures are awaited,
// and runs of proxied commands are sent to the leader as one pipeline.
func (s *Server) flush(cl *client) {
	p := cl.pending
	for i := 0; i < len(p); {
		switch {
		case p[i].err == errProxy:
			j := i
			for j < len(p) && p[j].err == errProxy {
				j++
			}
			s.proxyRun(cl, p[i:j])
			i = j
			continue
		case p[i].tk.Valid():
			reply, err := p[i].tk.Result()
			switch {
			case errors.Is(err, raftnode.ErrNotLeader):
				// Raft refused it before logging: nothing applied, so it
				// is safe to send it to whoever leads now.
				if _, addr := s.node.Leader(); addr != "" && s.opts.FollowerMode != "redirect" && !cl.peer {
					s.proxyRun(cl, []pending{{args: p[i].args, err: errProxy}})
				} else {
					cl.conn.WriteError(raftnode.ErrNotApplied.Error())
				}
			case p[i].read && err != nil:
				// A read changes nothing: whatever happened to its batch,
				// it can simply be retried.
				cl.conn.WriteError(raftnode.ErrReadUnavailable.Error())
			case errors.Is(err, raftnode.ErrUncertain):
				s.stats.uncertain.Add(1)
				s.ops.recordError([]byte(err.Error()))
				cl.conn.WriteError(err.Error())
			case err != nil:
				s.ops.recordError([]byte(err.Error()))
				cl.conn.WriteError(err.Error())
			default:
				cl.writeReply(p[i].args, reply)
			}
			s.called(p[i].st, cl, p[i].args, p[i].start, reply)
		default:
			cl.writeReply(p[i].args, p[i].reply)
		}
		i++
	}
	clear(p)
	cl.pending = p[:0]
	cl.proxyPending = false
}

// routeErr turns a read-barrier failure into a reply. If leadership moved
// away the read can simply be retried elsewhere; we say so.
func (s *Server) routeErr(err error, c *fsm.Command, args [][]byte) string {
	if errors.Is(err, raftnode.ErrNotLeader) {
		if _, addr := s.node.Leader(); addr != "" && s.opts.FollowerMode == "redirect" {
			return movedErr(c, args, addr)
		}
		return raftnode.ErrNotApplied.Error()
	}
	return err.Error()
}

func movedErr(c *fsm.Command, args [][]byte, addr string) string {
	slot := 0
	if keys := c.KeyArgs(args); len(keys) > 0 {
		slot = keySlot(keys[0])
	}
	return "MOVED " + strconv.Itoa(slot) + " " + addr
}

func arityErr(name string) string {
	return "ERR wrong number of arguments for '" + name + "' command"
}

// unknownErr builds Redis 7.0's text: the name cut at 128 bytes, then the
// arguments quoted until the list reaches 128 bytes, each cut to what is left.
// C string formatting stops at a NUL byte, and newlines become spaces.
func unknownErr(args [][]byte) string {
	var list []byte
	for _, a := range args[1:] {
		if len(list) >= 128 {
			break
		}
		list = append(list, '\'')
		list = append(list, cstr(a, 128-len(list)+1)...)
		list = append(list, '\'', ' ')
	}
	msg := "ERR unknown command '" + string(cstr(args[0], 128)) + "', with args beginning with: " + string(list)
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(msg)
}

// cstr is b as C's "%.*s" prints it: up to max bytes, stopping at a NUL.
func cstr(b []byte, max int) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if max < 0 {
		max = 0
	}
	if len(b) > max {
		b = b[:max]
	}
	return b
}

func (c *client) setLast(name string) {
	c.mu.Lock()
	c.lastCmd = name
	c.mu.Unlock()
}

// sanitize is an argument echoed in an error: C-string cut at max bytes,
// with CR and LF as spaces (an error reply is a single line). Bytes are kept
// as they are, valid UTF-8 or not, as Redis does.
func sanitize(b []byte, max int) string {
	out := []byte(string(cstr(b, max)))
	for i, ch := range out {
		if ch == '\r' || ch == '\n' {
			out[i] = ' '
		}
	}
	return string(out)
}
