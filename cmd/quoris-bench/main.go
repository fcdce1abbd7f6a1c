// Command quoris-bench compares quoris with redis-server on this machine:
// it starts redis-server (AOF with appendfsync always, and everysec), a
// 1-node and a 3-node quoris, all on 127.0.0.1 with fresh data
// directories, runs the same redis-benchmark workloads against each, and
// prints requests/s, p50/p99 latency and server CPU per request, each the
// median of several runs. Then it measures the "other bars" of issue #5
// (snapshot stall, memory, recovery and failover time; bars.go) and
// prints them with their targets. `make bench` runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type config struct {
	runs     int
	n        int
	duration time.Duration
	only     *regexp.Regexp
	quoris   string
	out      string
	bars     map[string]bool
	keys     int
	profile  string
	floor    bool
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-serve-floor" {
		// The bench starts itself this way for its floor system (floor.go).
		if err := serveFloor(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "quoris-bench floor:", err)
			os.Exit(1)
		}
		return
	}
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "quoris-bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "quoris-bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("quoris-bench", flag.ContinueOnError)
	defRuns := 3
	if v := os.Getenv("QUORIS_BENCH_RUNS"); v != "" {
		r, err := strconv.Atoi(v)
		if err != nil || r < 1 {
			return nil, fmt.Errorf("QUORIS_BENCH_RUNS=%q: want a positive integer", v)
		}
		defRuns = r
	}
	cfg := &config{}
	fs.IntVar(&cfg.runs, "runs", defRuns, "runs per row and system; the report shows the median (env QUORIS_BENCH_RUNS)")
	fs.IntVar(&cfg.n, "n", 0, "requests per run for the -c 50 rows (-c 1 rows use n/10); 0 sizes each run to last about -duration")
	fs.DurationVar(&cfg.duration, "duration", 4*time.Second, "target length of one run when -n is 0")
	only := fs.String("only", "", "run only the rows whose name (e.g. \"SET c50 P16\", \"GET c1\") matches this regexp")
	fs.StringVar(&cfg.quoris, "quoris", "bin/quoris-server", "quoris-server binary")
	fs.StringVar(&cfg.out, "out", "", "also write the report to this file")
	bars := fs.String("bars", "all", "other bars to measure after the table: all, none, or a comma list of "+strings.Join(barNames, ","))
	fs.IntVar(&cfg.keys, "keys", 1000000, "keys (100-byte values) loaded for the snapshot, memory and recovery bars")
	fs.StringVar(&cfg.profile, "profile", "", "take CPU profiles of every quoris node during each run, keep them in this directory and report where the CPU goes")
	fs.BoolVar(&cfg.floor, "floor", true, "also measure the floor: a bare redcon server (goroutine per connection, a map, no raft), as column rf")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.runs < 1 {
		return nil, errors.New("-runs must be at least 1")
	}
	re, err := regexp.Compile(*only)
	if err != nil {
		return nil, fmt.Errorf("-only: %w", err)
	}
	cfg.only = re
	if cfg.bars, err = parseBars(*bars); err != nil {
		return nil, fmt.Errorf("-bars: %w", err)
	}
	if cfg.keys < 1 {
		return nil, errors.New("-keys must be at least 1")
	}
	return cfg, nil
}

func run(ctx context.Context, cfg *config) error {
	for _, tool := range []string{"redis-server", "redis-benchmark"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found (`make deps` installs it as root): %w", tool, err)
		}
	}
	bin, err := filepath.Abs(cfg.quoris)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("quoris binary: %w (run `make build`)", err)
	}
	var rows []workload
	for _, w := range workloads() {
		if cfg.only.MatchString(w.Name) {
			rows = append(rows, w)
		}
	}
	if len(rows) == 0 && len(cfg.bars) == 0 {
		return fmt.Errorf("-only %q matches no row and -bars is none", cfg.only)
	}

	base, err := os.MkdirTemp("", "quoris-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(base)

	started := time.Now()
	loadStart := loadavg()
	var report string
	failed := false
	if len(rows) > 0 {
		var err error
		if report, failed, err = throughput(ctx, cfg, bin, base, rows); err != nil {
			return err
		}
	}
	if len(cfg.bars) > 0 {
		results := runBars(ctx, cfg, bin, base)
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, r := range results {
			failed = failed || r.Verdict == verdictErr
		}
		report += formatBars(cfg.keys, results)
	}
	report = header(cfg, started, loadStart, len(rows) > 0) + "\n" + strings.TrimPrefix(report, "\n")
	fmt.Print(report)
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	if failed {
		return errors.New("some rows or bars failed (err in the report); see the log above")
	}
	return nil
}

