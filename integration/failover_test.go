package integration

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// writers is a set of background clients doing SET k_i v_i (unique keys)
// and INCR of one shared counter, through every node in turn, recording
// which commands were acknowledged. Only an OK (or an INCR's integer) is
// an acknowledgement; any error leaves the command's fate unknown.
type writers struct {
	prefix string
	stop   chan struct{}
	wg     sync.WaitGroup

	mu           sync.Mutex
	acked        map[string]string // key -> value of acknowledged SETs
	setAttempts  int
	incrAttempts int
	incrValues   []int64
	errs         map[string]int // error text -> count, for the log
	lastAck      time.Time
}

const counterKey = "{fo}ctr"

func startWriters(c *Cluster, n int, prefix string) *writers {
	w := &writers{prefix: prefix, stop: make(chan struct{}), acked: map[string]string{}, errs: map[string]int{}}
	clients := make([]*redis.Client, len(c.Nodes))
	for i := range c.Nodes {
		clients[i] = c.Client(i + 1)
	}
	for id := 0; id < n; id++ {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			target := id % len(clients)
			for seq := 0; ; seq++ {
				select {
				case <-w.stop:
					return
				default:
				}
				cl := clients[target]
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				var err error
				if seq%4 == 3 {
					w.mu.Lock()
					w.incrAttempts++
					w.mu.Unlock()
					var v int64
					v, err = cl.Incr(ctx, counterKey).Result()
					if err == nil {
						w.mu.Lock()
						w.incrValues = append(w.incrValues, v)
						w.lastAck = time.Now()
						w.mu.Unlock()
					}
				} else {
					key := fmt.Sprintf("%s:w%d:%d", prefix, id, seq)
					val := fmt.Sprintf("v%d-%d-%s", id, seq, key)
					w.mu.Lock()
					w.setAttempts++
					w.mu.Unlock()
					err = cl.Set(ctx, key, val, 0).Err()
					if err == nil {
						w.mu.Lock()
						w.acked[key] = val
						w.lastAck = time.Now()
						w.mu.Unlock()
					}
				}
				cancel()
				if err != nil {
					msg := err.Error()
					if len(msg) > 60 {
						msg = msg[:60]
					}
					w.mu.Lock()
					w.errs[msg]++
					w.mu.Unlock()
					// Try another node; back off a little so a dead node's
					// refused connections do not spin.
					target = (target + 1) % len(clients)
					time.Sleep(5 * time.Millisecond)
				}
			}
		}()
	}
	return w
}

// halt stops every writer and waits for in-flight commands.
func (w *writers) halt() {
	close(w.stop)
	w.wg.Wait()
}

func (w *writers) acks() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked) + len(w.incrValues)
}

// waitAcks waits until at least n more commands were acknowledged.
func (w *writers) waitAcks(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	base := w.acks()
	eventually(t, timeout, fmt.Sprintf("%d more acknowledged writes", n), func() error {
		if got := w.acks() - base; got < n {
			return fmt.Errorf("only %d", got)
		}
		return nil
	})
}

// ackedAfter waits until a write started after t0 is acknowledged and
// returns how long after t0 that happened.
func (w *writers) ackedAfter(t *testing.T, t0 time.Time, timeout time.Duration) time.Duration {
	t.Helper()
	// Callers pass a t0 after the old leader died: no reply from it can
	// arrive later, so any acknowledgement after t0 is the new leader's.
	var d time.Duration
	eventually(t, timeout, "a write acknowledged after the fault", func() error {
		w.mu.Lock()
		last := w.lastAck
		w.mu.Unlock()
		if last.After(t0) {
			d = last.Sub(t0)
			return nil
		}
		return errors.New("none yet")
	})
	return d
}

func (w *writers) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return fmt.Sprintf("SET %d acked of %d, INCR %d acked of %d, errors %v",
		len(w.acked), w.setAttempts, len(w.incrValues), w.incrAttempts, w.errs)
}

