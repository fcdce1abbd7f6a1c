package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// memoryQuiet is how long the quoris node sits idle between its load and
// the memory reading: long enough for in-flight raft and apply work to
// finish, without asking for anything (such as a GC) Redis would not need.
const memoryQuiet = 5 * time.Second

// memoryBar compares used_memory of the freshly loaded 1-node quoris with
// that of a redis-server holding the same keys. It must run while q1 holds
// exactly the loaded keys.
func memoryBar(ctx context.Context, q1 *system, dir string, keys int) barResult {
	const name = "memory"
	target := barTargets[name]
	quiet := time.Now().Add(memoryQuiet)
	redis, err := startRedisPlain(dir)
	if err != nil {
		return barErr(name, target, err)
	}
	defer redis.stop()
	raddr := redis.procs[0].addr
	if err := loadKeys(ctx, raddr, keys); err != nil {
		return barErr(name, target, fmt.Errorf("load redis: %w", err))
	}
	rmem, err := usedMemory(raddr, keys)
	if err != nil {
		return barErr(name, target, fmt.Errorf("redis: %w", err))
	}
	if err := sleepCtx(ctx, time.Until(quiet)); err != nil {
		return barErr(name, target, err)
	}
	qaddr := q1.procs[0].addr
	qmem, err := usedMemory(qaddr, keys)
	if err != nil {
		return barErr(name, target, fmt.Errorf("quoris: %w", err))
	}
	qinfo, _ := do(qaddr, 5*time.Second, "INFO", "memory")
	ratio := float64(qmem) / float64(rmem)
	return barResult{
		Name:     name,
		Measured: fmt.Sprintf("%.2fx (quoris %s, redis %s)", ratio, fmtMB(qmem), fmtMB(rmem)),
		Target:   target,
		Verdict:  verdict(ratio <= 1.5),
		Notes: []string{
			fmt.Sprintf("used_memory per key: quoris %.0f B (Go HeapInuse, read %s after its load), redis %.0f B (no persistence)",
				float64(qmem)/float64(keys), memoryQuiet, float64(rmem)/float64(keys)),
			fmt.Sprintf("quoris used_memory_rss (Go Sys) %s", fmtMB(atoiOr0(infoField(qinfo, "used_memory_rss")))),
		},
	}
}

// usedMemory checks that addr holds keys keys and returns its used_memory.
func usedMemory(addr string, keys int) (int64, error) {
	n, err := do(addr, 5*time.Second, "DBSIZE")
	if err != nil {
		return 0, err
	}
	if n != strconv.Itoa(keys) {
		return 0, fmt.Errorf("DBSIZE %s, want %d", n, keys)
	}
	info, err := do(addr, 5*time.Second, "INFO", "memory")
	if err != nil {
		return 0, err
	}
	m, err := strconv.ParseInt(infoField(info, "used_memory"), 10, 64)
	if err != nil || m <= 0 {
		return 0, fmt.Errorf("no used_memory in INFO memory: %q", info)
	}
	return m, nil
}

// startRedisPlain starts a redis-server without persistence, which is
// what holds keys in memory and nothing else.
func startRedisPlain(dir string) (*system, error) {
	dir = filepath.Join(dir, "redis-memory")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	log := filepath.Join(dir, "redis.log")
	return startPinged("redis-memory", log, func(port int) []string {
		return []string{"redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--dir", dir, "--logfile", log, "--daemonize", "no", "--save", "", "--appendonly", "no"}
	})
}

// recoveryTail is how many writes follow the snapshot before the kill, so
// a restart replays log entries as well as restoring the snapshot; fewer
// than --snapshot-threshold, so no automatic snapshot absorbs them.
const recoveryTail = 5000

const recoveryKey = "bars:recovery"

