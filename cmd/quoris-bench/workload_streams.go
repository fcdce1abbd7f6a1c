package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// The stream rows: XADD appends one entry with an automatic ID to one
// stream; XREADGROUP reads one new entry per call for one consumer group,
// so every call delivers an entry (and grows the group's PEL, as a
// consumer that has not acknowledged yet does).
const (
	xaddStream = "bench:xadd"
	readStream = "bench:xread"
	readGroup  = "bench"
)

var (
	xaddCommand       = []string{"XADD", xaddStream, "*", "f", "v"}
	xreadgroupCommand = []string{"XREADGROUP", "GROUP", readGroup, "worker", "COUNT", "1", "STREAMS", readStream, ">"}
)

// prefillGroup makes sure the group exists and appends n entries to its
// stream before a run of n XREADGROUP calls. Every earlier run delivered
// at most as many entries as were appended before it, so at least n are
// undelivered and none of the run's calls comes back empty. The appends
// go through redis-benchmark, deeply pipelined.
func prefillGroup(ctx context.Context, addr string, n int) error {
	if _, err := do(addr, 10*time.Second, "XGROUP", "CREATE", readStream, readGroup, "$", "MKSTREAM"); err != nil &&
		!strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("XGROUP CREATE: %w", err)
	}
	before, err := xlen(addr)
	if err != nil {
		return err
	}
	host, port, _ := strings.Cut(addr, ":")
	args := []string{"-h", host, "-p", port, "-n", strconv.Itoa(n), "-c", "4", "-P", "500",
		"-q", "XADD", readStream, "*", "f", "v"}
	cmd := exec.CommandContext(ctx, "redis-benchmark", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("redis-benchmark %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	after, err := xlen(addr)
	if err != nil {
		return err
	}
	// redis-benchmark sends whole pipelines, so it may append a few more.
	if after-before < n {
		return fmt.Errorf("prefill appended %d entries, want at least %d", after-before, n)
	}
	return nil
}

func xlen(addr string) (int, error) {
	s, err := do(addr, 10*time.Second, "XLEN", readStream)
	if err != nil {
		return 0, fmt.Errorf("XLEN: %w", err)
	}
	return strconv.Atoi(s)
}
