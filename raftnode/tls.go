package raftnode

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"
)

// TLSFiles names a node's TLS material and policy with Redis 7.0's
// parameter names (tls-cert-file, tls-key-file ...).
type TLSFiles struct {
	CertFile       string // tls-cert-file: served to clients and peers
	KeyFile        string // tls-key-file
	ClientCertFile string // tls-client-cert-file: presented when dialing peers; "": CertFile
	ClientKeyFile  string // tls-client-key-file
	CAFile         string // tls-ca-cert-file: the CA that signs clients' and peers' certificates
	CADir          string // tls-ca-cert-dir: every PEM file in it is a CA too
	AuthClients    string // tls-auth-clients: yes, no or optional
	Protocols      string // tls-protocols: e.g. "TLSv1.2 TLSv1.3"; "": both of those
	Ciphers        string // tls-ciphers: TLS 1.2 suites, colon-separated; "": Go's defaults
}

// TLS holds a node's current TLS configuration. Reload swaps it whole, so
// a handshake sees either the old or the new certificates, never a mix;
// connections already established keep theirs.
type TLS struct {
	cur atomic.Pointer[tlsState]
}

type tlsState struct {
	files      TLSFiles
	cert       tls.Certificate
	clientCert tls.Certificate
	pool       *x509.CertPool
	min, max   uint16
	ciphers    []uint16
}

// LoadTLS reads f's files; any unreadable or inconsistent one is an error.
func LoadTLS(f TLSFiles) (*TLS, error) {
	t := &TLS{}
	if err := t.Reload(f); err != nil {
		return nil, err
	}
	return t, nil
}

// Reload re-reads f's files and, only if all of them are good, makes them
// the configuration of every later handshake.
func (t *TLS) Reload(f TLSFiles) error {
	st, err := loadTLSState(f)
	if err != nil {
		return err
	}
	t.cur.Store(st)
	return nil
}

// Files is the configuration last loaded.
func (t *TLS) Files() TLSFiles { return t.cur.Load().files }

func loadTLSState(f TLSFiles) (*tlsState, error) {
	if f.AuthClients == "" {
		f.AuthClients = "yes"
	}
	switch f.AuthClients {
	case "yes", "no", "optional":
	default:
		return nil, fmt.Errorf("tls-auth-clients must be yes, no or optional, not %q", f.AuthClients)
	}
	if f.CertFile == "" || f.KeyFile == "" {
		return nil, errors.New("tls-cert-file and tls-key-file are required")
	}
	st := &tlsState{files: f}
	var err error
	if st.cert, err = tls.LoadX509KeyPair(f.CertFile, f.KeyFile); err != nil {
		return nil, fmt.Errorf("tls-cert-file/tls-key-file: %w", err)
	}
	st.clientCert = st.cert
	if f.ClientCertFile != "" || f.ClientKeyFile != "" {
		if st.clientCert, err = tls.LoadX509KeyPair(f.ClientCertFile, f.ClientKeyFile); err != nil {
			return nil, fmt.Errorf("tls-client-cert-file/tls-client-key-file: %w", err)
		}
	}
	if f.CAFile == "" && f.CADir == "" {
		return nil, errors.New("tls-ca-cert-file or tls-ca-cert-dir is required")
	}
	st.pool = x509.NewCertPool()
	files := []string{}
	if f.CAFile != "" {
		files = append(files, f.CAFile)
	}
	if f.CADir != "" {
		ents, err := os.ReadDir(f.CADir)
		if err != nil {
			return nil, fmt.Errorf("tls-ca-cert-dir: %w", err)
		}
		for _, e := range ents {
			if !e.IsDir() {
				files = append(files, filepath.Join(f.CADir, e.Name()))
			}
		}
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("CA certificates: %w", err)
		}
		if !st.pool.AppendCertsFromPEM(b) && name == f.CAFile {
			return nil, fmt.Errorf("tls-ca-cert-file %s: no PEM certificate in it", name)
		}
	}
	if st.min, st.max, err = parseProtocols(f.Protocols); err != nil {
		return nil, err
	}
	if st.ciphers, err = parseCiphers(f.Ciphers); err != nil {
		return nil, err
	}
	return st, nil
}

