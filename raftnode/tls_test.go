package raftnode

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/internal/tlstest"
)

func loadTestTLS(t *testing.T, ca *tlstest.CA, p tlstest.Pair) *TLS {
	t.Helper()
	tl, err := LoadTLS(TLSFiles{CertFile: p.CertFile, KeyFile: p.KeyFile, CAFile: ca.CertFile})
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) log(msg string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	b.WriteString(msg)
	for _, a := range args {
		b.WriteString(" ")
		if s, ok := a.(string); ok {
			b.WriteString(s)
		} else if e, ok := a.(error); ok {
			b.WriteString(e.Error())
		}
	}
	l.lines = append(l.lines, b.String())
}

func (l *logLines) has(sub string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// A raft stream layer with TLS admits dialers holding a certificate of its
// CA and drops, before raft reads anything, those with another CA's, with
// none, or speaking plain TCP.
func TestTLSLayerMutualAuth(t *testing.T) {
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "cluster-ca")
	other := tlstest.NewCA(t, dir, "other-ca")
	srvTLS := loadTestTLS(t, ca, ca.Issue(t, "node1"))
	tcp, err := newTCPLayer("127.0.0.1:0", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var srvLog logLines
	layer := newTLSLayer(tcp, srvTLS, srvLog.log)
	defer layer.Close()
	addr := raft.ServerAddress(tcp.Listener.Addr().String())
	got := make(chan string, 10)
	go func() {
		for {
			c, err := layer.Accept()
			if err != nil {
				close(got)
				return
			}
			b := make([]byte, 5)
			_, _ = io.ReadFull(c, b)
			got <- string(b)
			c.Close()
		}
	}()
	dialer := func(tl *TLS) (*tlsLayer, *logLines) {
		tcp, err := newTCPLayer("127.0.0.1:0", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		var l logLines
		d := newTLSLayer(tcp, tl, l.log)
		t.Cleanup(func() { d.Close() })
		return d, &l
	}

	good, _ := dialer(loadTestTLS(t, ca, ca.Issue(t, "node2")))
	c, err := good.Dial(addr, 2*time.Second)
	if err != nil {
		t.Fatalf("member dial: %v", err)
	}
	_, _ = c.Write([]byte("hello"))
	if s := <-got; s != "hello" {
		t.Fatalf("server read %q", s)
	}
	c.Close()

	bad, badLog := dialer(loadTestTLS(t, other, other.Issue(t, "intruder")))
	if c, err := bad.Dial(addr, 2*time.Second); err == nil {
		// TLS 1.3: the client may finish before the server refuses.
		_, _ = c.Write([]byte("evil!"))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatal("intruder's connection stayed open")
		}
		c.Close()
	} else if !badLog.has("handshake") {
		t.Fatalf("intruder's dial error not logged: %v", badLog.lines)
	}

	// No client certificate, and plain TCP.
	nc, err := tls.Dial("tcp", string(addr), &tls.Config{InsecureSkipVerify: true})
	if err == nil {
		_, _ = nc.Write([]byte("evil!"))
		nc.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := nc.Read(make([]byte, 1)); err == nil {
			t.Fatal("certificate-less connection stayed open")
		}
		nc.Close()
	}
	pc, err := net.Dial("tcp", string(addr))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = pc.Write([]byte("\x00plain raft rpc\r\n"))
	pc.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, _ = pc.Read(make([]byte, 64))
	pc.Close()

	select {
	case s := <-got:
		t.Fatalf("raft got bytes %q from an unauthenticated peer", s)
	case <-time.After(200 * time.Millisecond):
	}
	for deadline := time.Now().Add(3 * time.Second); !srvLog.has("handshake failed") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if !srvLog.has("handshake failed") {
		t.Fatalf("server did not log the refused handshakes: %v", srvLog.lines)
	}
}

// Reload swaps certificates only when every file is good.
func TestTLSReload(t *testing.T) {
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "ca")
	p1, p2 := ca.Issue(t, "a"), ca.Issue(t, "b")
	tl := loadTestTLS(t, ca, p1)
	bad := TLSFiles{CertFile: p1.CertFile, KeyFile: p2.KeyFile, CAFile: ca.CertFile}
	if err := tl.Reload(bad); err == nil {
		t.Fatal("mismatched key accepted")
	}
	if tl.Files().KeyFile != p1.KeyFile {
		t.Fatal("failed reload changed the configuration")
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.crt"), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := tl.Reload(TLSFiles{CertFile: p1.CertFile, KeyFile: p1.KeyFile, CAFile: filepath.Join(dir, "junk.crt")}); err == nil {
		t.Fatal("CA file without certificates accepted")
	}
	if err := tl.Reload(TLSFiles{CertFile: p2.CertFile, KeyFile: p2.KeyFile, CAFile: ca.CertFile}); err != nil {
		t.Fatal(err)
	}
	if got := tl.ClientConfig().Certificates[0].Leaf.Subject.CommonName; got != "b" {
		t.Fatalf("after reload the client certificate is %q", got)
	}
}

func TestTLSPolicyParsing(t *testing.T) {
	for _, tc := range []struct {
		protocols, ciphers string
		min, max           uint16
		nCiphers           int
		err                string
	}{
		{"", "", tls.VersionTLS12, tls.VersionTLS13, 0, ""},
		{"TLSv1.2", "", tls.VersionTLS12, tls.VersionTLS12, 0, ""},
		{"tlsv1.3 TLSv1.2", "", tls.VersionTLS12, tls.VersionTLS13, 0, ""},
		{"TLSv1.4", "", 0, 0, 0, "unknown protocol"},
		{"", "ECDHE-RSA-AES128-GCM-SHA256:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", tls.VersionTLS12, tls.VersionTLS13, 2, ""},
		{"", "DEFAULT:!MEDIUM", 0, 0, 0, "unsupported cipher"},
	} {
		min, max, err := parseProtocols(tc.protocols)
		var ciphers []uint16
		if err == nil {
			ciphers, err = parseCiphers(tc.ciphers)
		}
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q %q: err %v, want %q", tc.protocols, tc.ciphers, err, tc.err)
			}
			continue
		}
		if err != nil || min != tc.min || max != tc.max || len(ciphers) != tc.nCiphers {
			t.Errorf("%q %q: %x %x %v %v", tc.protocols, tc.ciphers, min, max, ciphers, err)
		}
	}
}
