package resp

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHistogramBuckets(t *testing.T) {
	tests := []struct {
		v      int64
		lo, hi int64
	}{
		{0, 0, 0}, {1, 1, 1}, {255, 255, 255}, {256, 256, 257}, {511, 510, 511}, {512, 512, 515},
		{1000, 1000, 1003}, {4000, 4000, 4015}, {1_000_000, 999_424, 1_003_519}, {histMax, 998_244_352, 1_002_438_655},
		{2 * histMax, 998_244_352, 1_002_438_655}, {-5, 0, 0},
	}
	for _, tc := range tests {
		lo, hi := histBounds(histIndex(tc.v))
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("%d: bucket [%d, %d], want [%d, %d]", tc.v, lo, hi, tc.lo, tc.hi)
		}
	}
	// Every bucket's bounds map back to it, and buckets tile the range.
	prevHi := int64(-1)
	for i := 0; i < histBuckets; i++ {
		lo, hi := histBounds(i)
		if lo != prevHi+1 || histIndex(lo) != i || histIndex(hi) != i && hi <= histMax {
			t.Fatalf("bucket %d: [%d, %d] after %d", i, lo, hi, prevHi)
		}
		prevHi = hi
		if hi >= histMax {
			break
		}
	}
}

func TestHistogramPercentiles(t *testing.T) {
	var h latencyHist
	if got := h.percentile(50); got != 0 {
		t.Errorf("empty p50 = %d", got)
	}
	for i := 0; i < 98; i++ {
		h.record(1000) // 1 µs
	}
	h.record(50_000)
	h.record(2_000_000)
	tests := []struct {
		p    float64
		want int64
	}{{50, 1003}, {98, 1003}, {99, 50_175}, {99.9, 2_007_039}, {100, 2_007_039}}
	for _, tc := range tests {
		if got := h.percentile(tc.p); got != tc.want {
			t.Errorf("p%v = %d, want %d", tc.p, got, tc.want)
		}
	}
	upper, cum := h.powerBuckets()
	// Levels 1024 ns, ... 65536 ns, ... 2097152 ns, keyed by their bucket's
	// highest value in µs; only levels where the count grew.
	if fmt.Sprint(upper, cum) != "[1 66 2113] [98 99 100]" {
		t.Errorf("powerBuckets = %v %v", upper, cum)
	}
	h.reset()
	if h.total.Load() != 0 || h.percentile(99) != 0 {
		t.Error("reset left samples")
	}
}

func TestLatencyMonitor(t *testing.T) {
	var m latencyMonitor
	m.add("command", 100, 5)
	m.add("command", 100, 9) // same second: the worst one stays
	m.add("command", 100, 7)
	m.add("command", 101, 3)
	m.add("fast-command", 101, 1)
	h, mx, ok := m.history("command")
	if !ok || mx != 9 || len(h) != 2 || h[0] != (latencySample{100, 9}) || h[1] != (latencySample{101, 3}) {
		t.Errorf("history = %v max %d", h, mx)
	}
	for i := int64(0); i < latencySamples+10; i++ {
		m.add("command", 200+i, i)
	}
	if h, _, _ := m.history("command"); len(h) != latencySamples || h[0].at != 210 || h[len(h)-1].at != 200+latencySamples+9 {
		t.Errorf("wrapped history: %d samples from %v to %v", len(h), h[0], h[len(h)-1])
	}
	if names := m.names(); strings.Join(names, ",") != "command,fast-command" {
		t.Errorf("names = %v", names)
	}
	if n := m.reset([][]byte{[]byte("COMMAND"), []byte("nosuch")}); n != 1 {
		t.Errorf("reset one = %d", n)
	}
	if n := m.reset(nil); n != 1 {
		t.Errorf("reset all = %d", n)
	}
}

