package resp

import (
	"crypto/sha1"
	"encoding/hex"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"
	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// replWatch follows raft's heartbeat observations on the leader: a
// follower the leader cannot reach is not an online replica for INFO
// replication, ROLE and WAIT.
type replWatch struct {
	mu      sync.Mutex
	failing map[string]time.Time // server id -> last contact before failing
	obs     *raft.Observer
	salt    atomic.Int64 // DEBUG CHANGE-REPL-ID
}

func (s *Server) watchReplication() {
	ch := make(chan raft.Observation, 16)
	s.repl.failing = map[string]time.Time{}
	s.repl.obs = raft.NewObserver(ch, false, func(o *raft.Observation) bool {
		switch o.Data.(type) {
		case raft.FailedHeartbeatObservation, raft.ResumedHeartbeatObservation, raft.LeaderObservation:
			return true
		}
		return false
	})
	s.node.Raft().RegisterObserver(s.repl.obs)
	go func() {
		for {
			select {
			case <-s.opsStop:
				s.node.Raft().DeregisterObserver(s.repl.obs)
				return
			case o := <-ch:
				s.repl.mu.Lock()
				switch d := o.Data.(type) {
				case raft.FailedHeartbeatObservation:
					s.repl.failing[string(d.PeerID)] = d.LastContact
				case raft.ResumedHeartbeatObservation:
					delete(s.repl.failing, string(d.PeerID))
				case raft.LeaderObservation:
					clear(s.repl.failing) // a new term starts with fresh contacts
				}
				s.repl.mu.Unlock()
			}
		}
	}()
}

// replica is a follower as INFO replication's slaveN line shows it.
type replica struct {
	member
	online bool
	lag    int64 // seconds since the leader last heard from it
}

func (s *Server) replicaStates() []replica {
	now := time.Now()
	s.repl.mu.Lock()
	defer s.repl.mu.Unlock()
	var out []replica
	for _, m := range s.replicas() {
		r := replica{member: m, online: true}
		if last, bad := s.repl.failing[m.id]; bad {
			r.online = false
			if !last.IsZero() {
				r.lag = int64(now.Sub(last) / time.Second)
			}
		}
		out = append(out, r)
	}
	return out
}

// ackedReplicas is what WAIT answers: the number of followers that hold
// every acknowledged write. raft acknowledges a write once a majority of
// voters logged it, so at least a majority minus the leader hold it;
// hashicorp/raft does not expose per-follower match indexes, so quoris
// claims no more than that, and no more than the reachable followers.
func (s *Server) ackedReplicas() int {
	servers, err := s.node.Servers()
	if err != nil {
		return 0
	}
	voters := 0
	for _, sv := range servers {
		if sv.Suffrage == raft.Voter {
			voters++
		}
	}
	n := voters / 2
	online := 0
	for _, r := range s.replicaStates() {
		if r.online {
			online++
		}
	}
	return min(n, online)
}

// replID stands for Redis's replication id: the same on every node for
// one leader's term, new when leadership changes, as a Redis replid is
// new after a failover.
func (s *Server) replID() string {
	lid, _ := s.node.Leader()
	h := sha1.Sum([]byte("quoris-repl\x00" + lid + "\x00" + strconv.FormatUint(s.node.Raft().CurrentTerm(), 10) +
		"\x00" + strconv.FormatInt(s.repl.salt.Load(), 10)))
	return hex.EncodeToString(h[:])
}

// infoReplication maps raft roles onto Redis's: the leader is the master
// and every other member of the configuration is one of its replicas.
// Offsets are raft log indexes: master_repl_offset is the applied index,
// the same figure on every node once it has caught up.
func (s *Server) infoReplication(field func(string, any)) {
	applied := s.fsm.AppliedIndex()
	if s.node.IsLeader() {
		field("role", "master")
		var online []replica
		for _, r := range s.replicaStates() {
			if r.online {
				online = append(online, r)
			}
		}
		commit := s.node.Raft().CommitIndex()
		field("connected_slaves", len(online))
		for i, r := range online {
			host, port, _ := net.SplitHostPort(r.addr)
			field("slave"+strconv.Itoa(i), "ip="+host+",port="+port+",state=online,offset="+
				strconv.FormatUint(commit, 10)+",lag="+strconv.FormatInt(r.lag, 10))
		}
	} else {
		field("role", "slave")
		_, addr := s.node.Leader()
		host, port, err := net.SplitHostPort(addr)
		if err == nil {
			field("master_host", host)
			field("master_port", port)
			field("master_link_status", "up")
		} else {
			field("master_host", "")
			field("master_port", 0)
			field("master_link_status", "down")
		}
		io := int64(-1)
		if last := s.node.Raft().LastContact(); !last.IsZero() {
			io = int64(time.Since(last) / time.Second)
		}
		field("master_last_io_seconds_ago", io)
		field("master_sync_in_progress", 0)
		field("slave_read_repl_offset", s.node.Raft().LastIndex())
		field("slave_repl_offset", applied)
		field("slave_priority", 100)
		field("slave_read_only", 1)
		field("replica_announced", 1)
		field("connected_slaves", 0)
	}
	field("master_failover_state", "no-failover")
	field("master_replid", s.replID())
	field("master_replid2", strings.Repeat("0", 40))
	field("master_repl_offset", applied)
	field("second_repl_offset", -1)
}

func replicationCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "role", Arity: 1, Flags: []string{"noscript", "loading", "stale", "fast", "@admin", "@dangerous"}, Group: "server",
			Summary: "Return the role of the instance in the context of replication", Since: "2.8.12", Complexity: "O(1)"},
			run: roleCmd},
		{Spec: fsm.Spec{Name: "wait", Arity: 3, Flags: []string{"noscript", "@connection"}, Group: "generic",
			Summary: "Wait for the synchronous replication of all the write commands sent in the context of the current connection", Since: "3.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				want, err := strconv.ParseInt(string(args[1]), 10, 64)
				if err != nil {
					return appendErrStr(out, "ERR value is not an integer or out of range")
				}
				timeout, errStr := waitTimeout(args[2])
				if errStr != "" {
					return appendErrStr(out, errStr)
				}
				n, unblocked := s.waitReplicas(cl, want, timeout)
				if unblocked {
					return appendErrStr(out, errUnblocked)
				}
				return redcon.AppendInt(out, int64(n))
			}},
		{Spec: fsm.Spec{Name: "waitaof", Arity: 4, Flags: []string{"noscript", "@connection"}, Group: "generic",
			Summary: "Wait for all write commands sent by the client to be fsynced to the AOF of the local host and/or replicas", Since: "7.2.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				_, err1 := strconv.ParseInt(string(args[1]), 10, 64)
				want, err2 := strconv.ParseInt(string(args[2]), 10, 64)
				if err1 != nil || err2 != nil {
					return appendErrStr(out, "ERR value is not an integer or out of range")
				}
				timeout, errStr := waitTimeout(args[3])
				if errStr != "" {
					return appendErrStr(out, errStr)
				}
				n, unblocked := s.waitReplicas(cl, want, timeout)
				if unblocked {
					return appendErrStr(out, errUnblocked)
				}
				out = redcon.AppendArray(out, 2)
				// raft fsyncs its log before acknowledging: the local
				// "AOF" holds every acknowledged write.
				out = redcon.AppendInt(out, 1)
				return redcon.AppendInt(out, int64(n))
			}},
	}
}

