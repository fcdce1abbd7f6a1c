package resp

import (
	"strconv"
	"time"
)

// closeIdleClients is Redis's client timeout (CONFIG SET timeout N):
// once a second, a client that has sent nothing for more than N seconds is
// closed, unless it is running a command (a blocked BLPOP has its own
// timeout) or is a follower's proxy connection. 0 turns it off.
func (s *Server) closeIdleClients(stop <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			s.closeIdle(now)
			s.closeDeletedUsers()
		}
	}
}

func (s *Server) closeIdle(now time.Time) {
	secs, _ := strconv.ParseInt(s.configValue("timeout"), 10, 64)
	if secs <= 0 {
		return
	}
	limit := now.UnixMilli() - secs*1000
	s.closeClientsWhere(func(c *client) bool { return !c.busy.Load() && c.lastActive.Load() < limit })
}

// closeDeletedUsers closes the connections of users that ACL DELUSER (or
// ACL LOAD) removed, as Redis does; users are replicated, so every node
// closes its own clients of that user within a tick of applying the change.
func (s *Server) closeDeletedUsers() {
	a := s.fsm.ACL()
	s.closeClientsWhere(func(c *client) bool {
		u := c.lockedUser()
		return u != "" && a.Get(u) == nil
	})
}

// closeClientsWhere closes the connections that match, except a
// follower's proxy connections; the sockets are closed outside s.mu.
func (s *Server) closeClientsWhere(match func(*client) bool) {
	s.mu.Lock()
	var hit []*client
	for _, c := range s.clients {
		if match(c) {
			hit = append(hit, c)
		}
	}
	s.mu.Unlock()
	for _, c := range hit {
		if !c.peerSeen.Load() {
			_ = c.conn.NetConn().Close()
		}
	}
}