// recoveryBar SIGKILLs the 1-node quoris holding the loaded keys, one
// snapshot and recoveryTail log entries after it, restarts it on the same
// directory and times exec to the first GET that returns the last value
// written before the kill.
func recoveryBar(ctx context.Context, q1 *system, keys int) barResult {
	const name = "recovery"
	target := barTargets[name]
	p := q1.procs[0]
	c, err := dial(p.addr, 5*time.Second)
	if err != nil {
		return barErr(name, target, err)
	}
	// The snapshot bar's sorted set would make this a restore of twice the
	// data; the bar is about the keys.
	_, err = c.do(time.Minute, "DEL", snapshotZSetKey)
	if err == nil {
		_, err = c.do(10*time.Minute, "RAFT", "SNAPSHOT")
	}
	c.Close()
	if err != nil {
		return barErr(name, target, err)
	}
	tail := recoveryTail
	if err := loadParallel(ctx, p.addr, tail, 100, func(c *rconn, i int) {
		k := i * max(keys/tail, 1) % keys
		c.send("SET", barKey(k), barValue(k))
	}); err != nil {
		return barErr(name, target, err)
	}
	want := "written last, " + time.Now().Format(time.RFC3339Nano)
	if _, err := do(p.addr, 10*time.Second, "SET", recoveryKey, want); err != nil {
		return barErr(name, target, err)
	}
	info, err := do(p.addr, 5*time.Second, "RAFT", "INFO")
	if err != nil {
		return barErr(name, target, err)
	}
	entries := atoiOr0(infoField(info, "last_log_index")) - atoiOr0(infoField(info, "last_snapshot_index"))
	dbsize, _ := do(p.addr, 5*time.Second, "DBSIZE")

	_ = p.cmd.Process.Kill()
	<-p.done
	t0 := time.Now()
	np, err := start(p.name, p.log, p.addr, p.cmd.Args)
	if err != nil {
		return barErr(name, target, err)
	}
	q1.procs[0] = np
	firstReply, ready, err := waitValue(ctx, np, recoveryKey, want, time.Minute)
	if err != nil {
		return barErr(name, target, err)
	}
	took := ready.Sub(t0)
	after, _ := do(np.addr, 5*time.Second, "DBSIZE")
	notes := []string{
		fmt.Sprintf("restart restored a snapshot of %s keys and replayed %d writes in %d log entries after it; data dir %s",
			dbsize, tail+1, entries, fmtMB(dirSize(argAfter(p.cmd.Args, "--dir")))),
		fmt.Sprintf("first reply of any kind after %s, DBSIZE after restart %s", fmtDur(firstReply.Sub(t0)), after),
	}
	if after != dbsize {
		notes = append(notes, fmt.Sprintf("DBSIZE changed across the restart: %s before, %s after", dbsize, after))
	}
	return barResult{
		Name:     name,
		Measured: fmtDur(took) + " from exec to a correct GET",
		Target:   target,
		Verdict:  verdict(took <= 3*time.Second && after == dbsize),
		Notes:    notes,
	}
}

// waitValue polls GET key on p until it returns want, and returns when the
// server first answered at all and when it answered right.
func waitValue(ctx context.Context, p *proc, key, want string, timeout time.Duration) (first, ready time.Time, err error) {
	deadline := time.Now().Add(timeout)
	var c *rconn
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	last := "no reply"
	for {
		select {
		case <-p.done:
			return first, ready, fmt.Errorf("%s exited during recovery; log: %s", p.name, tail(p.log))
		default:
		}
		if err := ctx.Err(); err != nil {
			return first, ready, err
		}
		if time.Now().After(deadline) {
			return first, ready, fmt.Errorf("GET %s not right within %s (last: %s)", key, timeout, last)
		}
		if c == nil {
			if c, err = dial(p.addr, time.Second); err != nil {
				c = nil
				last = err.Error()
				time.Sleep(2 * time.Millisecond)
				continue
			}
		}
		v, err := c.do(5*time.Second, "GET", key)
		now := time.Now()
		var re respError
		if err == nil || errors.As(err, &re) {
			if first.IsZero() {
				first = now
			}
		} else {
			c.Close()
			c = nil
		}
		if err == nil && v == want {
			return first, now, nil
		}
		last = fmt.Sprintf("%q, %v", v, err)
		time.Sleep(2 * time.Millisecond)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func atoiOr0(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func fmtMB(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

// argAfter returns the argument following flag in args, or "".
func argAfter(args []string, flag string) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag {
			return args[i+1]
		}
	}
	return ""
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
