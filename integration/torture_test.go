package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/quoris/quoris/integration/check"
)

// TestTorture is the fault-injection campaign: real processes, concurrent
// clients recording a history, a seeded mix of faults, and a
// linearizability check per run. `make test` runs a short seeded version;
// `make torture` a long one. Settings (environment):
//
//	QUORIS_TORTURE_RUNS      number of runs (default 2)
//	QUORIS_TORTURE_DURATION  length of each run's fault phase (default 12s)
//	QUORIS_TORTURE_SEED      seed of the first run; run i uses seed+i (default 1)
//	QUORIS_TORTURE_WORKLOADS register,counter,list-append,set,stream (default all)
//	QUORIS_TORTURE_FAULTS    kill,pause,partition,membership,clock,snapshot (default all)
//	QUORIS_TORTURE_NODES     3 or 5 (default 3)
//	QUORIS_TORTURE_CLIENTS   concurrent clients (default 8)
//	QUORIS_TORTURE_OUT       where violations' HTML is saved (default ./torture-out)
//
// A run is reproduced (fault schedule and op mix; thread timing varies) by
// QUORIS_TORTURE_RUNS=1 QUORIS_TORTURE_SEED=<seed> QUORIS_TORTURE_WORKLOADS=<w>.
func TestTorture(t *testing.T) {
	cfg := tortureConfigFromEnv(t)
	var results []tortureResult
	for i := 0; i < cfg.runs; i++ {
		seed := cfg.seed + uint64(i)
		wl := cfg.workloads[i%len(cfg.workloads)]
		t.Run(fmt.Sprintf("%s/seed=%d", wl, seed), func(t *testing.T) {
			if wl == streamWorkload {
				results = append(results, runStreamTorture(t, cfg, seed, false))
				return
			}
			results = append(results, runTorture(t, cfg, workloads[wl], seed))
		})
	}
	report := formatResults(results)
	t.Log("\n" + report)
	if os.Getenv("QUORIS_TORTURE_REPORT") != "" {
		_ = os.WriteFile(os.Getenv("QUORIS_TORTURE_REPORT"), []byte(report), 0o644)
	}
}

type tortureConfig struct {
	runs, nodes, clients int
	duration             time.Duration
	seed                 uint64
	workloads, faults    []string
	out                  string
}

