package resp

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"strings"
	"time"
)

// JoinCluster asks the cluster reachable at any of addrs to add this node,
// retrying until it succeeds or ctx ends. A follower forwards the request
// to its leader; a MOVED reply (redirect mode) is followed.
func (s *Server) JoinCluster(ctx context.Context, addrs []string, raftAddr string) error {
	for attempt := 0; ; attempt++ {
		args := s.joinArgs(raftAddr) // fresh timestamp for each round
		for _, addr := range addrs {
			target := addr
			for hop := 0; hop < 3; hop++ {
				reply, err := s.roundTrip(target, args)
				if err != nil {
					lvl := slog.LevelDebug
					if s.opts.PeerTLS {
						lvl = slog.LevelWarn // a refused handshake will not fix itself
					}
					s.log.Log(ctx, lvl, "join attempt failed", "addr", target, "err", err)
					break
				}
				if reply == "+OK\r\n" {
					s.log.Info("joined cluster", "via", target)
					return nil
				}
				if strings.HasPrefix(reply, "-MOVED ") {
					f := strings.Fields(strings.TrimSpace(reply))
					if len(f) == 3 {
						target = f[2]
						continue
					}
				}
				s.log.Warn("join refused", "addr", target, "reply", strings.TrimSpace(reply))
				break
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func (s *Server) roundTrip(addr string, args [][]byte) (string, error) {
	c, err := dialPeer(&net.Dialer{Timeout: 2 * time.Second}, addr, s.peerTLS())
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write(appendCommand(nil, args)); err != nil {
		return "", err
	}
	reply, err := appendReply(nil, bufio.NewReader(c))
	return string(reply), err
}
