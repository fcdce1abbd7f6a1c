package resp

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/raft"
	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

func adminCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "raft", Arity: -2, Flags: []string{"admin", "noscript", "loading", "stale"}, Group: "cluster",
			Summary: "Raft cluster administration: INFO, NODES, ADDNODE, REMOVENODE, TRANSFER, SNAPSHOT.", Since: "0.1.0", Complexity: "O(N) where N is the number of nodes"},
			run: raftCmd},
	}
}

func raftCmd(s *Server, cl *client, args [][]byte, out []byte) []byte {
	sub := strings.ToLower(string(args[1]))
	switch {
	case sub == "info" && len(args) == 2:
		return redcon.AppendBulkString(out, s.raftInfo())
	case sub == "nodes" && len(args) == 2:
		return s.raftNodes(out)
	case sub == "addnode" && (len(args) == 4 || len(args) == 5):
		voter := true
		if len(args) == 5 {
			switch strings.ToLower(string(args[4])) {
			case "voter":
			case "nonvoter":
				voter = false
			default:
				return appendSyntaxErr(out)
			}
		}
		return s.leaderOnly(cl, args, out, func() error {
			return s.node.Join(string(args[2]), string(args[3]), "", voter)
		})
	case sub == "join" && (len(args) == 5 || len(args) == 7):
		// Internal form used by --join: also records the RESP address;
		// [timestamp mac] authenticate it with cluster-secret.
		if err := s.authorizeJoin(cl, args); err != nil {
			return appendErrStr(out, err.Error())
		}
		return s.leaderOnly(cl, args, out, func() error {
			return s.node.Join(string(args[2]), string(args[3]), string(args[4]), true)
		})
	case sub == "removenode" && len(args) == 3:
		return s.leaderOnly(cl, args, out, func() error { return s.node.Remove(string(args[2])) })
	case sub == "transfer" && len(args) <= 3:
		id := ""
		if len(args) == 3 {
			id = string(args[2])
		}
		return s.leaderOnly(cl, args, out, func() error { return s.node.Transfer(id) })
	case sub == "snapshot" && len(args) == 2:
		if err := s.node.Snapshot(); err != nil && !errors.Is(err, raft.ErrNothingNewToSnapshot) {
			return appendErrStr(out, "ERR "+err.Error())
		}
		return redcon.AppendOK(out)
	case sub == "help" && len(args) == 2:
		lines := []string{
			"RAFT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"INFO", "    Raft state of this node.",
			"NODES", "    Cluster members: id, raft address, client address, suffrage, leader flag.",
			"ADDNODE <id> <raft-addr> [VOTER|NONVOTER]", "    Add a member (leader only; followers forward).",
			"REMOVENODE <id>", "    Remove a member.",
			"TRANSFER [<id>]", "    Hand leadership to <id> or any up-to-date voter.",
			"SNAPSHOT", "    Take a snapshot on this node now.",
		}
		out = redcon.AppendArray(out, len(lines))
		for _, l := range lines {
			out = redcon.AppendString(out, l)
		}
		return out
	}
	return subcommandErr(out, "raft", args[1])
}

// leaderOnly runs fn on the leader; on a follower it forwards the command.
func (s *Server) leaderOnly(cl *client, args [][]byte, out []byte, fn func() error) []byte {
	if !s.node.IsLeader() {
		if cl.peer {
			return appendErrStr(out, raftnode.ErrNotApplied.Error())
		}
		reply, err := s.proxyOne(args)
		if err != nil {
			return appendErrStr(out, err.Error())
		}
		return append(out, reply...)
	}
	if err := fn(); err != nil {
		msg := err.Error()
		if !strings.Contains(msg, " ") || strings.ToUpper(msg[:1]) != msg[:1] {
			msg = "ERR " + msg
		}
		return appendErrStr(out, msg)
	}
	return redcon.AppendOK(out)
}

// proxyOne sends one command to the leader and returns its raw reply.
// Admin commands do not depend on the selected database.
func (s *Server) proxyOne(args [][]byte) ([]byte, error) { return s.proxyOneDB(-1, args) }