// parseProtocols reads tls-protocols as Redis does: a space-separated,
// case-insensitive list of TLSv1 ... TLSv1.3; the versions between the
// lowest and highest named are allowed.
func parseProtocols(s string) (min, max uint16, err error) {
	if strings.TrimSpace(s) == "" {
		return tls.VersionTLS12, tls.VersionTLS13, nil
	}
	versions := map[string]uint16{"tlsv1": tls.VersionTLS10, "tlsv1.1": tls.VersionTLS11, "tlsv1.2": tls.VersionTLS12, "tlsv1.3": tls.VersionTLS13}
	for _, p := range strings.Fields(s) {
		v, ok := versions[strings.ToLower(p)]
		if !ok {
			return 0, 0, fmt.Errorf("tls-protocols: unknown protocol %q", p)
		}
		if min == 0 || v < min {
			min = v
		}
		if v > max {
			max = v
		}
	}
	return min, max, nil
}

// parseCiphers reads tls-ciphers: a colon-separated list of TLS 1.2 cipher
// suites by IANA name (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) or OpenSSL
// name (ECDHE-RSA-AES128-GCM-SHA256). OpenSSL's selection syntax
// (DEFAULT, !aNULL, HIGH ...) is not supported. TLS 1.3 suites are not
// configurable in Go.
func parseCiphers(s string) ([]uint16, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	byName := map[string]uint16{}
	for _, c := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		byName[strings.ToUpper(c.Name)] = c.ID
	}
	for ossl, iana := range opensslCiphers {
		if id, ok := byName[iana]; ok {
			byName[ossl] = id
		}
	}
	var out []uint16
	for _, name := range strings.Split(s, ":") {
		id, ok := byName[strings.ToUpper(strings.TrimSpace(name))]
		if !ok {
			return nil, fmt.Errorf("tls-ciphers: unknown or unsupported cipher suite %q", name)
		}
		out = append(out, id)
	}
	return out, nil
}

var opensslCiphers = map[string]string{
	"ECDHE-ECDSA-AES128-GCM-SHA256": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"ECDHE-ECDSA-AES256-GCM-SHA384": "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-RSA-AES128-GCM-SHA256":   "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"ECDHE-RSA-AES256-GCM-SHA384":   "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"ECDHE-ECDSA-CHACHA20-POLY1305": "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"ECDHE-RSA-CHACHA20-POLY1305":   "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	"ECDHE-ECDSA-AES128-SHA":        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"ECDHE-ECDSA-AES256-SHA":        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"ECDHE-RSA-AES128-SHA":          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"ECDHE-RSA-AES256-SHA":          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"AES128-GCM-SHA256":             "TLS_RSA_WITH_AES_128_GCM_SHA256",
	"AES256-GCM-SHA384":             "TLS_RSA_WITH_AES_256_GCM_SHA384",
}

// verify checks a peer's chain against the CA pool. As in Redis (OpenSSL
// with SSL_VERIFY_PEER and no host check), the certificate's names are not
// compared with the address dialed: the CA is what admits a peer. Any
// extended key usage is accepted, so one node certificate serves both ends.
func (st *tlsState) verify(certs []*x509.Certificate) error {
	if len(certs) == 0 {
		return errors.New("no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: st.pool, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err
}

// VerifyPeer reports whether a connection's peer presented a certificate
// signed by the configured CA: such a peer is a cluster member.
func (t *TLS) VerifyPeer(cs tls.ConnectionState) error {
	return t.cur.Load().verify(cs.PeerCertificates)
}

func (st *tlsState) base() *tls.Config {
	return &tls.Config{MinVersion: st.min, MaxVersion: st.max, CipherSuites: st.ciphers}
}

// ServerConfig is the configuration of a client-facing TLS listener,
// following tls-auth-clients: yes requires a certificate signed by the CA,
// optional verifies one if given, no does not check one. In every mode a
// certificate is requested, so a peer node can still prove it is one (see
// VerifyPeer).
func (t *TLS) ServerConfig() *tls.Config {
	return &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		st := t.cur.Load()
		c := st.base()
		c.Certificates = []tls.Certificate{st.cert}
		c.ClientAuth = tls.RequestClientCert
		switch st.files.AuthClients {
		case "yes":
			c.ClientAuth = tls.RequireAnyClientCert
			c.VerifyConnection = func(cs tls.ConnectionState) error { return st.verify(cs.PeerCertificates) }
		case "optional":
			c.VerifyConnection = func(cs tls.ConnectionState) error {
				if len(cs.PeerCertificates) == 0 {
					return nil
				}
				return st.verify(cs.PeerCertificates)
			}
		}
		return c, nil
	}}
}

