package resp

import (
	"bufio"
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quoris/quoris/internal/tlstest"
	"github.com/quoris/quoris/raftnode"
)

// startTLSOnly runs a single node serving only TLS clients (port 0) with
// the given tls-auth-clients.
func startTLSOnly(t *testing.T, ca *tlstest.CA, auth string) (string, *Server) {
	t.Helper()
	p := ca.Issue(t, "server")
	tl, err := raftnode.LoadTLS(raftnode.TLSFiles{CertFile: p.CertFile, KeyFile: p.KeyFile, CAFile: ca.CertFile, AuthClients: auth})
	if err != nil {
		t.Fatal(err)
	}
	return startTestServerOpts(t, newFakeSettings(), func(o *Options) {
		o.TLSAddr, o.Addr, o.TLS = o.Addr, "", tl
	})
}

// tlsPing dials addr over TLS, presenting cert (nil: none), and sends PING.
func tlsPing(addr string, cert *tlstest.Pair) (string, error) {
	conf := &tls.Config{InsecureSkipVerify: true}
	if cert != nil {
		kp, err := tls.LoadX509KeyPair(cert.CertFile, cert.KeyFile)
		if err != nil {
			return "", err
		}
		conf.Certificates = []tls.Certificate{kp}
	}
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", addr, conf)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return line, err
}

// tls-auth-clients decides which TLS clients are served, as in Redis: yes
// needs a certificate of the CA, optional checks one if given, no serves
// anyone. A plain client on the TLS port is never served.
func TestTLSAuthClients(t *testing.T) {
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "ca")
	other := tlstest.NewCA(t, dir, "other")
	good, bad := ca.Issue(t, "client"), other.Issue(t, "stranger")
	for _, tc := range []struct {
		auth                  string
		none, withGood, other bool // served?
	}{
		{"yes", false, true, false},
		{"optional", true, true, false},
		{"no", true, true, true},
	} {
		t.Run(tc.auth, func(t *testing.T) {
			addr, _ := startTLSOnly(t, ca, tc.auth)
			for _, c := range []struct {
				name string
				cert *tlstest.Pair
				want bool
			}{{"no certificate", nil, tc.none}, {"CA certificate", &good, tc.withGood}, {"other CA", &bad, tc.other}} {
				reply, err := tlsPing(addr, c.cert)
				served := err == nil && reply == "+PONG\r\n"
				if served != c.want {
					t.Errorf("%s: served=%v (%q, %v), want %v", c.name, served, reply, err, c.want)
				}
			}
			pc, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			pc.SetDeadline(time.Now().Add(3 * time.Second))
			_, _ = pc.Write([]byte("PING\r\n"))
			if line, err := bufio.NewReader(pc).ReadString('\n'); err == nil && strings.Contains(line, "PONG") {
				t.Fatal("a plain client was served on the TLS port")
			}
		})
	}
}

// A RAFT JOIN is admitted with the cluster secret's MAC, fresh and for
// exactly the node and addresses it names.
func TestJoinMAC(t *testing.T) {
	_, s := startTestServerOpts(t, newFakeSettings(), func(o *Options) { o.ClusterSecret = "s3cret" })
	now := time.Now().Unix()
	req := func(secret, id string, at int64) [][]byte {
		ts := strconv.FormatInt(at, 10)
		return [][]byte{[]byte("RAFT"), []byte("JOIN"), []byte(id), []byte("127.0.0.1:1"), []byte("127.0.0.1:2"),
			[]byte(ts), []byte(joinMAC(secret, "n9", "127.0.0.1:1", "127.0.0.1:2", ts))}
	}
	for _, tc := range []struct {
		name string
		args [][]byte
		ok   bool
	}{
		{"valid", req("s3cret", "n9", now), true},
		{"wrong secret", req("guess", "n9", now), false},
		{"MAC of another node", req("s3cret", "n8", now), false},
		{"stale", req("s3cret", "n9", now-int64(joinMaxSkew/time.Second)-60), false},
		{"future", req("s3cret", "n9", now+int64(joinMaxSkew/time.Second)+60), false},
		{"no MAC", req("s3cret", "n9", now)[:5], false},
	} {
		err := s.authorizeJoin(&client{}, tc.args)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// The node's own request carries a valid MAC.
	if err := s.authorizeJoin(&client{}, s.joinArgs("127.0.0.1:1")); err != nil {
		t.Fatalf("joinArgs: %v", err)
	}
}
