package raftnode

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
)

func bargs(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, a := range s {
		out[i] = []byte(a)
	}
	return out
}

// Concurrent pipelining clients: every reply arrives, in each client's
// order, and the commands share far fewer log entries than there are
// commands.
func TestSubmitBatchesAndKeepsClientOrder(t *testing.T) {
	n := openNode(t, "n1")
	if err := n.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "leadership", n.IsLeader)
	before := n.Raft().LastIndex()

	const clients, perClient, pipeline = 20, 200, 10
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			key := fmt.Sprint("counter:", c)
			for sent := 0; sent < perClient; sent += pipeline {
				tickets := make([]Ticket, pipeline)
				for i := range tickets {
					tickets[i] = n.Submit(c%4, n.Now(), bargs("INCR", key))
				}
				for i, tk := range tickets {
					reply, err := tk.Result()
					want := ":" + strconv.Itoa(sent+i+1) + "\r\n"
					if err != nil || string(reply) != want {
						errs <- fmt.Errorf("client %d command %d: %q %v, want %q", c, sent+i, reply, err, want)
						return
					}
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	entries := n.Raft().LastIndex() - before
	if total := uint64(clients * perClient); entries > total/2 {
		t.Fatalf("%d commands took %d log entries: not batched", total, entries)
	}
	t.Logf("%d commands in %d log entries", clients*perClient, entries)
}

func TestSubmitOnFollowerAndAfterShutdown(t *testing.T) {
	n := openNode(t, "n1") // never bootstrapped: no leader
	if _, err := n.Submit(0, n.Now(), bargs("SET", "k", "v")).Result(); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("submit without leadership: %v, want ErrNotLeader", err)
	}
	if err := n.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Submit(0, n.Now(), bargs("SET", "k", "v")).Result(); !errors.Is(err, ErrNotApplied) {
		t.Fatalf("submit after shutdown: %v, want ErrNotApplied", err)
	}
}

// A batch starts with room for about the last one, so a steady load does
// not grow each batch by doubling; one that came out much smaller than
// its room is trimmed before the log cache keeps it.
func TestBatchSizing(t *testing.T) {
	b := &batcher{maxInflight: 1, kick: make(chan struct{}, 1)}
	val := string(make([]byte, 200))
	fill := func(cmds int) *batch {
		t.Helper()
		for i := 0; i < cmds; i++ {
			b.Submit(0, 1, bargs("SET", strconv.Itoa(i), val))
		}
		b.mu.Lock()
		bt := b.take()
		b.inflight--
		b.mu.Unlock()
		if bt == nil || bt.count != cmds {
			t.Fatalf("took %v, want a batch of %d", bt, cmds)
		}
		bt.finish()
		return bt
	}
	first := fill(40)
	hint := b.sizeHint
	if hint < len(first.buf) {
		t.Fatalf("size hint %d below the last batch's %d bytes", hint, len(first.buf))
	}
	b.Submit(0, 1, bargs("SET", "k", val))
	if got := cap(b.cur.buf); got != hint {
		t.Fatalf("new batch room %d, want the hint %d", got, hint)
	}
	b.mu.Lock()
	b.cur = nil
	b.mu.Unlock()
	same := fill(40)
	if cap(same.buf) > hint {
		t.Errorf("a batch as large as the last grew: room %d, hint %d", cap(same.buf), hint)
	}
	for i := 0; i < 2; i++ {
		fill(300) // bursts: the hint is capped
	}
	if b.sizeHint > maxSizeHint {
		t.Errorf("size hint %d over its cap %d", b.sizeHint, maxSizeHint)
	}
	small := fill(1)
	if c, l := cap(small.buf), len(small.buf); c > 4096 && c > 2*l {
		t.Errorf("one command after a burst keeps %d bytes of room for %d", c, l)
	}
}
