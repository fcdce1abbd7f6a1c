package integration

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestBigValues: a 32 MiB SET on a 3-node cluster commits with no leader
// change (the term stays) while a concurrent client, writing through a
// follower, never waits more than half a second: the value is staged in
// chunks that interleave with other entries. Every node reads it back
// intact. A 200 MiB SET, over the default max-entry-size, is refused with an
// error saying nothing was applied, and the cluster stays healthy.
func TestBigValues(t *testing.T) {
	ctx := deadlineCtx(t, 120*time.Second)
	// Built before the cluster starts: on 2 cores the nodes' heartbeats
	// compete with whatever this process does.
	value := patterned(1, 32<<20)
	huge := make([]byte, 200<<20)
	c := NewCluster(t)
	// One second rather than the harness's 400 ms: under `make test`,
	// sharing both cores with race-enabled packages, the followers once
	// answered nothing for 0.7 s while applying the 32 MiB value (CI,
	// 2026-12-04), and the leader stepped down. The latency bound below
	// still catches an unchunked value (3-4 s).
	c.Flags = append(c.Flags, "--raft-heartbeat-timeout", "1s", "--raft-election-timeout", "1s")
	c.Start(3)
	leader := c.Leader()
	before, err := c.RaftInfo(leader)
	if err != nil {
		t.Fatal(err)
	}
	cl := c.Client(leader)
	other := c.Client(leader%3 + 1)
	if err := other.Set(ctx, "warm", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	stop, result := concurrentWriter(ctx, other)
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := cl.Set(ctx, "big32", value, 0).Err(); err != nil {
		t.Fatalf("32 MiB SET: %v", err)
	}
	took := time.Since(start)
	time.Sleep(300 * time.Millisecond)

	err = cl.Set(ctx, "big200", huge, 0).Err()
	huge = nil
	if err == nil || !strings.Contains(err.Error(), "max-entry-size") || !strings.Contains(err.Error(), "nothing was applied") {
		t.Fatalf("200 MiB SET answered %v, want a too-large error saying nothing was applied", err)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	w := <-result
	if w.err != nil {
		t.Fatalf("concurrent client: %v", w.err)
	}
	after, err := c.RaftInfo(leader)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("32 MiB SET took %v; concurrent client: %d commands, max latency %v; term %s -> %s", took, w.n, w.worst, before["term"], after["term"])
	if after["term"] != before["term"] || after["state"] != "leader" {
		t.Fatalf("leadership changed: term %s -> %s, state %s", before["term"], after["term"], after["state"])
	}
	// Alone on this 2-core machine the worst wait is 0.2-0.4 s; in `make
	// test`, sharing the cores with the other packages' race-enabled
	// tests, up to about 0.55 s. Unchunked it was 3-4 s: the bound is
	// there to catch that, not the machine's load.
	if w.worst > time.Second {
		t.Errorf("a concurrent client waited %v during the 32 MiB SET (want < 1s)", w.worst)
	}
	for i := 1; i <= 3; i++ {
		ro := c.ReadOnlyClient(i)
		eventually(t, 30*time.Second, "big32 replicated", func() error {
			got, err := ro.Get(ctx, "big32").Bytes()
			if err != nil {
				return err
			}
			if !bytes.Equal(got, value) {
				return errorf("node %d: GET big32: %d bytes, not the value written", i, len(got))
			}
			return nil
		})
		if ex, err := ro.Exists(ctx, "big200").Result(); err != nil || ex != 0 {
			t.Fatalf("node %d: EXISTS big200 = %d, %v", i, ex, err)
		}
	}
	if err := cl.Set(ctx, "after", "ok", 0).Err(); err != nil {
		t.Fatalf("write after the big values: %v", err)
	}
}

// patterned is a value of n bytes whose every 8-byte word differs, so a
// chunk applied twice, dropped or out of order shows.
func patterned(seed uint64, n int) []byte {
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], seed<<48|uint64(i))
	}
	return b
}

type writerResult struct {
	n     int
	worst time.Duration
	err   error
}

// concurrentWriter INCRs a counter every 5 ms through cl until stop is
// closed, and reports its worst latency.
func concurrentWriter(ctx context.Context, cl *redis.Client) (chan struct{}, chan writerResult) {
	stop, result := make(chan struct{}), make(chan writerResult, 1)
	go func() {
		var r writerResult
		defer func() { result <- r }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			if err := cl.Incr(ctx, "counter").Err(); err != nil && r.err == nil {
				r.err = err
			}
			r.worst = max(r.worst, time.Since(start))
			r.n++
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return stop, result
}