func TestLatencyGraph(t *testing.T) {
	// What redis-server 7.0.15 draws for samples of 11, 30 and 20 ms taken
	// 2, 1 and 0 seconds ago.
	g := latencyGraph("command", []latencySample{{100, 11}, {101, 30}, {102, 20}}, 30, 102)
	lines := strings.Split(strings.TrimSuffix(g, "\n"), "\n")
	want := []string{
		"command - high 30 ms, low 11 ms (all time high 30 ms)",
		strings.Repeat("-", 80),
		" # ", " | ", " |#", "_||", "   ", "210", "sss",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("graph:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseMemoryAndPercentiles(t *testing.T) {
	mem := []struct {
		in   string
		want uint64
		ok   bool
	}{{"0", 0, true}, {"10", 10, true}, {"1k", 1000, true}, {"1KB", 1024, true}, {"2gb", 2 << 30, true}, {"x", 0, false}, {"-1", 0, false}, {"1tb", 0, false}}
	for _, tc := range mem {
		if got, ok := parseMemory(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("parseMemory(%q) = %d %v", tc.in, got, ok)
		}
	}
	if got := latencyPercentiles(""); len(got) != 3 || got[2] != 99.9 {
		t.Errorf("default percentiles %v", got)
	}
	if got := latencyPercentiles("50 99.99"); len(got) != 2 || got[1] != 99.99 {
		t.Errorf("percentiles %v", got)
	}
	if got := latencyPercentiles("50 x"); len(got) != 3 {
		t.Errorf("bad percentiles %v", got)
	}
}

// TestOpsCounters: commandstats, errorstats, net bytes and the
// instantaneous rates follow what clients do; CONFIG RESETSTAT clears them.
func TestOpsCounters(t *testing.T) {
	addr, s := startTestServerWith(t, opsSettings())
	r := dialRaw(t, addr)
	in0 := s.ops.netIn.Load()
	r.do("SET", "k", "v")              // 29 bytes
	r.do("GET", "k")                   // 22 bytes
	r.do("LPUSH", "k", "x")            // WRONGTYPE: failed
	r.do("GET")                        // arity: rejected
	r.do("NOSUCH")                     // unknown: errorstats only
	r.do("CONFIG", "GET", "nosuch-at") // a subcommand
	var want int64
	for _, c := range [][]string{{"SET", "k", "v"}, {"GET", "k"}, {"LPUSH", "k", "x"}, {"GET"}, {"NOSUCH"}, {"CONFIG", "GET", "nosuch-at"}} {
		var argv [][]byte
		for _, a := range c {
			argv = append(argv, []byte(a))
		}
		want += int64(len(appendCommand(nil, argv)))
	}
	if got := s.ops.netIn.Load() - in0; got != want {
		t.Errorf("net input grew by %d, want %d", got, want)
	}
	cs := infoFields(t, r, "commandstats")
	for k, want := range map[string]string{
		"cmdstat_set":        "calls=1,",
		"cmdstat_get":        "calls=1,",
		"cmdstat_lpush":      "rejected_calls=0,failed_calls=1",
		"cmdstat_config|get": "calls=1,",
	} {
		if !strings.Contains(cs[k], want) {
			t.Errorf("%s = %q, want it to contain %q", k, cs[k], want)
		}
	}
	if !strings.HasSuffix(cs["cmdstat_get"], "rejected_calls=1,failed_calls=0") {
		t.Errorf("cmdstat_get = %q", cs["cmdstat_get"])
	}
	es := infoFields(t, r, "errorstats")
	if es["errorstat_WRONGTYPE"] != "count=1" || es["errorstat_ERR"] != "count=2" {
		t.Errorf("errorstats = %v", es)
	}
	st := infoFields(t, r, "stats")
	if st["total_error_replies"] != "3" {
		t.Errorf("total_error_replies = %q", st["total_error_replies"])
	}
	if n, _ := strconv.ParseInt(st["total_net_output_bytes"], 10, 64); n <= 0 {
		t.Errorf("total_net_output_bytes = %q", st["total_net_output_bytes"])
	}
	ls := infoFields(t, r, "latencystats")
	if !strings.HasPrefix(ls["latency_percentiles_usec_set"], "p50=") {
		t.Errorf("latencystats = %v", ls)
	}
	// A busy second shows in instantaneous_ops_per_sec.
	stop := time.Now().Add(1200 * time.Millisecond)
	for time.Now().Before(stop) {
		r.do("PING")
	}
	if ops, _ := strconv.Atoi(infoFields(t, r, "stats")["instantaneous_ops_per_sec"]); ops <= 0 {
		t.Errorf("instantaneous_ops_per_sec = %d after a second of PINGs", ops)
	}
	if got := r.do("CONFIG", "RESETSTAT"); got != "+OK\r\n" {
		t.Fatalf("RESETSTAT: %q", got)
	}
	if cs := infoFields(t, r, "commandstats"); len(cs) != 1 || cs["cmdstat_config|resetstat"] == "" {
		t.Errorf("commandstats after RESETSTAT: %v", cs)
	}
	if es := infoFields(t, r, "errorstats"); len(es) != 0 {
		t.Errorf("errorstats after RESETSTAT: %v", es)
	}
}

// TestSlowlogAndLatencyMonitor: thresholds come from the settings and take
// effect at CONFIG SET; DEBUG SLEEP is slow enough for both logs.
func TestSlowlogAndLatencyMonitor(t *testing.T) {
	addr, _ := startTestServerWith(t, opsSettings())
	r := dialRaw(t, addr)
	r.do("DEBUG", "SLEEP", "0.02")
	if got := r.do("SLOWLOG", "LEN"); got != ":1\r\n" {
		t.Errorf("SLOWLOG LEN after a 20 ms command = %q", got)
	}
	if got := r.do("LATENCY", "LATEST"); got != "*0\r\n" {
		t.Errorf("LATENCY LATEST with the monitor off = %q", got)
	}
	r.do("CONFIG", "SET", "latency-monitor-threshold", "5")
	r.do("CONFIG", "SET", "slowlog-max-len", "1")
	r.do("DEBUG", "SLEEP", "0.02")
	latest, _ := r.val("LATENCY", "LATEST").([]any)
	if len(latest) != 1 {
		t.Fatalf("LATENCY LATEST = %#v", latest)
	}
	ev := latest[0].([]any)
	if ev[0] != "command" || ev[2].(int64) < 20 || ev[3].(int64) < 20 {
		t.Errorf("latest event %#v", ev)
	}
	if hist, _ := r.val("LATENCY", "HISTORY", "command").([]any); len(hist) != 1 {
		t.Errorf("LATENCY HISTORY = %#v", hist)
	}
	if doc, _ := r.val("LATENCY", "DOCTOR").(string); !strings.Contains(doc, "1. command: 1 latency spikes") {
		t.Errorf("LATENCY DOCTOR = %q", doc)
	}
	if g, _ := r.val("LATENCY", "GRAPH", "command").(string); !strings.HasPrefix(g, "command - high ") {
		t.Errorf("LATENCY GRAPH = %q", g)
	}
	if got := r.do("SLOWLOG", "LEN"); got != ":1\r\n" {
		t.Errorf("SLOWLOG LEN with max-len 1 = %q", got)
	}
	if got := r.do("LATENCY", "RESET", "command"); got != ":1\r\n" {
		t.Errorf("LATENCY RESET command = %q", got)
	}
}

func TestSaveAndLastsave(t *testing.T) {
	addr, s := startTestServerWith(t, opsSettings())
	r := dialRaw(t, addr)
	r.do("SET", "k", "v")
	before := s.snapshotIndex()
	if got := r.do("SAVE"); got != "+OK\r\n" {
		t.Fatalf("SAVE = %q", got)
	}
	if after := s.snapshotIndex(); after <= before {
		t.Errorf("SAVE took no snapshot: index %d -> %d", before, after)
	}
	if ls, _ := r.val("LASTSAVE").(int64); ls < time.Now().Unix()-5 {
		t.Errorf("LASTSAVE = %d", ls)
	}
	p := infoFields(t, r, "persistence")
	if p["rdb_saves"] != "1" || p["rdb_changes_since_last_save"] != "0" || p["rdb_last_bgsave_status"] != "ok" {
		t.Errorf("persistence after SAVE: %v", p)
	}
	r.do("SET", "k", "w")
	if got := r.do("BGSAVE"); got != "+Background saving started\r\n" {
		t.Fatalf("BGSAVE = %q", got)
	}
	s.saveWG.Wait()
	if p := infoFields(t, r, "persistence"); p["rdb_saves"] != "2" || p["rdb_bgsave_in_progress"] != "0" {
		t.Errorf("persistence after BGSAVE: %v", p)
	}
}

func TestDebugReloadKeepsData(t *testing.T) {
	addr, _ := startTestServerWith(t, opsSettings())
	r := dialRaw(t, addr)
	digestDataset(r)
	before := r.do("DEBUG", "DIGEST")
	if got := r.do("DEBUG", "RELOAD"); got != "+OK\r\n" {
		t.Fatalf("DEBUG RELOAD = %q", got)
	}
	if after := r.do("DEBUG", "DIGEST"); after != before {
		t.Errorf("digest changed by RELOAD: %q -> %q", before, after)
	}
	if got := r.do("LRANGE", "l", "0", "-1"); got != "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\n2\r\n" {
		t.Errorf("LRANGE after RELOAD = %q", got)
	}
	r.do("RPUSH", "l", "3") // writes still apply after the swap
	if got := r.do("LLEN", "l"); got != ":6\r\n" {
		t.Errorf("LLEN after RELOAD and RPUSH = %q", got)
	}
}

func TestShutdownCommand(t *testing.T) {
	addr, s := startTestServerWith(t, opsSettings())
	stopped := make(chan struct{})
	s.shutdownMu.Lock()
	s.opts.Shutdown = func() { close(stopped) }
	s.shutdownMu.Unlock()
	r := dialRaw(t, addr)
	if got := r.do("SHUTDOWN", "ABORT"); got != "-ERR No shutdown in progress.\r\n" {
		t.Errorf("SHUTDOWN ABORT = %q", got)
	}
	before := s.snapshotIndex()
	r.do("SET", "k", "v")
	r.c.SetDeadline(time.Now().Add(5 * time.Second))
	r.c.Write([]byte("*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n"))
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("SHUTDOWN did not stop the server")
	}
	if buf := make([]byte, 1); true {
		if n, err := r.c.Read(buf); n != 0 || err == nil {
			t.Errorf("SHUTDOWN replied %q instead of closing", buf[:n])
		}
	}
	if after := s.snapshotIndex(); after <= before {
		t.Errorf("SHUTDOWN SAVE took no snapshot (%d -> %d)", before, after)
	}
}

func TestRoleWaitSingleNode(t *testing.T) {
	addr, s := startTestServerWith(t, opsSettings())
	r := dialRaw(t, addr)
	r.do("SET", "k", "v")
	role, _ := r.val("ROLE").([]any)
	if len(role) != 3 || role[0] != "master" || role[1].(int64) != int64(s.fsm.AppliedIndex()) {
		t.Errorf("ROLE = %#v", role)
	}
	if got := r.do("WAIT", "0", "0"); got != ":0\r\n" {
		t.Errorf("WAIT 0 0 = %q", got)
	}
	t0 := time.Now()
	if got := r.do("WAIT", "1", "100"); got != ":0\r\n" || time.Since(t0) < 100*time.Millisecond {
		t.Errorf("WAIT 1 100 = %q after %v", got, time.Since(t0))
	}
	if got := r.do("WAITAOF", "1", "0", "0"); got != "*2\r\n:1\r\n:0\r\n" {
		t.Errorf("WAITAOF 1 0 0 = %q", got)
	}
	rep := infoFields(t, r, "replication")
	if rep["role"] != "master" || rep["connected_slaves"] != "0" || rep["master_repl_offset"] != strconv.FormatUint(s.fsm.AppliedIndex(), 10) || len(rep["master_replid"]) != 40 {
		t.Errorf("INFO replication = %v", rep)
	}
	id := rep["master_replid"]
	r.do("DEBUG", "CHANGE-REPL-ID")
	if infoFields(t, r, "replication")["master_replid"] == id {
		t.Error("DEBUG CHANGE-REPL-ID kept the replication id")
	}
}

// TestCalledAllocFree: the per-command hook allocates nothing once a
// command's histogram exists (the slow log, past its threshold, aside).
func TestCalledAllocFree(t *testing.T) {
	s := &Server{ops: newOpsStats([]string{"get"}, map[string]bool{"get": true})}
	st := s.ops.stat("get")
	args := [][]byte{[]byte("GET"), []byte("k")}
	reply := []byte("$1\r\nv\r\n")
	s.called(st, nil, args, time.Now(), reply)
	if n := testing.AllocsPerRun(1000, func() { s.called(st, nil, args, time.Now(), reply) }); n != 0 {
		t.Errorf("called allocates %v times per command", n)
	}
	if st.calls.Load() != 1002 { // AllocsPerRun runs once more to warm up
		t.Errorf("calls = %d", st.calls.Load())
	}
}

func BenchmarkCalled(b *testing.B) {
	s := &Server{ops: newOpsStats([]string{"get"}, map[string]bool{"get": true})}
	st := s.ops.stat("get")
	args := [][]byte{[]byte("GET"), []byte("k")}
	reply := []byte("$1\r\nv\r\n")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.called(s.ops.stat("get"), nil, args, time.Now(), reply)
	}
	_ = st
}
