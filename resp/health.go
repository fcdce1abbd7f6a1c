package resp

import (
	"strconv"
	"sync"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// A follower exchanges nothing with the other followers through raft, so
// for them it asks the leader, whose heartbeats reach everyone:
// QUORIS.HEALTH answers the leader's judgement of each member. The answer
// is cached briefly, so CLUSTER SLOTS on a follower costs at most one round
// trip to the leader per healthTTL.

const (
	healthTTL     = 200 * time.Millisecond
	healthTimeout = 300 * time.Millisecond
)

type healthCache struct {
	mu     sync.Mutex
	at     time.Time
	leader string
	view   map[string]memberHealth
}

func healthCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "quoris.health", Arity: 1, Flags: []string{"fast", "stale"}, Group: "cluster", Summary: "Internal: this node's raft-contact judgement of each member.", Since: "0.1.0", Complexity: "O(N) where N is the number of members"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				ms := s.members()
				out = redcon.AppendArray(out, 3*len(ms))
				for _, m := range ms {
					h, since := s.node.PeerHealth(m.id)
					out = redcon.AppendBulkString(out, m.id)
					out = redcon.AppendInt(out, int64(h))
					ts := int64(0)
					if !since.IsZero() {
						ts = since.UnixMilli()
					}
					out = redcon.AppendInt(out, ts)
				}
				return out
			}},
	}
}

// leaderHealth returns the leader's judgement of the members, or nil if it
// cannot be had quickly.
func (s *Server) leaderHealth(addr string) map[string]memberHealth {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	if s.health.leader == addr && time.Since(s.health.at) < healthTTL {
		return s.health.view
	}
	view := s.fetchHealth(addr)
	s.health.leader, s.health.at, s.health.view = addr, time.Now(), view
	return view
}

func (s *Server) fetchHealth(addr string) map[string]memberHealth {
	pc, err := s.peers.get(addr)
	if err != nil {
		return nil
	}
	pc.wr = pc.wr[:0]
	if pc.handshake {
		pc.wr = appendCommand(pc.wr, s.peerArgs())
	}
	pc.wr = appendCommand(pc.wr, [][]byte{[]byte("QUORIS.HEALTH")})
	pc.c.SetDeadline(time.Now().Add(healthTimeout))
	if _, err := pc.c.Write(pc.wr); err != nil {
		pc.c.Close()
		return nil
	}
	if pc.handshake {
		if r, err := appendReply(nil, pc.rd); err != nil || string(r) != "+OK\r\n" {
			pc.c.Close()
			return nil
		}
		pc.handshake = false
	}
	reply, err := appendReply(nil, pc.rd)
	if err != nil {
		pc.c.Close()
		return nil
	}
	pc.c.SetDeadline(time.Time{})
	s.peers.put(addr, pc)
	v, _, err := parseRESPValue(reply)
	items, ok := v.([]any)
	if err != nil || !ok || len(items)%3 != 0 {
		return nil
	}
	view := map[string]memberHealth{}
	for i := 0; i+2 < len(items); i += 3 {
		id, _ := items[i].(string)
		h, _ := items[i+1].(int64)
		ts, _ := items[i+2].(int64)
		mh := memberHealth{h: raftnode.Health(h)}
		if ts > 0 {
			mh.since = time.UnixMilli(ts)
		}
		view[id] = mh
	}
	return view
}

// parseRESPValue parses one RESP2 value: string for simple and bulk
// strings, int64, nil, []any; an error reply is returned as an error.
func parseRESPValue(b []byte) (any, []byte, error) {
	i := 0
	for i+1 < len(b) && !(b[i] == '\r' && b[i+1] == '\n') {
		i++
	}
	if len(b) < 1 || i+1 >= len(b) {
		return nil, nil, errBadReply
	}
	line, rest := string(b[1:i]), b[i+2:]
	switch b[0] {
	case '+':
		return line, rest, nil
	case '-':
		return nil, rest, errBadReply
	case ':':
		n, err := strconv.ParseInt(line, 10, 64)
		return n, rest, err
	case '$':
		n, err := strconv.Atoi(line)
		if err != nil || n < -1 || (n >= 0 && len(rest) < n+2) {
			return nil, nil, errBadReply
		}
		if n < 0 {
			return nil, rest, nil
		}
		return string(rest[:n]), rest[n+2:], nil
	case '*':
		n, err := strconv.Atoi(line)
		if err != nil || n > len(rest) {
			return nil, nil, errBadReply
		}
		if n < 0 {
			return nil, rest, nil
		}
		out := make([]any, 0, n)
		for j := 0; j < n; j++ {
			var v any
			v, rest, err = parseRESPValue(rest)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, v)
		}
		return out, rest, nil
	}
	return nil, nil, errBadReply
}
