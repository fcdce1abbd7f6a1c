package resp

import (
	"net"
	"strconv"
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// Redis's replication and cluster-client commands, mapped onto raft:
// FAILOVER is a raft leadership transfer, REPLICAOF NO ONE is already
// true of the leader, and the commands a Redis replica uses to sync
// (SYNC, PSYNC, REPLCONF) answer that raft replicates instead. Also
// MONITOR, PFSELFTEST, ASKING and LOLWUT.
func replctlCommands() []*localCmd {
	admin := func(name string, arity int, since, summary, complexity string, extra ...string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: append([]string{"admin", "noscript"}, extra...), Group: "server",
			Summary: summary, Since: since, Complexity: complexity}
	}
	const replicaofSummary = "Make the server a replica of another instance, or promote it as master."
	return []*localCmd{
		monitorCommand(),
		pfselftestCommand(),
		{Spec: admin("failover", -1, "6.2.0", "Start a coordinated failover between this server and one of its replicas.", "O(1)", "stale"),
			run: failoverCmd},
		{Spec: admin("replicaof", 3, "5.0.0", replicaofSummary, "O(1)", "stale", "no_async_loading"), run: replicaofCmd},
		{Spec: admin("slaveof", 3, "1.0.0", replicaofSummary, "O(1)", "stale", "no_async_loading"), run: replicaofCmd},
		{Spec: admin("sync", 1, "1.0.0", "Internal command used for replication", "", "no_async_loading", "no_multi"), run: raftReplicates},
		{Spec: admin("psync", -3, "2.8.0", "Internal command used for replication", "", "no_async_loading", "no_multi"), run: raftReplicates},
		{Spec: admin("replconf", -1, "3.0.0", "An internal command for configuring the replication stream", "O(1)", "loading", "stale", "allow_busy"),
			run: raftReplicates},
		{Spec: fsm.Spec{Name: "asking", Arity: 1, Flags: []string{"fast", "@connection"}, Group: "cluster",
			Summary: "Sent by cluster clients after an -ASK redirect", Since: "3.0.0", Complexity: "O(1)"},
			// quoris never answers ASK (every node serves every slot), so
			// the flag ASKING sets would change nothing.
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte { return redcon.AppendOK(out) }},
		{Spec: fsm.Spec{Name: "lolwut", Arity: -1, Flags: []string{"readonly", "fast"}, Group: "server",
			Summary: "Display some computer art and the Redis version", Since: "5.0.0"},
			run: lolwut},
	}
}

func raftReplicates(s *Server, cl *client, args [][]byte, out []byte) []byte {
	return appendErrStr(out, "ERR "+strings.ToUpper(string(args[0]))+" is not supported: quoris nodes replicate through raft (see RAFT ADDNODE)")
}

// replicaofCmd: REPLICAOF NO ONE is what the leader already is; making a
// node follow another is raft membership's business.
func replicaofCmd(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if strings.EqualFold(string(args[1]), "no") && strings.EqualFold(string(args[2]), "one") {
		if s.node.IsLeader() {
			return redcon.AppendOK(out)
		}
		return appendErrStr(out, "ERR this node is a raft follower; promote it with RAFT TRANSFER <id> or FAILOVER TO <host> <port> on the leader")
	}
	if _, err := strconv.ParseInt(string(args[2]), 10, 64); err != nil {
		return appendErrStr(out, "ERR Invalid master port")
	}
	return appendErrStr(out, "ERR replication is managed by raft: add a node with RAFT ADDNODE or start it with --join")
}

// failoverCmd is Redis 7.0's FAILOVER parsed and checked as Redis does,
// run as a raft leadership transfer: to the member whose client address
// is TO's host and port, else to any up-to-date voter. It answers when
// raft has handed leadership over (or failed to): raft's transfer has its
// own bound (an election timeout), so TIMEOUT and FORCE are checked but
// change nothing, and a transfer cannot be aborted once started.
func failoverCmd(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) == 2 && strings.EqualFold(string(args[1]), "abort") {
		if s.failingOver.Load() {
			return appendErrStr(out, "ERR a raft leadership transfer cannot be aborted")
		}
		return appendErrStr(out, "ERR No failover in progress.")
	}
	var (
		timeout int64
		force   bool
		host    string
		port    int64
		hasHost bool
	)
	for j := 1; j < len(args); j++ {
		opt := strings.ToLower(string(args[j]))
		switch {
		case opt == "timeout" && j+1 < len(args) && timeout == 0:
			n, err := strconv.ParseInt(string(args[j+1]), 10, 64)
			if err != nil {
				return appendErrStr(out, fsm.ErrNotInteger.Error())
			}
			if n <= 0 {
				return appendErrStr(out, "ERR FAILOVER timeout must be greater than 0")
			}
			timeout = n
			j++
		case opt == "to" && j+2 < len(args) && !hasHost:
			n, err := strconv.ParseInt(string(args[j+2]), 10, 64)
			if err != nil {
				return appendErrStr(out, fsm.ErrNotInteger.Error())
			}
			host, port, hasHost = string(args[j+1]), n, true
			j += 2
		case opt == "force" && !force:
			force = true
		default:
			return appendSyntaxErr(out)
		}
	}
	if s.failingOver.Load() {
		return appendErrStr(out, "ERR FAILOVER already in progress.")
	}
	if !s.node.IsLeader() {
		return appendErrStr(out, "ERR FAILOVER is not valid when server is a replica.")
	}
	var online []replica
	for _, r := range s.replicaStates() {
		if r.online {
			online = append(online, r)
		}
	}
	all := s.replicaStates()
	if len(online) == 0 {
		return appendErrStr(out, "ERR FAILOVER requires connected replicas.")
	}
	if force && (timeout == 0 || !hasHost) {
		return appendErrStr(out, "ERR FAILOVER with force option requires both a timeout and target HOST and IP.")
	}
	target := ""
	if hasHost {
		want := net.JoinHostPort(host, strconv.FormatInt(port, 10))
		found := false
		for _, r := range all {
			if r.addr == want {
				found, target = true, r.id
				if !r.online {
					return appendErrStr(out, "ERR FAILOVER target replica is not online.")
				}
			}
		}
		if !found {
			return appendErrStr(out, "ERR FAILOVER target HOST and PORT is not a replica.")
		}
	}
	if !s.failingOver.CompareAndSwap(false, true) {
		return appendErrStr(out, "ERR FAILOVER already in progress.")
	}
	defer s.failingOver.Store(false)
	if err := s.node.Transfer(target); err != nil {
		return appendErrStr(out, "ERR raft leadership transfer failed: "+err.Error())
	}
	return redcon.AppendOK(out)
}

// lolwut answers as Redis 7.0 does for every version without art of its
// own: the version line, a verbatim string. Versions 5 and 6 draw random
// art in Redis; quoris does not draw it and says so.
func lolwut(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) >= 3 && strings.EqualFold(string(args[1]), "version") {
		v, err := strconv.ParseInt(string(args[2]), 10, 64)
		if err != nil {
			return appendErrStr(out, fsm.ErrNotInteger.Error())
		}
		// Redis prints the version as an unsigned int and picks the art
		// by the text's first characters.
		ver := strconv.FormatUint(uint64(uint32(v)), 10)
		if ver == "5" || ver == "6" {
			return appendErrStr(out, "ERR LOLWUT VERSION "+ver+" art is not implemented in quoris")
		}
	}
	return redcon.AppendBulkString(out, "Redis ver. "+RedisVersion+"\n")
}
