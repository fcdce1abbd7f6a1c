package resp

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Client limits, as Redis 7.0 applies them: client-output-buffer-limit
// (normal and pubsub classes; replicas do not exist here),
// client-query-buffer-limit and tcp-keepalive. They are node-local
// settings, cached at start, on CONFIG SET and every sampling tick, and
// not replicated state.

// outputLimit is one class of client-output-buffer-limit. A client is
// disconnected when its pending output reaches hard, or has stayed at or
// over soft for more than softSecs seconds (Redis's
// checkClientOutputBufferLimits). Zero disables a limit.
type outputLimit struct {
	hard, soft, softSecs int64
}

// clientLimits are the limits in force, shared by every connection.
type clientLimits struct {
	normal, pubsub outputLimit
	query          int64 // client-query-buffer-limit
	keepalive      int   // tcp-keepalive, seconds; 0: off
}

// Redis 7.0's defaults, used until the configuration says otherwise.
var defaultClientLimits = clientLimits{
	pubsub:    outputLimit{hard: 32 << 20, soft: 8 << 20, softSecs: 60},
	query:     1 << 30,
	keepalive: 300,
}

// errQueryBufferLimit closes a client whose pending request passed
// client-query-buffer-limit. Redis closes it without a reply.
var errQueryBufferLimit = errors.New("closing client that reached max query buffer length")

// parseOutputLimits reads client-output-buffer-limit's value
// ("normal 0 0 0 slave ... pubsub 33554432 8388608 60").
func parseOutputLimits(v string, into *clientLimits) {
	f := strings.Fields(v)
	for i := 0; i+3 < len(f); i += 4 {
		secs, _ := strconv.ParseInt(f[i+3], 10, 64)
		l := outputLimit{hard: parseBulkLimit(f[i+1]), soft: parseBulkLimit(f[i+2]), softSecs: secs}
		switch strings.ToLower(f[i]) {
		case "normal":
			into.normal = l
		case "pubsub":
			into.pubsub = l
		}
	}
}

// refreshLimits reads the limits from the node's configuration.
func (s *Server) refreshLimits(owned map[string]string) {
	l := defaultClientLimits
	if v := s.configValueIn("client-output-buffer-limit", owned); v != "" {
		parseOutputLimits(v, &l)
	}
	if v := s.configValueIn("client-query-buffer-limit", owned); v != "" {
		l.query = parseBulkLimit(v)
	}
	if v := s.configValueIn("tcp-keepalive", owned); v != "" {
		l.keepalive, _ = strconv.Atoi(v)
	}
	s.limits.Store(&l)
}

// clientLimits returns the limits in force.
func (s *Server) clientLimits() *clientLimits {
	if l := s.limits.Load(); l != nil {
		return l
	}
	return &defaultClientLimits
}

// replyStaticBuf is Redis's per-client static reply buffer
// (PROTO_REPLY_CHUNK_BYTES): output that fits in it is not counted against
// client-output-buffer-limit, so a tiny limit never cuts a short reply.
const replyStaticBuf = 16 << 10

// counted is the part of pending output bytes the limit applies to.
func counted(pending int) int64 { return int64(max(pending-replyStaticBuf, 0)) }

// outputTracker applies an outputLimit to one client's pending output.
type outputTracker struct {
	softSince atomic.Int64 // unix seconds the soft limit was first reached; 0: under it
}

// over reports whether used bytes of pending output break l at now (unix
// seconds). Like Redis: hard at or over the bytes; soft once the output
// has stayed at or over it for more than softSecs seconds.
func (t *outputTracker) over(l outputLimit, used, now int64) bool {
	if l.hard > 0 && used >= l.hard {
		return true
	}
	if l.soft == 0 || used < l.soft {
		t.softSince.Store(0)
		return false
	}
	since := t.softSince.Load()
	if since == 0 {
		t.softSince.Store(now)
		return false
	}
	return now-since > l.softSecs
}

// setKeepAlive applies tcp-keepalive to an accepted connection, as Redis
// does (anetKeepAlive): probes after secs idle, 0 turns them off.
func setKeepAlive(c net.Conn, secs int) {
	for {
		switch cc := c.(type) {
		case *net.TCPConn:
			if secs <= 0 {
				_ = cc.SetKeepAlive(false)
				return
			}
			_ = cc.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: time.Duration(secs) * time.Second,
				// Redis: interval idle/3, 3 probes.
				Interval: time.Duration(max(secs/3, 1)) * time.Second, Count: 3})
			return
		case interface{ Unwrap() net.Conn }:
			c = cc.Unwrap()
		case interface{ NetConn() net.Conn }: // *tls.Conn on the TLS port
			c = cc.NetConn()
		default:
			return
		}
	}
}

// errOutputBufferLimit closes a client whose pending replies passed
// client-output-buffer-limit normal.
var errOutputBufferLimit = errors.New("client output buffer limit reached")

// outputOver applies client-output-buffer-limit to the replies c has
// pending (pubsub class once it subscribed: its messages are checked as
// they are queued).
func (s *Server) outputOver(c *netConn) bool {
	cl, ok := c.Context().(*client)
	if !ok {
		return false
	}
	l := s.clientLimits().normal
	if cl.ps.active() {
		l = s.clientLimits().pubsub
	}
	if l.hard == 0 && l.soft == 0 {
		return false
	}
	return cl.out.over(l, counted(len(c.wr.Buffer())), time.Now().Unix())
}

// Unwrap exposes the TCP connection (setKeepAlive).
func (c *countConn) Unwrap() net.Conn { return c.Conn }
