package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/quoris/quoris/raftnode"
)

// TLSConfig is the TLS part of Config, with Redis 7.0's parameter names.
// tls-cluster (or tls-replication: raft is quoris's replication) puts raft
// traffic and the nodes' links to each other's client ports on mutually
// authenticated TLS; cluster-secret admits joins by a MAC instead of (or
// besides) a certificate. See docs/security.md.
type TLSConfig struct {
	TLSPort           int    `mapstructure:"tls-port"`
	TLSCertFile       string `mapstructure:"tls-cert-file"`
	TLSKeyFile        string `mapstructure:"tls-key-file"`
	TLSKeyFilePass    string `mapstructure:"tls-key-file-pass"`
	TLSClientCertFile string `mapstructure:"tls-client-cert-file"`
	TLSClientKeyFile  string `mapstructure:"tls-client-key-file"`
	TLSCACertFile     string `mapstructure:"tls-ca-cert-file"`
	TLSCACertDir      string `mapstructure:"tls-ca-cert-dir"`
	TLSAuthClients    string `mapstructure:"tls-auth-clients"`
	TLSProtocols      string `mapstructure:"tls-protocols"`
	TLSCiphers        string `mapstructure:"tls-ciphers"`
	TLSCiphersuites   string `mapstructure:"tls-ciphersuites"`
	TLSCluster        string `mapstructure:"tls-cluster"`
	TLSReplication    string `mapstructure:"tls-replication"`
	ClusterSecret     string `mapstructure:"cluster-secret"`
}

var tlsSettings = []setting{
	{"tls-port", 0, "TLS client port (0: none); with port 0 only TLS clients are served"},
	{"tls-cert-file", "", "PEM certificate served to TLS clients and peers"},
	{"tls-key-file", "", "PEM private key of tls-cert-file"},
	{"tls-key-file-pass", "", "not supported: keys must be unencrypted"},
	{"tls-client-cert-file", "", "PEM certificate presented when dialing other nodes (default: tls-cert-file)"},
	{"tls-client-key-file", "", "PEM private key of tls-client-cert-file"},
	{"tls-ca-cert-file", "", "PEM CA certificate(s) that sign clients' and nodes' certificates"},
	{"tls-ca-cert-dir", "", "directory of PEM CA certificates (besides tls-ca-cert-file)"},
	{"tls-auth-clients", "yes", "TLS clients must present a certificate of the CA: yes, no or optional"},
	{"tls-protocols", "", "TLS versions allowed, e.g. \"TLSv1.2 TLSv1.3\" (default: those two)"},
	{"tls-ciphers", "", "TLS 1.2 cipher suites, colon-separated IANA or OpenSSL names (default: Go's)"},
	{"tls-ciphersuites", "", "not supported: Go does not let TLS 1.3 suites be chosen"},
	{"tls-cluster", "no", "yes: raft traffic and node-to-node client links use mutually authenticated TLS"},
	{"tls-replication", "no", "same as tls-cluster (raft carries replication)"},
	{"cluster-secret", "", "shared secret a joining node must prove (HMAC) unless it has a certificate of the CA"},
}

// tlsFileSettings are the CONFIG SET names that re-read the TLS files.
var tlsFileSettings = map[string]bool{
	"tls-cert-file": true, "tls-key-file": true, "tls-client-cert-file": true, "tls-client-key-file": true,
	"tls-ca-cert-file": true, "tls-ca-cert-dir": true, "tls-auth-clients": true, "tls-protocols": true, "tls-ciphers": true,
}

// yesNo normalises a boolean setting given as yes/no or true/false.
func yesNo(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "yes", "true", "1":
		return "yes", true
	case "no", "false", "0", "":
		return "no", true
	}
	return v, false
}

func (c *TLSConfig) validate(plainPort int) error {
	var ok bool
	for _, p := range []*string{&c.TLSCluster, &c.TLSReplication} {
		if *p, ok = yesNo(*p); !ok {
			return fmt.Errorf("tls-cluster and tls-replication must be yes or no, not %q", *p)
		}
	}
	switch {
	case c.TLSPort < 0 || c.TLSPort > 65535:
		return fmt.Errorf("tls-port %d out of range", c.TLSPort)
	case plainPort == 0 && c.TLSPort == 0:
		return fmt.Errorf("port 0 needs a tls-port: the node would have no client port")
	case c.raftTLS() && c.TLSPort == 0:
		return fmt.Errorf("tls-cluster needs a tls-port: nodes reach each other's client ports over TLS")
	case c.TLSKeyFilePass != "":
		return fmt.Errorf("tls-key-file-pass is not supported: use an unencrypted key file")
	case c.TLSCiphersuites != "":
		return fmt.Errorf("tls-ciphersuites is not supported: Go does not let TLS 1.3 cipher suites be configured")
	}
	return nil
}

func (c *TLSConfig) raftTLS() bool { return c.TLSCluster == "yes" || c.TLSReplication == "yes" }

