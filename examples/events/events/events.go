// Package events is event sourcing on a quoris stream with go-redis:
// producers append events with XADD, a consumer group of workers reads
// them with XREADGROUP (BLOCK), handles them and acknowledges them with
// XACK, and reclaims with XAUTOCLAIM the entries a crashed worker read but
// never acknowledged once they have been idle for MinIdle.
//
// Delivery is at least once: a worker that crashes after handling an
// entry but before its XACK applied leaves it pending, and another worker
// handles it again after MinIdle. Handlers must therefore be idempotent
// (key their effects by the entry ID). Acknowledgement is exactly once:
// an entry leaves the group's pending list once, so XACK answers 1 for it
// once (or the XACK whose reply was lost was that one, and a retry
// answers 0).
//
// Every error quoris answers says whether the command was applied:
// TRYAGAIN and CLUSTERDOWN mean it was not; UNCERTAIN (and a timeout or a
// dropped connection) mean it may have been. An XADD with an unknown
// outcome may have appended its event (under an ID the producer never
// learned): it must be counted as neither done nor failed.
package events

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Outcome classifies how a command ended.
type Outcome int

const (
	Applied    Outcome = iota // the reply came: it applied
	NotApplied                // TRYAGAIN / CLUSTERDOWN / no connection: nothing happened
	Unknown                   // the reply was lost or UNCERTAIN: it may have applied
)

func (o Outcome) String() string { return [...]string{"applied", "not-applied", "unknown"}[o] }

// Classify maps the error of a write to its outcome.
func Classify(err error) Outcome {
	if err == nil || errors.Is(err, redis.Nil) {
		return Applied
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return NotApplied
	}
	msg := err.Error()
	for _, p := range []string{"TRYAGAIN", "CLUSTERDOWN", "MOVED", "ERR server is shutting down"} {
		if strings.HasPrefix(msg, p) {
			return NotApplied
		}
	}
	var rerr redis.Error
	if errors.As(err, &rerr) && !strings.HasPrefix(msg, "UNCERTAIN") {
		return NotApplied // any other error reply: the command was refused
	}
	return Unknown
}

// Publish appends one event to stream and returns its ID. On error the
// outcome says whether the event may be in the stream anyway.
func Publish(ctx context.Context, rdb redis.Cmdable, stream string, fields map[string]any) (string, Outcome, error) {
	id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: fields}).Result()
	return id, Classify(err), err
}

// EnsureGroup creates group on stream (and the stream) reading from the
// start; an existing group is left as it is.
func EnsureGroup(ctx context.Context, rdb redis.Cmdable, stream, group string) error {
	err := rdb.XGroupCreateMkStream(ctx, stream, group, "0").Err()
	if err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return nil
	}
	return err
}

// Handler handles one event. An error leaves the entry pending: it is
// retried after MinIdle by whichever worker reclaims it.
type Handler func(ctx context.Context, msg redis.XMessage) error

// Ack is what one XACK of an entry answered, for callers that audit
// acknowledgements.
type Ack struct {
	ID      string
	Acked   bool // XACK answered 1: this call took the entry off the pending list
	Outcome Outcome
}

// Worker is one consumer of a group.
type Worker struct {
	RDB      redis.Cmdable
	Stream   string
	Group    string
	Consumer string // unique per worker process
	// MinIdle is how long an entry must have been pending (delivered and
	// not acknowledged) before this worker takes it from its owner.
	MinIdle time.Duration
	Block   time.Duration // XREADGROUP BLOCK
	Count   int64         // entries per read
	// OnAck, when set, is called with every XACK answer.
	OnAck func(Ack)
	// OnError, when set, is called with errors the loop retries.
	OnError func(op string, err error)

	lastClaim time.Time
}

// Run reads, handles and acknowledges entries until ctx ends. Leaving
// (a crash, or ctx ending mid-entry) loses nothing: what this worker read
// and did not acknowledge stays pending under its name until reclaimed.
func (w *Worker) Run(ctx context.Context, h Handler) error {
	for ctx.Err() == nil {
		if time.Since(w.lastClaim) >= w.MinIdle/2 {
			w.reclaim(ctx, h)
			w.lastClaim = time.Now()
		}
		res, err := w.RDB.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: w.Group, Consumer: w.Consumer, Streams: []string{w.Stream, ">"},
			Count: w.Count, Block: w.Block,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue // BLOCK timed out
		}
		if err != nil {
			// A read whose reply was lost may have delivered entries to
			// us: they are pending under our name and come back through
			// reclaim once idle.
			w.fail(ctx, "XREADGROUP", err)
			continue
		}
		for _, s := range res {
			for _, m := range s.Messages {
				if !w.handle(ctx, h, m) {
					return ctx.Err()
				}
			}
		}
	}
	return ctx.Err()
}

// reclaim takes every entry idle for MinIdle (a crashed worker's, or ours
// from a read whose reply was lost) and handles it.
func (w *Worker) reclaim(ctx context.Context, h Handler) {
	start := "0-0"
	for ctx.Err() == nil {
		msgs, next, err := w.RDB.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: w.Stream, Group: w.Group, Consumer: w.Consumer,
			MinIdle: w.MinIdle, Start: start, Count: max(w.Count, 10),
		}).Result()
		if err != nil {
			w.fail(ctx, "XAUTOCLAIM", err)
			return
		}
		for _, m := range msgs {
			if !w.handle(ctx, h, m) {
				return
			}
		}
		if next == "0-0" {
			return
		}
		start = next
	}
}

// handle runs h on m and acknowledges it; false means stop (ctx ended).
func (w *Worker) handle(ctx context.Context, h Handler, m redis.XMessage) bool {
	if err := h(ctx, m); err != nil {
		if ctx.Err() != nil {
			return false
		}
		w.fail(ctx, "handle "+m.ID, err)
		return true // stays pending; reclaimed after MinIdle
	}
	// XACK is safe to repeat: retry until an answer says what happened.
	for ctx.Err() == nil {
		n, err := w.RDB.XAck(ctx, w.Stream, w.Group, m.ID).Result()
		out := Classify(err)
		if err == nil {
			w.ack(Ack{ID: m.ID, Acked: n == 1, Outcome: Applied})
			return true
		}
		w.ack(Ack{ID: m.ID, Outcome: out})
		w.fail(ctx, "XACK "+m.ID, err)
	}
	return false
}

func (w *Worker) ack(a Ack) {
	if w.OnAck != nil {
		w.OnAck(a)
	}
}

func (w *Worker) fail(ctx context.Context, op string, err error) {
	if ctx.Err() != nil {
		return
	}
	if w.OnError != nil {
		w.OnError(op, err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(50 * time.Millisecond): // let a new leader settle
	}
}

// Pending is the number of entries of group delivered and not yet
// acknowledged.
func Pending(ctx context.Context, rdb redis.Cmdable, stream, group string) (int64, error) {
	p, err := rdb.XPending(ctx, stream, group).Result()
	if err != nil {
		return 0, fmt.Errorf("XPENDING: %w", err)
	}
	return p.Count, nil
}
