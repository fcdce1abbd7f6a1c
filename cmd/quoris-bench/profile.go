package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"
)

// With -profile, every measured run of a quoris system also takes a CPU
// profile of each node (net/http/pprof) while redis-benchmark runs, keeps
// it in the directory, and sorts its samples into the categories below.
// The report then splits the run's measured CPU per request (from
// /proc, all nodes) by the categories' share of the profiles' samples:
// which part of the server bounds a row, in µs per request.

// cpuCategory names a part of the server by substrings of function names;
// a sample belongs to the first category with a function on its stack.
type cpuCategory struct {
	Name  string
	Desc  string
	Funcs []string
}

// cpuCategories are in priority order: a syscall under the command loop
// counts as the socket's, an allocation under the FSM as allocation.
var cpuCategories = []cpuCategory{
	{Name: "log", Desc: "raft log store: write and fsync (both roles)",
		Funcs: []string{"raftnode.(*logCache).StoreLogs", "hashicorp/raft-wal", "raft-boltdb", "go.etcd.io/bbolt"}},
	{Name: "read", Desc: "client sockets: read syscalls",
		Funcs: []string{"resp.(*Reader).fill", "resp.(*countConn).Read"}},
	{Name: "write", Desc: "client sockets: reply write syscalls",
		Funcs: []string{"resp.(*countConn).Write"}},
	{Name: "rnet", Desc: "raft network: AppendEntries and heartbeats, sent and served",
		Funcs: []string{"raft.(*NetworkTransport)", "raft.(*netPipeline)", "raft.(*Raft).replicate",
			"raft.(*Raft).heartbeat", "raft.(*Raft).pipeline", "raft.(*Raft).processRPC", "raftnode.(*contactTransport)"}},
	{Name: "alloc", Desc: "allocation and garbage collection",
		Funcs: []string{"runtime.mallocgc", "runtime.gcBgMarkWorker", "runtime.bgsweep", "runtime.bgscavenge", "runtime.gcStart"}},
	{Name: "sched", Desc: "Go scheduler: parking, waking, polling, idle threads",
		Funcs: []string{"runtime.mcall", "runtime.park_m", "runtime.schedule", "runtime.findRunnable",
			"runtime.netpoll", "runtime.sysmon", "runtime.mstart", "runtime.goexit0"}},
	{Name: "fsm", Desc: "FSM: applying and reading commands",
		Funcs: []string{"quoris/fsm."}},
	{Name: "resp", Desc: "RESP layer: parsing, dispatch, replies, waiting for tickets",
		Funcs: []string{"quoris/resp."}},
	{Name: "raft", Desc: "raft's and raftnode's loops: batching, commit, FSM hand-off",
		Funcs: []string{"hashicorp/raft.", "quoris/raftnode."}},
}

// otherCategory takes samples no category claims.
const otherCategory = "other"

// classify returns the category of a sample whose stack holds funcs.
func classify(funcs []string) string {
	for _, c := range cpuCategories {
		for _, f := range funcs {
			for _, m := range c.Funcs {
				if strings.Contains(f, m) {
					return c.Name
				}
			}
		}
	}
	return otherCategory
}

// cpuShares sums a profile's CPU time per category (nanoseconds).
func cpuShares(p *profile.Profile) (map[string]float64, error) {
	vi := -1
	for i, st := range p.SampleType {
		if st.Type == "cpu" {
			vi = i
		}
	}
	if vi < 0 {
		return nil, fmt.Errorf("profile has no cpu sample type")
	}
	out := map[string]float64{}
	var funcs []string
	for _, s := range p.Sample {
		funcs = funcs[:0]
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				if ln.Function != nil {
					funcs = append(funcs, ln.Function.Name)
				}
			}
		}
		out[classify(funcs)] += float64(s.Value[vi])
	}
	return out, nil
}

