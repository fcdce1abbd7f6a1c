// Package lock is a small distributed lock client for quoris on go-redis:
// leases with a TTL, renewal and release by value, and fencing tokens.
//
// A lease is a key holding a random value with a TTL. Acquire sets it with
// SET NX PX and reads the key's change token (KEYVERSION) in the same
// transaction, which quoris applies as one log entry: the token is the
// acquisition's own, larger than any earlier holder's and smaller than any
// later holder's. A service the holder writes to keeps the largest token it
// has accepted and rejects smaller ones (see Storage), so a holder whose
// lease ran out while it was paused cannot overwrite a newer holder's work.
//
// Every error quoris answers says whether the command was applied:
// TRYAGAIN and CLUSTERDOWN mean it was not; UNCERTAIN (and a timeout or a
// dropped connection) mean it may have been. Acquire resolves the second
// kind by reading the key: the value it wrote is there only if its SET
// applied.
package lock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	// ErrHeld means another holder has the lock.
	ErrHeld = errors.New("lock: held by another holder")
	// ErrNotHeld means the lease is gone: it expired, or another holder
	// took the lock since.
	ErrNotHeld = errors.New("lock: lease not held")
	// ErrNotApplied wraps an error after which quoris guarantees nothing
	// happened (TRYAGAIN, CLUSTERDOWN, a refused connection): retry.
	ErrNotApplied = errors.New("lock: not applied")
	// ErrUnknown wraps an error after which the command may or may not
	// have been applied, and a read could not tell which.
	ErrUnknown = errors.New("lock: outcome unknown")
)

// Drift is subtracted from a lease's TTL when computing until when it is
// safe to act: clock granularity and the time a reply takes to arrive.
const Drift = 5 * time.Millisecond

// Outcome classifies how a call ended, for callers that count them.
type Outcome int

const (
	Acquired        Outcome = iota // the SET applied; the lease is ours
	AcquiredChecked                // the reply was lost, a read found our value: ours
	Busy                           // another holder has the lock
	NotApplied                     // TRYAGAIN / CLUSTERDOWN / no connection: nothing happened
	CheckedNotHeld                 // the reply was lost, a read found the lease is not ours
	Unknown                        // the reply was lost and the read failed too
)

func (o Outcome) String() string {
	return [...]string{"acquired", "acquired-after-check", "busy", "not-applied", "checked-not-held", "unknown"}[o]
}

// Lease is a held lock.
type Lease struct {
	Key   string
	Value string // unique to this acquisition
	// Token is the fencing token: pass it with every write the lease
	// guards.
	Token uint64
	// Until is when the lease may expire, by this process's clock: the
	// holder must not act after it without a successful Renew.
	Until time.Time
}

// Valid reports whether the lease may still be held at now.
func (l *Lease) Valid(now time.Time) bool { return now.Before(l.Until) }

// Client takes leases on one quoris cluster.
type Client struct {
	rdb redis.Cmdable
}

// New returns a lock client using rdb. rdb should not retry commands on
// its own (MaxRetries -1): a re-sent SET may apply twice, and this client
// classifies each attempt itself.
func New(rdb redis.Cmdable) *Client { return &Client{rdb: rdb} }

