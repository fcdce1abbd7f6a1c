package resp

import (
	"crypto/sha1"
	"encoding/hex"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// quoris presents itself to Redis Cluster clients as one shard that owns
// every hash slot: the raft leader is its master and the other raft
// members are its replicas. Clients that route by slot therefore send
// everything to the leader, and followers answer READONLY reads.

// clusterSlots is Redis Cluster's number of hash slots.
const clusterSlots = 16384

// clusterCommands: CLUSTER and its subcommands.
func clusterCommands() []*localCmd {
	return []*localCmd{
		containerCmd(fsm.Spec{Name: "cluster", Arity: -2, Group: "cluster",
			Summary: "A container for cluster commands", Since: "3.0.0", Complexity: "Depends on subcommand."}),
	}
}

func clusterSpec(name string, arity int, flags []string, summary, since, complexity string) fsm.Spec {
	return fsm.Spec{Name: name, Arity: arity, Flags: flags, Group: "cluster", Summary: summary, Since: since, Complexity: complexity}
}

func clusterSubcommands() []*subCmd {
	stale := []string{"stale"}
	admin := []string{"admin", "stale"}
	spec := clusterSpec
	replicas := func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		return s.clusterReplicas(string(args[2]), out)
	}
	return append([]*subCmd{
		{Spec: spec("info", 2, stale, "Provides info about Redis Cluster node state", "3.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulkString(out, s.clusterView().info())
			}},
		{Spec: spec("myid", 2, stale, "Return the node id", "3.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulkString(out, clusterNodeID(s.node.ID()))
			}},
		{Spec: spec("nodes", 2, stale, "Get Cluster config for the node", "3.0.0", "O(N) where N is the total number of Cluster nodes"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				v := s.clusterView()
				var b strings.Builder
				for _, m := range v.members {
					b.WriteString(v.nodeLine(m))
					b.WriteByte('\n')
				}
				return redcon.AppendBulkString(out, b.String())
			}},
		{Spec: spec("slots", 2, stale, "Get array of Cluster slot to node mappings", "3.0.0", "O(N) where N is the total number of Cluster nodes"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return s.clusterView().appendSlots(out)
			}},
		{Spec: spec("shards", 2, stale, "Get array of cluster slots to node mappings", "7.0.0", "O(N) where N is the total number of cluster nodes"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return s.clusterView().appendShards(out)
			}},
		{Spec: spec("keyslot", 3, stale, "Returns the hash slot of the specified key", "3.0.0", "O(N) where N is the number of bytes in the key"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendInt(out, int64(keySlot(args[2])))
			}},
		{Spec: spec("replicas", 3, admin, "List replica nodes of the specified master node", "5.0.0", "O(1)"), run: replicas},
		{Spec: spec("slaves", 3, admin, "List replica nodes of the specified master node", "3.0.0", "O(1)"), run: replicas},
		{Spec: spec("help", 2, []string{"loading", "stale"}, "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "cluster", []string{
					"COUNTKEYSINSLOT <slot>",
					"    Return the number of keys in <slot>.",
					"GETKEYSINSLOT <slot> <count>",
					"    Return key names stored by current node in a slot.",
					"INFO",
					"    Return information about the cluster.",
					"KEYSLOT <key>",
					"    Return the hash slot for <key>.",
					"MYID",
					"    Return the node id.",
					"NODES",
					"    Return cluster configuration seen by node. Output format:",
					"    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
					"REPLICAS <node-id>",
					"    Return <node-id> replicas.",
					"SLOTS",
					"    Return information about slots range mappings. Each range is made of:",
					"    start, end, master and replicas IP addresses, ports and ids",
					"SHARDS",
					"    Return information about slot range mappings and the nodes associated with them.",
				})
			}},
	}, clusterSlotKeysSubcommands()...)
}

// clusterNodeID is the 40-hex-character Redis Cluster node id of a raft
// server: stable for the server's life and the same on every node.
func clusterNodeID(raftID string) string {
	h := sha1.Sum([]byte(raftID))
	return hex.EncodeToString(h[:])
}

// clusterView is one consistent reading of the membership for a CLUSTER
// reply.
type clusterView struct {
	self    string // this node's raft id
	members []member
	leader  *member // nil unless a leader with a known client address exists
	epoch   uint64  // the raft term stands in for the config epoch
	applied uint64
	health  map[string]memberHealth
}

// memberHealth is this node's judgement of a member from raft's contact
// with it (raftnode.PeerHealth) and when it last heard from it.
type memberHealth struct {
	h     raftnode.Health
	since time.Time
}

