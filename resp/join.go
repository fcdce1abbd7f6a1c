package resp

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/quoris/quoris/redisconf"
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
	// As a Redis replica authenticates to its master, a joining node sends
	// AUTH [masteruser] masterauth first when masterauth is configured.
	var req []byte
	auth := s.joinAuthArgs()
	if auth != nil {
		req = appendCommand(req, auth)
	}
	if _, err := c.Write(appendCommand(req, args)); err != nil {
		return "", err
	}
	rd := bufio.NewReader(c)
	if auth != nil {
		reply, err := appendReply(nil, rd)
		if err != nil || reply[0] == '-' {
			return string(reply), err
		}
	}
	reply, err := appendReply(nil, rd)
	return string(reply), err
}

func (s *Server) joinAuthArgs() [][]byte {
	pass := s.conf.get(redisconf.Lookup("masterauth"))
	if pass == "" {
		return nil
	}
	if user := s.conf.get(redisconf.Lookup("masteruser")); user != "" {
		return [][]byte{[]byte("AUTH"), []byte(user), []byte(pass)}
	}
	return [][]byte{[]byte("AUTH"), []byte(pass)}
}
