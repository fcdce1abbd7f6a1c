package resp

import (
	"bufio"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/quoris/quoris/raftnode"
)

// peerConn is a pooled connection from this node to another node's client
// port, marked with QUORIS.PEER so the far side never proxies it again.
type peerConn struct {
	c  net.Conn
	rd *bufio.Reader
	wr []byte
	db int
	// handshake: QUORIS.PEER goes out with the first pipeline and its +OK
	// is the first reply to read.
	handshake bool
}

// peerPool keeps idle connections per address. A proxied run of commands
// holds one connection exclusively from first write to last reply, so
// replies can never reach another client or arrive out of order.
type peerPool struct {
	local *net.TCPAddr // source address of dials: this node's own host, so partitions can be cut by address
	mu    sync.Mutex
	idle  map[string][]*peerConn
	close func()
	tls   func() *tls.Config // nil: plain TCP to peers
}

const maxIdlePerPeer = 64

func newPeerPool(self string) *peerPool {
	p := &peerPool{idle: map[string][]*peerConn{}}
	if host, _, err := net.SplitHostPort(self); err == nil {
		if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
			p.local = &net.TCPAddr{IP: ip}
		}
	}
	p.close = func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, conns := range p.idle {
			for _, pc := range conns {
				pc.c.Close()
			}
		}
		p.idle = map[string][]*peerConn{}
	}
	return p
}

// get returns an idle connection to addr or dials one. A new connection's
// QUORIS.PEER is sent but its +OK not read: the caller reads it first
// (handshake set), so dialing costs no extra round trip and a stalled peer
// is noticed by the caller's leadership-aware wait.
func (p *peerPool) get(addr string) (*peerConn, error) {
	p.mu.Lock()
	if conns := p.idle[addr]; len(conns) > 0 {
		pc := conns[len(conns)-1]
		p.idle[addr] = conns[:len(conns)-1]
		p.mu.Unlock()
		return pc, nil
	}
	p.mu.Unlock()
	d := net.Dialer{Timeout: 2 * time.Second, LocalAddr: p.local}
	c, err := dialPeer(&d, addr, p.tls)
	if err != nil {
		return nil, err
	}
	pc := &peerConn{c: c, rd: bufio.NewReaderSize(c, 32<<10), handshake: true}
	return pc, nil
}

func (p *peerPool) put(addr string, pc *peerConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idle[addr]) >= maxIdlePerPeer {
		pc.c.Close()
		return
	}
	p.idle[addr] = append(p.idle[addr], pc)
}

// proxyTimeout bounds how long a follower waits for the leader's replies;
// past it, writes are reported as uncertain (they may have been applied).
// Long before that, a wait ends when this node sees leadership move away
// from the node it is waiting for (see gaveUp).
const proxyTimeout = 30 * time.Second

// proxyPoll is how often a proxy waiting on the leader checks whether
// leadership has moved.
const proxyPoll = 50 * time.Millisecond

var errGaveUp = errors.New("leadership moved while waiting for the leader")

// proxyRun sends run's commands to the leader as one pipeline and writes
// the replies to cl in order. If nothing was sent the commands were not
// applied and are answered TRYAGAIN; once bytes may have reached the
// leader, a failure reports writes uncertain and reads retryable.
func (s *Server) proxyRun(cl *client, run []pending) {
	_, addr := s.node.Leader()
	if addr == "" || addr == s.node.RespAddr() {
		for range run {
			cl.conn.WriteError(raftnode.ErrNoLeader.Error())
		}
		return
	}
	pc, err := s.peers.get(addr)
	if err != nil {
		for range run {
			cl.conn.WriteError(raftnode.ErrNoLeader.Error())
		}
		return
	}
	s.stats.proxied.Add(int64(len(run)))
	db := cl.DB()
	pc.wr = pc.wr[:0]
	handshake := pc.handshake
	if handshake {
		pc.wr = appendCommand(pc.wr, s.peerArgs())
	}
	selected := pc.db != db
	if selected {
		pc.wr = appendCommand(pc.wr, [][]byte{[]byte("SELECT"), []byte(itoa(db))})
	}
	for _, p := range run {
		pc.wr = appendCommand(pc.wr, p.args)
	}
	if sent, err := s.writeProxied(pc, addr); err != nil {
		pc.c.Close()
		if sent == 0 {
			for range run {
				cl.conn.WriteError(raftnode.ErrNotApplied.Error())
			}
			return
		}
		s.proxyFail(cl, run, 0)
		return
	}
	for _, pre := range []bool{handshake, selected} {
		if !pre {
			continue
		}
		reply, err := s.readProxied(nil, pc, addr)
		if err != nil || (string(reply) != "+OK\r\n") {
			pc.c.Close()
			s.proxyFail(cl, run, 0)
			return
		}
	}
	pc.handshake, pc.db = false, db
	var buf []byte
	for i := range run {
		if s.isBlocking(run[i].args[0]) {
			if ok, unblocked := s.awaitBlocked(cl, pc, addr); !ok {
				// Closing the peer connection makes the leader drop the
				// wait (and give back a pop it made meanwhile).
				pc.c.Close()
				if unblocked != nil {
					cl.writeReply(run[i].args, unblocked)
					i++
				}
				s.proxyFail(cl, run, i)
				return
			}
		}
		buf, err = s.readProxied(buf[:0], pc, addr)
		if err != nil {
			pc.c.Close()
			s.proxyFail(cl, run, i)
			return
		}
		cl.writeReply(run[i].args, buf)
	}
	pc.c.SetDeadline(time.Time{})
	s.peers.put(addr, pc)
}

