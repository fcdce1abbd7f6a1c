package integration

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/integration/check"
)

// streamWorkload is the torture workload of one stream and one consumer
// group: producers XADD, consumers XREADGROUP, XACK and XAUTOCLAIM. It is
// checked for acknowledged XADDs missing from the stream, for an entry
// whose XACK answered 1 twice, and for an entry delivered to two consumers
// while neither had lost its claim to it.
const streamWorkload = "stream"

const (
	tortureStream = "tstream"
	tortureGroup  = "tgroup"
	// streamMinIdle is the consumers' XAUTOCLAIM min-idle: an entry is
	// taken from its consumer only after this long without an XACK.
	streamMinIdle = 1500 * time.Millisecond
)

// TestTortureStream is the short seeded stream run `make test` runs: every
// fault kind the harness has strikes once, in a seeded order, while
// producers and consumers run (TestTorture runs the same workload with
// random faults under `make torture`).
func TestTortureStream(t *testing.T) {
	cfg := tortureConfigFromEnv(t)
	res := runStreamTorture(t, cfg, cfg.seed, true)
	t.Log("\n" + formatResults([]tortureResult{res}))
}

// delivery is one entry handed to a consumer, from the call that asked
// for it to its reply.
type delivery struct {
	consumer  string
	claim     bool // by XAUTOCLAIM; otherwise a new entry by XREADGROUP >
	call, ret time.Time
}

// streamHistory is what the clients of a stream run saw.
type streamHistory struct {
	mu         sync.Mutex
	added      map[string]bool // IDs an XADD reply acknowledged
	deliveries map[string][]delivery
	acked      map[string]int // ID -> XACKs that answered 1
	counts     map[check.Outcome]int
	unexpected []string
	lastOK     time.Time
	maxGap     time.Duration
}

