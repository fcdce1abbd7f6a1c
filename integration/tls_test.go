package integration

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/quoris/quoris/internal/tlstest"
)

// tlsNode is a node's TLS port and certificate.
type tlsNode struct {
	port int
	addr string
	pair tlstest.Pair
}

// tlsFlags are a node's flags for a TLS client port and tls-cluster with
// ca's certificates.
func tlsFlags(n tlsNode, caFile string, extra ...string) []string {
	return append([]string{
		"--tls-port", strconv.Itoa(n.port),
		"--tls-cert-file", n.pair.CertFile,
		"--tls-key-file", n.pair.KeyFile,
		"--tls-ca-cert-file", caFile,
		"--tls-cluster", "yes",
	}, extra...)
}

func tlsClient(t *testing.T, addr string, ca *tlstest.CA, cert *tlstest.Pair) *redis.Client {
	t.Helper()
	host, _, _ := net.SplitHostPort(addr)
	conf := &tls.Config{RootCAs: x509.NewCertPool(), ServerName: host}
	pem, err := os.ReadFile(ca.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	conf.RootCAs.AppendCertsFromPEM(pem)
	if cert != nil {
		kp, err := tls.LoadX509KeyPair(cert.CertFile, cert.KeyFile)
		if err != nil {
			t.Fatal(err)
		}
		conf.Certificates = []tls.Certificate{kp}
	}
	cl := redis.NewClient(&redis.Options{
		Addr: addr, TLSConfig: conf, Protocol: 2, DisableIdentity: true, MaxRetries: -1,
		DialTimeout: 2 * time.Second, ReadTimeout: 5 * time.Second,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	})
	t.Cleanup(func() { cl.Close() })
	return cl
}

// startTLSCluster starts n nodes with a plain port (which the harness
// polls) and a TLS port, tls-cluster yes, joining node1's TLS port.
func startTLSCluster(t *testing.T, c *Cluster, ca *tlstest.CA, n int) []tlsNode {
	t.Helper()
	var nodes []tlsNode
	for i := 0; i < n; i++ {
		nd := c.newNode()
		port := freePorts(t, 1)[0]
		tn := tlsNode{port: port, addr: net.JoinHostPort(nd.Host, strconv.Itoa(port)), pair: ca.Issue(t, nd.ID)}
		nodes = append(nodes, tn)
		var extra []string
		if i > 0 {
			extra = []string{"--join", nodes[0].addr}
		}
		c.startFresh(nd, append(tlsFlags(tn, ca.CertFile), extra...))
		if i == 0 {
			c.waitLeaderIs(nd, startTimeout)
		}
	}
	c.WaitMembers(n)
	return nodes
}

// A three-node cluster with TLS everywhere serves TLS clients (go-redis,
// redis-cli), proxies over TLS, and refuses plain clients on its TLS port
// and TLS clients without a certificate; nodes with another CA's
// certificate, or none, can neither join nor speak raft to it.
func TestTLSCluster(t *testing.T) {
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "cluster-ca")
	other := tlstest.NewCA(t, dir, "other-ca")
	client := ca.Issue(t, "client")
	c := NewCluster(t)
	nodes := startTLSCluster(t, c, ca, 3)
	ctx := deadlineCtx(t, 60*time.Second)

	// Members advertise their TLS ports.
	ms, err := c.Members(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		found := false
		for _, n := range nodes {
			found = found || m.RespAddr == n.addr
		}
		if !found {
			t.Fatalf("member %+v does not advertise a TLS port (%v)", m, nodes)
		}
	}

	// Writes through every node: a follower proxies to the leader over TLS.
	for i, n := range nodes {
		cl := tlsClient(t, n.addr, ca, &client)
		key := fmt.Sprintf("k%d", i)
		if err := cl.Set(ctx, key, "v"+key, 0).Err(); err != nil {
			t.Fatalf("SET via node%d over TLS: %v", i+1, err)
		}
	}
	for i, n := range nodes {
		cl := tlsClient(t, n.addr, ca, &client)
		for j := range nodes {
			key := fmt.Sprintf("k%d", j)
			if v, err := cl.Get(ctx, key).Result(); err != nil || v != "v"+key {
				t.Fatalf("GET %s via node%d: %q %v", key, i+1, v, err)
			}
		}
	}

	// CONFIG GET shows the TLS parameters.
	cfg, err := tlsClient(t, nodes[0].addr, ca, &client).ConfigGet(ctx, "tls-*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if cfg["tls-port"] != strconv.Itoa(nodes[0].port) || cfg["tls-cluster"] != "yes" || cfg["tls-auth-clients"] != "yes" || cfg["tls-cert-file"] != nodes[0].pair.CertFile {
		t.Fatalf("CONFIG GET tls-*: %v", cfg)
	}

	// redis-cli --tls.
	if cli, err := exec.LookPath("redis-cli"); err == nil {
		host, port, _ := net.SplitHostPort(nodes[1].addr)
		out, err := exec.CommandContext(ctx, cli, "--tls", "--cacert", ca.CertFile, "--cert", client.CertFile, "--key", client.KeyFile,
			"-h", host, "-p", port, "GET", "k0").CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "vk0" {
			t.Fatalf("redis-cli --tls GET k0: %q %v", out, err)
		}
	} else {
		t.Log("redis-cli not installed: skipping its TLS check")
	}

	// A plain client on the TLS port gets no reply.
	if reply, err := rawDo(nodes[0].addr, 2*time.Second, "PING"); err == nil {
		t.Fatalf("plain PING on the TLS port answered %q", reply)
	}
	// tls-auth-clients yes: a TLS client without a certificate is refused,
	// and so is one with another CA's.
	if err := tlsClient(t, nodes[0].addr, ca, nil).Ping(ctx).Err(); err == nil {
		t.Fatal("a client without a certificate was served")
	}
	stranger := other.Issue(t, "stranger")
	if err := tlsClient(t, nodes[0].addr, ca, &stranger).Ping(ctx).Err(); err == nil {
		t.Fatal("a client with another CA's certificate was served")
	}

	// Intruders: one with a certificate of another CA joining the TLS
	// port, one without TLS joining the plain port.
	evil := c.newNode()
	evilTLS := tlsNode{port: freePorts(t, 1)[0], pair: other.Issue(t, evil.ID)}
	c.startFresh(evil, append(tlsFlags(evilTLS, other.CertFile), "--join", nodes[0].addr))
	plain := c.newNode()
	c.startFresh(plain, []string{"--join", c.Node(1).Addr})

	// Raft traffic from the intruder's certificate: refused at the handshake.
	kp, err := tls.LoadX509KeyPair(evilTLS.pair.CertFile, evilTLS.pair.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	raftAddr := net.JoinHostPort(c.Node(1).Host, strconv.Itoa(c.Node(1).RaftPort))
	if conn, err := tls.Dial("tcp", raftAddr, &tls.Config{Certificates: []tls.Certificate{kp}, InsecureSkipVerify: true}); err == nil {
		_, _ = conn.Write([]byte{0, 0x80}) // the start of a raft RPC
		conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := conn.Read(make([]byte, 1)); err == nil {
			t.Fatal("raft port answered the intruder")
		}
		conn.Close()
	}

	logHas := func(nd *Node, sub string) error {
		b, _ := os.ReadFile(nd.LogPath)
		if !bytes.Contains(b, []byte(sub)) {
			return fmt.Errorf("%s's log has no %q", nd.ID, sub)
		}
		return nil
	}
	eventually(t, 10*time.Second, "intruders' failures logged", func() error {
		for _, e := range []error{
			logHas(evil, "join attempt failed"), logHas(evil, "TLS handshake with"),
			logHas(plain, "join refused"),
			logHas(c.Node(1), "raft TLS handshake failed"),
		} {
			if e != nil {
				return e
			}
		}
		return nil
	})
	// The cluster keeps its three members and still serves.
	for i := 1; i <= 3; i++ {
		ms, err := c.Members(i)
		if err != nil || len(ms) != 3 {
			t.Fatalf("node%d members after the intrusion attempts: %+v %v", i, ms, err)
		}
	}
	if err := tlsClient(t, nodes[2].addr, ca, &client).Set(ctx, "after", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}

	// Even added by hand (RAFT ADDNODE, an admin command), the intruder
	// exchanges no raft message: the leader's AppendEntries fail the
	// handshake at its end and it never receives the log.
	evilRaft := net.JoinHostPort(evil.Host, strconv.Itoa(evil.RaftPort))
	if reply, err := rawDo(c.Node(1).Addr, 5*time.Second, "RAFT", "ADDNODE", evil.ID, evilRaft, "NONVOTER"); err != nil || string(reply) != "+OK\r\n" {
		t.Fatalf("RAFT ADDNODE: %q %v", reply, err)
	}
	eventually(t, 10*time.Second, "intruder refuses the leader's raft traffic", func() error {
		return logHas(evil, "raft TLS handshake failed")
	})
	if info, err := raftInfo(evil.Addr); err != nil || info["last_log_index"] != "0" || info["leader_id"] != "" {
		t.Fatalf("intruder's raft state: %v %v", info, err)
	}
	if err := tlsClient(t, nodes[1].addr, ca, &client).Set(ctx, "after2", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}

	// CONFIG SET tls-cert-file re-reads the files; a bad file changes nothing.
	admin := tlsClient(t, nodes[0].addr, ca, &client)
	if err := admin.ConfigSet(ctx, "tls-cert-file", nodes[0].pair.CertFile).Err(); err != nil {
		t.Fatalf("CONFIG SET tls-cert-file (same file): %v", err)
	}
	err = admin.ConfigSet(ctx, "tls-cert-file", nodes[1].pair.CertFile).Err()
	if err == nil || !strings.Contains(err.Error(), "Unable to update TLS configuration") {
		t.Fatalf("CONFIG SET tls-cert-file with another node's certificate (key mismatch): %v", err)
	}
	if err := tlsClient(t, nodes[0].addr, ca, &client).Ping(ctx).Err(); err != nil {
		t.Fatalf("after a refused reload: %v", err)
	}
	// A policy change applies to the next handshake.
	if err := admin.ConfigSet(ctx, "tls-auth-clients", "optional").Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := admin.ConfigGet(ctx, "tls-auth-clients").Result(); err != nil || v["tls-auth-clients"] != "optional" {
		t.Fatalf("CONFIG GET tls-auth-clients after SET: %v %v", v, err)
	}
	if err := tlsClient(t, nodes[0].addr, ca, nil).Ping(ctx).Err(); err != nil {
		t.Fatalf("tls-auth-clients optional: a client without a certificate: %v", err)
	}
	if err := admin.ConfigSet(ctx, "tls-port", "1").Err(); err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Fatalf("CONFIG SET tls-port: %v", err)
	}
}