// peerTLS: nodes reach each other's client ports over TLS, with tls-cluster
// or when there is no plain port to reach.
func (c *Config) peerTLS() bool { return c.TLSPort > 0 && (c.raftTLS() || c.Port == 0) }

func (c *TLSConfig) files() raftnode.TLSFiles {
	return raftnode.TLSFiles{
		CertFile: c.TLSCertFile, KeyFile: c.TLSKeyFile,
		ClientCertFile: c.TLSClientCertFile, ClientKeyFile: c.TLSClientKeyFile,
		CAFile: c.TLSCACertFile, CADir: c.TLSCACertDir,
		AuthClients: c.TLSAuthClients, Protocols: c.TLSProtocols, Ciphers: c.TLSCiphers,
	}
}

// withFiles is c with the files and policy of a loaded configuration:
// CONFIG SET changes those in the TLS value (swapped atomically), never in
// the Config that CONFIG GET reads concurrently.
func (c TLSConfig) withFiles(f raftnode.TLSFiles) TLSConfig {
	c.TLSCertFile, c.TLSKeyFile = f.CertFile, f.KeyFile
	c.TLSClientCertFile, c.TLSClientKeyFile = f.ClientCertFile, f.ClientKeyFile
	c.TLSCACertFile, c.TLSCACertDir = f.CAFile, f.CADir
	c.TLSAuthClients, c.TLSProtocols, c.TLSCiphers = f.AuthClients, f.Protocols, f.Ciphers
	return c
}

// loadTLS reads the TLS files when TLS is in use, nil otherwise.
func (c *TLSConfig) loadTLS() (*raftnode.TLS, error) {
	if c.TLSPort == 0 && !c.raftTLS() {
		return nil, nil
	}
	t, err := raftnode.LoadTLS(c.files())
	if err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	return t, nil
}

// PlainAddr is the plain TCP client address, "" with port 0.
func (c *Config) PlainAddr() string {
	if c.Port == 0 {
		return ""
	}
	return c.RespAddr()
}

// TLSAddr is the TLS client address, "" without a tls-port.
func (c *Config) TLSAddr() string {
	if c.TLSPort == 0 {
		return ""
	}
	return net.JoinHostPort(c.Bind, strconv.Itoa(c.TLSPort))
}

// AdvertisedAddr is the client address the cluster records for this node
// (proxies, MOVED, CLUSTER replies): the TLS port when peers talk TLS, as
// Redis announces its TLS port with tls-cluster.
func (c *Config) AdvertisedAddr() string {
	if c.peerTLS() {
		return c.TLSAddr()
	}
	return c.RespAddr()
}

func (c *TLSConfig) values() map[string]string {
	return map[string]string{
		"tls-port":             strconv.Itoa(c.TLSPort),
		"tls-cert-file":        c.TLSCertFile,
		"tls-key-file":         c.TLSKeyFile,
		"tls-key-file-pass":    c.TLSKeyFilePass,
		"tls-client-cert-file": c.TLSClientCertFile,
		"tls-client-key-file":  c.TLSClientKeyFile,
		"tls-ca-cert-file":     c.TLSCACertFile,
		"tls-ca-cert-dir":      c.TLSCACertDir,
		"tls-auth-clients":     c.TLSAuthClients,
		"tls-protocols":        c.TLSProtocols,
		"tls-ciphers":          c.TLSCiphers,
		"tls-ciphersuites":     c.TLSCiphersuites,
		"tls-cluster":          c.TLSCluster,
		"tls-replication":      c.TLSReplication,
		"cluster-secret":       c.ClusterSecret, // shown, as Redis shows requirepass and masterauth
	}
}

// setTLS is CONFIG SET for the TLS files and policy: the new value is
// loaded with the others and every later handshake uses them; on any error
// nothing changes. Setting a name to its current value re-reads the files,
// which is how renewed certificates written in place are picked up.
// Returns handled=false for other names.
func (s *settingsView) setTLS(name, value string) (handled bool, err error) {
	if !tlsFileSettings[name] {
		return false, nil
	}
	if s.tls == nil {
		return true, fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - TLS is not enabled on this node (set tls-port or tls-cluster at start)", name)
	}
	next := s.cfg.TLSConfig.withFiles(s.tls.Files())
	switch name {
	case "tls-cert-file":
		next.TLSCertFile = value
	case "tls-key-file":
		next.TLSKeyFile = value
	case "tls-client-cert-file":
		next.TLSClientCertFile = value
	case "tls-client-key-file":
		next.TLSClientKeyFile = value
	case "tls-ca-cert-file":
		next.TLSCACertFile = value
	case "tls-ca-cert-dir":
		next.TLSCACertDir = value
	case "tls-auth-clients":
		next.TLSAuthClients = value
	case "tls-protocols":
		next.TLSProtocols = value
	case "tls-ciphers":
		next.TLSCiphers = value
	}
	if err := s.tls.Reload(next.files()); err != nil {
		s.log.Warn("TLS configuration not updated", "setting", name, "err", err)
		return true, fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - Unable to update TLS configuration. Check server logs.", name)
	}
	return true, nil
}
