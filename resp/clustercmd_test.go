package resp

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/raftnode"
)

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestClusterSingleNode(t *testing.T) {
	addr, s := startTestServer(t)
	r := dialRaw(t, addr)
	id := sha1Hex("n1")
	host, port := splitAddr(addr)
	_, raftPort := splitAddr(raftAddrOf(t, s))
	epoch := strconv.FormatUint(s.node.Raft().CurrentTerm(), 10)

	bulk := func(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
	info := "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\ncluster_slots_pfail:0\r\n" +
		"cluster_slots_fail:0\r\ncluster_known_nodes:1\r\ncluster_size:1\r\ncluster_current_epoch:" + epoch +
		"\r\ncluster_my_epoch:" + epoch + "\r\n"
	nodes := fmt.Sprintf("%s %s@%d myself,master - 0 0 %s connected 0-16383\n", id, addr, raftPort, epoch)
	slots := "*1\r\n*3\r\n:0\r\n:16383\r\n*4\r\n" + bulk(host) + ":" + strconv.Itoa(port) + "\r\n" + bulk(id) + "*0\r\n"
	shards := "*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n*1\r\n*14\r\n" +
		bulk("id") + bulk(id) + bulk("port") + ":" + strconv.Itoa(port) + "\r\n" + bulk("ip") + bulk(host) +
		bulk("endpoint") + bulk(host) + bulk("role") + bulk("master") + bulk("replication-offset") +
		":" + strconv.FormatUint(s.fsm.AppliedIndex(), 10) + "\r\n" + bulk("health") + bulk("online")

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"CLUSTER", "MYID"}, bulk(id)},
		{[]string{"CLUSTER", "INFO"}, bulk(info)},
		{[]string{"CLUSTER", "NODES"}, bulk(nodes)},
		{[]string{"CLUSTER", "SLOTS"}, slots},
		{[]string{"CLUSTER", "SHARDS"}, shards},
		{[]string{"CLUSTER", "REPLICAS", id}, "*0\r\n"},
		{[]string{"CLUSTER", "SLAVES", id}, "*0\r\n"},
		{[]string{"CLUSTER", "REPLICAS", "abc"}, "-ERR Unknown node abc\r\n"},
		{[]string{"CLUSTER", "KEYSLOT", "foo"}, ":12182\r\n"},
		{[]string{"CLUSTER", "KEYSLOT", "123456789"}, ":12739\r\n"},
		{[]string{"CLUSTER", "KEYSLOT", "{user1000}.following"}, ":" + strconv.Itoa(keySlot([]byte("user1000"))) + "\r\n"},
		{[]string{"CLUSTER", "KEYSLOT", ""}, ":0\r\n"},
		// Counting a slot's keys would scan the whole keyspace: not offered.
		{[]string{"CLUSTER", "SETSLOT", "1", "STABLE"}, "-ERR unknown subcommand 'SETSLOT'. Try CLUSTER HELP.\r\n"},
	}
	for _, tc := range tests {
		if got := r.do(tc.args...); got != tc.want {
			t.Errorf("%q =\n%q\nwant\n%q", tc.args, got, tc.want)
		}
	}
}

func raftAddrOf(t *testing.T, s *Server) string {
	t.Helper()
	servers, err := s.node.Servers()
	if err != nil || len(servers) != 1 {
		t.Fatalf("raft configuration: %v %v", servers, err)
	}
	return string(servers[0].Address)
}

