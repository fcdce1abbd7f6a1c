package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestProxyPipelineOrdering: 50 clients connected to a FOLLOWER each
// pipeline batches of 20 commands (SET of a unique key, GET of one of its
// own keys, INCR of its own counter, ECHO of a unique token). The follower
// proxies writes and linearizable reads to the leader and answers ECHO
// itself; every reply must be its own command's, in order. Half the
// clients work in database 1, which the proxy must carry along.
func TestProxyPipelineOrdering(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	needCommands(t, c.Node(1).Addr, "set", "get", "incr")
	leader := c.Leader()
	follower := leader%3 + 1
	addr := c.Node(follower).Addr

	const clients, batches, perBatch = 50, 10, 20
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for id := 0; id < clients; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := pipelineClient(ctx, addr, id, batches, perBatch); err != nil {
				errs <- fmt.Errorf("client %d: %w", id, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}
	t.Logf("%d commands through follower node%d in %v", clients*batches*perBatch, follower, time.Since(start).Round(time.Millisecond))

	// The databases were respected: each client's counter is in its db only.
	for _, db := range []int{0, 1} {
		cl := redis.NewClient(&redis.Options{Addr: c.Node(leader).Addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1, DB: db})
		defer cl.Close()
		for id := 0; id < clients; id++ {
			key := fmt.Sprintf("px%d:ctr", id)
			got, err := cl.Exists(ctx, key).Result()
			want := int64(0)
			if id%2 == db {
				want = 1
			}
			if err != nil || got != want {
				t.Errorf("db %d: EXISTS %s = %d, %v; want %d", db, key, got, err, want)
			}
		}
	}
}

func pipelineClient(ctx context.Context, addr string, id, batches, perBatch int) error {
	rc, err := dialRESP(addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer rc.Close()
	dl, _ := ctx.Deadline()
	rc.SetDeadline(dl)
	db := id % 2
	if db != 0 {
		if got, err := rc.Do("SELECT", strconv.Itoa(db)); err != nil || string(got) != "+OK\r\n" {
			return fmt.Errorf("SELECT: %q, %v", got, err)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(id), 42))
	var keys []string // own keys set so far, with values
	values := map[string]string{}
	counter := int64(0)
	for b := 0; b < batches; b++ {
		type exp struct {
			cmd  []string
			want string
		}
		var batch []exp
		// Expected state evolves as the batch is queued: replies must match
		// a sequential execution of this client's commands in order.
		for i := 0; i < perBatch; i++ {
			switch r := rng.IntN(4); {
			case r == 0 || len(keys) == 0:
				k := fmt.Sprintf("px%d:k%d", id, len(keys))
				v := fmt.Sprintf("val-%d-%d-%d", id, b, i)
				keys = append(keys, k)
				values[k] = v
				batch = append(batch, exp{[]string{"SET", k, v}, "+OK\r\n"})
			case r == 1:
				k := keys[rng.IntN(len(keys))]
				batch = append(batch, exp{[]string{"GET", k}, bulk(values[k])})
			case r == 2:
				counter++
				batch = append(batch, exp{[]string{"INCR", fmt.Sprintf("px%d:ctr", id)}, integer(counter)})
			default:
				tok := fmt.Sprintf("tok-%d-%d-%d", id, b, i)
				batch = append(batch, exp{[]string{"ECHO", tok}, bulk(tok)})
			}
		}
		for _, e := range batch {
			rc.Queue(e.cmd...)
		}
		if err := rc.Flush(); err != nil {
			return err
		}
		for i, e := range batch {
			got, err := rc.Read()
			if err != nil {
				return fmt.Errorf("batch %d reply %d (%v): %w", b, i, e.cmd, err)
			}
			if string(got) != e.want {
				return fmt.Errorf("batch %d reply %d to %v = %q, want %q", b, i, e.cmd, got, e.want)
			}
		}
	}
	return nil
}