func (s *Server) clusterView() *clusterView {
	v := &clusterView{self: s.node.ID(), members: s.members(), epoch: s.node.Raft().CurrentTerm(), applied: s.fsm.AppliedIndex(),
		health: map[string]memberHealth{}}
	for i := range v.members {
		m := v.members[i]
		h, since := s.node.PeerHealth(m.id)
		v.health[m.id] = memberHealth{h, since}
		if m.leader && m.addr != "" {
			v.leader = &v.members[i]
		}
	}
	// A follower judges only the leader itself; for the other members it
	// takes the leader's judgement (unknown stays unflagged).
	if v.leader != nil && v.leader.id != v.self && v.health[v.leader.id].h != raftnode.HealthFail {
		if lv := s.leaderHealth(v.leader.addr); lv != nil {
			for id, mh := range lv {
				if cur, ok := v.health[id]; ok && cur.h == raftnode.HealthUnknown {
					v.health[id] = mh
				}
			}
		}
	}
	return v
}

func (v *clusterView) failed(m member) bool  { return v.health[m.id].h == raftnode.HealthFail }
func (v *clusterView) pfailed(m member) bool { return v.health[m.id].h == raftnode.HealthPFail }

func (v *clusterView) info() string {
	state, slots, size := "fail", 0, 0
	pfail, fail := 0, 0
	if v.leader != nil {
		state, slots, size = "ok", clusterSlots, 1
		switch {
		case v.failed(*v.leader):
			state, fail = "fail", clusterSlots
		case v.pfailed(*v.leader):
			pfail = clusterSlots
		}
	}
	epoch := strconv.FormatUint(v.epoch, 10)
	return "cluster_state:" + state + "\r\n" +
		"cluster_slots_assigned:" + strconv.Itoa(slots) + "\r\n" +
		"cluster_slots_ok:" + strconv.Itoa(slots-pfail-fail) + "\r\n" +
		"cluster_slots_pfail:" + strconv.Itoa(pfail) + "\r\n" +
		"cluster_slots_fail:" + strconv.Itoa(fail) + "\r\n" +
		"cluster_known_nodes:" + strconv.Itoa(len(v.members)) + "\r\n" +
		"cluster_size:" + strconv.Itoa(size) + "\r\n" +
		"cluster_current_epoch:" + epoch + "\r\n" +
		"cluster_my_epoch:" + epoch + "\r\n"
}

// isMaster: only the leader known to this node. While no leader is known
// no node is a master (each is shown as a replica of "-"), so a client
// never routes writes to a node that would answer CLUSTERDOWN.
func (v *clusterView) isMaster(m member) bool { return v.leader != nil && m.id == v.leader.id }

// nodeLine is m's CLUSTER NODES line without the newline. The bus port is
// the raft port: that is where quoris's nodes talk to each other. A member
// this node has not heard from through raft for longer than the heartbeat
// timeout is "fail?", for longer than twice the election timeout "fail",
// with its link "disconnected"; pong-recv is when it was last heard from.
func (v *clusterView) nodeLine(m member) string {
	var flags []string
	if m.id == v.self {
		flags = append(flags, "myself")
	}
	master := "-"
	switch {
	case v.isMaster(m):
		flags = append(flags, "master")
	default:
		flags = append(flags, "slave")
		if v.leader != nil {
			master = clusterNodeID(v.leader.id)
		}
	}
	link := "connected"
	switch {
	case v.failed(m):
		flags, link = append(flags, "fail"), "disconnected"
	case v.pfailed(m):
		flags, link = append(flags, "fail?"), "disconnected"
	}
	addr := m.addr
	if addr == "" {
		flags = append(flags, "noaddr")
		addr = ":0"
	}
	cport := "0"
	if _, p, err := net.SplitHostPort(m.raft); err == nil {
		cport = p
	}
	pong := int64(0)
	if since := v.health[m.id].since; !since.IsZero() && m.id != v.self {
		pong = since.UnixMilli()
	}
	line := clusterNodeID(m.id) + " " + addr + "@" + cport + " " + strings.Join(flags, ",") + " " + master +
		" 0 " + strconv.FormatInt(pong, 10) + " " + strconv.FormatUint(v.epoch, 10) + " " + link
	if v.leader != nil && m.id == v.leader.id {
		line += " 0-" + strconv.Itoa(clusterSlots-1)
	}
	return line
}

