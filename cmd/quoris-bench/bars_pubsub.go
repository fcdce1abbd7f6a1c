package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	pubsubSubscribers = 50
	pubsubDuration    = 5 * time.Second
	// pubsubWindow is how many PUBLISHes the one publisher keeps in
	// flight: one at a time would time the commit round trip only.
	pubsubWindow = 16
	pubsubChan   = "bench:pubsub"
)

// pubsubBar runs one publisher and pubsubSubscribers subscribers against
// redis-server and against a 3-node quoris whose subscribers are spread
// over all three nodes (the publisher talks to the leader), and reports
// messages delivered per second and the p99 delay from PUBLISH sent to
// message received, with quoris's ratio to redis. Every subscriber must
// get every message, in the publisher's order.
func pubsubBar(ctx context.Context, bin, dir string) barResult {
	const name = "pubsub"
	target := barTargets[name]
	r, err := startRedisPlain(filepath.Join(dir, "pubsub"))
	if err != nil {
		return barErr(name, target, err)
	}
	rres, err := pubsubTrial(ctx, []string{r.procs[0].addr}, r.procs[0].addr)
	r.stop()
	if err != nil {
		return barErr(name, target, fmt.Errorf("redis: %w", err))
	}
	q, err := startCluster(bin, filepath.Join(dir, "pubsub-q3"))
	if err != nil {
		return barErr(name, target, err)
	}
	defer q.stop()
	leader, err := q.target()
	if err != nil {
		return barErr(name, target, err)
	}
	var addrs []string
	for _, p := range q.procs {
		addrs = append(addrs, p.addr)
	}
	qres, err := pubsubTrial(ctx, addrs, leader)
	if err != nil {
		return barErr(name, target, fmt.Errorf("quoris: %w", err))
	}
	ratio := qres.rate / rres.rate
	res := barResult{
		Name: name,
		Measured: fmt.Sprintf("q3 %.0f msg/s (%.2fx redis), p99 %s (redis %s)",
			qres.rate, ratio, fmtDur(qres.p99), fmtDur(rres.p99)),
		Target:  target,
		Verdict: verdict(qres.complete && rres.complete),
		Notes: []string{
			fmt.Sprintf("redis-server: %d published in %s, %.0f msg/s, p50 %s, p99 %s", rres.published, pubsubDuration, rres.rate, fmtDur(rres.p50), fmtDur(rres.p99)),
			fmt.Sprintf("quoris 3 nodes: %d published, %.0f msg/s, p50 %s, p99 %s; subscribers round-robin over the %d nodes, publisher on the leader", qres.published, qres.rate, fmtDur(qres.p50), fmtDur(qres.p99), len(addrs)),
			"msg/s counts messages published and received by all " + strconv.Itoa(pubsubSubscribers) + " subscribers; delivery is checked complete and in order",
		},
	}
	for _, x := range []pubsubResult{rres, qres} {
		if !x.complete {
			res.Notes = append(res.Notes, x.problem)
		}
	}
	return res
}

type pubsubResult struct {
	published int
	rate      float64 // messages per second every subscriber received
	p50, p99  time.Duration
	complete  bool
	problem   string
}

// pubsubTrial subscribes round-robin over subAddrs, publishes sequence
// numbers with their send time through pubAddr for pubsubDuration, then
// waits for the subscribers to drain.
func pubsubTrial(ctx context.Context, subAddrs []string, pubAddr string) (pubsubResult, error) {
	type sub struct {
		c      *rconn
		delays []time.Duration
		next   int // sequence number expected next
		bad    string
	}
	subs := make([]*sub, pubsubSubscribers)
	for i := range subs {
		c, err := dial(subAddrs[i%len(subAddrs)], 5*time.Second)
		if err != nil {
			return pubsubResult{}, err
		}
		defer c.Close()
		if _, err := c.do(5*time.Second, "SUBSCRIBE", pubsubChan); err != nil {
			return pubsubResult{}, fmt.Errorf("subscribe: %w", err)
		}
		_ = c.c.SetDeadline(time.Time{})
		subs[i] = &sub{c: c}
	}
	// Every node must know its subscribers before the first message.
	for n, a := range subAddrs {
		want := strconv.Itoa(pubsubSubscribers / len(subAddrs))
		if n < pubsubSubscribers%len(subAddrs) {
			want = strconv.Itoa(pubsubSubscribers/len(subAddrs) + 1)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			got, err := do(a, time.Second, "PUBSUB", "NUMSUB", pubsubChan)
			if err == nil && strings.HasSuffix(got, "\n"+want) || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	pub, err := dial(pubAddr, 5*time.Second)
	if err != nil {
		return pubsubResult{}, err
	}
	defer pub.Close()

	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		go func(s *sub) {
			defer wg.Done()
			for {
				_ = s.c.c.SetReadDeadline(time.Now().Add(10 * time.Second))
				msg, err := s.c.read()
				if err != nil {
					s.bad = "read: " + err.Error()
					return
				}
				// "message\nchannel\n<seq> <unix nanos>"
				parts := strings.Split(msg, "\n")
				if len(parts) != 3 {
					continue
				}
				f := strings.Fields(parts[2])
				if len(f) != 2 {
					continue
				}
				seq, _ := strconv.Atoi(f[0])
				sent, _ := strconv.ParseInt(f[1], 10, 64)
				if seq == -1 {
					return // the end marker
				}
				if seq != s.next && s.bad == "" {
					s.bad = fmt.Sprintf("got message %d, expected %d", seq, s.next)
				}
				s.next = seq + 1
				s.delays = append(s.delays, time.Since(time.Unix(0, sent)))
			}
		}(s)
	}

	start := time.Now()
	seq := 0
	var pubErr error
	for time.Since(start) < pubsubDuration && ctx.Err() == nil && pubErr == nil {
		for i := 0; i < pubsubWindow; i++ {
			pub.send("PUBLISH", pubsubChan, strconv.Itoa(seq)+" "+strconv.FormatInt(time.Now().UnixNano(), 10))
			seq++
		}
		_ = pub.c.SetDeadline(time.Now().Add(10 * time.Second))
		if pubErr = pub.flush(); pubErr != nil {
			break
		}
		for i := 0; i < pubsubWindow; i++ {
			if _, err := pub.read(); err != nil {
				pubErr = err
				break
			}
		}
	}
	elapsed := time.Since(start)
	if _, err := pub.do(10*time.Second, "PUBLISH", pubsubChan, "-1 0"); err != nil && pubErr == nil {
		pubErr = err
	}
	wg.Wait()
	if pubErr != nil {
		return pubsubResult{}, fmt.Errorf("publish: %w", pubErr)
	}
	res := pubsubResult{published: seq, rate: float64(seq) / elapsed.Seconds(), complete: true}
	var all []time.Duration
	for i, s := range subs {
		all = append(all, s.delays...)
		if (s.bad != "" || s.next != seq) && res.complete {
			res.complete = false
			res.problem = fmt.Sprintf("subscriber %d received %d of %d messages: %s", i, s.next, seq, s.bad)
		}
	}
	res.p50, res.p99 = percentile(all, 50), percentile(all, 99)
	return res, nil
}
