package resp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// TLS on the client side (see docs/security.md):
//   - Options.TLSAddr opens a second listener whose connections are TLS;
//     both are served by the same connServer, so a TLS client is an
//     ordinary client once its handshake is done (lazily, on first read, in
//     the connection's own goroutine).
//   - Options.PeerTLS makes this node's own connections to other nodes'
//     client ports (proxy, health, join) TLS with the node certificate; the
//     addresses the cluster advertises are then TLS ports.
//   - A RAFT JOIN is admitted by a peer certificate of the cluster CA (when
//     PeerTLS) or a MAC made with cluster-secret; with neither configured,
//     joins are open as before.

// peerHandshakeTimeout bounds a TLS handshake with another node.
const peerHandshakeTimeout = 5 * time.Second

// joinMaxSkew is how far a join request's timestamp may be from this
// node's clock: a recorded request cannot be replayed after that.
const joinMaxSkew = 5 * time.Minute

var errJoinRefused = errors.New("ERR join refused: this cluster admits only nodes with a certificate signed by its CA (tls-cluster) or the cluster secret (cluster-secret)")

// listenTLS binds the TLS client port, if one is configured.
func (s *Server) listenTLS() error {
	if s.opts.TLSAddr == "" {
		return nil
	}
	if s.opts.TLS == nil {
		return errors.New("tls-port needs tls-cert-file, tls-key-file and tls-ca-cert-file")
	}
	ln, err := net.Listen("tcp", s.opts.TLSAddr)
	if err != nil {
		return err
	}
	s.tlsLn = newDrainListener(countListener{tls.NewListener(ln, s.opts.TLS.ServerConfig()), s.ops})
	return nil
}

// TLSAddr is the bound TLS client address, nil without one.
func (s *Server) TLSAddr() net.Addr {
	if s.tlsLn == nil {
		return nil
	}
	return s.tlsLn.Addr()
}

func (s *Server) listeners() []*drainListener {
	var out []*drainListener
	for _, l := range []*drainListener{s.ln, s.tlsLn} {
		if l != nil {
			out = append(out, l)
		}
	}
	return out
}

// serveAll accepts on every listener until Close; the first failure of
// one is returned.
func (s *Server) serveAll() error {
	lns := s.listeners()
	errs := make(chan error, len(lns))
	for _, l := range lns {
		go func() { errs <- s.srv.serve(l) }()
	}
	var first error
	for range lns {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// clientTLS is the TLS state of a client's connection, nil for plain TCP.
func clientTLS(cl *client) *tls.ConnectionState {
	if cl == nil || cl.conn == nil {
		return nil
	}
	c := cl.conn.NetConn()
	if cc, ok := c.(*countConn); ok {
		c = cc.Conn
	}
	tc, ok := c.(*tls.Conn)
	if !ok {
		return nil
	}
	cs := tc.ConnectionState()
	return &cs
}

// tlsRawConn is the socket under a TLS connection.
func tlsRawConn(c net.Conn) net.Conn {
	if tc, ok := c.(*tls.Conn); ok {
		return tc.NetConn()
	}
	return c
}

// logClientTLSError reports a client's failed TLS handshake, as Redis
// logs "Error accepting a client connection" (at verbose).
func (s *Server) logClientTLSError(cl *client, err error) {
	if err == nil || errors.Is(err, io.EOF) || clientTLS(cl) == nil || clientTLS(cl).HandshakeComplete {
		return
	}
	s.log.Warn("Error accepting a client connection", "addr", cl.addr, "err", err)
}

// dialPeer connects to another node's client port, over TLS with this
// node's certificate when peer links are TLS.
func dialPeer(d *net.Dialer, addr string, conf func() *tls.Config) (net.Conn, error) {
	c, err := d.Dial("tcp", addr)
	if err != nil || conf == nil {
		return c, err
	}
	tc := tls.Client(c, conf())
	_ = tc.SetDeadline(time.Now().Add(peerHandshakeTimeout))
	if err := tc.Handshake(); err != nil {
		c.Close()
		return nil, fmt.Errorf("TLS handshake with %s: %w", addr, err)
	}
	_ = tc.SetDeadline(time.Time{})
	return tc, nil
}

// peerTLS is the configuration for dialing peers, nil for plain TCP.
func (s *Server) peerTLS() func() *tls.Config {
	if !s.opts.PeerTLS || s.opts.TLS == nil {
		return nil
	}
	return s.opts.TLS.ClientConfig
}

// joinMAC authenticates a join request with the cluster secret: it binds
// the node's id, both addresses and the time of the request.
func joinMAC(secret, id, raftAddr, respAddr, ts string) string {
	m := hmac.New(sha256.New, []byte(secret))
	for _, p := range []string{"quoris-join", id, raftAddr, respAddr, ts} {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// joinArgs is the RAFT JOIN request for this node, carrying a timestamp
// and MAC when a cluster secret is configured.
func (s *Server) joinArgs(raftAddr string) [][]byte {
	id, respAddr := s.node.ID(), s.node.RespAddr()
	args := [][]byte{[]byte("RAFT"), []byte("JOIN"), []byte(id), []byte(raftAddr), []byte(respAddr)}
	if s.opts.ClusterSecret != "" {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		args = append(args, []byte(ts), []byte(joinMAC(s.opts.ClusterSecret, id, raftAddr, respAddr, ts)))
	}
	return args
}

// authorizeJoin admits a RAFT JOIN (args: RAFT JOIN id raft resp [ts mac])
// from a peer holding a certificate of the cluster CA, or carrying a valid
// MAC of the cluster secret. A follower checks before forwarding to the
// leader, which checks again: the follower's own certificate, or the
// forwarded MAC, admits it there.
func (s *Server) authorizeJoin(cl *client, args [][]byte) error {
	if !s.joinsAuthenticated() || s.joinProven(cl, args) {
		return nil
	}
	addr := ""
	if cl != nil {
		addr = cl.addr
	}
	s.log.Warn("join refused", "joining", string(args[2]), "from", addr)
	return errJoinRefused
}

// joinsAuthenticated: joins must prove membership (certificate or secret);
// otherwise anyone who may run RAFT JOIN may join.
func (s *Server) joinsAuthenticated() bool {
	return s.opts.ClusterSecret != "" || (s.opts.PeerTLS && s.opts.TLS != nil)
}

// joinProven: the RAFT JOIN in args comes over TLS with a certificate of
// the cluster CA, or carries a fresh MAC of the cluster secret.
func (s *Server) joinProven(cl *client, args [][]byte) bool {
	if s.opts.PeerTLS && s.opts.TLS != nil {
		if cs := clientTLS(cl); cs != nil && s.opts.TLS.VerifyPeer(*cs) == nil {
			return true
		}
	}
	if s.opts.ClusterSecret != "" && len(args) == 7 {
		ts, err := strconv.ParseInt(string(args[5]), 10, 64)
		skew := time.Since(time.Unix(ts, 0))
		want := joinMAC(s.opts.ClusterSecret, string(args[2]), string(args[3]), string(args[4]), string(args[5]))
		return err == nil && skew < joinMaxSkew && skew > -joinMaxSkew && hmac.Equal([]byte(want), args[6])
	}
	return false
}