// throughput measures rows on every system and returns the tables;
// failed says some cell could not be measured. The systems are stopped
// before it returns, so they do not share the machine with the bars.
func throughput(ctx context.Context, cfg *config, bin, base string, rows []workload) (report string, failed bool, err error) {
	// All systems stay up for the whole run so that each row's runs
	// can be interleaved across systems: slow drift in the machine's
	// other load then hits every system alike.
	var prof *profiler
	if cfg.profile != "" {
		if err := os.MkdirAll(cfg.profile, 0o755); err != nil {
			return "", false, err
		}
		prof = &profiler{dir: cfg.profile, secs: max(1, int(cfg.duration.Seconds()/2))}
	}
	systems, err := startSystems(bin, base, prof != nil, cfg.floor)
	defer func() {
		for _, s := range systems {
			s.stop()
		}
	}()
	if err != nil {
		return "", false, err
	}
	logf("started %d systems in %s; %d rows × %d systems × %d runs (about %.0f min)",
		len(systems), base, len(rows), len(systems), cfg.runs,
		float64(len(rows)*len(systems)*(cfg.runs+1))*cfg.duration.Minutes())

	results := make([]rowResult, 0, len(rows))
	for _, w := range rows {
		r := benchRow(ctx, cfg, w, systems, prof)
		if err := ctx.Err(); err != nil {
			return "", false, err
		}
		for _, c := range r.Cells {
			failed = failed || c.State == stateErr
		}
		results = append(results, r)
	}

	var cols []column
	for i, s := range systems {
		// Ratios compare each quoris with the first system, redis always.
		cols = append(cols, column{Label: s.Label, Desc: s.Desc, Ratio: i >= 2})
	}
	report = formatReport(cols, results, cfg.runs)
	if prof != nil {
		report += formatProfiles(cols, results, prof.dir)
	}
	return report, failed, nil
}

// startSystems starts the systems in report order; on error it
// returns the ones already running so the caller stops them.
func startSystems(bin, base string, pprof, floor bool) ([]*system, error) {
	var systems []*system
	type systemSpec struct {
		label, desc string
		start       func() (*system, error)
	}
	specs := []systemSpec{
		{"ra", "redis-server, appendonly yes, appendfsync always, save ''",
			func() (*system, error) { return startRedis(base, "always") }},
		{"re", "redis-server, appendonly yes, appendfsync everysec, save ''",
			func() (*system, error) { return startRedis(base, "everysec") }},
		{"q1", "quoris, 1 node (default, fsynced raft log)",
			func() (*system, error) { return startQuorisOpts(bin, base, 1, pprof) }},
		{"q3", "quoris, 3 nodes on this machine, benchmark sent to the leader; CPU of all 3",
			func() (*system, error) { return startQuorisOpts(bin, base, 3, pprof) }},
	}
	if floor {
		specs = append(specs, systemSpec{"rf", "floor: bare redcon server in Go, goroutine per connection, map under a mutex; no raft, no log, no fsync (SET, GET, INCR only)",
			func() (*system, error) { return startFloor(base) }})
	}
	for _, spec := range specs {
		s, err := spec.start()
		if err != nil {
			return systems, fmt.Errorf("start %s: %w", spec.label, err)
		}
		s.Label, s.Desc = spec.label, spec.desc
		systems = append(systems, s)
	}
	return systems, nil
}

// benchRow sizes the row for every system, then measures it cfg.runs
// times, interleaving the systems, and keeps the medians.
func benchRow(ctx context.Context, cfg *config, w workload, systems []*system, prof *profiler) rowResult {
	r := rowResult{Name: w.Name, Cells: make([]cell, len(systems))}
	ns := make([]int, len(systems))
	for j, s := range systems {
		n, err := calibrate(ctx, cfg, s, w)
		switch {
		case errors.Is(err, errUnknownCommand):
			r.Cells[j].State = stateNA
			logf("%-12s %s: command not implemented, n/a", w.Name, s.Label)
		case err != nil:
			r.Cells[j].State = stateErr
			logf("%-12s %s: %v", w.Name, s.Label, err)
		default:
			ns[j] = n
		}
	}
	samples := make([][]sample, len(systems))
	for run := 1; run <= cfg.runs; run++ {
		for j, s := range systems {
			if ns[j] == 0 || ctx.Err() != nil {
				continue
			}
			smp, err := measure(ctx, s, w, ns[j], prof, run)
			if err != nil {
				logf("%-12s %s run %d/%d: %v", w.Name, s.Label, run, cfg.runs, err)
				continue
			}
			samples[j] = append(samples[j], smp)
			logf("%-12s %s run %d/%d: n=%d %.0f req/s p50 %s p99 %s ms, %.1f µs CPU/req",
				w.Name, s.Label, run, cfg.runs, ns[j], smp.RPS, fmtMs(smp.P50), fmtMs(smp.P99), smp.CPU)
		}
	}
	for j := range systems {
		if ns[j] == 0 {
			continue
		}
		if len(samples[j]) == 0 {
			r.Cells[j].State = stateErr
			continue
		}
		r.Cells[j] = medianCell(samples[j])
	}
	return r
}