func waitTimeout(b []byte) (time.Duration, string) {
	ms, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, "ERR timeout is not an integer or out of range"
	}
	if ms < 0 {
		return 0, "ERR timeout is negative"
	}
	return time.Duration(ms) * time.Millisecond, ""
}

// waitReplicas answers WAIT. Every write this client was told succeeded
// is already on a quorum, so the count is known at once; when more is
// asked than quoris can vouch for, WAIT waits out its timeout as Redis
// would, re-checking as followers come back (timeout 0, which in Redis
// blocks forever, answers at once rather than hang on a count no
// follower could ever prove).
// CLIENT UNBLOCK ends the wait: TIMEOUT answers the count so far, ERROR
// (unblocked true) Redis's UNBLOCKED error.
func (s *Server) waitReplicas(cl *client, want int64, timeout time.Duration) (n int, unblocked bool) {
	n = s.ackedReplicas()
	if int64(n) >= want || timeout == 0 {
		return n, false
	}
	ub := cl.enterBlock()
	defer cl.leaveBlock()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		t := time.NewTimer(min(50*time.Millisecond, time.Until(deadline)))
		select {
		case asErr := <-ub:
			t.Stop()
			return s.ackedReplicas(), asErr
		case <-t.C:
		}
		if n = s.ackedReplicas(); int64(n) >= want {
			break
		}
	}
	return n, false
}

func roleCmd(s *Server, cl *client, args [][]byte, out []byte) []byte {
	applied := int64(s.fsm.AppliedIndex())
	if s.node.IsLeader() {
		var online []replica
		for _, r := range s.replicaStates() {
			if r.online {
				online = append(online, r)
			}
		}
		out = redcon.AppendArray(out, 3)
		out = redcon.AppendBulkString(out, "master")
		out = redcon.AppendInt(out, applied)
		out = redcon.AppendArray(out, len(online))
		commit := strconv.FormatUint(s.node.Raft().CommitIndex(), 10)
		for _, r := range online {
			host, port, _ := net.SplitHostPort(r.addr)
			out = redcon.AppendArray(out, 3)
			out = redcon.AppendBulkString(out, host)
			out = redcon.AppendBulkString(out, port)
			out = redcon.AppendBulkString(out, commit)
		}
		return out
	}
	_, addr := s.node.Leader()
	host, port, err := net.SplitHostPort(addr)
	state := "connected"
	portN := int64(0)
	if err != nil {
		host, state = "", "connect"
	} else {
		portN, _ = strconv.ParseInt(port, 10, 64)
	}
	out = redcon.AppendArray(out, 5)
	out = redcon.AppendBulkString(out, "slave")
	out = redcon.AppendBulkString(out, host)
	out = redcon.AppendInt(out, portN)
	out = redcon.AppendBulkString(out, state)
	return redcon.AppendInt(out, applied)
}
