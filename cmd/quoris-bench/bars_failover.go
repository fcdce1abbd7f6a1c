package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	failoverTrials = 10
	// stableFor is how long leadership must stay put before a trial, so
	// one trial's aftermath (the restarted node rejoining) is not timed
	// as part of the next.
	stableFor = 2 * time.Second
)

// failoverBar kills the leader of a 3-node quoris failoverTrials times
// while a client writes through a surviving follower, and times each kill
// to the follower's next successful write.
func failoverBar(ctx context.Context, bin, dir string) barResult {
	const name = "failover"
	target := barTargets[name]
	s, err := startCluster(bin, filepath.Join(dir, "failover"))
	if err != nil {
		return barErr(name, target, err)
	}
	defer func() { s.stop() }()
	var times []time.Duration
	var notes []string
	errKinds := map[string]int{}
	for trial := 1; trial <= failoverTrials && ctx.Err() == nil; trial++ {
		d, errs, err := failoverTrial(ctx, s, trial)
		for _, e := range errs {
			errKinds[errKind(e)]++
		}
		if d > 0 {
			// Measured even if the restart afterwards failed.
			times = append(times, d)
			logf("bar failover: trial %d: %s", trial, fmtDur(d))
		}
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return barErr(name, target, ctx.Err())
		}
		logf("bar failover: trial %d: %v; rebuilding the cluster", trial, err)
		notes = append(notes, fmt.Sprintf("trial %d: %v (cluster rebuilt)", trial, err))
		s.stop()
		if s, err = startCluster(bin, filepath.Join(dir, "failover-"+strconv.Itoa(trial))); err != nil {
			s = &system{}
			return barErr(name, target, fmt.Errorf("rebuild after trial %d: %w", trial, err))
		}
	}
	if len(times) == 0 {
		return barErr(name, target, errors.New("no trial succeeded: "+strings.Join(notes, "; ")))
	}
	lo, med, hi := summary(times)
	var all []string
	for _, t := range times {
		all = append(all, fmt.Sprintf("%.2f", t.Seconds()))
	}
	notes = append([]string{
		"3 nodes, writes through a follower that survives; trials (s): " + strings.Join(all, " "),
		"failed writes during the failovers: " + fmtKinds(errKinds),
	}, notes...)
	return barResult{
		Name: name,
		Measured: fmt.Sprintf("median %s (min %s, max %s, %d trials)",
			fmtDur(med), fmtDur(lo), fmtDur(hi), len(times)),
		Target:  target,
		Verdict: verdict(med <= 2*time.Second),
		Notes:   notes,
	}
}

// startCluster starts a fresh 3-node quoris under dir.
func startCluster(bin, dir string) (*system, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return startQuoris(bin, dir, 3)
}

// failoverTrial waits for a stable leader, starts writing through a
// follower, SIGKILLs the leader and returns how long until a write sent
// after the kill succeeded, with the errors seen meanwhile. It then
// restarts the killed node on its old directory and ports.
func failoverTrial(ctx context.Context, s *system, trial int) (time.Duration, []error, error) {
	leader, err := stableLeader(ctx, s, 30*time.Second)
	if err != nil {
		return 0, nil, err
	}
	follower := (leader + 1) % len(s.procs)
	w := startWriter(s.procs[follower].addr, "failover:"+strconv.Itoa(trial)+":")
	// Writing must already work through the follower, or the kill would
	// be timed against a cluster that was not serving.
	if err := w.waitOK(ctx, 20, 10*time.Second); err != nil {
		w.stop()
		return 0, nil, fmt.Errorf("writes through %s before the kill: %w", s.procs[follower].name, err)
	}
	killed := s.procs[leader]
	tKill := time.Now()
	_ = killed.cmd.Process.Kill()
	var d time.Duration
	deadline := time.Now().Add(time.Minute)
	for {
		var ok bool
		if d, ok = recoveryTime(w.snapshot(), tKill); ok {
			break
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			w.stop()
			return 0, nil, fmt.Errorf("no write through %s succeeded within %s of the kill", s.procs[follower].name, time.Minute)
		}
		time.Sleep(5 * time.Millisecond)
	}
	ops := w.stop()
	var errs []error
	for _, o := range ops {
		if o.err != nil && !o.start.Before(tKill) {
			errs = append(errs, o.err)
		}
	}
	<-killed.done
	np, err := start(killed.name, killed.log, killed.addr, killed.cmd.Args)
	if err == nil {
		s.procs[leader] = np
		err = waitReady(np, func(addr string) bool { _, err := raftInfo(addr); return err == nil })
	}
	if err != nil {
		return d, errs, fmt.Errorf("restart %s: %w", killed.name, err)
	}
	return d, errs, nil
}

