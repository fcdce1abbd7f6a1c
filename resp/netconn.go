package resp

import (
	"errors"
	"github.com/quoris/quoris/raftnode"
	"io"
	"net"
	"strconv"
	"sync"

	"github.com/tidwall/redcon"
)

// The accept loop and per-connection loop replace redcon's server so that
// requests are parsed by Reader (Redis's parser and protocol errors). A
// connection still implements redcon.Conn, so handlers are unchanged:
// serveRESP gets one command, takes the rest of what was read with
// ReadPipeline, and its replies are written when it returns.

// netConn is one client connection.
type netConn struct {
	conn     net.Conn
	rd       *Reader
	wr       *redcon.Writer
	addr     string
	ctx      any
	cmds     []redcon.Command
	closed   bool
	detached bool
	// wmu serializes the command loop's replies with pub/sub messages
	// pushed between them (pushWith): held from a batch of requests being
	// read until its replies are flushed.
	wmu     sync.Mutex
	pushBuf []byte
	// mute drops replies and pushes (CLIENT REPLY OFF/SKIP); changed
	// and read under wmu.
	mute bool
}

func (c *netConn) setMute(on bool) { c.mute = on }

// flushOut sends the replies written so far (the command loop holds wmu).
func (c *netConn) flushOut() { _ = c.wr.Flush() }

// pushWith writes what fill appends (queued pub/sub frames) and flushes,
// between two batches of the command loop. fill runs under the write lock
// so a reply written meanwhile cannot overtake frames it took.
func (c *netConn) pushWith(fill func([]byte) []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed || c.detached {
		return net.ErrClosed
	}
	c.pushBuf = fill(c.pushBuf[:0])
	if len(c.pushBuf) == 0 || c.mute {
		return nil
	}
	c.wr.WriteRaw(c.pushBuf)
	err := c.wr.Flush()
	if cap(c.pushBuf) > 64<<10 {
		c.pushBuf = nil
	}
	return err
}

var _ redcon.Conn = (*netConn)(nil)

func (c *netConn) RemoteAddr() string { return c.addr }
func (c *netConn) Context() any       { return c.ctx }
func (c *netConn) SetContext(v any)   { c.ctx = v }
func (c *netConn) SetReadBuffer(int)  {}
func (c *netConn) WriteError(msg string) {
	if !c.mute {
		c.wr.WriteError(msg)
	}
}
func (c *netConn) WriteString(str string) {
	if !c.mute {
		c.wr.WriteString(str)
	}
}
func (c *netConn) WriteBulk(bulk []byte) {
	if !c.mute {
		c.wr.WriteBulk(bulk)
	}
}
func (c *netConn) WriteBulkString(bulk string) {
	if !c.mute {
		c.wr.WriteBulkString(bulk)
	}
}
func (c *netConn) WriteInt(num int) {
	if !c.mute {
		c.wr.WriteInt(num)
	}
}
func (c *netConn) WriteInt64(num int64) {
	if !c.mute {
		c.wr.WriteInt64(num)
	}
}
func (c *netConn) WriteUint64(num uint64) {
	if !c.mute {
		c.wr.WriteUint64(num)
	}
}
func (c *netConn) WriteArray(count int) {
	if !c.mute {
		c.wr.WriteArray(count)
	}
}
func (c *netConn) WriteNull() {
	if !c.mute {
		c.wr.WriteNull()
	}
}
func (c *netConn) WriteRaw(data []byte) {
	if !c.mute {
		c.wr.WriteRaw(data)
	}
}
func (c *netConn) WriteAny(v any) {
	if !c.mute {
		c.wr.WriteAny(v)
	}
}
func (c *netConn) NetConn() net.Conn { return c.conn }
func (c *netConn) PeekPipeline() []redcon.Command {
	return c.cmds
}

func (c *netConn) WriteBulkFrom(n int64, rb io.Reader) { c.wr.WriteBulkFrom(n, rb) }

// ReadPipeline returns and removes the commands read with the current one.
func (c *netConn) ReadPipeline() []redcon.Command {
	cmds := c.cmds
	c.cmds = nil
	return cmds
}

// Close flushes the replies written so far; the loop then closes the socket.
func (c *netConn) Close() error {
	c.closed = true
	return c.wr.Flush()
}

// Detach hands the connection to the caller, who reads and flushes it
// from then on; the server loop stops serving it.
func (c *netConn) Detach() redcon.DetachedConn {
	c.detached = true
	cmds := c.cmds
	c.cmds = nil
	return &detachedConn{netConn: c, queued: cmds}
}

type detachedConn struct {
	*netConn
	queued []redcon.Command
}

