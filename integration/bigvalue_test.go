package integration

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBigValues: a 32 MB SET on a 3-node cluster commits with no leader
// change (the term stays), and a concurrent client waits no longer than
// the big entry's own commit (entries commit in log order); a 200 MB SET, past the log's entry limit, is
// refused with an error saying nothing was applied, and the cluster stays
// healthy (same leader, same term, writes still commit).
func TestBigValues(t *testing.T) {
	ctx := deadlineCtx(t, 120*time.Second)
	c := NewCluster(t)
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

	// A concurrent client writes small keys through a follower (the proxy
	// path, so it crosses the same leader) and records its worst latency.
	var (
		wg      sync.WaitGroup
		stop    = make(chan struct{})
		worst   time.Duration
		n       int
		otherEr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			if err := other.Incr(ctx, "counter").Err(); err != nil && otherEr == nil {
				otherEr = err
			}
			worst = max(worst, time.Since(start))
			n++
			time.Sleep(5 * time.Millisecond)
		}
	}()
	time.Sleep(200 * time.Millisecond)

	big := bytes.Repeat([]byte("0123456789abcdef"), 32<<20/16)
	start := time.Now()
	if err := cl.Set(ctx, "big32", big, 0).Err(); err != nil {
		t.Fatalf("32 MB SET: %v", err)
	}
	took32 := time.Since(start)
	time.Sleep(300 * time.Millisecond)

	huge := bytes.Repeat([]byte("x"), 200<<20)
	err = cl.Set(ctx, "big200", huge, 0).Err()
	huge = nil
	if err == nil || !strings.Contains(err.Error(), "too large for the raft log") || !strings.Contains(err.Error(), "nothing was applied") {
		t.Fatalf("200 MB SET answered %v, want a too-large error saying nothing was applied", err)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if otherEr != nil {
		t.Fatalf("concurrent client: %v", otherEr)
	}

	after, err := c.RaftInfo(leader)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("32 MB SET took %v; concurrent client: %d commands, max latency %v; term %s -> %s",
		took32, n, worst, before["term"], after["term"])
	if after["term"] != before["term"] || after["state"] != "leader" {
		t.Fatalf("leadership changed: term %s -> %s, state %s", before["term"], after["term"], after["state"])
	}
	// Entries commit in log order, so commands behind the big entry wait
	// for its replication (see the report's numbers); they must not wait
	// longer than that, as they would for an election.
	if worst > took32+time.Second {
		t.Errorf("a concurrent client waited %v, the 32 MB SET itself %v", worst, took32)
	}
	for i := 1; i <= 3; i++ {
		ro := c.ReadOnlyClient(i)
		eventually(t, 20*time.Second, "big32 replicated", func() error {
			got, err := ro.StrLen(ctx, "big32").Result()
			if err != nil {
				return err
			}
			if got != int64(len(big)) {
				return errorf("node %d: STRLEN big32 = %d", i, got)
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