func newValue() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Acquire tries once to take the lock on key for ttl (at least 1 ms). It
// returns the lease and Acquired or AcquiredChecked, or an error with the
// outcome: ErrHeld (Busy), ErrNotApplied, ErrUnknown (Unknown), or
// ErrNotHeld (CheckedNotHeld: our SET did not apply, or applied and has
// already expired).
func (c *Client) Acquire(ctx context.Context, key string, ttl time.Duration) (*Lease, Outcome, error) {
	val := newValue()
	start := time.Now()
	var set *redis.StatusCmd
	var ver *redis.Cmd
	_, err := c.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		set = p.SetArgs(ctx, key, val, redis.SetArgs{Mode: "NX", TTL: ttl})
		ver = p.Do(ctx, "KEYVERSION", key)
		return nil
	})
	lease := &Lease{Key: key, Value: val, Until: start.Add(ttl - Drift)}
	switch {
	case err == nil:
		if lease.Token, err = ver.Uint64(); err != nil {
			return nil, Unknown, fmt.Errorf("%w: KEYVERSION: %w", ErrUnknown, err)
		}
		return lease, Acquired, nil
	case errors.Is(err, redis.Nil) && errors.Is(set.Err(), redis.Nil):
		return nil, Busy, ErrHeld
	case !maybeApplied(err):
		return nil, NotApplied, fmt.Errorf("%w: %w", ErrNotApplied, err)
	}
	// The transaction may have applied. Whatever happened to it has
	// happened by the time a linearizable read is served (a new leader
	// first commits an entry of its own term), so the key tells.
	tok, held, rerr := c.check(ctx, key, val)
	switch {
	case rerr != nil:
		return nil, Unknown, fmt.Errorf("%w: %w (then %w)", ErrUnknown, err, rerr)
	case !held:
		return nil, CheckedNotHeld, ErrNotHeld
	}
	lease.Token = tok
	return lease, AcquiredChecked, nil
}

// check reads key's value and change token in one transaction. A token
// read while the key holds our value is a valid fencing token: it is that
// of our acquisition or of one of our renewals, all after the previous
// holder's and before the next one's.
func (c *Client) check(ctx context.Context, key, val string) (uint64, bool, error) {
	var last error
	for range 30 { // a leader change takes about a second; ctx bounds it too
		var get *redis.StringCmd
		var ver *redis.Cmd
		_, err := c.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			get = p.Get(ctx, key)
			ver = p.Do(ctx, "KEYVERSION", key)
			return nil
		})
		if err == nil || errors.Is(err, redis.Nil) {
			if get.Val() != val || get.Err() != nil {
				return 0, false, nil
			}
			tok, err := ver.Uint64()
			return tok, err == nil, err
		}
		last = err
		if ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return 0, false, last
}

// Renew extends the lease to ttl from now if it is still ours (SET IFEQ
// keeps the value, so the lease stays the same lease). It retries errors
// that may or may not have applied, since renewing twice is harmless.
func (c *Client) Renew(ctx context.Context, l *Lease, ttl time.Duration) error {
	var err error
	for range 3 {
		start := time.Now()
		err = c.rdb.SetIFEQ(ctx, l.Key, l.Value, l.Value, ttl).Err()
		switch {
		case err == nil:
			l.Until = start.Add(ttl - Drift)
			return nil
		case errors.Is(err, redis.Nil):
			l.Until = time.Time{}
			return ErrNotHeld
		case ctx.Err() != nil:
			return fmt.Errorf("%w: %w", ErrUnknown, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if maybeApplied(err) {
		return fmt.Errorf("%w: %w", ErrUnknown, err)
	}
	return fmt.Errorf("%w: %w", ErrNotApplied, err)
}

// Release deletes the lease's key if it still holds the lease's value
// (DELEX IFEQ), retrying transient errors: releasing twice is harmless.
// ErrNotHeld means the lease had already expired or been taken over.
func (c *Client) Release(ctx context.Context, l *Lease) error {
	l.Until = time.Time{}
	var err error
	for range 3 {
		var n int64
		n, err = c.rdb.DelExArgs(ctx, l.Key, redis.DelExArgs{Mode: "IFEQ", MatchValue: l.Value}).Result()
		switch {
		case err == nil && n == 1:
			return nil
		case err == nil:
			return ErrNotHeld
		case ctx.Err() != nil:
			return fmt.Errorf("%w: %w", ErrUnknown, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%w: %w", ErrUnknown, err)
}

// maybeApplied reports whether err leaves open that the command applied:
// everything but quoris's not-applied errors and a connection that was
// never made.
func maybeApplied(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"TRYAGAIN", "CLUSTERDOWN", "MOVED", "ERR server is shutting down"} {
		if strings.HasPrefix(msg, p) {
			return false
		}
	}
	return true
}
