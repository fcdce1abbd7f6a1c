package raftnode

import (
	"net"
	"time"

	"github.com/hashicorp/raft"
)

// tcpLayer is raft's TCP stream layer with one difference from raft's own:
// outgoing connections leave from this node's raft host address. Each node
// then has a distinct source address (127.0.0.11, 127.0.0.12 ... on one
// machine), so a firewall rule can cut exactly the links a partition test
// names, in either direction, without test-only code in the binary.
type tcpLayer struct {
	net.Listener
	advertise net.Addr
	local     *net.TCPAddr
}

func newTCPLayer(bind string, advertise *net.TCPAddr) (*tcpLayer, error) {
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, err
	}
	var local *net.TCPAddr
	if ip := advertise.IP; ip != nil && !ip.IsUnspecified() {
		local = &net.TCPAddr{IP: ip}
	}
	return &tcpLayer{Listener: ln, advertise: advertise, local: local}, nil
}

// Dial implements raft.StreamLayer.
func (t *tcpLayer) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout, LocalAddr: t.local}
	return d.Dial("tcp", string(addr))
}

// Addr implements raft.StreamLayer: the advertised address, not the bound one.
func (t *tcpLayer) Addr() net.Addr { return t.advertise }