func (h *streamHistory) outcome(op string, err error) check.Outcome {
	out, expected := classify(err)
	if errors.Is(err, redis.Nil) {
		out, expected = check.OK, true // XREADGROUP BLOCK timed out
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts[out]++
	if !expected {
		h.unexpected = append(h.unexpected, fmt.Sprintf("%s: %v", op, err))
	}
	if out == check.OK {
		now := time.Now()
		if gap := now.Sub(h.lastOK); gap > h.maxGap {
			h.maxGap = gap
		}
		h.lastOK = now
	}
	return out
}

func (h *streamHistory) deliver(msgs []redis.XMessage, consumer string, claim bool, call, ret time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range msgs {
		h.deliveries[m.ID] = append(h.deliveries[m.ID], delivery{consumer: consumer, claim: claim, call: call, ret: ret})
	}
}

func runStreamTorture(t *testing.T, cfg tortureConfig, seed uint64, everyFault bool) tortureResult {
	r := rand.New(rand.NewPCG(seed, 0x7374726d))
	dur := cfg.duration
	if everyFault {
		dur = time.Duration(len(cfg.faults)) * 3 * time.Second
	}
	ctx := deadlineCtx(t, dur+3*time.Minute)
	c, fw := startTortureCluster(t, cfg, r, seed, []string{"xadd", "xreadgroup", "xack", "xautoclaim", "xrange"})
	term0 := leaderTerm(c)
	eventually(t, 20*time.Second, "XGROUP CREATE", func() error {
		err := c.Client(c.Leader()).XGroupCreateMkStream(ctx, tortureStream, tortureGroup, "0").Err()
		if err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return nil
		}
		return err
	})

	h := &streamHistory{added: map[string]bool{}, deliveries: map[string][]delivery{}, acked: map[string]int{},
		counts: map[check.Outcome]int{}, lastOK: time.Now()}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for ci := 0; ci < max(cfg.clients, 2); ci++ {
		cl := tortureClient(c.Nodes[ci%len(c.Nodes)].Addr)
		defer cl.Close()
		cr := rand.New(rand.NewPCG(seed, uint64(ci)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ci%2 == 0 {
				streamProducer(ctx, h, cl, ci, &stop)
			} else {
				streamConsumer(ctx, h, cl, cr, fmt.Sprintf("c%d", ci), &stop)
			}
		}()
	}

	n := newNemesis(t, c, fw, r, cfg.faults)
	if everyFault {
		kinds := append([]string(nil), n.faults...)
		r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
		for _, f := range kinds {
			time.Sleep(time.Duration(300+r.IntN(500)) * time.Millisecond)
			n.strikeKind(f)
			time.Sleep(time.Duration(700+r.IntN(800)) * time.Millisecond)
			n.heal()
		}
		n.heal()
		n.restore()
	} else {
		n.runUntil(ctx, time.Now().Add(dur))
	}
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()
	h.mu.Lock()
	if gap := time.Since(h.lastOK); gap > h.maxGap {
		h.maxGap = gap
	}
	h.mu.Unlock()

	// The final read through the leader: every acknowledged XADD is there.
	fcl := tortureClient(c.Node(c.LeaderWithin(30 * time.Second)).Addr)
	defer fcl.Close()
	var final []redis.XMessage
	var err error
	for try := 0; try < 20; try++ {
		if final, err = fcl.XRange(ctx, tortureStream, "-", "+").Result(); err == nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("final XRANGE: %v", err)
	}

	res := tortureResult{workload: streamWorkload, faults: n.summary(), seed: seed,
		ok: h.counts[check.OK], failed: h.counts[check.Failed], unknown: h.counts[check.Unknown],
		unexpected: len(h.unexpected), maxUnavail: h.maxGap, elections: leaderTerm(c) - term0,
		faultsApplied: n.count}
	res.opsPerS = int(float64(res.ok+res.failed+res.unknown) / dur.Seconds())
	lost, violations := checkStreamHistory(h, final, n.clockAt)
	res.lost = len(lost)
	if len(lost) > 0 {
		sort.Strings(lost)
		t.Errorf("%d acknowledged XADDs lost (seed %d): %v", len(lost), seed, lost[:min(len(lost), 10)])
	}
	if len(violations) > 0 {
		res.violation = violations[0]
		t.Errorf("%d stream violations (seed %d; reproduce with QUORIS_TORTURE_RUNS=1 QUORIS_TORTURE_SEED=%d QUORIS_TORTURE_WORKLOADS=stream):\n%s",
			len(violations), seed, seed, strings.Join(violations[:min(len(violations), 10)], "\n"))
	}
	for _, u := range h.unexpected[:min(len(h.unexpected), 5)] {
		t.Errorf("unexpected reply: %s", u)
	}
	delivered, claims := 0, 0
	for _, ds := range h.deliveries {
		delivered++
		for _, d := range ds {
			if d.claim {
				claims++
			}
		}
	}
	t.Logf("faults: %s", strings.Join(n.log, "; "))
	t.Logf("stream: %d acknowledged XADDs, %d entries at the end, %d delivered (%d deliveries by XAUTOCLAIM), %d acknowledged by an XACK answering 1",
		len(h.added), len(final), delivered, claims, len(h.acked))
	if len(h.added) < 50 || delivered < 50 {
		t.Errorf("too little traffic to check: %d acknowledged XADDs, %d entries delivered", len(h.added), delivered)
	}
	return res
}

// checkStreamHistory returns the acknowledged XADDs missing from final and
// the violations: an XACK answering 1 twice for one entry; an entry
// delivered new (XREADGROUP >) twice; an entry claimed by one consumer
// sooner than streamMinIdle after another was handed it. The last is
// judged only before the first clock fault: afterwards a new leader's
// clock may run seconds ahead, and an entry is legitimately idle sooner.
func checkStreamHistory(h *streamHistory, final []redis.XMessage, clockAt time.Time) (lost, violations []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	present := map[string]bool{}
	for _, m := range final {
		present[m.ID] = true
	}
	for id := range h.added {
		if !present[id] {
			lost = append(lost, id)
		}
	}
	for id, n := range h.acked {
		if n > 1 {
			violations = append(violations, fmt.Sprintf("XACK answered 1 %d times for %s", n, id))
		}
	}
	clockOK := func(t time.Time) bool { return clockAt.IsZero() || t.Before(clockAt) }
	for id, ds := range h.deliveries {
		news := 0
		for _, d := range ds {
			if !d.claim {
				news++
			}
		}
		if news > 1 {
			violations = append(violations, fmt.Sprintf("%s delivered new %d times: %+v", id, news, ds))
		}
		for _, a := range ds {
			for _, b := range ds {
				// b's claim applied by b.ret, a's delivery at or after
				// a.call: the entry had been idle at most b.ret-a.call.
				if !b.claim || a.consumer == b.consumer || !a.call.Before(b.call) || !clockOK(b.ret) {
					continue
				}
				if idle := b.ret.Sub(a.call); idle < streamMinIdle-20*time.Millisecond {
					violations = append(violations, fmt.Sprintf("%s claimed by %s at most %v after %s was handed it", id, b.consumer, idle, a.consumer))
				}
			}
		}
	}
	sort.Strings(violations)
	return lost, violations
}

func streamProducer(ctx context.Context, h *streamHistory, cl *redis.Client, ci int, stop *atomic.Bool) {
	for n := 0; !stop.Load(); n++ {
		octx, cancel := context.WithTimeout(ctx, 2*time.Second)
		id, err := cl.XAdd(octx, &redis.XAddArgs{Stream: tortureStream, Values: []string{"v", fmt.Sprintf("%d-%d", ci, n)}}).Result()
		cancel()
		if h.outcome("XADD", err) == check.OK {
			h.mu.Lock()
			h.added[id] = true
			h.mu.Unlock()
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// streamConsumer reads new entries and acknowledges them one XACK per
// entry (so each answer is for one ID); now and then it drops an entry
// unacknowledged, as a crashed worker would, and it reclaims idle entries.
func streamConsumer(ctx context.Context, h *streamHistory, cl *redis.Client, r *rand.Rand, name string, stop *atomic.Bool) {
	lastClaim := time.Now()
	for !stop.Load() {
		var msgs []redis.XMessage
		claim := time.Since(lastClaim) > streamMinIdle/2
		call := time.Now()
		octx, cancel := context.WithTimeout(ctx, 2*time.Second)
		var err error
		if claim {
			lastClaim = call
			msgs, _, err = cl.XAutoClaim(octx, &redis.XAutoClaimArgs{Stream: tortureStream, Group: tortureGroup,
				Consumer: name, MinIdle: streamMinIdle, Start: "0-0", Count: 20}).Result()
		} else {
			var res []redis.XStream
			res, err = cl.XReadGroup(octx, &redis.XReadGroupArgs{Group: tortureGroup, Consumer: name,
				Streams: []string{tortureStream, ">"}, Count: 5, Block: 200 * time.Millisecond}).Result()
			for _, s := range res {
				msgs = append(msgs, s.Messages...)
			}
		}
		cancel()
		ret := time.Now()
		op := "XREADGROUP"
		if claim {
			op = "XAUTOCLAIM"
		}
		if h.outcome(op, err) != check.OK {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		h.deliver(msgs, name, claim, call, ret)
		for _, m := range msgs {
			if r.IntN(20) == 0 {
				continue // dropped: reclaimed by someone after streamMinIdle
			}
			streamAck(ctx, h, cl, m.ID)
		}
	}
}

// streamAck acknowledges id, retrying an unknown outcome a few times
// (XACK is safe to repeat); it records each answer of 1.
func streamAck(ctx context.Context, h *streamHistory, cl *redis.Client, id string) {
	for try := 0; try < 3; try++ {
		octx, cancel := context.WithTimeout(ctx, 2*time.Second)
		n, err := cl.XAck(octx, tortureStream, tortureGroup, id).Result()
		cancel()
		switch h.outcome("XACK", err) {
		case check.OK:
			if n == 1 {
				h.mu.Lock()
				h.acked[id]++
				h.mu.Unlock()
			}
			return
		case check.Failed:
			time.Sleep(20 * time.Millisecond)
		default:
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestCheckStreamHistory: the stream checker finds each kind of violation
// in a made-up history and accepts a legitimate reclaim.
func TestCheckStreamHistory(t *testing.T) {
	t0 := time.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	newTo := func(c string, ms int) delivery { return delivery{consumer: c, call: at(ms), ret: at(ms + 5)} }
	claimTo := func(c string, ms int) delivery {
		return delivery{consumer: c, claim: true, call: at(ms), ret: at(ms + 5)}
	}
	tests := []struct {
		name       string
		added      []string
		final      []string
		deliveries map[string][]delivery
		acked      map[string]int
		clockAt    time.Time
		lost, bad  int
	}{
		{name: "clean", added: []string{"1-1", "1-2"}, final: []string{"1-1", "1-2", "1-3"},
			deliveries: map[string][]delivery{"1-1": {newTo("a", 0), claimTo("b", 2000)}, "1-2": {newTo("a", 0)}},
			acked:      map[string]int{"1-1": 1, "1-2": 1}},
		{name: "lost", added: []string{"1-1", "1-2"}, final: []string{"1-2"}, lost: 1},
		{name: "acked twice", acked: map[string]int{"1-1": 2}, bad: 1},
		{name: "new twice", deliveries: map[string][]delivery{"1-1": {newTo("a", 0), newTo("b", 3000)}}, bad: 1},
		{name: "claimed too soon", deliveries: map[string][]delivery{"1-1": {newTo("a", 0), claimTo("b", 200)}}, bad: 1},
		{name: "reclaimed too soon after a claim", deliveries: map[string][]delivery{"1-1": {newTo("a", 0), claimTo("b", 2000), claimTo("c", 2500)}}, bad: 1},
		{name: "after a clock fault", clockAt: at(100), deliveries: map[string][]delivery{"1-1": {newTo("a", 0), claimTo("b", 200)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &streamHistory{added: map[string]bool{}, deliveries: tt.deliveries, acked: tt.acked}
			for _, id := range tt.added {
				h.added[id] = true
			}
			var final []redis.XMessage
			for _, id := range tt.final {
				final = append(final, redis.XMessage{ID: id})
			}
			lost, bad := checkStreamHistory(h, final, tt.clockAt)
			if len(lost) != tt.lost || len(bad) != tt.bad {
				t.Fatalf("lost %v, violations %v; want %d and %d", lost, bad, tt.lost, tt.bad)
			}
		})
	}
}