// proxyOneDB is proxyOne for a command that runs in database db (-1: any).
// A failure after sending is reported as uncertain: the leader may have
// applied the command.
func (s *Server) proxyOneDB(db int, args [][]byte) ([]byte, error) {
	_, addr := s.node.Leader()
	if addr == "" || addr == s.node.RespAddr() {
		return nil, raftnode.ErrNoLeader
	}
	pc, err := s.peers.get(addr)
	if err != nil {
		return nil, raftnode.ErrNoLeader
	}
	pc.wr = pc.wr[:0]
	selected := db >= 0 && pc.db != db
	if selected {
		pc.wr = appendCommand(pc.wr, [][]byte{[]byte("SELECT"), []byte(itoa(db))})
	}
	pc.wr = appendCommand(pc.wr, args)
	pc.c.SetDeadline(time.Now().Add(proxyTimeout))
	if _, err := pc.c.Write(pc.wr); err != nil {
		pc.c.Close()
		return nil, raftnode.ErrUncertain
	}
	if selected {
		if reply, err := appendReply(nil, pc.rd); err != nil || string(reply) != "+OK\r\n" {
			pc.c.Close()
			return nil, raftnode.ErrUncertain
		}
		pc.db = db
	}
	reply, err := appendReply(nil, pc.rd)
	if err != nil {
		pc.c.Close()
		return nil, raftnode.ErrUncertain
	}
	pc.c.SetDeadline(time.Time{})
	s.peers.put(addr, pc)
	return reply, nil
}

func (s *Server) raftInfo() string {
	r := s.node.Raft()
	st := r.Stats()
	lid, laddr := s.node.Leader()
	var b strings.Builder
	fmt.Fprintf(&b, "# Raft\r\n")
	fmt.Fprintf(&b, "node_id:%s\r\n", s.node.ID())
	fmt.Fprintf(&b, "state:%s\r\n", strings.ToLower(r.State().String()))
	fmt.Fprintf(&b, "term:%d\r\n", r.CurrentTerm())
	fmt.Fprintf(&b, "leader_id:%s\r\n", lid)
	fmt.Fprintf(&b, "leader_addr:%s\r\n", laddr)
	fmt.Fprintf(&b, "commit_index:%d\r\n", r.CommitIndex())
	fmt.Fprintf(&b, "applied_index:%d\r\n", s.fsm.AppliedIndex())
	fmt.Fprintf(&b, "last_log_index:%d\r\n", r.LastIndex())
	fmt.Fprintf(&b, "last_snapshot_index:%s\r\n", st["last_snapshot_index"])
	fmt.Fprintf(&b, "last_snapshot_term:%s\r\n", st["last_snapshot_term"])
	fmt.Fprintf(&b, "num_peers:%s\r\n", st["num_peers"])
	fmt.Fprintf(&b, "last_contact:%s\r\n", st["last_contact"])
	fmt.Fprintf(&b, "snapshots_restored:%d\r\n", s.fsm.Stats().RestoredSnaps.Load())
	return b.String()
}

func (s *Server) raftNodes(out []byte) []byte {
	servers, err := s.node.Servers()
	if err != nil {
		return appendErrStr(out, "ERR "+err.Error())
	}
	sort.Slice(servers, func(i, j int) bool { return servers[i].ID < servers[j].ID })
	lid, _ := s.node.Leader()
	nodes := s.fsm.Nodes()
	out = redcon.AppendArray(out, len(servers))
	for _, sv := range servers {
		out = redcon.AppendArray(out, 5)
		out = redcon.AppendBulkString(out, string(sv.ID))
		out = redcon.AppendBulkString(out, string(sv.Address))
		out = redcon.AppendBulkString(out, nodes[string(sv.ID)])
		out = redcon.AppendBulkString(out, strings.ToLower(sv.Suffrage.String()))
		if string(sv.ID) == lid {
			out = redcon.AppendBulkString(out, "leader")
		} else {
			out = redcon.AppendBulkString(out, "follower")
		}
	}
	return out
}