// With cluster-secret, a join must carry the secret's MAC: the right secret
// joins, a wrong one or none is refused (plain TCP, no certificates).
func TestClusterSecretJoin(t *testing.T) {
	c := NewCluster(t)
	c.Flags = []string{"--cluster-secret", "s3cret"}
	c.Start(2)

	wrong := c.newNode()
	c.startFresh(wrong, []string{"--join", c.Node(1).Addr, "--cluster-secret", "guess"})
	none := c.newNode()
	c.startFresh(none, []string{"--join", c.Node(1).Addr, "--cluster-secret", ""})
	eventually(t, 10*time.Second, "refused joins logged", func() error {
		for _, nd := range []*Node{wrong, none} {
			b, _ := os.ReadFile(nd.LogPath)
			if !bytes.Contains(b, []byte("join refused")) {
				return fmt.Errorf("%s's log has no refusal", nd.ID)
			}
		}
		return nil
	})
	// A hand-made join without a MAC is refused too.
	reply, err := rawDo(c.Node(2).Addr, 2*time.Second, "RAFT", "JOIN", "x", "127.0.0.1:1", "127.0.0.1:2")
	if err != nil || !strings.HasPrefix(string(reply), "-ERR join refused") {
		t.Fatalf("RAFT JOIN without a MAC: %q %v", reply, err)
	}
	if ms, err := c.Members(1); err != nil || len(ms) != 2 {
		t.Fatalf("members: %+v %v", ms, err)
	}
}
