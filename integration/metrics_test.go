package integration

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape fetches /metrics and returns each sample line's value by its
// series name with labels ("quoris_raft_term", `quoris_commands_total{command="set",result="ok"}`).
func scrape(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("unparsable sample %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// TestMetricsEndpoint: /metrics on the leader (metrics-addr shared with
// pprof-addr) and on a follower (its own listener) during a short load:
// the series exist, and command counts, latency histograms, applied index
// and expirations move between scrapes; raft state agrees with RAFT INFO.
func TestMetricsEndpoint(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	ports := freePorts(t, 3)
	for i := 1; i <= 3; i++ {
		addr := fmt.Sprintf("127.0.0.1:%d", ports[i-1])
		c.NodeFlags[i] = []string{"--metrics-addr", addr, "--log-format", "json"}
		if i == 1 {
			c.NodeFlags[i] = append(c.NodeFlags[i], "--pprof-addr", addr)
		}
	}
	c.Start(3)
	leader := c.Leader()
	addrOf := func(i int) string { return fmt.Sprintf("127.0.0.1:%d", ports[i-1]) }
	before := scrape(t, addrOf(leader))
	cl := c.Client(leader%3 + 1) // through a follower
	for i := 0; i < 300; i++ {
		if err := cl.Set(ctx, fmt.Sprintf("m:%d", i), "v", 50*time.Millisecond).Err(); err != nil {
			t.Fatal(err)
		}
		cl.Get(ctx, "m:0")
	}
	cl.Set(ctx, "m:str", "v", 0)
	cl.Do(ctx, "INCR", "m:str") // an error reply: failed
	time.Sleep(500 * time.Millisecond)
	after := scrape(t, addrOf(leader))
	follower := scrape(t, addrOf(leader%3+1))
	all := []map[string]float64{after, follower, scrape(t, addrOf((leader+1)%3+1))}

	ok := `quoris_commands_total{command="set",result="ok"}`
	for _, m := range all {
		for _, name := range []string{"quoris_raft_term", "quoris_raft_commit_index", "quoris_raft_applied_index",
			"quoris_raft_last_log_index", "quoris_raft_leader_changes_total", "quoris_raft_snapshots_total",
			"quoris_raft_log_disk_bytes", "quoris_memory_dataset_bytes", "quoris_connected_clients", "quoris_blocked_clients",
			"quoris_evicted_keys_total", "quoris_expired_keys_total", "go_goroutines"} {
			if _, found := m[name]; !found {
				t.Errorf("series %s missing", name)
			}
		}
	}
	// A command is counted on the node that executes it (a follower
	// proxies writes and linearizable reads to the leader), so sum.
	sum := func(name string) (n float64) {
		for _, m := range all {
			n += m[name]
		}
		return n
	}
	if got := sum(ok) - before[ok]; got < 300 {
		t.Errorf("%s grew by %v, want >= 300", ok, got)
	}
	if got := sum(`quoris_commands_total{command="incr",result="failed"}`); got != 1 {
		t.Errorf("failed INCR count %v", got)
	}
	hist := `quoris_command_duration_seconds_count{command="get"}`
	inf := `quoris_command_duration_seconds_bucket{command="get",le="+Inf"}`
	if sum(hist) < 300 || sum(inf) != sum(hist) {
		t.Errorf("GET histogram: count %v, +Inf bucket %v", sum(hist), sum(inf))
	}
	if after["quoris_raft_applied_index"] <= before["quoris_raft_applied_index"]+100 {
		t.Errorf("applied index moved %v -> %v", before["quoris_raft_applied_index"], after["quoris_raft_applied_index"])
	}
	if after["quoris_expired_keys_total"] == 0 {
		t.Errorf("no expirations counted after 300 keys with a 50 ms TTL")
	}
	if after["quoris_raft_is_leader"] != 1 || follower["quoris_raft_is_leader"] != 0 {
		t.Errorf("is_leader: leader %v follower %v", after["quoris_raft_is_leader"], follower["quoris_raft_is_leader"])
	}
	ri, err := c.RaftInfo(leader)
	if err != nil {
		t.Fatal(err)
	}
	if strconv.FormatFloat(after["quoris_raft_term"], 'f', -1, 64) != ri["term"] {
		t.Errorf("term %v, RAFT INFO %s", after["quoris_raft_term"], ri["term"])
	}
	for _, peer := range []string{"node1", "node2", "node3"} {
		if peer == ri["node_id"] {
			continue
		}
		if v, found := after[`quoris_raft_last_contact_seconds{peer="`+peer+`"}`]; !found || v > 1 {
			t.Errorf("leader's last contact with %s: %v (found %v)", peer, v, found)
		}
	}
	// pprof shares node 1's listener.
	if r, err := http.Get("http://" + addrOf(1) + "/debug/pprof/cmdline"); err != nil || r.StatusCode != 200 {
		t.Errorf("pprof on the shared listener: %v", err)
	} else {
		r.Body.Close()
	}
}