func tortureConfigFromEnv(t *testing.T) tortureConfig {
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
	d, err := time.ParseDuration(env("QUORIS_TORTURE_DURATION", "12s"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := tortureConfig{
		runs: atoi("QUORIS_TORTURE_RUNS", "2"), nodes: atoi("QUORIS_TORTURE_NODES", "3"),
		clients: atoi("QUORIS_TORTURE_CLIENTS", "8"), duration: d,
		seed:      uint64(atoi("QUORIS_TORTURE_SEED", "1")),
		workloads: strings.Split(env("QUORIS_TORTURE_WORKLOADS", "register,counter,list-append,set,"+streamWorkload), ","),
		faults:    strings.Split(env("QUORIS_TORTURE_FAULTS", "kill,pause,partition,membership,clock,snapshot"), ","),
		out:       env("QUORIS_TORTURE_OUT", filepath.Join("..", "torture-out")),
	}
	for _, w := range cfg.workloads {
		if workloads[w] == nil && w != streamWorkload {
			t.Fatalf("unknown workload %q", w)
		}
	}
	return cfg
}

type tortureResult struct {
	workload, faults       string
	seed                   uint64
	ok, failed, unknown    int
	unexpected             int
	violation              string
	lost                   int
	maxUnavail             time.Duration
	elections              int
	faultsApplied, opsPerS int
}

func (r tortureResult) bad() bool { return r.violation != "" || r.lost > 0 || r.unexpected > 0 }

func formatResults(rs []tortureResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %-6s %7s %7s %7s %6s %-12s %5s %8s %6s %6s  %s\n",
		"workload", "seed", "ok", "failed", "unknown", "ops/s", "linearizable", "lost", "unavail", "elect", "faults", "fault mix")
	for _, r := range rs {
		lin := "yes"
		if r.workload == streamWorkload {
			lin = "n/a" // checked for its own violations instead
		}
		if r.violation != "" {
			lin = "NO"
		}
		fmt.Fprintf(&b, "%-12s %-6d %7d %7d %7d %6d %-12s %5d %8s %6d %6d  %s\n",
			r.workload, r.seed, r.ok, r.failed, r.unknown, r.opsPerS, lin, r.lost,
			r.maxUnavail.Round(10*time.Millisecond), r.elections, r.faultsApplied, r.faults)
	}
	return b.String()
}

func runTorture(t *testing.T, cfg tortureConfig, wl *workload, seed uint64) tortureResult {
	r := rand.New(rand.NewPCG(seed, 0x746f7274))
	ctx := deadlineCtx(t, cfg.duration+3*time.Minute)
	c, fw := startTortureCluster(t, cfg, r, seed, wl.needs)
	term0 := leaderTerm(c)

	h := check.NewHistory()
	began := time.Now()
	var usedKeys sync.Map
	var stop atomic.Bool
	var lastOK atomic.Int64
	lastOK.Store(h.Now())
	var maxGap atomic.Int64
	var unexpected atomic.Int64
	var firstUnexpected sync.Once
	var wg sync.WaitGroup
	for ci := 0; ci < cfg.clients; ci++ {
		nd := c.Nodes[ci%len(c.Nodes)]
		cl := tortureClient(nd.Addr)
		defer cl.Close()
		cr := rand.New(rand.NewPCG(seed, uint64(ci)))
		wg.Add(1)
		go func(ci int) {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				// Keys change every keyEpoch: porcupine checks each key's
				// history separately, and short histories keep the search
				// (and its memory) small even with many unknown outcomes,
				// which stay open to the end of their key's history.
				epoch := int(time.Since(began) / keyEpoch)
				key := fmt.Sprintf("%s%d:%d", wl.name, epoch, cr.IntN(wl.keys))
				usedKeys.Store(key, true)
				if wl.multi != nil && cr.IntN(4) == 0 {
					other := fmt.Sprintf("%s%d:%d", wl.name, epoch, cr.IntN(wl.keys))
					if other != key {
						usedKeys.Store(other, true)
						runMulti(ctx, h, wl, cl, ci, []string{key, other}, fmt.Sprintf("%d-%d", ci, n), &unexpected)
						continue
					}
				}
				op := wl.gen(cr, key, fmt.Sprintf("%d-%d", ci, n))
				call := h.Now()
				octx, cancel := context.WithTimeout(ctx, 2*time.Second)
				res, err := wl.do(octx, cl, op)
				cancel()
				ret := h.Now()
				out, expected := classify(err)
				if !expected {
					unexpected.Add(1)
					firstUnexpected.Do(func() { t.Errorf("unexpected reply to %+v: %v", op, err) })
				}
				h.Add(ci, op, call, ret, res, out)
				if out == check.OK {
					prev := lastOK.Swap(ret)
					if gap := ret - prev; gap > maxGap.Load() {
						maxGap.Store(gap)
					}
				} else {
					time.Sleep(20 * time.Millisecond) // don't spin against a dead node
				}
			}
		}(ci)
	}

	n := newNemesis(t, c, fw, r, cfg.faults)
	n.runUntil(ctx, time.Now().Add(cfg.duration))
	// Let clients see the healed cluster for a moment, then stop them.
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()
	if gap := h.Now() - lastOK.Load(); gap > maxGap.Load() {
		maxGap.Store(gap)
	}

	// Final reads through the leader: every acknowledged write must be there.
	leader := c.LeaderWithin(30 * time.Second)
	fcl := tortureClient(c.Node(leader).Addr)
	defer fcl.Close()
	finals := map[string]check.Result{}
	var keys []string
	usedKeys.Range(func(k, _ any) bool { keys = append(keys, k.(string)); return true })
	for _, key := range keys {
		op := wl.finalOp(key)
		var res check.Result
		var err error
		for try := 0; try < 20; try++ {
			call := h.Now()
			res, err = wl.do(ctx, fcl, op)
			if err == nil {
				h.Add(cfg.clients, op, call, h.Now(), res, check.OK)
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("final read of %s: %v", key, err)
		}
		finals[key] = res
	}

	ok, failed, unknown := h.Counts()
	res := tortureResult{
		workload: wl.name, faults: n.summary(), seed: seed, ok: ok, failed: failed, unknown: unknown,
		unexpected: int(unexpected.Load()), maxUnavail: time.Duration(maxGap.Load()),
		elections: leaderTerm(c) - term0, faultsApplied: n.count,
		opsPerS: int(float64(ok+failed+unknown) / cfg.duration.Seconds()),
	}
	if wl.lostAcks != nil {
		res.lost = wl.lostAcks(h, finals)
	}
	name := fmt.Sprintf("%s-seed%d", wl.name, seed)
	v, err := check.Linearizable(wl.model, h, 2*time.Minute, cfg.out, name)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case v.TimedOut:
		t.Logf("linearizability check timed out (inconclusive) for %s", name)
	case !v.Linearizable:
		res.violation = v.Visual
		t.Errorf("NOT LINEARIZABLE: %s; visualisation: %s; reproduce with QUORIS_TORTURE_RUNS=1 QUORIS_TORTURE_SEED=%d QUORIS_TORTURE_WORKLOADS=%s",
			name, v.Visual, seed, wl.name)
	}
	if res.lost > 0 {
		t.Errorf("%d acknowledged writes lost (seed %d)", res.lost, seed)
	}
	t.Logf("faults: %s", strings.Join(n.log, "; "))
	t.Logf("%s", formatResults([]tortureResult{res}))
	return res
}

