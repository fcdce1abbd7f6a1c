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