// Views of a three-node cluster from different members, without running one.
func TestClusterViewThreeNodes(t *testing.T) {
	members := func(leader string) []member {
		ms := []member{
			{id: "a", addr: "10.0.0.1:6379", raft: "10.0.0.1:16379"},
			{id: "b", addr: "10.0.0.2:6379", raft: "10.0.0.2:16379"},
			{id: "c", raft: "10.0.0.3:16379"}, // joined, client address not yet replicated
		}
		for i := range ms {
			ms[i].leader = ms[i].id == leader
		}
		return ms
	}
	view := func(self, leader string) *clusterView {
		v := &clusterView{self: self, members: members(leader), epoch: 7, applied: 42}
		for i := range v.members {
			if v.members[i].leader && v.members[i].addr != "" {
				v.leader = &v.members[i]
			}
		}
		return v
	}
	a, b, c := sha1Hex("a"), sha1Hex("b"), sha1Hex("c")

	v := view("b", "a")
	wantLines := []string{
		a + " 10.0.0.1:6379@16379 master - 0 0 7 connected 0-16383",
		b + " 10.0.0.2:6379@16379 myself,slave " + a + " 0 0 7 connected",
		c + " :0@16379 slave,noaddr " + a + " 0 0 7 connected",
	}
	for i, m := range v.members {
		if got := v.nodeLine(m); got != wantLines[i] {
			t.Errorf("nodeLine(%s) =\n%q\nwant\n%q", m.id, got, wantLines[i])
		}
	}
	if got := v.info(); !strings.HasPrefix(got, "cluster_state:ok\r\ncluster_slots_assigned:16384\r\n") ||
		!strings.Contains(got, "cluster_known_nodes:3\r\ncluster_size:1\r\ncluster_current_epoch:7\r\n") {
		t.Errorf("info = %q", got)
	}
	slots, _, err := parseRESP(v.appendSlots(nil))
	if err != nil {
		t.Fatal(err)
	}
	wantSlots := fmt.Sprint([]any{[]any{int64(0), int64(16383),
		[]any{"10.0.0.1", int64(6379), a, []any{}},
		[]any{"10.0.0.2", int64(6379), b, []any{}}}})
	if fmt.Sprint(slots) != wantSlots {
		t.Errorf("slots = %v, want %v", slots, wantSlots)
	}
	shards, _, err := parseRESP(v.appendShards(nil))
	if err != nil {
		t.Fatal(err)
	}
	sh := shards.([]any)
	nodes := sh[0].([]any)[3].([]any)
	if len(sh) != 1 || len(nodes) != 2 {
		t.Fatalf("shards = %v", shards)
	}
	if n := nodes[1].([]any); n[1] != b || n[9] != "replica" || n[11] != int64(42) {
		t.Errorf("b in shards = %v", n)
	}
	if n := nodes[0].([]any); n[1] != a || n[9] != "master" || n[11] != int64(0) {
		t.Errorf("a in shards = %v", n)
	}

	// With no leader known nobody serves slots and nobody, this node
	// included, claims to be a master.
	v = view("b", "")
	for _, m := range v.members {
		line := v.nodeLine(m)
		f := strings.Fields(line)
		if !strings.Contains(f[2], "slave") || strings.Contains(f[2], "master") || f[3] != "-" || len(f) != 8 {
			t.Errorf("leaderless nodeLine = %q", line)
		}
	}
	if got := string(v.appendSlots(nil)); got != "*0\r\n" {
		t.Errorf("leaderless slots = %q", got)
	}
	if got := v.info(); !strings.HasPrefix(got, "cluster_state:fail\r\ncluster_slots_assigned:0\r\ncluster_slots_ok:0\r\n") {
		t.Errorf("leaderless info = %q", got)
	}
	shards, _, _ = parseRESP(v.appendShards(nil))
	if sh := shards.([]any); len(sh) != 1 || len(sh[0].([]any)[1].([]any)) != 0 ||
		strings.Contains(fmt.Sprint(sh), "master") || len(sh[0].([]any)[3].([]any)) != 2 {
		t.Errorf("leaderless shards = %v", shards)
	}

	// A leader whose client address is not known yet cannot take clients.
	v = view("a", "c")
	if v.leader != nil || !strings.HasPrefix(v.info(), "cluster_state:fail") {
		t.Errorf("leader without address: leader %v, info %q", v.leader, v.info())
	}
}

