package resp

import (
	"bufio"
	"context"
	"net"
	"strings"
	"time"
)

// JoinCluster asks the cluster reachable at any of addrs to add this node,
// retrying until it succeeds or ctx ends. A follower forwards the request
// to its leader; a MOVED reply (redirect mode) is followed.
func (s *Server) JoinCluster(ctx context.Context, addrs []string, raftAddr string) error {
	args := [][]byte{[]byte("RAFT"), []byte("JOIN"), []byte(s.node.ID()), []byte(raftAddr), []byte(s.node.RespAddr())}
	for attempt := 0; ; attempt++ {
		for _, addr := range addrs {
			target := addr
			for hop := 0; hop < 3; hop++ {
				reply, err := roundTrip(target, args)
				if err != nil {
					s.log.Debug("join attempt failed", "addr", target, "err", err)
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

func roundTrip(addr string, args [][]byte) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
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
