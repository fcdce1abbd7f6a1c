package integration

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/examples/events/events"
)

// eventsRun records what producers and workers of the events example saw.
type eventsRun struct {
	mu        sync.Mutex
	published map[string]bool // IDs an XADD reply acknowledged
	outcomes  map[string]int
	handled   map[string][]string // ID -> workers that handled it
	acks      map[string]int      // ID -> XACKs that answered 1
	uncertain map[string]bool     // ID -> an XACK had an unknown outcome
	unexpect  []string
	held      []string // entries the crashed worker held unacknowledged
}

func (r *eventsRun) note(f func()) { r.mu.Lock(); f(); r.mu.Unlock() }

// TestEventSourcingSurvivesLeaderAndWorkerCrash runs the events example on
// three nodes: producers XADD through the followers, four workers of one
// group XREADGROUP (BLOCK), handle and XACK; mid-run one worker crashes
// holding unacknowledged entries and the leader is killed. At the end
// every acknowledged XADD is in the stream and was handled at least once,
// every entry was acknowledged exactly once (one XACK answering 1, or an
// XACK with an unknown outcome and no other), and nothing is pending.
func TestEventSourcingSurvivesLeaderAndWorkerCrash(t *testing.T) {
	ctx := deadlineCtx(t, 90*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "xadd", "xreadgroup", "xautoclaim", "xack")
	old := c.Leader()
	var followers []int
	for i := 1; i <= 3; i++ {
		if i != old {
			followers = append(followers, i)
		}
	}
	const stream, group = "orders", "billing"
	if err := events.EnsureGroup(ctx, c.Client(followers[0]), stream, group); err != nil {
		t.Fatal(err)
	}
	run := &eventsRun{published: map[string]bool{}, outcomes: map[string]int{}, handled: map[string][]string{},
		acks: map[string]int{}, uncertain: map[string]bool{}}
	unexpected := func(op string, err error) {
		if !expectedLockErr(err) {
			run.note(func() { run.unexpect = append(run.unexpect, fmt.Sprintf("%s: %v", op, err)) })
		}
	}

	stopProducers := make(chan struct{})
	var pwg sync.WaitGroup
	for p := range 4 {
		rdb := c.Client(followers[p%2])
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			for n := 0; ; n++ {
				select {
				case <-stopProducers:
					return
				default:
				}
				octx, cancel := context.WithTimeout(ctx, 3*time.Second)
				id, out, err := events.Publish(octx, rdb, stream, map[string]any{"producer": p, "n": n})
				cancel()
				run.note(func() {
					run.outcomes["xadd "+out.String()]++
					if err == nil {
						run.published[id] = true
					}
				})
				if err != nil {
					unexpected("XADD", err)
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}

	wctx, stopWorkers := context.WithCancel(ctx)
	defer stopWorkers()
	var wwg sync.WaitGroup
	crashed := make(chan struct{})
	for w := range 4 {
		name := fmt.Sprintf("worker%d", w)
		vctx, crash := context.WithCancel(wctx)
		worker := &events.Worker{RDB: c.Client(followers[w%2]), Stream: stream, Group: group, Consumer: name,
			MinIdle: time.Second, Block: 300 * time.Millisecond, Count: 8,
			OnAck: func(a events.Ack) {
				run.note(func() {
					if a.Acked {
						run.acks[a.ID]++
					}
					if a.Outcome == events.Unknown {
						run.uncertain[a.ID] = true
					}
				})
			},
			OnError: unexpected,
		}
		seen := 0
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			_ = worker.Run(vctx, func(ctx context.Context, m redis.XMessage) error {
				seen++
				if w == 0 && seen == 40 {
					// A crash between reading and acknowledging: this
					// entry and the rest of its batch stay pending.
					run.note(func() { run.held = append(run.held, m.ID) })
					crash()
					close(crashed)
					return ctx.Err()
				}
				run.note(func() { run.handled[m.ID] = append(run.handled[m.ID], name) })
				return nil
			})
		}()
	}

	select {
	case <-crashed:
	case <-time.After(20 * time.Second):
		t.Fatalf("worker0 never reached its crash point")
	}
	time.Sleep(200 * time.Millisecond)
	c.Kill(old)
	leader := c.LeaderWithin(15 * time.Second)
	var before int
	run.note(func() { before = len(run.published) })
	// Keep producing across the new leader's first seconds.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var n int
		run.note(func() { n = len(run.published) })
		if n >= before+200 {
			break
		}
	}
	close(stopProducers)
	pwg.Wait()

	// Drain: every entry of the stream handled and acknowledged.
	cl := c.Client(leader)
	var ids []string
	var pending int64
	var drainErr error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		msgs, err := cl.XRange(ctx, stream, "-", "+").Result()
		if err != nil {
			drainErr = err
			continue
		}
		ids = ids[:0]
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		if pending, drainErr = events.Pending(ctx, cl, stream, group); drainErr != nil {
			continue
		}
		done := pending == 0
		run.note(func() {
			for _, id := range ids {
				if len(run.handled[id]) == 0 {
					done = false
				}
			}
		})
		if done {
			break
		}
	}
	stopWorkers()
	wwg.Wait()
	if drainErr != nil {
		t.Fatalf("drain: %v", drainErr)
	}

	run.mu.Lock()
	defer run.mu.Unlock()
	inStream := map[string]bool{}
	for _, id := range ids {
		inStream[id] = true
	}
	var lost, unhandled, twice, never []string
	for id := range run.published {
		if !inStream[id] {
			lost = append(lost, id)
		}
	}
	redelivered := 0
	for _, id := range ids {
		switch n := run.acks[id]; {
		case len(run.handled[id]) == 0:
			unhandled = append(unhandled, id)
		case n > 1:
			twice = append(twice, id)
		case n == 0 && !run.uncertain[id]:
			never = append(never, id)
		}
		if len(run.handled[id]) > 1 {
			redelivered++
		}
	}
	t.Logf("killed leader node%d, node%d leads; %d acknowledged XADDs (%d before the kill), %d entries in the stream, %d handled more than once; outcomes %v; worker0 crashed holding %v",
		old, leader, len(run.published), before, len(ids), redelivered, run.outcomes, run.held)
	for _, u := range run.unexpect {
		t.Errorf("unexpected error: %s", u)
	}
	for what, l := range map[string][]string{
		"acknowledged XADDs missing from the stream": lost, "entries never handled": unhandled,
		"entries XACK answered 1 for twice": twice, "entries no XACK acknowledged": never,
	} {
		if len(l) > 0 {
			sort.Strings(l)
			t.Errorf("%d %s: %v", len(l), what, l[:min(len(l), 10)])
		}
	}
	if pending != 0 {
		t.Errorf("%d entries still pending", pending)
	}
	for _, id := range run.held {
		if len(run.handled[id]) == 0 || run.handled[id][0] == "worker0" {
			t.Errorf("entry %s held by the crashed worker was not reclaimed by another: %v", id, run.handled[id])
		}
	}
	if before < 20 || len(run.published) < before+20 {
		t.Errorf("too few events: %d acknowledged before the kill, %d in all", before, len(run.published))
	}
}