// PeerServerConfig is a listener's configuration for node-to-node traffic
// (raft): the dialer must present a certificate signed by the CA.
func (t *TLS) PeerServerConfig() *tls.Config {
	return &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
		st := t.cur.Load()
		c := st.base()
		c.Certificates = []tls.Certificate{st.cert}
		c.ClientAuth = tls.RequireAnyClientCert
		c.VerifyConnection = func(cs tls.ConnectionState) error { return st.verify(cs.PeerCertificates) }
		return c, nil
	}}
}

// ClientConfig is the configuration for dialing another node: it presents
// the client certificate and accepts only a server signed by the CA.
func (t *TLS) ClientConfig() *tls.Config {
	st := t.cur.Load()
	c := st.base()
	c.Certificates = []tls.Certificate{st.clientCert}
	// Verification is VerifyConnection's (CA only, see verify);
	// InsecureSkipVerify only turns off Go's host name check.
	c.InsecureSkipVerify = true
	c.VerifyConnection = func(cs tls.ConnectionState) error { return st.verify(cs.PeerCertificates) }
	return c
}

// tlsLayer is tcpLayer with mutually authenticated TLS on both ends: only
// holders of a certificate signed by the cluster CA exchange raft messages.
// Handshakes run off the accept loop, so a stalled dialer cannot hold up
// the others; a failed one (wrong CA, no certificate, not TLS) is logged
// and dropped, so raft never reads a byte from an unauthenticated peer.
type tlsLayer struct {
	*tcpLayer
	tls   *TLS
	log   func(msg string, args ...any)
	conns chan net.Conn
	done  chan struct{}
	err   error // the listener's, once done is closed
}

func newTLSLayer(tcp *tcpLayer, t *TLS, log func(msg string, args ...any)) *tlsLayer {
	l := &tlsLayer{tcpLayer: tcp, tls: t, log: log, conns: make(chan net.Conn), done: make(chan struct{})}
	go l.acceptLoop()
	return l
}

func (l *tlsLayer) acceptLoop() {
	for {
		c, err := l.tcpLayer.Accept()
		if err != nil {
			l.err = err
			close(l.done)
			return
		}
		go func() {
			tc := tls.Server(c, l.tls.PeerServerConfig())
			_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
			if err := tc.Handshake(); err != nil {
				l.log("raft TLS handshake failed", "remote", c.RemoteAddr().String(), "err", err)
				c.Close()
				return
			}
			_ = tc.SetDeadline(time.Time{})
			select {
			case l.conns <- tc:
			case <-l.done:
				tc.Close()
			}
		}()
	}
}

// Accept implements raft.StreamLayer: the next authenticated connection.
func (l *tlsLayer) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, l.err
	}
}

// Dial implements raft.StreamLayer over TLS.
func (l *tlsLayer) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	c, err := l.tcpLayer.Dial(addr, timeout)
	if err != nil {
		return nil, err
	}
	tc := tls.Client(c, l.tls.ClientConfig())
	_ = tc.SetDeadline(time.Now().Add(timeout))
	if err := tc.Handshake(); err != nil {
		c.Close()
		l.log("raft TLS handshake failed", "remote", string(addr), "err", err)
		return nil, fmt.Errorf("raft TLS handshake with %s: %w", addr, err)
	}
	_ = tc.SetDeadline(time.Time{})
	return tc, nil
}
