package resp

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/quoris/quoris/raftnode"
)

// Prometheus metrics. Everything is read at scrape time from the counters
// INFO already keeps (commandstats, latency histograms, raft state, the
// FSM's stats), so serving /metrics costs nothing between scrapes and the
// two views never disagree. Counters reset by CONFIG RESETSTAT reset here
// too, which Prometheus's rate() handles as a counter reset.

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("quoris_"+name, help, labels, nil)
}

var (
	mCommands      = desc("commands_total", "Commands processed, by command and result (ok, failed: an error reply, rejected: refused before running).", "command", "result")
	mLatency       = desc("command_duration_seconds", "Command latency as INFO latencystats measures it.", "command")
	mTerm          = desc("raft_term", "Current raft term.")
	mLeader        = desc("raft_is_leader", "1 when this node is the raft leader.")
	mCommit        = desc("raft_commit_index", "Raft commit index.")
	mApplied       = desc("raft_applied_index", "Index of the last log entry applied to the state machine.")
	mLastIndex     = desc("raft_last_log_index", "Index of the last entry in this node's log.")
	mContact       = desc("raft_last_contact_seconds", "Seconds since the last contact with a peer (the leader's view of each follower; a follower's view of the leader).", "peer")
	mLeaderChanges = desc("raft_leader_changes_total", "Leader changes this node observed.")
	mSnapshots     = desc("raft_snapshot_seconds_total", "Time spent persisting snapshots.")
	mSnapCount     = desc("raft_snapshots_total", "Snapshots persisted.")
	mRestores      = desc("raft_restore_seconds_total", "Time spent restoring snapshots.")
	mRestoreCount  = desc("raft_restores_total", "Snapshots restored.")
	mLogDisk       = desc("raft_log_disk_bytes", "Size of the raft log on disk.")
	mAppliedBytes  = desc("raft_applied_bytes_total", "Bytes of command entries applied since start.")
	mDataset       = desc("memory_dataset_bytes", "Dataset accounting compared with maxmemory (INFO used_memory_dataset).")
	mMaxmemory     = desc("memory_max_bytes", "maxmemory (0: no limit).")
	mClients       = desc("connected_clients", "Client connections.")
	mBlocked       = desc("blocked_clients", "Clients in a blocking command.")
	mEvicted       = desc("evicted_keys_total", "Keys evicted by maxmemory.")
	mExpired       = desc("expired_keys_total", "Keys removed on expiry.")
	mKeys          = desc("keys", "Keys per database.", "db")
)

type collector struct{ s *Server }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	prometheus.DescribeByCollect(c, ch)
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, st := range s.ops.used() {
		calls, failed, rejected := st.calls.Load(), st.failed.Load(), st.rejected.Load()
		counter(mCommands, float64(calls-failed), st.name, "ok")
		counter(mCommands, float64(failed), st.name, "failed")
		counter(mCommands, float64(rejected), st.name, "rejected")
		if h := st.hist.Load(); h != nil {
			count, buckets := h.promBuckets()
			ch <- prometheus.MustNewConstHistogram(mLatency, count, float64(st.nanos.Load())/1e9, buckets, st.name)
		}
	}
	fst := s.fsm.Stats()
	counter(mEvicted, float64(fst.EvictedKeys.Load()))
	counter(mExpired, float64(fst.ExpiredKeys.Load()))
	gauge(mDataset, float64(s.fsm.UsedDataset()))
	maxmem, _ := strconv.ParseFloat(s.setting("maxmemory"), 64)
	gauge(mMaxmemory, maxmem)
	keys, _ := s.fsm.KeyspaceInfo()
	for i, n := range keys {
		if n > 0 {
			gauge(mKeys, float64(n), strconv.Itoa(i))
		}
	}
	clients := s.clientsSorted()
	blocked := 0
	for _, cl := range clients {
		if cl.blocked.Load() {
			blocked++
		}
	}
	gauge(mClients, float64(len(clients)))
	gauge(mBlocked, float64(blocked))
	counter(mAppliedBytes, float64(s.fsm.AppliedBytes()))
	gauge(mApplied, float64(s.fsm.AppliedIndex()))
	if s.node == nil {
		return
	}
	r := s.node.Raft()
	gauge(mTerm, float64(r.CurrentTerm()))
	gauge(mCommit, float64(r.CommitIndex()))
	gauge(mLastIndex, float64(r.LastIndex()))
	leader := 0.0
	if s.node.IsLeader() {
		leader = 1
	}
	gauge(mLeader, leader)
	if servers, err := s.node.Servers(); err == nil {
		for _, sv := range servers {
			if string(sv.ID) == s.node.ID() {
				continue
			}
			h, since := s.node.PeerHealth(string(sv.ID))
			if h == raftnode.HealthUnknown || since.IsZero() {
				continue
			}
			gauge(mContact, time.Since(since).Seconds(), string(sv.ID))
		}
	}
	t := s.node.Timings()
	counter(mLeaderChanges, float64(t.LeaderChanges.Load()))
	counter(mSnapshots, float64(t.SnapshotNanos.Load())/1e9)
	counter(mSnapCount, float64(t.Snapshots.Load()))
	counter(mRestores, float64(t.RestoreNanos.Load())/1e9)
	counter(mRestoreCount, float64(t.Restores.Load()))
	gauge(mLogDisk, float64(s.node.LogDiskBytes()))
}

// promBuckets are the histogram's cumulative counts at power-of-two
// bounds from 1 µs to about 1 s, in seconds: fixed bounds, so every scrape
// has the same series.
func (h *latencyHist) promBuckets() (uint64, map[float64]uint64) {
	out := make(map[float64]uint64, 21)
	var seen int64
	i := 0
	for limit := int64(1024); limit <= 1<<30; limit *= 2 {
		top := histIndex(limit - 1)
		for ; i <= top; i++ {
			seen += h.counts[i].Load()
		}
		out[float64(limit)/1e9] = uint64(seen)
	}
	for ; i < histBuckets; i++ {
		seen += h.counts[i].Load()
	}
	return uint64(seen), out
}

// MetricsHandler serves Prometheus's /metrics for this server: its own
// metrics (quoris_*) and the Go runtime's and process's.
func (s *Server) MetricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collector{s}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: nil})
}