// startTortureCluster starts the run's cluster on its own loopback
// addresses, set up for the configured faults.
func startTortureCluster(t *testing.T, cfg tortureConfig, r *rand.Rand, seed uint64, needs []string) (*Cluster, *firewall) {
	faults := map[string]bool{}
	for _, f := range cfg.faults {
		faults[f] = true
	}
	c := NewCluster(t)
	c.IPPrefix = fmt.Sprintf("127.%d.%d.", 100+r.IntN(100), 1+r.IntN(250))
	if faults["snapshot"] {
		// Tiny thresholds: snapshots and snapshot installs happen during faults.
		c.Flags = []string{"--snapshot-threshold", "40", "--trailing-logs", "20", "--snapshot-interval", "300ms"}
	}
	c.Start(cfg.nodes)
	needCommands(t, c.Node(1).Addr, needs...)
	var fw *firewall
	if faults["partition"] {
		fw = newFirewall(t, fmt.Sprintf("%d_%d", os.Getpid(), seed))
	}
	return c, fw
}

// keyEpoch is how long a set of keys is in use; see the client loop.
const keyEpoch = 3 * time.Second

func tortureClient(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr: addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1,
		ContextTimeoutEnabled: true, DialTimeout: 500 * time.Millisecond, DialerRetries: 1,
		ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second, PoolSize: 4,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	})
}

func sleepUntil(end time.Time, d time.Duration) {
	if rest := time.Until(end); rest < d {
		d = rest
	}
	if d > 0 {
		time.Sleep(d)
	}
}

// leaderTerm is the highest raft term any live node reports.
func leaderTerm(c *Cluster) int {
	best := 0
	for _, nd := range c.liveNodes() {
		if info, err := raftInfo(nd.Addr); err == nil {
			if n, err := strconv.Atoi(info["term"]); err == nil && n > best {
				best = n
			}
		}
	}
	return best
}

// runMulti appends one unique value to each key in a single MULTI/EXEC and
// records one op per key, all with the transaction's call and return times.
func runMulti(ctx context.Context, h *check.History, wl *workload, cl *redis.Client, ci int, keys []string, uniq string, unexpected *atomic.Int64) {
	ops := make([]check.Op, len(keys))
	for i, k := range keys {
		ops[i] = check.Op{Kind: "append", Key: k, Value: uniq + "m" + strconv.Itoa(i)}
	}
	call := h.Now()
	octx, cancel := context.WithTimeout(ctx, 2*time.Second)
	res, err := wl.multi(octx, cl, ops)
	cancel()
	ret := h.Now()
	out, expected := classify(err)
	if !expected {
		unexpected.Add(1)
	}
	for i, op := range ops {
		var r check.Result
		if res != nil {
			r = res[i]
		}
		h.Add(ci, op, call, ret, r, out)
	}
}