// recoveryTime returns the time from tKill to the end of the first
// successful write sent after tKill. A write sent before the kill does not
// count: it may have been committed by the old leader.
func recoveryTime(ops []op, tKill time.Time) (time.Duration, bool) {
	for _, o := range ops {
		if o.err == nil && !o.start.Before(tKill) {
			return o.end.Sub(tKill), true
		}
	}
	return 0, false
}

// stableLeader waits until every node names the same leader, sees the
// other two and has applied the same index, without change for stableFor,
// and returns the leader's index in s.procs.
func stableLeader(ctx context.Context, s *system, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	var since time.Time
	prev := ""
	problem := ""
	for ctx.Err() == nil && time.Now().Before(deadline) {
		state, idx, p := clusterState(s)
		switch {
		case p != "":
			problem, prev, since = p, "", time.Time{}
		case state != prev:
			prev, since = state, time.Now()
		case time.Since(since) >= stableFor:
			return idx, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no stable leader within %s: %s", timeout, problem)
}

// clusterState describes the agreed leader and term, or says why there is
// no agreement.
func clusterState(s *system) (state string, leader int, problem string) {
	leader = -1
	var lid, term, applied string
	for i, p := range s.procs {
		info, err := raftInfo(p.addr)
		if err != nil {
			return "", 0, fmt.Sprintf("%s: %v", p.name, err)
		}
		if info["num_peers"] != strconv.Itoa(len(s.procs)-1) || info["leader_id"] == "" {
			return "", 0, fmt.Sprintf("%s: num_peers=%s leader=%q", p.name, info["num_peers"], info["leader_id"])
		}
		if i == 0 {
			lid, term, applied = info["leader_id"], info["term"], info["applied_index"]
		} else if info["leader_id"] != lid || info["term"] != term || info["applied_index"] != applied {
			return "", 0, fmt.Sprintf("nodes disagree: leader %s/%s term %s/%s applied %s/%s",
				lid, info["leader_id"], term, info["term"], applied, info["applied_index"])
		}
		if info["node_id"] == lid && info["state"] == "leader" {
			leader = i
		}
	}
	if leader < 0 {
		return "", 0, fmt.Sprintf("leader %s is not among the nodes or not leading", lid)
	}
	return lid + "/" + term, leader, ""
}

// writer SETs fresh keys through one node, one at a time, recording each.
type writer struct {
	mu   sync.Mutex
	ops  []op
	quit chan struct{}
	done chan struct{}
}

func startWriter(addr, prefix string) *writer {
	w := &writer{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		var c *rconn
		defer func() {
			if c != nil {
				c.Close()
			}
		}()
		for seq := 0; ; seq++ {
			select {
			case <-w.quit:
				return
			default:
			}
			o := op{start: time.Now()}
			if c == nil {
				c, o.err = dial(addr, time.Second)
			}
			if o.err == nil {
				_, o.err = c.do(5*time.Second, "SET", prefix+strconv.Itoa(seq), "x")
			}
			o.end = time.Now()
			w.mu.Lock()
			w.ops = append(w.ops, o)
			w.mu.Unlock()
			var re respError
			if o.err != nil {
				if !errors.As(o.err, &re) && c != nil {
					c.Close()
					c = nil
				}
				// Errors come back at once while there is no leader;
				// a short pause keeps the loop from hogging a core.
				time.Sleep(2 * time.Millisecond)
			}
		}
	}()
	return w
}

func (w *writer) snapshot() []op {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.ops)
}

func (w *writer) stop() []op {
	close(w.quit)
	<-w.done
	return w.snapshot()
}

// waitOK waits for n successful writes.
func (w *writer) waitOK(ctx context.Context, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ops := w.snapshot()
		ok := 0
		var last error
		for _, o := range ops {
			if o.err == nil {
				ok++
			} else {
				last = o.err
			}
		}
		if ok >= n {
			return nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("%d of %d writes ok within %s, last error: %v", ok, len(ops), timeout, last)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// summary returns the min, median and max of ds.
func summary(ds []time.Duration) (lo, med, hi time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	var xs []float64
	for _, d := range ds {
		xs = append(xs, float64(d))
	}
	return slices.Min(ds), time.Duration(median(xs)), slices.Max(ds)
}

// errKind names an error by its first word: the RESP error code
// (CLUSTERDOWN, UNCERTAIN, TRYAGAIN) or "connection" for a network error.
func errKind(err error) string {
	var re respError
	if errors.As(err, &re) {
		code, _, _ := strings.Cut(string(re), " ")
		return code
	}
	return "connection"
}

// fmtKinds prints counts by kind, most frequent first, e.g. "CLUSTERDOWN 12, connection 1".
func fmtKinds(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, k := range ks {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
