package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

const (
	snapshotZSetKey = "bars:zset"
	stallClients    = 50
	// stallBefore and stallAfter frame the snapshot with ordinary load, so
	// the window's latencies can be told apart from the usual ones.
	stallBefore = 2 * time.Second
	stallAfter  = 500 * time.Millisecond
)

// op is one timed write.
type op struct {
	start, end time.Time
	err        error
}

func (o op) latency() time.Duration { return o.end.Sub(o.start) }

// overlaps reports whether the write was in flight at any moment of
// [from, to]: a write queued behind the snapshot may have started just
// before it and still be stalled by it.
func (o op) overlaps(from, to time.Time) bool {
	return o.start.Before(to) && o.end.After(from)
}

// latencyStats summarises the writes keep selects: how many, how many
// failed, and the p99 and max latency of those that succeeded.
type latencyStats struct {
	n, failed int
	p99, max  time.Duration
	maxStart  time.Time // when the slowest write was sent
}

func statsOf(ops []op, keep func(op) bool) latencyStats {
	var st latencyStats
	var ds []time.Duration
	for _, o := range ops {
		if !keep(o) {
			continue
		}
		st.n++
		if o.err != nil {
			st.failed++
			continue
		}
		ds = append(ds, o.latency())
		if o.latency() > st.max {
			st.max, st.maxStart = o.latency(), o.start
		}
	}
	st.p99 = percentile(ds, 99)
	return st
}

// snapshotBar adds a sorted set of keys members to the loaded 1-node
// quoris, then takes a snapshot while stallClients clients write one SET
// at a time, and reports the write latency while RAFT SNAPSHOT runs.
func snapshotBar(ctx context.Context, q1 *system, keys int) barResult {
	const name = "snapshot"
	target := barTargets[name]
	addr := q1.procs[0].addr
	t0 := time.Now()
	if err := loadZSet(ctx, addr, snapshotZSetKey, keys); err != nil {
		return barErr(name, target, fmt.Errorf("load sorted set: %w", err))
	}
	logf("bar snapshot: added a %d-member sorted set in %s", keys, time.Since(t0).Round(time.Millisecond))

	stop := make(chan struct{})
	perClient := make([][]op, stallClients)
	var wg sync.WaitGroup
	for i := range stallClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			perClient[i] = writeLoop(addr, keys, stop)
		}()
	}
	if err := sleepCtx(ctx, stallBefore); err != nil {
		close(stop)
		wg.Wait()
		return barErr(name, target, err)
	}
	var snapStart, snapEnd time.Time
	sc, err := dial(addr, 5*time.Second)
	if err == nil {
		snapStart = time.Now()
		_, err = sc.do(10*time.Minute, "RAFT", "SNAPSHOT")
		snapEnd = time.Now()
		sc.Close()
	}
	if err == nil {
		err = sleepCtx(ctx, stallAfter)
	}
	close(stop)
	wg.Wait()
	if err != nil {
		return barErr(name, target, fmt.Errorf("RAFT SNAPSHOT: %w", err))
	}
	var ops []op
	for _, o := range perClient {
		ops = append(ops, o...)
	}
	in := statsOf(ops, func(o op) bool { return o.overlaps(snapStart, snapEnd) })
	before := statsOf(ops, func(o op) bool { return !o.end.After(snapStart) })
	notes := []string{
		fmt.Sprintf("%d members in the sorted set, %d clients; %d writes overlapped the snapshot window, %d of them failed",
			keys, stallClients, in.n, in.failed),
		fmt.Sprintf("before the snapshot: %d writes, p99 %s, max %s", before.n, fmtDur(before.p99), fmtDur(before.max)),
	}
	if in.max > 0 {
		// Where in the window the worst write fell tells which phase of
		// the snapshot (FSM copy, persisting, log compaction) stalled it.
		notes = append(notes, fmt.Sprintf("the slowest write in the window was sent %s after RAFT SNAPSHOT",
			fmtSignedDur(in.maxStart.Sub(snapStart))))
	}
	if in.n == 0 {
		notes = append(notes, "no write overlapped the snapshot: the window says nothing")
	}
	return barResult{
		Name: name,
		Measured: fmt.Sprintf("write max %s, p99 %s; snapshot took %s",
			fmtDur(in.max), fmtDur(in.p99), fmtDur(snapEnd.Sub(snapStart))),
		Target:  target,
		Verdict: verdict(in.n > 0 && in.failed == 0 && in.max < 50*time.Millisecond),
		Notes:   notes,
	}
}

// fmtSignedDur is fmtDur for an offset that may be negative.
func fmtSignedDur(d time.Duration) string {
	if d < 0 {
		return "-" + fmtDur(-d)
	}
	return fmtDur(d)
}

// writeLoop SETs random loaded keys to their usual value, one at a time,
// until stop is closed, and returns every write timed. The same value as
// the load keeps the data set unchanged for the bars that follow.
func writeLoop(addr string, keys int, stop <-chan struct{}) []op {
	var ops []op
	var c *rconn
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	for {
		select {
		case <-stop:
			return ops
		default:
		}
		if c == nil {
			var err error
			if c, err = dial(addr, 5*time.Second); err != nil {
				c = nil
				ops = append(ops, op{start: time.Now(), end: time.Now(), err: err})
				time.Sleep(10 * time.Millisecond)
				continue
			}
		}
		k := rand.IntN(keys)
		o := op{start: time.Now()}
		_, o.err = c.do(30*time.Second, "SET", barKey(k), barValue(k))
		o.end = time.Now()
		ops = append(ops, o)
		var re respError
		if o.err != nil && !errors.As(o.err, &re) {
			c.Close()
			c = nil
		}
	}
}
