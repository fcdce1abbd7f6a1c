package integration

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"

	"github.com/anishathalye/porcupine"
	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/integration/check"
)

// workload generates operations, runs them, and knows its model and how to
// read the final state.
type workload struct {
	name     string
	needs    []string // commands the server must know
	model    porcupine.Model
	keys     int
	gen      func(r *rand.Rand, key string, uniq string) check.Op
	do       func(ctx context.Context, cl *redis.Client, op check.Op) (check.Result, error)
	finalOp  func(key string) check.Op
	lostAcks func(h *check.History, finals map[string]check.Result) int
	// multi, when set, runs several appends (one per key) in one
	// MULTI/EXEC: each is recorded as its own op with the same call and
	// return times, which is exact for the per-key check.
	multi func(ctx context.Context, cl *redis.Client, ops []check.Op) ([]check.Result, error)
}

var workloads = map[string]*workload{
	"register": {
		name: "register", keys: 3, model: check.Register, needs: []string{"get", "set", "getset"},
		gen: func(r *rand.Rand, key, uniq string) check.Op {
			kinds := []string{"get", "get", "get", "set", "set", "getset", "setnx", "setxx"}
			return check.Op{Kind: kinds[r.IntN(len(kinds))], Key: key, Value: uniq}
		},
		do: func(ctx context.Context, cl *redis.Client, op check.Op) (check.Result, error) {
			switch op.Kind {
			case "get":
				v, err := cl.Get(ctx, op.Key).Result()
				if errors.Is(err, redis.Nil) {
					return check.Result{}, nil
				}
				return check.Result{Value: v, Exists: err == nil}, err
			case "set":
				return check.Result{}, cl.Set(ctx, op.Key, op.Value, 0).Err()
			case "getset":
				v, err := cl.GetSet(ctx, op.Key, op.Value).Result()
				if errors.Is(err, redis.Nil) {
					return check.Result{}, nil
				}
				return check.Result{Value: v, Exists: err == nil}, err
			case "setnx", "setxx":
				var err error
				var ok bool
				if op.Kind == "setnx" {
					ok, err = cl.SetNX(ctx, op.Key, op.Value, 0).Result()
				} else {
					ok, err = cl.SetXX(ctx, op.Key, op.Value, 0).Result()
				}
				if errors.Is(err, redis.Nil) {
					return check.Result{}, nil
				}
				return check.Result{Exists: ok}, err
			}
			return check.Result{}, fmt.Errorf("register: unknown op %q", op.Kind)
		},
		finalOp: func(key string) check.Op { return check.Op{Kind: "get", Key: key} },
	},
	"counter": {
		name: "counter", keys: 2, model: check.Counter, needs: []string{"incrby", "get"},
		gen: func(r *rand.Rand, key, _ string) check.Op {
			if r.IntN(10) < 7 {
				return check.Op{Kind: "incr", Key: key, N: 1}
			}
			return check.Op{Kind: "get", Key: key}
		},
		do: func(ctx context.Context, cl *redis.Client, op check.Op) (check.Result, error) {
			if op.Kind == "incr" {
				n, err := cl.IncrBy(ctx, op.Key, op.N).Result()
				return check.Result{N: n}, err
			}
			s, err := cl.Get(ctx, op.Key).Result()
			if errors.Is(err, redis.Nil) {
				return check.Result{}, nil
			}
			if err != nil {
				return check.Result{}, err
			}
			n, err := strconv.ParseInt(s, 10, 64)
			return check.Result{N: n}, err
		},
		finalOp: func(key string) check.Op { return check.Op{Kind: "get", Key: key} },
		// The final value must lie between the acknowledged increments and
		// those plus every unknown one (increments are all 1).
		lostAcks: func(h *check.History, finals map[string]check.Result) int {
			acked, unknown := map[string]int64{}, map[string]int64{}
			for _, o := range h.Operations() {
				in := check.InputOf(o)
				if in.Kind != "incr" {
					continue
				}
				if check.IsUnknown(o) {
					unknown[in.Key] += in.N
				} else {
					acked[in.Key] += in.N
				}
			}
			lost := 0
			for k, a := range acked {
				if f := finals[k].N; f < a {
					lost += int(a - f)
				}
			}
			return lost
		},
	},
	"list-append": {
		name: "list-append", keys: 3, model: check.AppendList, needs: []string{"rpush", "lrange"},
		gen: func(r *rand.Rand, key, uniq string) check.Op {
			if r.IntN(10) < 6 {
				return check.Op{Kind: "append", Key: key, Value: uniq}
			}
			return check.Op{Kind: "read", Key: key}
		},
		do: func(ctx context.Context, cl *redis.Client, op check.Op) (check.Result, error) {
			if op.Kind == "append" {
				n, err := cl.RPush(ctx, op.Key, op.Value).Result()
				return check.Result{N: n}, err
			}
			l, err := cl.LRange(ctx, op.Key, 0, -1).Result()
			if l == nil {
				l = []string{}
			}
			return check.Result{List: l}, err
		},
		finalOp:  func(key string) check.Op { return check.Op{Kind: "read", Key: key} },
		lostAcks: lostAppends,
		multi: func(ctx context.Context, cl *redis.Client, ops []check.Op) ([]check.Result, error) {
			cmds, err := cl.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for _, op := range ops {
					p.RPush(ctx, op.Key, op.Value)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			res := make([]check.Result, len(cmds))
			for i, c := range cmds {
				res[i] = check.Result{N: c.(*redis.IntCmd).Val()}
			}
			return res, nil
		},
	},
	"set": {
		name: "set", keys: 2, model: check.AddSet, needs: []string{"sadd", "smembers"},
		gen: func(r *rand.Rand, key, uniq string) check.Op {
			if r.IntN(10) < 7 {
				return check.Op{Kind: "append", Key: key, Value: uniq}
			}
			return check.Op{Kind: "read", Key: key}
		},
		do: func(ctx context.Context, cl *redis.Client, op check.Op) (check.Result, error) {
			if op.Kind == "append" {
				n, err := cl.SAdd(ctx, op.Key, op.Value).Result()
				return check.Result{N: n}, err
			}
			l, err := cl.SMembers(ctx, op.Key).Result()
			if l == nil {
				l = []string{}
			}
			return check.Result{List: l}, err
		},
		finalOp:  func(key string) check.Op { return check.Op{Kind: "read", Key: key} },
		lostAcks: lostAppends,
	},
}

// lostAppends counts acknowledged elements missing from the final read.
func lostAppends(h *check.History, finals map[string]check.Result) int {
	present := map[string]bool{}
	for k, res := range finals {
		for _, v := range res.List {
			present[k+"\x00"+v] = true
		}
	}
	lost := 0
	for _, o := range h.Operations() {
		in := check.InputOf(o)
		if in.Kind == "append" && !check.IsUnknown(o) && !present[in.Key+"\x00"+in.Value] {
			lost++
		}
	}
	return lost
}

// classify maps a client error to an outcome: errors that guarantee
// nothing happened are Failed, anything that may have reached the leader
// is Unknown. ok reports an error the workload should never see.
func classify(err error) (out check.Outcome, expected bool) {
	if err == nil {
		return check.OK, true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return check.Failed, true // never connected: nothing was sent
	}
	msg := err.Error()
	for _, p := range []string{"CLUSTERDOWN", "TRYAGAIN", "MOVED", "ERR server is shutting down"} {
		if strings.HasPrefix(msg, p) {
			return check.Failed, true
		}
	}
	if strings.HasPrefix(msg, "UNCERTAIN") {
		return check.Unknown, true
	}
	var rerr redis.Error
	if errors.As(err, &rerr) {
		return check.Failed, false // a Redis error reply this workload should not get
	}
	return check.Unknown, true // timeouts, resets, EOF: the command may have run
}