// verify checks every acknowledged write through cl: each acked SET's
// value is present, and the counter counts at least every acked INCR (and
// no more than were attempted), with distinct acked INCR replies.
func (w *writers) verify(ctx context.Context, t *testing.T, cl *redis.Client, what string) {
	t.Helper()
	if err := w.check(ctx, cl); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (w *writers) check(ctx context.Context, cl *redis.Client) error {
	w.mu.Lock()
	keys := make([]string, 0, len(w.acked))
	for k := range w.acked {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	values := append([]int64(nil), w.incrValues...)
	incrAttempts := w.incrAttempts
	w.mu.Unlock()

	var missing []string
	for start := 0; start < len(keys); start += 200 {
		end := min(start+200, len(keys))
		pipe := cl.Pipeline()
		cmds := make([]*redis.StringCmd, 0, end-start)
		for _, k := range keys[start:end] {
			cmds = append(cmds, pipe.Get(ctx, k))
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("reading acked keys: %w", err)
		}
		for i, cmd := range cmds {
			k := keys[start+i]
			if got, err := cmd.Result(); err != nil || got != w.acked[k] {
				missing = append(missing, fmt.Sprintf("%s=%q(%v) want %q", k, got, err, w.acked[k]))
			}
		}
	}
	if len(missing) > 0 {
		if len(missing) > 10 {
			missing = append(missing[:10], fmt.Sprintf("... %d in all", len(missing)))
		}
		return fmt.Errorf("%d of %d acknowledged SETs lost or wrong: %v", len(missing), len(keys), missing)
	}

	got, err := cl.Get(ctx, counterKey).Result()
	if errors.Is(err, redis.Nil) {
		got, err = "0", nil
	}
	if err != nil {
		return fmt.Errorf("GET counter: %w", err)
	}
	n, err := strconv.ParseInt(got, 10, 64)
	if err != nil {
		return fmt.Errorf("counter %q: %w", got, err)
	}
	sort.Slice(values, func(i, j int) bool { return values[i] < values[j] })
	for i := 1; i < len(values); i++ {
		if values[i] == values[i-1] {
			return fmt.Errorf("two acknowledged INCRs both returned %d", values[i])
		}
	}
	if n < int64(len(values)) || (len(values) > 0 && n < values[len(values)-1]) {
		return fmt.Errorf("counter is %d but %d INCRs were acknowledged (largest reply %v)", n, len(values), values[len(values)-1:])
	}
	if n > int64(incrAttempts) {
		return fmt.Errorf("counter is %d but only %d INCRs were attempted", n, incrAttempts)
	}
	return nil
}

// TestLeaderKill: SIGKILL of the leader while writers run. A new leader
// serves writes within a few seconds, every acknowledged write survives,
// and the killed node, restarted with only --dir, catches up.
func TestLeaderKill(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "set", "get", "incr")
	old := c.Leader()

	w := startWriters(c, 6, "lk")
	w.waitAcks(t, 200, 10*time.Second)
	killedAt := time.Now()
	c.Kill(old)
	newLeader := c.LeaderWithin(10 * time.Second)
	electedIn := time.Since(killedAt)
	// Writes resume: acknowledged ones keep coming after the kill.
	recovered := w.ackedAfter(t, killedAt.Add(100*time.Millisecond), 10*time.Second)
	w.waitAcks(t, 200, 10*time.Second)
	w.halt()
	t.Logf("killed leader node%d; node%d leads after %v; first acknowledged write %v after the kill; %s",
		old, newLeader, electedIn.Round(time.Millisecond), recovered.Round(time.Millisecond), w.summary())
	if recovered > 5*time.Second {
		t.Errorf("writes resumed only %v after the leader was killed", recovered)
	}
	if newLeader == old {
		t.Fatalf("killed node%d still leads", old)
	}

	w.verify(ctx, t, c.Client(newLeader), "after leader kill, through the new leader")
	for i := 1; i <= 3; i++ {
		if i != old {
			w.verify(ctx, t, c.Client(i), fmt.Sprintf("after leader kill, through node%d", i))
		}
	}

	// The killed node comes back from its directory alone and catches up.
	c.Restart(old)
	c.WaitMembers(3)
	ro := c.ReadOnlyClient(old)
	eventually(t, 15*time.Second, fmt.Sprintf("restarted node%d's local state", old), func() error {
		return w.check(ctx, ro)
	})
	// And its counter equals the leader's exactly.
	want := c.Client(c.Leader()).Get(ctx, counterKey).Val()
	eventually(t, 5*time.Second, "counter on restarted node", func() error {
		if got := ro.Get(ctx, counterKey).Val(); got != want {
			return fmt.Errorf("READONLY GET counter = %q, leader has %q", got, want)
		}
		return nil
	})
}

// TestAllKilled: SIGKILL of every node while writers run; after all three
// restart with only --dir, every acknowledged write is present.
func TestAllKilled(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "set", "get", "incr")

	w := startWriters(c, 6, "ak")
	w.waitAcks(t, 300, 10*time.Second)
	// Kill all three as close together as possible, writers still running.
	var wg sync.WaitGroup
	for i := 1; i <= 3; i++ {
		p := c.Node(i).running()
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = p.cmd.Process.Kill()
		}()
	}
	wg.Wait()
	for i := 1; i <= 3; i++ {
		c.Kill(i) // reaps the already-killed process
	}
	w.halt()
	t.Logf("killed all nodes; %s", w.summary())

	for i := 1; i <= 3; i++ {
		c.Restart(i)
	}
	leader := c.Leader()
	c.WaitMembers(3)
	w.verify(ctx, t, c.Client(leader), "after restarting all nodes, through the leader")
	for i := 1; i <= 3; i++ {
		ro := c.ReadOnlyClient(i)
		eventually(t, 10*time.Second, fmt.Sprintf("node%d's local state after restart", i), func() error {
			return w.check(ctx, ro)
		})
	}
	// The cluster still takes writes.
	if err := c.Client(1).Set(ctx, "after", "restart", 0).Err(); err != nil {
		t.Errorf("SET after full restart: %v", err)
	}
}

