package integration

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// subscribeOn opens a subscription on a node and waits for its
// confirmation, so nothing published afterwards can be missed.
func subscribeOn(t *testing.T, cl *redis.Client, pattern bool, names ...string) *redis.PubSub {
	t.Helper()
	ctx := deadlineCtx(t, 10*time.Second)
	var ps *redis.PubSub
	if pattern {
		ps = cl.PSubscribe(ctx, names...)
	} else {
		ps = cl.Subscribe(ctx, names...)
	}
	for range names {
		if _, err := ps.Receive(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { ps.Close() })
	return ps
}

// collect reads n messages from ps as "channel payload".
func collect(t *testing.T, ps *redis.PubSub, n int, timeout time.Duration) []string {
	t.Helper()
	var out []string
	ch := ps.Channel()
	deadline := time.After(timeout)
	for len(out) < n {
		select {
		case m := <-ch:
			out = append(out, m.Channel+" "+m.Payload)
		case <-deadline:
			t.Fatalf("got %d of %d messages: %q", len(out), n, out)
		}
	}
	return out
}

// TestPubSubEveryNodeSameOrder: subscribers on all three nodes receive
// every message published on any node, in one and the same order (the log
// order), and each PUBLISH counts the receivers on the leader.
func TestPubSubEveryNodeSameOrder(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "publish", "subscribe")
	var subs []*redis.PubSub
	for i := 1; i <= 3; i++ {
		subs = append(subs, subscribeOn(t, c.Client(i), false, "news"))
	}
	const perNode = 40
	var wg sync.WaitGroup
	errs := make(chan error, 3*perNode)
	for i := 1; i <= 3; i++ {
		cl := c.Client(i)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < perNode; k++ {
				n, err := cl.Publish(ctx, "news", fmt.Sprintf("node%d-%d", i, k)).Result()
				if err != nil {
					errs <- err
					return
				}
				// One subscriber per node: the leader, which applied the
				// entry for this client, counts its own.
				if n != 1 {
					errs <- fmt.Errorf("PUBLISH via node %d answered %d, want 1", i, n)
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var got [][]string
	for _, ps := range subs {
		got = append(got, collect(t, ps, 3*perNode, 20*time.Second))
	}
	for i := 1; i < 3; i++ {
		if !reflect.DeepEqual(got[0], got[i]) {
			t.Fatalf("node 1 and node %d saw different orders:\n%q\n%q", i+1, got[0], got[i])
		}
	}
	// Each publisher's own messages keep their order, and all arrive.
	next := map[string]int{}
	for _, m := range got[0] {
		var node, k int
		if _, err := fmt.Sscanf(m, "news node%d-%d", &node, &k); err != nil {
			t.Fatalf("odd message %q", m)
		}
		key := fmt.Sprint(node)
		if k != next[key] {
			t.Fatalf("node %d's message %d arrived when %d was due", node, k, next[key])
		}
		next[key]++
	}
	for i := 1; i <= 3; i++ {
		if next[fmt.Sprint(i)] != perNode {
			t.Fatalf("node %d: %d of %d messages", i, next[fmt.Sprint(i)], perNode)
		}
	}
}

// TestKeyspaceEventsOnFollower: CONFIG SET notify-keyspace-events is
// replicated, and a subscriber on a follower sees SET, DEL, EXPIRE and the
// expiry decided by the leader, in order.
func TestKeyspaceEventsOnFollower(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "publish", "psubscribe")
	leader := c.Leader()
	follower := leader%3 + 1
	other := follower%3 + 1
	if err := c.Client(leader).ConfigSet(ctx, "notify-keyspace-events", "KEA").Err(); err != nil {
		t.Fatal(err)
	}
	ps := subscribeOn(t, c.Client(follower), true, "__keyevent@0__:*")
	// Writes through the other follower (proxied) and the leader.
	w1, w2 := c.Client(other), c.Client(leader)
	if err := w1.Set(ctx, "cfg:a", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := w2.Del(ctx, "cfg:a").Err(); err != nil {
		t.Fatal(err)
	}
	if err := w1.Set(ctx, "cfg:b", "2", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := w2.PExpire(ctx, "cfg:b", 300*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	got := collect(t, ps, 5, 20*time.Second)
	want := []string{
		"__keyevent@0__:set cfg:a",
		"__keyevent@0__:del cfg:a",
		"__keyevent@0__:set cfg:b",
		"__keyevent@0__:expire cfg:b",
		"__keyevent@0__:expired cfg:b",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("follower saw %q, want %q", got, want)
	}
}

// TestRestartDoesNotRepublish: a node replaying its log after a restart
// does not deliver the messages and keyspace events of entries it had
// applied before: a subscriber that connects to the restarted node sees
// only what is published after it subscribed.
func TestRestartDoesNotRepublish(t *testing.T) {
	c := NewCluster(t)
	c.Start(3)
	ctx := deadlineCtx(t, 60*time.Second)
	w := c.Client(c.Leader())
	if err := w.ConfigSet(ctx, "notify-keyspace-events", "KEA").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if err := w.Publish(ctx, "chan", fmt.Sprintf("old%d", i)).Err(); err != nil {
			t.Fatal(err)
		}
		if err := w.Set(ctx, fmt.Sprintf("old%d", i), "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// Every node applies the old entries before the restart.
	if err := c.ReadOnlyClient(3).Get(ctx, "old19").Err(); err != nil {
		time.Sleep(time.Second)
	}
	time.Sleep(500 * time.Millisecond)
	for i := 1; i <= 3; i++ {
		c.Kill(i)
	}
	// Node 3 alone cannot learn the commit index, so it replays nothing
	// until the others are back: subscribe first, then bring them back.
	c.Restart(3)
	sub := c.Client(3)
	ps := subscribeOn(t, sub, true, "chan", "__key*__:*")
	c.Restart(1)
	c.Restart(2)
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := c.Client(c.LeaderWithin(20*time.Second)).Publish(ctx, "chan", "new").Result()
		if err == nil && n >= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PUBLISH after the restart: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	got := collect(t, ps, 1, 20*time.Second)
	if got[0] != "chan new" {
		t.Fatalf("the restarted node delivered old messages first: %q", got)
	}
	// Node 3 has replayed the old entries by now (the new one follows
	// them in its log); nothing old may arrive late either.
	select {
	case m := <-ps.Channel():
		t.Fatalf("after the new message: %s %s", m.Channel, m.Payload)
	case <-time.After(300 * time.Millisecond):
	}
}