func (v *clusterView) appendSlots(out []byte) []byte {
	if v.leader == nil {
		return redcon.AppendArray(out, 0)
	}
	nodes := []member{*v.leader}
	for _, m := range v.members {
		// As Redis, a failed replica is left out.
		if m.id != v.leader.id && m.addr != "" && !v.failed(m) {
			nodes = append(nodes, m)
		}
	}
	out = redcon.AppendArray(out, 1)
	out = redcon.AppendArray(out, 2+len(nodes))
	out = redcon.AppendInt(out, 0)
	out = redcon.AppendInt(out, clusterSlots-1)
	for _, m := range nodes {
		host, port := splitAddr(m.addr)
		out = redcon.AppendArray(out, 4)
		out = redcon.AppendBulkString(out, host)
		out = redcon.AppendInt(out, int64(port))
		out = redcon.AppendBulkString(out, clusterNodeID(m.id))
		out = redcon.AppendArray(out, 0) // no hostname metadata
	}
	return out
}

// appendShards answers CLUSTER SHARDS: the leader's shard with every slot,
// or, while no leader is known, one shard of no slots whose nodes are all
// replicas.
func (v *clusterView) appendShards(out []byte) []byte {
	type shard struct {
		slots bool
		nodes []member
	}
	var shards []shard
	if v.leader != nil {
		sh := shard{slots: true, nodes: []member{*v.leader}}
		for _, m := range v.members {
			if m.id != v.leader.id && m.addr != "" {
				sh.nodes = append(sh.nodes, m)
			}
		}
		shards = append(shards, sh)
	} else {
		var sh shard
		for _, m := range v.members {
			if m.addr != "" {
				sh.nodes = append(sh.nodes, m)
			}
		}
		if len(sh.nodes) > 0 {
			shards = append(shards, sh)
		}
	}
	out = redcon.AppendArray(out, len(shards))
	for _, sh := range shards {
		out = redcon.AppendArray(out, 4)
		out = redcon.AppendBulkString(out, "slots")
		if sh.slots {
			out = redcon.AppendArray(out, 2)
			out = redcon.AppendInt(out, 0)
			out = redcon.AppendInt(out, clusterSlots-1)
		} else {
			out = redcon.AppendArray(out, 0)
		}
		out = redcon.AppendBulkString(out, "nodes")
		out = redcon.AppendArray(out, len(sh.nodes))
		for _, m := range sh.nodes {
			host, port := splitAddr(m.addr)
			role := "replica"
			if v.isMaster(m) {
				role = "master"
			}
			// Only this node's own progress is known: its applied index.
			offset := uint64(0)
			if m.id == v.self {
				offset = v.applied
			}
			out = redcon.AppendArray(out, 14)
			out = redcon.AppendBulkString(out, "id")
			out = redcon.AppendBulkString(out, clusterNodeID(m.id))
			out = redcon.AppendBulkString(out, "port")
			out = redcon.AppendInt(out, int64(port))
			out = redcon.AppendBulkString(out, "ip")
			out = redcon.AppendBulkString(out, host)
			out = redcon.AppendBulkString(out, "endpoint")
			out = redcon.AppendBulkString(out, host)
			out = redcon.AppendBulkString(out, "role")
			out = redcon.AppendBulkString(out, role)
			out = redcon.AppendBulkString(out, "replication-offset")
			out = redcon.AppendInt(out, int64(offset))
			health := "online"
			if v.failed(m) {
				health = "fail"
			}
			out = redcon.AppendBulkString(out, "health")
			out = redcon.AppendBulkString(out, health)
		}
	}
	return out
}

// clusterReplicas answers CLUSTER REPLICAS/SLAVES <node-id>: the replicas'
// CLUSTER NODES lines.
func (s *Server) clusterReplicas(id string, out []byte) []byte {
	v := s.clusterView()
	var target *member
	for i := range v.members {
		if clusterNodeID(v.members[i].id) == id {
			target = &v.members[i]
		}
	}
	if target == nil {
		return appendErrStr(out, "ERR Unknown node "+id)
	}
	if !v.isMaster(*target) {
		return appendErrStr(out, "ERR The specified node is not a master")
	}
	var lines []string
	for _, m := range v.members {
		if !v.isMaster(m) {
			lines = append(lines, v.nodeLine(m))
		}
	}
	out = redcon.AppendArray(out, len(lines))
	for _, l := range lines {
		out = redcon.AppendBulkString(out, l)
	}
	return out
}

func splitAddr(addr string) (string, int) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	port, _ := strconv.Atoi(p)
	return host, port
}