// TestPausedLeader: the leader is frozen (SIGSTOP) while writers run and
// the others elect a new leader that takes a newer write. Commands that
// were waiting in the frozen leader's socket are answered after SIGCONT:
// a linearizable GET must not return the value the new leader overwrote,
// and a SET it acknowledges must really be committed. Every acknowledged
// write survives, and the old leader rejoins as a follower.
func TestPausedLeader(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "set", "get", "incr")
	old := c.Leader()
	var others []int
	for i := 1; i <= 3; i++ {
		if i != old {
			others = append(others, i)
		}
	}
	if err := c.Client(old).Set(ctx, "x", "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	stale, err := dialRESP(c.Node(old).Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer stale.Close()

	w := startWriters(c, 4, "pl")
	w.waitAcks(t, 100, 10*time.Second)
	c.Pause(old)
	pausedAt := time.Now()
	newLeader, err := c.findLeader(10*time.Second, others)
	if err != nil {
		t.Fatal(err)
	}
	elected := time.Since(pausedAt)
	if err := c.Client(newLeader).Set(ctx, "x", "after", 0).Err(); err != nil {
		t.Fatalf("SET x on the new leader: %v", err)
	}
	recovered := w.ackedAfter(t, pausedAt.Add(2100*time.Millisecond), 10*time.Second) + 2100*time.Millisecond
	// These sit in the frozen leader's socket until it resumes.
	stale.Queue("GET", "x")
	stale.Queue("SET", "y", "from-stale-leader")
	if err := stale.Flush(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	c.Resume(old)
	stale.SetDeadline(time.Now().Add(20 * time.Second))
	getReply, err1 := stale.Read()
	setReply, err2 := stale.Read()
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("replies from the resumed leader: %v", err)
	}
	t.Logf("node%d paused; node%d leads after %v; writers acknowledged again %v after the pause; resumed old leader answered GET x %q, SET y %q",
		old, newLeader, elected.Round(time.Millisecond), recovered.Round(time.Millisecond), getReply, setReply)
	if string(getReply) == bulk("before") {
		t.Errorf("stale read: the resumed old leader answered GET x with the overwritten value %q", getReply)
	} else if getReply[0] != '-' && string(getReply) != bulk("after") {
		t.Errorf("GET x on the resumed old leader = %q", getReply)
	}
	w.waitAcks(t, 100, 10*time.Second)
	w.halt()
	t.Log(w.summary())

	leader := c.Leader()
	c.WaitMembers(3)
	if string(setReply) == "+OK\r\n" {
		if got, err := c.Client(leader).Get(ctx, "y").Result(); err != nil || got != "from-stale-leader" {
			t.Errorf("the resumed old leader acknowledged SET y, but the cluster has y = %q, %v", got, err)
		}
	} else if setReply[0] != '-' {
		t.Errorf("SET y on the resumed old leader = %q", setReply)
	}
	w.verify(ctx, t, c.Client(leader), "after the leader was paused, through the leader")
	ro := c.ReadOnlyClient(old)
	eventually(t, 10*time.Second, "the old leader's local state", func() error {
		return w.check(ctx, ro)
	})
}