// calibrate runs a short warm-up of the row and returns the request count
// for the measured runs: fixed by -n, or sized from the warm-up's rate to
// last about cfg.duration. The warm-up grows until it lasts long enough
// to give a usable rate. It also finds out whether the command exists.
func calibrate(ctx context.Context, cfg *config, s *system, w workload) (int, error) {
	n := 500 // -c 1: a few hundred round trips
	switch {
	case w.Pipeline > 1:
		n = 50000
	case w.Clients > 1:
		n = 5000
	}
	for {
		if err := s.alive(); err != nil {
			return 0, err
		}
		addr, err := s.target()
		if err != nil {
			return 0, err
		}
		t0 := time.Now()
		res, err := runBenchmark(ctx, addr, w, n)
		if err != nil {
			return 0, err
		}
		if el := time.Since(t0); el < 500*time.Millisecond && n < 10_000_000 {
			// Aim the next warm-up at ~0.6s; start-up costs make a very
			// short run underestimate the rate, hence the 10x cap.
			n = int(float64(n) * min(10, max(2, 0.6/el.Seconds())))
			continue
		}
		if cfg.n > 0 {
			if w.Clients == 1 {
				return max(cfg.n/10, 1), nil
			}
			return cfg.n, nil
		}
		return max(roundSig(res.RPS*cfg.duration.Seconds()), 100), nil
	}
}

// measure runs the row once and charges the server processes' CPU time
// over the run to its requests; prof, if not nil, profiles the run.
func measure(ctx context.Context, s *system, w workload, n int, prof *profiler, run int) (sample, error) {
	if err := s.alive(); err != nil {
		return sample{}, err
	}
	addr, err := s.target()
	if err != nil {
		return sample{}, err
	}
	before, err := cpuTicks(s.pids())
	if err != nil {
		return sample{}, err
	}
	allocBefore, err := prof.totalAlloc(ctx, s)
	if err != nil {
		return sample{}, err
	}
	profiled := prof.start(ctx, s, w.Name, run)
	res, err := runBenchmark(ctx, addr, w, n)
	after, errAfter := cpuTicks(s.pids())
	allocAfter, errAlloc := prof.totalAlloc(ctx, s)
	shares := profiled()
	if err != nil {
		return sample{}, err
	}
	if errAfter != nil {
		return sample{}, errAfter
	}
	if errAlloc != nil {
		return sample{}, errAlloc
	}
	cpu := float64(after-before) * float64(clockTick/time.Microsecond) / float64(n)
	alloc := float64(allocAfter-allocBefore) / float64(n)
	return sample{RPS: res.RPS, P50: res.P50, P99: res.P99, CPU: cpu, Alloc: alloc, prof: shares}, nil
}

// roundSig rounds x to two significant digits, so request counts read
// as 120000 rather than 123457.
func roundSig(x float64) int {
	if x < 1 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(x))-1)
	return int(math.Round(x/p) * p)
}

// header describes the run: when, where, what versions, how sized.
func header(cfg *config, started time.Time, loadStart string, table bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "quoris-bench %s (took %s)\n", started.UTC().Format("2006-01-02 15:04 UTC"),
		time.Since(started).Round(time.Second))
	fmt.Fprintf(&b, "host: %d CPUs, load average at start %s, at end %s\n", runtime.NumCPU(), loadStart, loadavg())
	fmt.Fprintf(&b, "redis-server: %s\n", firstLine("redis-server", "--version"))
	fmt.Fprintf(&b, "quoris: %s (%s)\n", firstLine("git", "describe", "--always", "--dirty"), cfg.quoris)
	if !table {
		return b.String()
	}
	sizing := fmt.Sprintf("requests per run sized for ~%s on each system", cfg.duration)
	if cfg.n > 0 {
		sizing = fmt.Sprintf("-n %d (-c 1 rows: %d)", cfg.n, max(cfg.n/10, 1))
	}
	fmt.Fprintf(&b, "workload: redis-benchmark -r %d, default 3-byte values, %s; one warm-up run per row and system first;\n", keyspace, sizing)
	fmt.Fprintf(&b, "          all systems and the benchmark client share this machine, runs interleaved across systems\n")
	return b.String()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// firstLine returns the first line of a command's output, or "?".
func firstLine(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "?"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}
