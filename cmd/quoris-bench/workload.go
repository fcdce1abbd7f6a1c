package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// workload is one row of the report: one redis-benchmark test at one
// concurrency and pipeline depth.
type workload struct {
	Name     string // e.g. "SET c50 P16"; what -only matches
	Test     string // redis-benchmark -t name
	Clients  int
	Pipeline int
	// Script, when set, is loaded with SCRIPT LOAD before the run, and
	// the row runs Test (EVALSHA or EVALSHA_RO) of it on one random key.
	Script string
	// Command, when set, is the command line redis-benchmark sends
	// instead of a -t test (redis-benchmark runs arbitrary commands).
	Command []string
	// Prepare, when set, runs before every redis-benchmark run of the row
	// with the run's request count: state the command needs (a consumer
	// group and enough unread entries for XREADGROUP).
	Prepare func(ctx context.Context, addr string, n int) error
}

// setGetScript is the row of issue #9: a script that writes and reads a
// key, as lock and rate-limit libraries' scripts do; getScript reads only.
const (
	setGetScript = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])"
	getScript    = "return redis.call('GET', KEYS[1])"
)

// workloads lists the rows in report order: every test at -c 50 with and
// without pipelining, then the single-client latency rows.
func workloads() []workload {
	var ws []workload
	for _, t := range []string{"set", "get", "incr", "lpush", "zadd", "mset"} {
		up := strings.ToUpper(t)
		ws = append(ws,
			workload{Name: up + " c50", Test: t, Clients: 50, Pipeline: 1},
			workload{Name: up + " c50 P16", Test: t, Clients: 50, Pipeline: 16})
	}
	ws = append(ws,
		workload{Name: "SET/GET interleaved c50 P16", Test: setGetTest, Clients: 50, Pipeline: 16},
		workload{Name: "EVALSHA set+get c50", Test: "EVALSHA", Script: setGetScript, Clients: 50, Pipeline: 1},
		workload{Name: "EVALSHA_RO get c50", Test: "EVALSHA_RO", Script: getScript, Clients: 50, Pipeline: 1},
		workload{Name: "XADD c50", Test: "xadd", Command: xaddCommand, Clients: 50, Pipeline: 1},
		workload{Name: "XADD c50 P16", Test: "xadd", Command: xaddCommand, Clients: 50, Pipeline: 16},
		workload{Name: "XREADGROUP c50", Test: "xreadgroup", Command: xreadgroupCommand, Prepare: prefillGroup, Clients: 50, Pipeline: 1},
		workload{Name: "XREADGROUP c50 P16", Test: "xreadgroup", Command: xreadgroupCommand, Prepare: prefillGroup, Clients: 50, Pipeline: 16},
		workload{Name: "SET c1", Test: "set", Clients: 1, Pipeline: 1},
		workload{Name: "GET c1", Test: "get", Clients: 1, Pipeline: 1})
	return ws
}

// keyspace is redis-benchmark's -r: random keys (and ZADD members) from a
// 100k keyspace, so no workload hammers one hot key and GET finds the keys
// the SET rows wrote.
const keyspace = 100000

// benchResult is what one redis-benchmark run reports.
type benchResult struct {
	RPS      float64
	P50, P99 float64 // milliseconds
}

// errUnknownCommand means the server does not implement the workload's
// command; the row is reported as n/a for that system.
var errUnknownCommand = errors.New("unknown command")

// runBenchmark runs redis-benchmark once against addr and parses its CSV.
// redis-benchmark exits on the first error reply, so an unimplemented
// command shows up as a non-zero exit with "unknown command" on stderr.
func runBenchmark(ctx context.Context, addr string, w workload, n int) (benchResult, error) {
	if w.Test == setGetTest {
		return runInterleaved(ctx, addr, w, n)
	}
	host, port, ok := strings.Cut(addr, ":")
	if !ok {
		return benchResult{}, fmt.Errorf("bad address %q", addr)
	}
	args := []string{"-h", host, "-p", port, "-n", strconv.Itoa(n),
		"-c", strconv.Itoa(w.Clients), "-r", strconv.Itoa(keyspace), "--csv"}
	if w.Pipeline > 1 {
		args = append(args, "-P", strconv.Itoa(w.Pipeline))
	}
	if w.Prepare != nil {
		if err := w.Prepare(ctx, addr, n); err != nil {
			if strings.Contains(strings.ToLower(err.Error()), "unknown command") {
				return benchResult{}, errUnknownCommand
			}
			return benchResult{}, fmt.Errorf("%s: prepare: %w", w.Name, err)
		}
	}
	if w.Command != nil {
		args = append(args, w.Command...)
	} else if w.Script != "" {
		sha, err := do(addr, 10*time.Second, "SCRIPT", "LOAD", w.Script)
		if err != nil {
			if strings.Contains(strings.ToLower(err.Error()), "unknown command") {
				return benchResult{}, errUnknownCommand
			}
			return benchResult{}, fmt.Errorf("SCRIPT LOAD: %w", err)
		}
		// redis-benchmark replaces __rand_int__ with a key number of -r.
		args = append(args, w.Test, sha, "1", "key:__rand_int__", "value:__rand_int__")
	} else {
		args = append(args, "-t", w.Test)
	}
	cmd := exec.CommandContext(ctx, "redis-benchmark", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(stderr.String() + " " + stdout.String())
		if strings.Contains(strings.ToLower(msg), "unknown command") {
			return benchResult{}, errUnknownCommand
		}
		return benchResult{}, fmt.Errorf("redis-benchmark %s: %v: %s", strings.Join(args, " "), err, msg)
	}
	rs, err := parseCSV(stdout.String())
	if err != nil {
		return benchResult{}, err
	}
	if len(rs) != 1 {
		return benchResult{}, fmt.Errorf("redis-benchmark printed %d result rows, want 1", len(rs))
	}
	return rs[0], nil
}

// parseCSV reads redis-benchmark --csv output: a header line naming the
// columns, then one quoted line per test. Anything before the header (a
// warning, say) is skipped; columns are found by name, not position.
func parseCSV(out string) ([]benchResult, error) {
	sc := bufio.NewScanner(strings.NewReader(out))
	var body strings.Builder
	found := false
	for sc.Scan() {
		line := sc.Text()
		if !found && !strings.HasPrefix(line, `"test",`) {
			continue
		}
		found = true
		body.WriteString(line + "\n")
	}
	if !found {
		return nil, fmt.Errorf("no CSV header in redis-benchmark output %q", out)
	}
	r := csv.NewReader(strings.NewReader(body.String()))
	header, err := r.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, want := range []string{"rps", "p50_latency_ms", "p99_latency_ms"} {
		if _, ok := col[want]; !ok {
			return nil, fmt.Errorf("redis-benchmark CSV has no %q column: %v", want, header)
		}
	}
	var rs []benchResult
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		var vals [3]float64
		for i, name := range []string{"rps", "p50_latency_ms", "p99_latency_ms"} {
			v, err := strconv.ParseFloat(rec[col[name]], 64)
			if err != nil {
				return nil, fmt.Errorf("redis-benchmark CSV %s: %w", name, err)
			}
			vals[i] = v
		}
		rs = append(rs, benchResult{RPS: vals[0], P50: vals[1], P99: vals[2]})
	}
	if len(rs) == 0 {
		return nil, errors.New("redis-benchmark CSV has a header but no results")
	}
	return rs, nil
}