// TestClusterViewHealth: members judged from raft contact show fail? or
// fail, a failed replica leaves CLUSTER SLOTS, SHARDS says health fail,
// and a leader this node lost contact with makes the slots pfail/fail.
func TestClusterViewHealth(t *testing.T) {
	heard := time.UnixMilli(1_700_000_000_000)
	v := &clusterView{self: "a", epoch: 3, members: []member{
		{id: "a", addr: "10.0.0.1:6379", raft: "10.0.0.1:16379", leader: true},
		{id: "b", addr: "10.0.0.2:6379", raft: "10.0.0.2:16379"},
		{id: "c", addr: "10.0.0.3:6379", raft: "10.0.0.3:16379"},
	}, health: map[string]memberHealth{
		"a": {raftnode.HealthOK, time.Now()},
		"b": {raftnode.HealthPFail, heard},
		"c": {raftnode.HealthFail, heard},
	}}
	v.leader = &v.members[0]
	a, b, c := sha1Hex("a"), sha1Hex("b"), sha1Hex("c")
	want := []string{
		a + " 10.0.0.1:6379@16379 myself,master - 0 0 3 connected 0-16383",
		b + " 10.0.0.2:6379@16379 slave,fail? " + a + " 0 1700000000000 3 disconnected",
		c + " 10.0.0.3:6379@16379 slave,fail " + a + " 0 1700000000000 3 disconnected",
	}
	for i, m := range v.members {
		if got := v.nodeLine(m); got != want[i] {
			t.Errorf("nodeLine(%s) =\n%q\nwant\n%q", m.id, got, want[i])
		}
	}
	slots, _, _ := parseRESP(v.appendSlots(nil))
	if got := fmt.Sprint(slots); strings.Contains(got, c) || !strings.Contains(got, b) {
		t.Errorf("slots = %v: the failed replica must leave, the pfail one stay", got)
	}
	shards, _, _ := parseRESP(v.appendShards(nil))
	for _, n := range shards.([]any)[0].([]any)[3].([]any) {
		n := n.([]any)
		wantHealth := "online"
		if n[1] == c {
			wantHealth = "fail"
		}
		if n[13] != wantHealth {
			t.Errorf("shards health of %v = %v, want %s", n[1], n[13], wantHealth)
		}
	}
	v.self = "b"
	v.health["a"] = memberHealth{raftnode.HealthPFail, heard}
	if got := v.info(); !strings.Contains(got, "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:0\r\ncluster_slots_pfail:16384\r\n") {
		t.Errorf("info with a pfail leader = %q", got)
	}
	v.health["a"] = memberHealth{raftnode.HealthFail, heard}
	if got := v.info(); !strings.HasPrefix(got, "cluster_state:fail\r\n") || !strings.Contains(got, "cluster_slots_fail:16384\r\n") {
		t.Errorf("info with a failed leader = %q", got)
	}
}

func TestClusterNodeID(t *testing.T) {
	for _, id := range []string{"n1", "node1", ""} {
		got := clusterNodeID(id)
		if len(got) != 40 || got != sha1Hex(id) || clusterNodeID(id) != got {
			t.Errorf("clusterNodeID(%q) = %q", id, got)
		}
	}
	if clusterNodeID("a") == clusterNodeID("b") {
		t.Error("distinct raft ids share a node id")
	}
}

// go-redis's ClusterClient must find the single shard through CLUSTER SLOTS
// and route by the key positions COMMAND reports.
func TestClusterGoRedisClient(t *testing.T) {
	addr, _ := startTestServer(t)
	if dialRaw(t, addr).val("COMMAND", "INFO", "set").([]any)[0] == nil {
		t.Skip("fsm has no SET yet")
	}
	ctx := context.Background()
	for _, readOnly := range []bool{false, true} {
		c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{addr}, ReadOnly: readOnly})
		for i := 0; i < 20; i++ {
			k := fmt.Sprintf("key:%d:%v", i, readOnly)
			if err := c.Set(ctx, k, i, 0).Err(); err != nil {
				t.Fatalf("SET %s: %v", k, err)
			}
			if v, err := c.Get(ctx, k).Int(); err != nil || v != i {
				t.Fatalf("GET %s = %d, %v", k, v, err)
			}
		}
		slots, err := c.ClusterSlots(ctx).Result()
		if err != nil || len(slots) != 1 || slots[0].Start != 0 || slots[0].End != 16383 ||
			len(slots[0].Nodes) != 1 || slots[0].Nodes[0].Addr != addr || slots[0].Nodes[0].ID != sha1Hex("n1") {
			t.Errorf("ClusterSlots = %+v, %v", slots, err)
		}
		shards, err := c.ClusterShards(ctx).Result()
		if err != nil || len(shards) != 1 || len(shards[0].Nodes) != 1 || shards[0].Nodes[0].Role != "master" {
			t.Errorf("ClusterShards = %+v, %v", shards, err)
		}
		cmds, err := c.Command(ctx).Result()
		if err != nil || cmds["get"] == nil || !cmds["get"].ReadOnly || cmds["set"].FirstKeyPos != 1 {
			t.Errorf("COMMAND through go-redis: %v (get %+v)", err, cmds["get"])
		}
		c.Close()
	}
}