// profiler takes the profiles of -profile.
type profiler struct {
	dir  string
	secs int // length of each profile; shorter than a run
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// start begins a CPU profile of every node of s shortly after the run
// starts; wait returns the run's CPU time per category, summed over the
// nodes, once every profile is in (nil if none could be taken).
func (pr *profiler) start(ctx context.Context, s *system, row string, run int) (wait func() map[string]float64) {
	if pr == nil || len(s.pprof) == 0 {
		return func() map[string]float64 { return nil }
	}
	var (
		mu  sync.Mutex
		sum map[string]float64
		wg  sync.WaitGroup
	)
	for i, addr := range s.pprof {
		name := fmt.Sprintf("%s_%s_node%d_run%d.pb.gz", unsafeName.ReplaceAllString(row, "_"), s.Label, i+1, run)
		wg.Add(1)
		go func() {
			defer wg.Done()
			shares, err := pr.take(ctx, addr, filepath.Join(pr.dir, name))
			if err != nil {
				logf("profile %s: %v", name, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if sum == nil {
				sum = map[string]float64{}
			}
			for k, v := range shares {
				sum[k] += v
			}
		}()
	}
	return func() map[string]float64 {
		wg.Wait()
		return sum
	}
}

// take fetches one profile, keeps it at path and sorts its samples.
func (pr *profiler) take(ctx context.Context, addr, path string) (map[string]float64, error) {
	// Skip redis-benchmark's connection set-up.
	select {
	case <-time.After(300 * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	data, err := httpGet(ctx, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, pr.secs))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return nil, err
	}
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return cpuShares(p)
}

// totalAlloc sums the bytes every node of s has allocated since it
// started (runtime.MemStats.TotalAlloc, which net/http/pprof prints).
func (pr *profiler) totalAlloc(ctx context.Context, s *system) (uint64, error) {
	if pr == nil {
		return 0, nil
	}
	var sum uint64
	for _, addr := range s.pprof {
		data, err := httpGet(ctx, "http://"+addr+"/debug/pprof/allocs?debug=1")
		if err != nil {
			return 0, err
		}
		n, err := parseTotalAlloc(data)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", addr, err)
		}
		sum += n
	}
	return sum, nil
}

// httpGet returns the body of a 200 answer to GET url.
func httpGet(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s: %s", url, resp.Status, bytes.TrimSpace(data))
	}
	return data, nil
}

// parseTotalAlloc finds "# TotalAlloc = N" in a debug=1 heap profile.
func parseTotalAlloc(b []byte) (uint64, error) {
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "# TotalAlloc = "); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no TotalAlloc line in the heap profile")
}

// fractions turns per-category CPU times (summed over runs) into shares.
func fractions(runs []map[string]float64) map[string]float64 {
	total := 0.0
	sum := map[string]float64{}
	for _, r := range runs {
		for k, v := range r {
			sum[k] += v
			total += v
		}
	}
	if total == 0 {
		return nil
	}
	for k := range sum {
		sum[k] /= total
	}
	return sum
}

// formatProfiles renders µs per request by category for the columns that
// were profiled: the cell's median CPU per request split by the shares.
func formatProfiles(cols []column, rows []rowResult, dir string) string {
	names := []string{}
	for _, c := range cpuCategories {
		names = append(names, c.Name)
	}
	names = append(names, otherCategory)
	header := append([]string{"workload", "sys", "B/req", "cpu/req"}, names...)
	var table [][]string
	for _, r := range rows {
		for j, c := range r.Cells {
			if c.State != stateOK || c.Shares == nil {
				continue
			}
			line := []string{r.Name, cols[j].Label, fmt.Sprintf("%.0f", c.Alloc), fmt.Sprintf("%.1f", c.CPU)}
			for _, n := range names {
				line = append(line, fmt.Sprintf("%.1f", c.CPU*c.Shares[n]))
			}
			table = append(table, line)
		}
	}
	if len(table) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nWhere quoris's CPU goes: µs per request, all nodes, by share of CPU-profile samples over every run;\n")
	fmt.Fprintf(&b, "B/req: bytes the Go heap allocated per request, all nodes (median run)\n")
	fmt.Fprintf(&b, "(profiles in %s; `go tool pprof <file>` opens one)\n", dir)
	for _, c := range cpuCategories {
		fmt.Fprintf(&b, "  %-6s %s\n", c.Name, c.Desc)
	}
	fmt.Fprintf(&b, "  %-6s anything else\n\n", otherCategory)
	b.WriteString(renderTable(header, table))
	return b.String()
}
