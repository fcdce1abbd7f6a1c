package main

// The "other bars" of issue #5: properties besides throughput that quoris
// must meet before it can replace redis-server (snapshot stall, memory,
// recovery time, failover time), each measured and judged against its
// target in the same run as the throughput table.

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// barNames are the bars in report order, the issue's.
var barNames = []string{"snapshot", "memory", "recovery", "failover", "pubsub"}

// barOrder is the run order. Memory comes first because it needs the node
// to hold exactly the loaded keys; the snapshot bar then adds its sorted
// set to the same node, and recovery removes it again.
var barOrder = []string{"memory", "snapshot", "recovery", "failover", "pubsub"}

// parseBars turns the -bars value into a set of bar names.
func parseBars(s string) (map[string]bool, error) {
	set := map[string]bool{}
	switch strings.TrimSpace(s) {
	case "all":
		for _, b := range barNames {
			set[b] = true
		}
		return set, nil
	case "none", "":
		return set, nil
	}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(barNames, f) {
			return nil, fmt.Errorf("unknown bar %q (want all, none or a comma list of %s)", f, strings.Join(barNames, ","))
		}
		set[f] = true
	}
	return set, nil
}

// Verdicts of a bar.
const (
	verdictPass = "PASS"
	verdictFail = "FAIL"
	verdictErr  = "err" // not measured; the reason is in Measured
)

// barResult is one line of the "Other bars" table plus its detail notes.
type barResult struct {
	Name     string
	Measured string
	Target   string
	Verdict  string
	Notes    []string
}

func verdict(ok bool) string {
	if ok {
		return verdictPass
	}
	return verdictFail
}

// barErr reports a bar that could not be measured.
func barErr(name, target string, err error) barResult {
	return barResult{Name: name, Target: target, Verdict: verdictErr, Measured: "error: " + err.Error()}
}

// formatBars renders the section printed after the throughput table.
func formatBars(keys int, results []barResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nOther bars (issue #5): %d keys of 100-byte values, quoris with default settings\n\n", keys)
	var rows [][]string
	for _, r := range results {
		rows = append(rows, []string{r.Name, r.Measured, r.Target, r.Verdict})
	}
	b.WriteString(renderLeft([]string{"bar", "measured", "target", "result"}, rows))
	for _, r := range results {
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  %s: %s\n", r.Name, n)
		}
	}
	return b.String()
}

// renderLeft is renderTable with every column left-aligned: the bars'
// cells are phrases, not numbers to compare down a column.
func renderLeft(header []string, rows [][]string) string {
	width := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	line := func(r []string) {
		var parts []string
		for i, c := range r {
			parts = append(parts, c+strings.Repeat(" ", width[i]-len([]rune(c))))
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, "  "), " ") + "\n")
	}
	line(header)
	total := 2 * (len(width) - 1)
	for _, w := range width {
		total += w
	}
	b.WriteString(strings.Repeat("-", total) + "\n")
	for _, r := range rows {
		line(r)
	}
	return b.String()
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// ds: the smallest value at least p% of the samples do not exceed. Nearest
// rank rather than interpolation so the reported p99 is a latency some
// write really had.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// fmtDur prints a duration in ms below a second and in s above, with about
// three significant digits.
func fmtDur(d time.Duration) string {
	if d < time.Second {
		return fmtMs(float64(d)/float64(time.Millisecond)) + " ms"
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// runBars measures the selected bars with servers of their own, under
// base/bars, and returns their results in report order.
func runBars(ctx context.Context, cfg *config, bin, base string) []barResult {
	dir := filepath.Join(base, "bars")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return []barResult{barErr("bars", "", err)}
	}
	got := map[string]barResult{}
	// One loaded 1-node quoris serves memory, snapshot and recovery:
	// loading a million keys through raft is the slow part.
	var q1 *system
	defer func() {
		if q1 != nil {
			q1.stop()
		}
	}()
	for _, name := range barOrder {
		if _, done := got[name]; done || !cfg.bars[name] || ctx.Err() != nil {
			continue
		}
		logf("bar %s: start", name)
		var r barResult
		switch name {
		case "failover":
			r = failoverBar(ctx, bin, dir)
		case "pubsub":
			r = pubsubBar(ctx, bin, dir)
		default:
			if q1 == nil {
				var err error
				if q1, err = loadedNode(ctx, bin, dir, cfg.keys); err != nil {
					for _, n := range []string{"memory", "snapshot", "recovery"} {
						if cfg.bars[n] {
							got[n] = barErr(n, barTargets[n], err)
						}
					}
					continue
				}
			}
			switch name {
			case "memory":
				r = memoryBar(ctx, q1, dir, cfg.keys)
			case "snapshot":
				r = snapshotBar(ctx, q1, cfg.keys)
			case "recovery":
				r = recoveryBar(ctx, q1, cfg.keys)
			}
		}
		logf("bar %s: %s (target %s) %s", name, r.Measured, r.Target, r.Verdict)
		got[name] = r
	}
	var out []barResult
	for _, name := range barNames {
		if r, ok := got[name]; ok {
			out = append(out, r)
		}
	}
	return out
}

var barTargets = map[string]string{
	"snapshot": "max < 50 ms",
	"memory":   "<= 1.5x",
	"recovery": "<= 3 s",
	"failover": "median <= 2 s",
	"pubsub":   "all delivered, in order",
}

// loadedNode starts a 1-node quoris and loads keys keys into it.
func loadedNode(ctx context.Context, bin, dir string, keys int) (*system, error) {
	s, err := startQuoris(bin, dir, 1)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := loadKeys(ctx, s.procs[0].addr, keys); err != nil {
		s.stop()
		return nil, fmt.Errorf("load %d keys into quoris: %w", keys, err)
	}
	logf("bars: loaded %d keys into 1-node quoris in %s", keys, time.Since(t0).Round(time.Millisecond))
	return s, nil
}