func (d *detachedConn) Flush() error { return d.wr.Flush() }

func (d *detachedConn) Close() error {
	d.closed = true
	_ = d.wr.Flush()
	return d.conn.Close()
}

func (d *detachedConn) ReadCommand() (redcon.Command, error) {
	for len(d.queued) == 0 {
		cmds, err := d.rd.ReadCommands()
		if err != nil {
			return redcon.Command{}, err
		}
		d.queued = cmds
	}
	cmd := d.queued[0]
	d.queued = d.queued[1:]
	if cmd.Args == nil { // over MaxRequest, as in connServer.loop
		d.wr.WriteError(raftnode.CommandTooLarge(d.rd.MaxRequest).Error())
		return d.ReadCommand()
	}
	return cmd, nil
}

// connServer accepts connections and runs each one's loop.
type connServer struct {
	handler func(redcon.Conn, redcon.Command)
	accept  func(redcon.Conn) bool
	closed  func(redcon.Conn, error)
	maxBulk func() int64
	// maxRequest bounds a request's bytes (0: none): max-entry-size; a
	// larger one is dropped as it is read.
	maxRequest int64
	// queryLimit is client-query-buffer-limit; outputOver reports whether
	// a client's pending replies break client-output-buffer-limit.
	queryLimit func() int64
	outputOver func(c *netConn) bool

	mu    sync.Mutex
	conns map[*netConn]struct{}
	done  bool
}

func (s *connServer) serve(ln net.Listener) error {
	defer func() {
		s.mu.Lock()
		s.done = true
		for c := range s.conns {
			c.conn.Close()
		}
		s.conns = nil
		s.mu.Unlock()
	}()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		c := &netConn{conn: nc, addr: nc.RemoteAddr().String(), wr: redcon.NewWriter(nc), rd: NewReader(nc, s.maxBulk)}
		c.rd.MaxRequest = s.maxRequest
		c.rd.QueryLimit = s.queryLimit
		s.mu.Lock()
		if s.done {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		if s.conns == nil {
			s.conns = map[*netConn]struct{}{}
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		if s.accept != nil && !s.accept(c) {
			s.forget(c)
			nc.Close()
			continue
		}
		go s.handle(c)
	}
}

func (s *connServer) forget(c *netConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// handle serves one connection: every request read in one go is handed to
// the handler as one pipeline, then the replies are flushed. A protocol
// error is answered after the requests before it, and closes the connection.
func (s *connServer) handle(c *netConn) {
	err := s.loop(c)
	if !c.detached {
		c.conn.Close()
	}
	s.forget(c)
	if s.closed != nil {
		if errors.Is(err, io.EOF) {
			err = nil
		}
		s.closed(c, err)
	}
}

func (s *connServer) loop(c *netConn) error {
	for {
		cmds, err := c.rd.ReadCommands()
		if err != nil {
			var pe *ProtocolError
			if errors.As(err, &pe) {
				c.wmu.Lock()
				c.wr.WriteError("ERR " + pe.Error())
				_ = c.wr.Flush()
				c.wmu.Unlock()
			}
			return err
		}
		c.wmu.Lock()
		c.cmds = cmds
		for len(c.cmds) > 0 && !c.closed && !c.detached {
			cmd := c.cmds[0]
			c.cmds = c.cmds[1:]
			if cmd.Args == nil {
				// Over the reader's MaxRequest: dropped unread.
				c.wr.WriteError(raftnode.CommandTooLarge(s.maxRequest).Error())
				continue
			}
			s.handler(c, cmd)
			if s.outputOver != nil && !c.detached && s.outputOver(c) {
				c.wmu.Unlock()
				return errOutputBufferLimit
			}
		}
		if c.detached || c.closed {
			c.wmu.Unlock()
			return nil
		}
		err = c.wr.Flush()
		c.wmu.Unlock()
		if err != nil {
			return err
		}
	}
}

// parseBulkLimit reads proto-max-bulk-len as CONFIG holds it ("512mb",
// "536870912"); anything unreadable keeps Redis's default.
func parseBulkLimit(v string) int64 {
	mult := int64(1)
	lower := []byte(v)
	for i, ch := range lower {
		if ch >= 'A' && ch <= 'Z' {
			lower[i] = ch + 32
		}
	}
	s := string(lower)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"g", 1e9}, {"m", 1e6}, {"k", 1e3}, {"b", 1}} {
		if len(s) > len(u.suffix) && s[len(s)-len(u.suffix):] == u.suffix {
			s, mult = s[:len(s)-len(u.suffix)], u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return defaultProtoMaxBulkLen
	}
	return n * mult
}