// gaveUp reports whether a proxy waiting on the leader at addr should stop:
// this node now sees another leader or none (a paused or lost leader is
// replaced within about an election timeout), or it is shutting down.
func (s *Server) gaveUp(addr string) bool {
	_, now := s.node.Leader()
	return now != addr || s.closing.Load()
}

// writeProxied writes pc.wr, giving up if leadership moves; it returns how
// many bytes went out.
func (s *Server) writeProxied(pc *peerConn, addr string) (int, error) {
	deadline := time.Now().Add(proxyTimeout)
	sent := 0
	for sent < len(pc.wr) {
		pc.c.SetWriteDeadline(earliest(deadline, time.Now().Add(proxyPoll)))
		n, err := pc.c.Write(pc.wr[sent:])
		sent += n
		if err == nil {
			continue
		}
		if ne, ok := err.(net.Error); !ok || !ne.Timeout() || time.Now().After(deadline) {
			return sent, err
		}
		if s.gaveUp(addr) {
			return sent, errGaveUp
		}
	}
	return sent, nil
}

// readProxied reads one reply from the leader, waiting for its first byte
// in short steps so that it gives up as soon as leadership moves.
func (s *Server) readProxied(dst []byte, pc *peerConn, addr string) ([]byte, error) {
	deadline := time.Now().Add(proxyTimeout)
	for {
		pc.c.SetReadDeadline(earliest(deadline, time.Now().Add(proxyPoll)))
		_, err := pc.rd.Peek(1)
		if err == nil {
			break
		}
		if ne, ok := err.(net.Error); !ok || !ne.Timeout() || time.Now().After(deadline) {
			return dst, err
		}
		if s.gaveUp(addr) {
			return dst, errGaveUp
		}
	}
	pc.c.SetReadDeadline(deadline)
	return appendReply(dst, pc.rd)
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (s *Server) proxyFail(cl *client, run []pending, from int) {
	for _, p := range run[from:] {
		if c := s.table.Lookup(p.args[0]); c != nil && c.NeedsLog(s.fsm, p.args) {
			s.stats.uncertain.Add(1)
			cl.conn.WriteError(raftnode.ErrUncertain.Error())
		} else {
			cl.conn.WriteError(raftnode.ErrReadUnavailable.Error())
		}
	}
}

func (s *Server) isBlocking(name []byte) bool {
	c := s.table.Lookup(name)
	return c != nil && c.Has("blocking")
}

// awaitBlocked waits for the first byte of a blocking command's reply for
// as long as the command blocks on the leader, giving up if the leader
// changes, this node shuts down, or the client leaves (closing the peer
// connection then tells the leader to stop, and to give back a pop it made).
// CLIENT UNBLOCK on this node ends the wait with the reply it asks for.
func (s *Server) awaitBlocked(cl *client, pc *peerConn, addr string) (bool, []byte) {
	ub := cl.enterBlock()
	defer cl.leaveBlock()
	for {
		pc.c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		_, err := pc.rd.Peek(1)
		if err == nil {
			pc.c.SetDeadline(time.Now().Add(proxyTimeout))
			return true, nil
		}
		if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
			return false, nil
		}
		select {
		case asErr := <-ub:
			return false, unblockedReply(asErr)
		default:
		}
		if _, now := s.node.Leader(); now != addr || s.closing.Load() || connGone(cl) {
			return false, nil
		}
	}
}
