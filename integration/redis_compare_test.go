package integration

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/integration/check"
)

// TestRedisSentinelComparison runs the torture harness's workloads, clients
// and checker against Redis as it is usually deployed for failover: one
// primary, two replicas (asynchronous replication, appendonly yes,
// appendfsync everysec) and three Sentinels (quorum 2,
// down-after-milliseconds 1000), with go-redis's failover client. The same
// seeded faults hit quoris for comparison. It only runs with
// QUORIS_COMPARE=1 (`make compare`). Settings (environment):
//
//	QUORIS_COMPARE_SYSTEMS   redis-async,redis-wait,quoris (default all three)
//	QUORIS_COMPARE_RUNS      runs per system (default 6: one per workload x fault)
//	QUORIS_COMPARE_DURATION  length of each run's fault phase (default 20s)
//	QUORIS_COMPARE_SEED      seed of run 0; run i uses seed+i (default 1)
//	QUORIS_COMPARE_WORKLOADS default counter,list-append
//	QUORIS_COMPARE_FAULTS    kill,partition,pause (default all three)
//	QUORIS_COMPARE_CLIENTS   concurrent clients (default 8)
//	QUORIS_COMPARE_QUIET     least time between two faults (default 2s; each
//	                         gap is this plus 0-2s)
//	QUORIS_COMPARE_RATE      operations per second per client, 0 = as fast
//	                         as possible (default 100; keeps histories checkable)
//	QUORIS_COMPARE_CHECK_TIMEOUT  the linearizability checker's bound per run
//	                         (default 2m; "?" in the table when reached)
//	QUORIS_COMPARE_REPORT    file the table is written to
//	QUORIS_COMPARE_OUT       when set, a directory for porcupine's HTML of
//	                         every violation (tens of MB each for Redis, and
//	                         the verbose check is slower)
//
// Run i of a system uses fault i mod #faults and workload
// (i / #faults) mod #workloads, so with the defaults every (workload,
// fault) cell gets one run, and the same seed gives every system the same
// fault schedule. redis-wait is redis-async with WAIT 1 0 after every
// write: a write counts as acknowledged only once WAIT reports a replica
// has it.
func TestRedisSentinelComparison(t *testing.T) {
	if os.Getenv("QUORIS_COMPARE") != "1" {
		t.Skip("the Redis Sentinel comparison runs only with QUORIS_COMPARE=1 (make compare)")
	}
	cfg := compareConfigFromEnv(t)
	cfg.loadStart = loadAvg()
	for _, s := range cfg.systems {
		if strings.HasPrefix(s, "redis") && cfg.redisBin == "" {
			t.Skip("redis-server not installed; run make deps (apt-get install redis-server) to compare with Redis")
		}
	}
	var results []compareResult
	for _, sys := range cfg.systems {
		for i := 0; i < cfg.runs; i++ {
			seed := cfg.seed + uint64(i)
			fault := cfg.faults[i%len(cfg.faults)]
			wl := cfg.workloads[(i/len(cfg.faults))%len(cfg.workloads)]
			t.Run(fmt.Sprintf("%s/%s/%s/seed=%d", sys, wl, fault, seed), func(t *testing.T) {
				results = append(results, runCompare(t, cfg, sys, workloads[wl], fault, seed))
			})
		}
	}
	report := compareHeader(cfg) + "\n" + formatCompare(results, true) + "\nper run:\n" + formatCompare(results, false)
	t.Log("\n" + report)
	if p := os.Getenv("QUORIS_COMPARE_REPORT"); p != "" {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(report), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type compareConfig struct {
	systems, workloads, faults []string
	runs, clients, rate        int
	duration, checkTimeout     time.Duration
	quiet                      time.Duration
	seed                       uint64
	out, redisBin, redisVer    string
	loadStart                  string
}

func compareConfigFromEnv(t *testing.T) compareConfig {
	env := func(k, def string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return def
	}
	atoi := func(k, def string) int {
		n, err := strconv.Atoi(env(k, def))
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		return n
	}
	d, err := time.ParseDuration(env("QUORIS_COMPARE_DURATION", "20s"))
	if err != nil {
		t.Fatalf("QUORIS_COMPARE_DURATION: %v", err)
	}
	ct, err := time.ParseDuration(env("QUORIS_COMPARE_CHECK_TIMEOUT", "2m"))
	if err != nil {
		t.Fatalf("QUORIS_COMPARE_CHECK_TIMEOUT: %v", err)
	}
	quiet, err := time.ParseDuration(env("QUORIS_COMPARE_QUIET", "2s"))
	if err != nil {
		t.Fatalf("QUORIS_COMPARE_QUIET: %v", err)
	}
	cfg := compareConfig{
		quiet:        quiet,
		systems:      strings.Split(env("QUORIS_COMPARE_SYSTEMS", "redis-async,redis-wait,quoris"), ","),
		workloads:    strings.Split(env("QUORIS_COMPARE_WORKLOADS", "counter,list-append"), ","),
		faults:       strings.Split(env("QUORIS_COMPARE_FAULTS", "kill,partition,pause"), ","),
		clients:      atoi("QUORIS_COMPARE_CLIENTS", "8"),
		rate:         atoi("QUORIS_COMPARE_RATE", "100"),
		duration:     d,
		checkTimeout: ct,
		seed:         uint64(atoi("QUORIS_COMPARE_SEED", "1")),
		out:          os.Getenv("QUORIS_COMPARE_OUT"),
	}
	cfg.runs = atoi("QUORIS_COMPARE_RUNS", strconv.Itoa(len(cfg.workloads)*len(cfg.faults)))
	for _, w := range cfg.workloads {
		if workloads[w] == nil {
			t.Fatalf("unknown workload %q", w)
		}
	}
	for _, f := range cfg.faults {
		if f != "kill" && f != "partition" && f != "pause" {
			t.Fatalf("unknown fault %q (kill, partition, pause)", f)
		}
	}
	for _, s := range cfg.systems {
		if s != "redis-async" && s != "redis-wait" && s != "quoris" {
			t.Fatalf("unknown system %q (redis-async, redis-wait, quoris)", s)
		}
	}
	if bin, err := exec.LookPath("redis-server"); err == nil {
		cfg.redisBin = bin
		if out, err := exec.Command(bin, "--version").Output(); err == nil {
			cfg.redisVer = strings.TrimSpace(string(out))
		}
	}
	return cfg
}

func compareHeader(cfg compareConfig) string {
	return fmt.Sprintf("quoris vs Redis Sentinel, %s, %d CPUs (load average %s at start, %s at end), %s\n"+
		"runs/system=%d duration=%v clients=%d rate=%d ops/s/client seed=%d workloads=%s faults=%s quiet=%v+0-2s\n"+
		"holds: kill 1-5s then restart, partition (primary vs replicas and sentinels) 4-6s, pause (SIGSTOP) 3-5s\n"+
		"Redis: 1 primary + 2 replicas (async, appendonly yes, appendfsync everysec), 3 sentinels (quorum 2, down-after 1000ms, failover-timeout 3000ms)\n"+
		"lost = acknowledged writes missing from the final state (counter: a lower bound); unavail = longest time without a successful operation\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), cfg.loadStart, loadAvg(), cfg.redisVer,
		cfg.runs, cfg.duration, cfg.clients, cfg.rate, cfg.seed,
		strings.Join(cfg.workloads, ","), strings.Join(cfg.faults, ","), cfg.quiet)
}

// loadAvg is the 1-minute load average (Linux), or "?".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

type compareResult struct {
	system, workload, fault string
	seed                    uint64
	ok, failed, unknown     int
	unexpected              int
	lost                    int
	lin                     string // yes, NO, ? (checker timed out), - (not run)
	maxUnavail              time.Duration
	elapsed                 time.Duration // clients' running time
	strikes                 int
	note                    string
}

var systemLabels = map[string]string{
	"redis-async": "redis/async",
	"redis-wait":  "redis/WAIT 1 0",
	"quoris":      "quoris",
}

// formatCompare prints one row per (system, workload, fault), summed over
// runs, or one row per run.
func formatCompare(rs []compareResult, aggregate bool) string {
	type cell struct {
		compareResult
		runs, nonLin, timedOut int
	}
	var order []string
	cells := map[string]*cell{}
	for i, r := range rs {
		k := fmt.Sprintf("%s|%s|%s", r.system, r.workload, r.fault)
		if !aggregate {
			k = strconv.Itoa(i)
		}
		c := cells[k]
		if c == nil {
			c = &cell{compareResult: compareResult{system: r.system, workload: r.workload, fault: r.fault, seed: r.seed, note: r.note}}
			cells[k] = c
			order = append(order, k)
		}
		if r.lin == "-" {
			continue
		}
		c.runs++
		c.ok += r.ok
		c.failed += r.failed
		c.unknown += r.unknown
		c.lost += r.lost
		c.strikes += r.strikes
		c.elapsed += r.elapsed
		if r.maxUnavail > c.maxUnavail {
			c.maxUnavail = r.maxUnavail
		}
		switch r.lin {
		case "NO":
			c.nonLin++
		case "?":
			c.timedOut++
		}
		if r.note != "" && !strings.Contains(c.note, r.note) {
			c.note = strings.TrimPrefix(c.note+"; "+r.note, "; ")
		}
	}
	var b strings.Builder
	first := "runs"
	if !aggregate {
		first = "seed"
	}
	fmt.Fprintf(&b, "%-15s %-12s %-9s %4s %6s %7s %7s %7s %6s %7s %-12s %8s  %s\n",
		"system", "workload", "fault", first, "faults", "ok", "failed", "unknown", "ops/s", "lost", "linearizable", "unavail", "notes")
	for _, k := range order {
		c := cells[k]
		n := strconv.Itoa(c.runs)
		if !aggregate {
			n = strconv.FormatUint(c.seed, 10)
		}
		if c.runs == 0 {
			fmt.Fprintf(&b, "%-15s %-12s %-9s %4s %6s %7s %7s %7s %6s %7s %-12s %8s  %s\n",
				systemLabels[c.system], c.workload, c.fault, n, "-", "-", "-", "-", "-", "-", "-", "-", c.note)
			continue
		}
		lin := "yes"
		switch {
		case c.nonLin > 0 && aggregate:
			lin = fmt.Sprintf("NO (%d/%d)", c.nonLin, c.runs)
		case c.nonLin > 0:
			lin = "NO"
		case c.timedOut > 0:
			lin = "?"
		}
		opsPerS := 0
		if c.elapsed > 0 {
			opsPerS = int(float64(c.ok+c.failed+c.unknown) / c.elapsed.Seconds())
		}
		fmt.Fprintf(&b, "%-15s %-12s %-9s %4s %6d %7d %7d %7d %6d %7d %-12s %8s  %s\n",
			systemLabels[c.system], c.workload, c.fault, n, c.strikes, c.ok, c.failed, c.unknown, opsPerS, c.lost, lin,
			c.maxUnavail.Round(10*time.Millisecond), c.note)
	}
	return b.String()
}

// compareTarget is a running system under test: three data nodes (0-based
// indexes), one of which is the primary (raft leader for quoris).
type compareTarget interface {
	primary() int // -1 when unknown
	kill(i int)
	restart(i int)
	pause(i int)
	resume(i int)
	// isolation returns the primary's firewall identity and everyone it
	// talks to (the other data nodes, and sentinels).
	isolation(i int) (victim *Node, others []*Node)
	// client returns worker w's client; close is done by the target.
	client(w int) *redis.Client
	classify(err error) (check.Outcome, bool)
	// settle waits until the system has one primary everyone agrees on and
	// returns its client address.
	settle(timeout time.Duration) (string, error)
}

func runCompare(t *testing.T, cfg compareConfig, sys string, wl *workload, fault string, seed uint64) compareResult {
	res := compareResult{system: sys, workload: wl.name, fault: fault, seed: seed, lin: "-"}
	r := rand.New(rand.NewPCG(seed, 0x636f6d70))
	ctx := deadlineCtx(t, cfg.duration+5*time.Minute)
	prefix := fmt.Sprintf("127.%d.%d.", 200+r.IntN(50), 1+r.IntN(250))
	var fw *firewall
	if fault == "partition" {
		fw = newFirewall(t, fmt.Sprintf("cmp%d_%d", os.Getpid(), seed))
		if fw == nil {
			res.note = "partition needs root and nft"
			return res
		}
	}

	var tg compareTarget
	if sys == "quoris" {
		q := startQuorisTarget(t, prefix, cfg.clients)
		for _, name := range wl.needs {
			if ok, err := knownCommand(q.c.Node(1).Addr, name); err != nil || !ok {
				res.note = fmt.Sprintf("quoris lacks %s", strings.ToUpper(name))
				t.Logf("skipped: %s (%v)", res.note, err)
				return res
			}
		}
		tg = q
	} else {
		tg = startRedisTarget(t, cfg.redisBin, prefix, cfg.clients, sys == "redis-wait")
	}

	h := check.NewHistory()
	var stop atomic.Bool
	var lastOK, maxGap atomic.Int64
	lastOK.Store(h.Now())
	var unexpected atomic.Int64
	var firstUnexpected sync.Once
	var wg sync.WaitGroup
	// Stop the clients before the processes go, also when the run fails.
	t.Cleanup(func() {
		stop.Store(true)
		wg.Wait()
	})
	clientsStart := time.Now()
	var interval time.Duration
	if cfg.rate > 0 {
		interval = time.Second / time.Duration(cfg.rate)
	}
	for ci := 0; ci < cfg.clients; ci++ {
		cl := tg.client(ci)
		cr := rand.New(rand.NewPCG(seed, uint64(ci)))
		wg.Add(1)
		go func(ci int) {
			defer wg.Done()
			next := time.Now()
			for n := 0; !stop.Load(); n++ {
				if interval > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					next = next.Add(interval)
					if now := time.Now(); next.Before(now) {
						next = now
					}
				}
				key := fmt.Sprintf("%s%d", wl.name, cr.IntN(wl.keys))
				op := wl.gen(cr, key, fmt.Sprintf("%d-%d", ci, n))
				call := h.Now()
				octx, cancel := context.WithTimeout(ctx, 2*time.Second)
				out, err := wl.do(octx, cl, op)
				cancel()
				ret := h.Now()
				outcome, expected := tg.classify(err)
				if !expected {
					unexpected.Add(1)
					firstUnexpected.Do(func() { t.Logf("unexpected reply to %+v: %v", op, err) })
				}
				h.Add(ci, op, call, ret, out, outcome)
				if outcome == check.OK {
					prev := lastOK.Swap(ret)
					if gap := ret - prev; gap > maxGap.Load() {
						maxGap.Store(gap)
					}
				} else {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}(ci)
	}

	// The fault phase: quiet, strike the primary, hold, heal; repeated.
	// Holds: kill 1-5s (the restart may come before or after Sentinel's
	// failover), partition 4-6s and pause 3-5s (both longer than
	// down-after).
	var log []string
	start := time.Now()
	note := func(format string, args ...any) {
		log = append(log, fmt.Sprintf("%5.1fs ", time.Since(start).Seconds())+fmt.Sprintf(format, args...))
	}
	end := start.Add(cfg.duration)
	minHold := map[string]int{"kill": 1000, "partition": 4000, "pause": 3000}[fault]
	spread := map[string]int{"kill": 4000, "partition": 2000, "pause": 2000}[fault]
	for ctx.Err() == nil {
		quiet := cfg.quiet + time.Duration(r.IntN(2000))*time.Millisecond
		hold := time.Duration(minHold+r.IntN(spread)) * time.Millisecond
		if time.Until(end) < quiet+time.Duration(minHold)*time.Millisecond {
			break
		}
		time.Sleep(quiet)
		if hold > time.Until(end) {
			hold = time.Until(end)
		}
		p := tg.primary()
		if p < 0 {
			note("no primary known: %s skipped", fault)
			continue
		}
		res.strikes++
		switch fault {
		case "kill":
			tg.kill(p)
			note("kill -9 node%d, restart after %v", p+1, hold)
			time.Sleep(hold)
			tg.restart(p)
		case "pause":
			tg.pause(p)
			note("SIGSTOP node%d for %v", p+1, hold)
			time.Sleep(hold)
			tg.resume(p)
		case "partition":
			victim, others := tg.isolation(p)
			fw.isolate([]*Node{victim}, others)
			note("isolate node%d from the others for %v", p+1, hold)
			time.Sleep(hold)
			fw.heal()
		}
	}
	// Healed: wait for one agreed primary with clients still running (the
	// time that takes counts as unavailability), then stop them.
	paddr, err := tg.settle(90 * time.Second)
	if err != nil {
		stop.Store(true)
		wg.Wait()
		t.Errorf("no agreed primary after healing: %v", err)
		res.note = "did not converge"
		return res
	}
	note("settled, primary %s", paddr)
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()
	res.elapsed = time.Since(clientsStart)
	if gap := h.Now() - lastOK.Load(); gap > maxGap.Load() {
		maxGap.Store(gap)
	}
	if paddr, err = tg.settle(30 * time.Second); err != nil {
		t.Errorf("no agreed primary after the clients stopped: %v", err)
		res.note = "did not converge"
		return res
	}

	fcl := redis.NewClient(&redis.Options{Addr: paddr, Protocol: 2, DisableIdentity: true, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: 5 * time.Second})
	defer fcl.Close()
	finals := map[string]check.Result{}
	for k := 0; k < wl.keys; k++ {
		key := fmt.Sprintf("%s%d", wl.name, k)
		op := wl.finalOp(key)
		var out check.Result
		var err error
		for try := 0; try < 20; try++ {
			call := h.Now()
			out, err = wl.do(ctx, fcl, op)
			if err == nil {
				h.Add(cfg.clients, op, call, h.Now(), out, check.OK)
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("final read of %s on %s: %v", key, paddr, err)
		}
		finals[key] = out
	}

	res.ok, res.failed, res.unknown = h.Counts()
	res.unexpected = int(unexpected.Load())
	res.maxUnavail = time.Duration(maxGap.Load())
	if wl.lostAcks != nil {
		res.lost = wl.lostAcks(h, finals)
	}
	res.lin = compareCheck(t, cfg, wl, pruneUnknown(t, h, finals), fmt.Sprintf("%s-%s-%s-seed%d", sys, wl.name, fault, seed))
	if res.unexpected > 0 {
		res.note = fmt.Sprintf("%d unexpected errors", res.unexpected)
	}
	// quoris promises these; Redis is expected to break them.
	if sys == "quoris" && (res.lin == "NO" || res.lost > 0 || res.unexpected > 0) {
		t.Errorf("quoris broke its guarantees: linearizable=%s lost=%d unexpected=%d", res.lin, res.lost, res.unexpected)
	}
	t.Logf("faults: %s", strings.Join(log, "; "))
	t.Logf("\n%s", formatCompare([]compareResult{res}, false))
	return res
}

// pruneUnknown drops unknown writes that the final state shows must be
// linearized after the final read, where they affect nothing: the checker
// gives the same verdict without them, but each one left pending doubles
// the states porcupine may have to visit. An unknown append (RPUSH or SADD
// of a unique value) absent from its key's final read is one: had it taken
// effect before the final read, the read would hold it. For a counter,
// when the final value equals the acknowledged increments, every unknown
// increment is one.
func pruneUnknown(t *testing.T, h *check.History, finals map[string]check.Result) *check.History {
	ops := h.Operations()
	present := map[string]bool{}
	for k, res := range finals {
		for _, v := range res.List {
			present[k+"\x00"+v] = true
		}
	}
	acked := map[string]int64{}
	for _, o := range ops {
		if in := check.InputOf(o); in.Kind == "incr" && !check.IsUnknown(o) {
			acked[in.Key] += in.N
		}
	}
	out := check.NewHistory()
	dropped := 0
	for _, o := range ops {
		in := check.InputOf(o)
		res := o.Output.(check.Result)
		if !check.IsUnknown(o) {
			out.Add(o.ClientId, in, o.Call, o.Return, res, check.OK)
			continue
		}
		f, ok := finals[in.Key]
		if ok && ((in.Kind == "append" && !present[in.Key+"\x00"+in.Value]) || (in.Kind == "incr" && f.N == acked[in.Key])) {
			dropped++
			continue
		}
		out.Add(o.ClientId, in, o.Call, o.Return, res, check.Unknown)
	}
	if dropped > 0 {
		t.Logf("checker: %d unknown writes had no effect before the final reads; left out", dropped)
	}
	return out
}

// compareCheck returns yes, NO or ? (the checker timed out). Without an
// output directory it uses porcupine's plain check, which stops at the
// first key that is not linearizable instead of computing a visualisation.
func compareCheck(t *testing.T, cfg compareConfig, wl *workload, h *check.History, name string) string {
	checkStart := time.Now()
	defer func() { t.Logf("linearizability check: %v", time.Since(checkStart).Round(time.Millisecond)) }()
	if cfg.out != "" {
		v, err := check.Linearizable(wl.model, h, cfg.checkTimeout, cfg.out, name)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case v.TimedOut:
			return "?"
		case v.Linearizable:
			return "yes"
		}
		t.Logf("not linearizable; visualisation: %s", v.Visual)
		return "NO"
	}
	switch porcupine.CheckOperationsTimeout(wl.model, h.Operations(), cfg.checkTimeout) {
	case porcupine.Ok:
		return "yes"
	case porcupine.Illegal:
		return "NO"
	}
	return "?"
}

// ---------------------------------------------------------------------------
// quoris under the comparison's faults.

type quorisTarget struct {
	c       *Cluster
	clients []*redis.Client
}

func startQuorisTarget(t *testing.T, prefix string, clients int) *quorisTarget {
	c := NewCluster(t)
	c.IPPrefix = prefix
	c.Start(3)
	q := &quorisTarget{c: c}
	for i := 0; i < clients; i++ {
		cl := tortureClient(c.Nodes[i%len(c.Nodes)].Addr)
		q.clients = append(q.clients, cl)
		t.Cleanup(func() { cl.Close() })
	}
	return q
}

func (q *quorisTarget) primary() int {
	i, err := q.c.findLeader(3*time.Second, nil)
	if err != nil {
		return -1
	}
	return i - 1
}
func (q *quorisTarget) kill(i int)                               { q.c.Kill(i + 1) }
func (q *quorisTarget) restart(i int)                            { q.c.Restart(i + 1) }
func (q *quorisTarget) pause(i int)                              { q.c.Pause(i + 1) }
func (q *quorisTarget) resume(i int)                             { q.c.Resume(i + 1) }
func (q *quorisTarget) client(w int) *redis.Client               { return q.clients[w] }
func (q *quorisTarget) classify(err error) (check.Outcome, bool) { return classify(err) }
func (q *quorisTarget) isolation(i int) (*Node, []*Node) {
	var others []*Node
	for _, nd := range q.c.Nodes {
		if nd.Index != i+1 {
			others = append(others, nd)
		}
	}
	return q.c.Nodes[i], others
}
func (q *quorisTarget) settle(timeout time.Duration) (string, error) {
	i, err := q.c.findLeader(timeout, nil)
	if err != nil {
		return "", err
	}
	return q.c.Node(i).Addr, nil
}

// ---------------------------------------------------------------------------
// Redis: a primary, two replicas and three sentinels, each process on its
// own loopback address so the firewall can cut it off.

const redisMaster = "mymaster"

type redisProc struct {
	name     string
	host     string
	port     int
	dir      string
	conf     string
	log      string
	sentinel bool

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

func (p *redisProc) addr() string { return net.JoinHostPort(p.host, strconv.Itoa(p.port)) }

// start launches the process on its configuration file and waits until it
// answers PING (a restarted node answers LOADING until its AOF is read).
func (p *redisProc) start(t *testing.T, bin string) {
	t.Helper()
	args := []string{p.conf}
	if p.sentinel {
		args = append(args, "--sentinel")
	}
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(logf, "=== %s start: %s %s\n", time.Now().Format("15:04:05.000"), bin, strings.Join(args, " "))
	cmd := exec.Command(bin, args...)
	cmd.Dir = p.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start %s: %v", p.name, err)
	}
	done := make(chan struct{})
	go func() {
		err := cmd.Wait()
		fmt.Fprintf(logf, "=== %s exit: %v\n", time.Now().Format("15:04:05.000"), err)
		logf.Close()
		close(done)
	}()
	p.mu.Lock()
	p.cmd, p.done = cmd, done
	p.mu.Unlock()
	deadline := time.Now().Add(startTimeout)
	for {
		reply, err := rawDo(p.addr(), time.Second, "PING")
		if err == nil && string(reply) == "+PONG\r\n" {
			return
		}
		select {
		case <-done:
			b, _ := os.ReadFile(p.log)
			t.Fatalf("%s exited during start:\n%s", p.name, tail(b, 4096))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer PING within %v: %q %v", p.name, startTimeout, reply, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *redisProc) kill() {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Process.Signal(syscall.SIGCONT)
	<-done
}

func (p *redisProc) signal(sig syscall.Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		_ = p.cmd.Process.Signal(sig)
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

type redisTarget struct {
	t         *testing.T
	bin       string
	data      []*redisProc
	sentinels []*redisProc
	clients   []*redis.Client
}

func startRedisTarget(t *testing.T, bin, prefix string, clients int, wait bool) *redisTarget {
	t.Helper()
	base := t.TempDir()
	ports := freePorts(t, 6)
	rt := &redisTarget{t: t, bin: bin}
	t.Cleanup(rt.cleanup)
	for i := 0; i < 3; i++ {
		p := &redisProc{name: fmt.Sprintf("node%d", i+1), host: prefix + strconv.Itoa(i+1), port: ports[i]}
		p.dir = filepath.Join(base, p.name)
		p.conf, p.log = filepath.Join(p.dir, "redis.conf"), filepath.Join(base, p.name+".log")
		conf := fmt.Sprintf("port %d\nbind %s\nbind-source-addr %s\nprotected-mode no\ndaemonize no\nlogfile \"\"\ndir %s\n"+
			"appendonly yes\nappendfsync everysec\nreplica-announce-ip %s\n",
			p.port, p.host, p.host, p.dir, p.host)
		if i > 0 {
			conf += fmt.Sprintf("replicaof %s %d\n", rt.data[0].host, rt.data[0].port)
		}
		writeConf(t, p.dir, p.conf, conf)
		rt.data = append(rt.data, p)
	}
	for i := 0; i < 3; i++ {
		p := &redisProc{name: fmt.Sprintf("sentinel%d", i+1), host: prefix + strconv.Itoa(11+i), port: ports[3+i], sentinel: true}
		p.dir = filepath.Join(base, p.name)
		p.conf, p.log = filepath.Join(p.dir, "sentinel.conf"), filepath.Join(base, p.name+".log")
		conf := fmt.Sprintf("port %d\nbind %s\nbind-source-addr %s\nprotected-mode no\ndaemonize no\nlogfile \"\"\ndir %s\n"+
			"sentinel announce-ip %s\nsentinel monitor %s %s %d 2\n"+
			"sentinel down-after-milliseconds %s 1000\nsentinel failover-timeout %s 3000\nsentinel parallel-syncs %s 1\n",
			p.port, p.host, p.host, p.dir, p.host, redisMaster, rt.data[0].host, rt.data[0].port,
			redisMaster, redisMaster, redisMaster)
		writeConf(t, p.dir, p.conf, conf)
		rt.sentinels = append(rt.sentinels, p)
	}
	for _, p := range rt.data {
		p.start(t, bin)
	}
	for _, p := range rt.sentinels {
		p.start(t, bin)
	}
	// Every sentinel must know both replicas and the other two sentinels
	// before the faults start, or the first failover cannot be authorised.
	eventually(t, 30*time.Second, "sentinels discover the deployment", func() error {
		if _, err := rt.agreedPrimary(); err != nil {
			return err
		}
		for _, s := range rt.sentinels {
			m, err := sentinelMaster(s.addr())
			if err != nil {
				return err
			}
			if m["num-slaves"] != "2" || m["num-other-sentinels"] != "2" {
				return fmt.Errorf("%s: %s replicas, %s other sentinels", s.name, m["num-slaves"], m["num-other-sentinels"])
			}
		}
		return nil
	})
	var sentinelAddrs []string
	for _, s := range rt.sentinels {
		sentinelAddrs = append(sentinelAddrs, s.addr())
	}
	for i := 0; i < clients; i++ {
		cl := redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName: redisMaster, SentinelAddrs: sentinelAddrs,
			Protocol: 2, DisableIdentity: true, MaxRetries: -1,
			ContextTimeoutEnabled: true, DialTimeout: 500 * time.Millisecond, DialerRetries: 1,
			ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second, PoolSize: 4,
		})
		cl.AddHook(&redisCompareHook{cl: cl, wait: wait})
		rt.clients = append(rt.clients, cl)
	}
	return rt
}

func writeConf(t *testing.T, dir, path, conf string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (rt *redisTarget) cleanup() {
	for _, cl := range rt.clients {
		cl.Close()
	}
	for _, p := range append(append([]*redisProc(nil), rt.sentinels...), rt.data...) {
		p.kill()
	}
	if rt.t.Failed() || os.Getenv("QUORIS_IT_LOGS") != "" {
		for _, p := range append(append([]*redisProc(nil), rt.data...), rt.sentinels...) {
			b, _ := os.ReadFile(p.log)
			rt.t.Logf("----- %s log (%s) -----\n%s", p.name, p.log, tail(b, 64<<10))
		}
	}
}

func (rt *redisTarget) client(w int) *redis.Client { return rt.clients[w] }
func (rt *redisTarget) kill(i int)                 { rt.data[i].kill() }
func (rt *redisTarget) restart(i int)              { rt.data[i].start(rt.t, rt.bin) }
func (rt *redisTarget) pause(i int)                { rt.data[i].signal(syscall.SIGSTOP) }
func (rt *redisTarget) resume(i int)               { rt.data[i].signal(syscall.SIGCONT) }

func (rt *redisTarget) isolation(i int) (*Node, []*Node) {
	var others []*Node
	for _, p := range append(append([]*redisProc(nil), rt.data...), rt.sentinels...) {
		if p != rt.data[i] {
			others = append(others, &Node{ID: p.name, Host: p.host})
		}
	}
	return &Node{ID: rt.data[i].name, Host: rt.data[i].host}, others
}

// primary is the data node the first answering sentinel names.
func (rt *redisTarget) primary() int {
	for _, s := range rt.sentinels {
		addr, err := sentinelPrimary(s.addr())
		if err != nil {
			continue
		}
		for i, p := range rt.data {
			if p.addr() == addr {
				return i
			}
		}
	}
	return -1
}

// settle waits until agreedPrimary holds twice, a second apart.
func (rt *redisTarget) settle(timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	prev := ""
	for {
		addr, err := rt.agreedPrimary()
		if err == nil && addr == prev {
			return addr, nil
		}
		prev = addr
		if time.Now().After(deadline) {
			return "", fmt.Errorf("not settled within %v: %v", timeout, err)
		}
		if err == nil {
			time.Sleep(time.Second)
		} else {
			prev = ""
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// agreedPrimary returns the primary's address when every sentinel names it
// and sees it healthy, it reports role:master, and both other data nodes
// replicate from it with the link up.
func (rt *redisTarget) agreedPrimary() (string, error) {
	addr := ""
	for _, s := range rt.sentinels {
		a, err := sentinelPrimary(s.addr())
		if err != nil {
			return "", fmt.Errorf("%s: %v", s.name, err)
		}
		if addr != "" && a != addr {
			return "", fmt.Errorf("sentinels disagree: %s vs %s", addr, a)
		}
		addr = a
		m, err := sentinelMaster(s.addr())
		if err != nil {
			return "", fmt.Errorf("%s: %v", s.name, err)
		}
		if m["flags"] != "master" {
			return "", fmt.Errorf("%s sees the primary as %s", s.name, m["flags"])
		}
	}
	for _, p := range rt.data {
		info, err := redisInfo(p.addr(), "replication")
		if err != nil {
			return "", fmt.Errorf("%s: %v", p.name, err)
		}
		if p.addr() == addr {
			if info["role"] != "master" {
				return "", fmt.Errorf("%s is named primary but has role %s", p.name, info["role"])
			}
			continue
		}
		if info["role"] != "slave" || net.JoinHostPort(info["master_host"], info["master_port"]) != addr ||
			info["master_link_status"] != "up" {
			return "", fmt.Errorf("%s: role %s of %s:%s, link %s", p.name, info["role"], info["master_host"],
				info["master_port"], info["master_link_status"])
		}
	}
	return addr, nil
}

func sentinelPrimary(addr string) (string, error) {
	reply, err := rawDo(addr, time.Second, "SENTINEL", "get-master-addr-by-name", redisMaster)
	if err != nil {
		return "", err
	}
	v, err := parseReply(reply)
	if err != nil {
		return "", err
	}
	if v.Kind != '*' || len(v.Arr) != 2 {
		return "", fmt.Errorf("get-master-addr-by-name: %s", v)
	}
	return net.JoinHostPort(v.Arr[0].Str, v.Arr[1].Str), nil
}

func sentinelMaster(addr string) (map[string]string, error) {
	reply, err := rawDo(addr, time.Second, "SENTINEL", "MASTER", redisMaster)
	if err != nil {
		return nil, err
	}
	v, err := parseReply(reply)
	if err != nil {
		return nil, err
	}
	if v.Kind != '*' {
		return nil, fmt.Errorf("SENTINEL MASTER: %s", v)
	}
	m := map[string]string{}
	for i := 0; i+1 < len(v.Arr); i += 2 {
		m[v.Arr[i].Str] = v.Arr[i+1].Str
	}
	return m, nil
}

func redisInfo(addr, section string) (map[string]string, error) {
	reply, err := rawDo(addr, time.Second, "INFO", section)
	if err != nil {
		return nil, err
	}
	v, err := parseReply(reply)
	if err != nil {
		return nil, err
	}
	if v.Kind != '$' || v.Null {
		return nil, fmt.Errorf("INFO: %s", v)
	}
	m := map[string]string{}
	for _, line := range strings.Split(v.Str, "\n") {
		if k, val, ok := strings.Cut(strings.TrimRight(line, "\r"), ":"); ok {
			m[k] = val
		}
	}
	return m, nil
}

// ---------------------------------------------------------------------------
// The Redis client side: outcome classification and WAIT.

// errNotSent marks an error from connecting (asking a sentinel for the
// primary, or dialing it): no command was sent.
type errNotSent struct{ err error }

func (e errNotSent) Error() string { return "not sent: " + e.err.Error() }
func (e errNotSent) Unwrap() error { return e.err }

// errWaitUnconfirmed: the write was applied by the node that answered, but
// WAIT did not report a replica having it.
type errWaitUnconfirmed struct{ err error }

func (e errWaitUnconfirmed) Error() string {
	if e.err == nil {
		return "WAIT: no replica acknowledged the write"
	}
	return "WAIT: " + e.err.Error()
}

// redisCompareHook marks connection errors, and in the WAIT variant sends
// every write in one pipeline with WAIT 1 0 on the same connection (WAIT
// waits for the writes of its own connection).
type redisCompareHook struct {
	cl   *redis.Client
	wait bool
}

var redisWrites = map[string]bool{"set": true, "setnx": true, "getset": true, "incrby": true, "incr": true, "rpush": true, "sadd": true}

func (h *redisCompareHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil {
			return nil, errNotSent{err}
		}
		return c, nil
	}
}

func (h *redisCompareHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !h.wait || !redisWrites[cmd.Name()] {
			return next(ctx, cmd)
		}
		w := redis.NewIntCmd(ctx, "wait", 1, 0)
		_, _ = h.cl.Pipelined(ctx, func(p redis.Pipeliner) error {
			_ = p.Process(ctx, cmd)
			_ = p.Process(ctx, w)
			return nil
		})
		if err := cmd.Err(); err != nil {
			return err
		}
		if err := w.Err(); err != nil {
			return errWaitUnconfirmed{err}
		}
		if w.Val() < 1 {
			return errWaitUnconfirmed{}
		}
		return nil
	}
}

func (h *redisCompareHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (rt *redisTarget) classify(err error) (check.Outcome, bool) { return classifyRedis(err) }

// classifyRedis extends classify with Redis's replies that guarantee the
// command was not applied: READONLY (a replica, or a demoted primary),
// LOADING (reading the AOF after a restart), MASTERDOWN (a replica that
// lost its primary), NOREPLICAS (min-replicas-to-write), and errors
// reaching the primary. A write whose WAIT did not confirm is Unknown.
func classifyRedis(err error) (check.Outcome, bool) {
	if err == nil {
		return check.OK, true
	}
	var ns errNotSent
	if errors.As(err, &ns) || errors.Is(err, redis.ErrPoolTimeout) {
		return check.Failed, true
	}
	var wu errWaitUnconfirmed
	if errors.As(err, &wu) {
		return check.Unknown, true
	}
	msg := err.Error()
	for _, p := range []string{"READONLY ", "LOADING ", "MASTERDOWN ", "NOREPLICAS ", "redis: all sentinels"} {
		if strings.HasPrefix(msg, p) {
			return check.Failed, true
		}
	}
	return classify(err)
}
