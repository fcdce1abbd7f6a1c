// Package configwatch is a small versioned configuration store for ops
// teams, on go-redis and quoris (or Redis): compare-and-set by version,
// a capped change history, and a watcher that follows changes from any
// node through keyspace notifications.
//
// A config named N is the hash cfg:N: a field "version" (1, 2, 3 ...) and
// one field per value. Every change is one Lua script, so one raft log
// entry on quoris: it checks the version the writer expects, replaces the
// values, bumps the version and appends the change (version, change id,
// values as JSON) to the stream cfghist:N, trimmed to about HistoryLen
// entries.
//
// Every change carries a random change id, and a script that finds the
// version moved looks for its id among the newer changes in the history.
// So a change whose reply was lost (a leader killed, a connection
// dropped) can be sent again safely: it applies at most once, and the
// retry tells whether the first attempt applied. Update retries until it
// gets a definite answer, so a caller counting successful updates never
// miscounts.
package configwatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// KeyPrefix precedes a config's name in its hash key.
	KeyPrefix = "cfg:"
	// HistoryPrefix precedes a config's name in its history stream key.
	HistoryPrefix = "cfghist:"
	// VersionField is the hash field holding the version; no value may
	// use the name.
	VersionField = "version"
	// MaxValues bounds the values of one config (the script passes them
	// as arguments in one call).
	MaxValues = 1000
)

var (
	// ErrNotFound means the config does not exist.
	ErrNotFound = errors.New("configwatch: no such config")
	// ErrConflict means the config's version was not the expected one:
	// someone else changed it. A *ConflictError says which version it is.
	ErrConflict = errors.New("configwatch: version conflict")
	// ErrUnknown means the context ended before any attempt of an update
	// got a definite answer: it may or may not have applied.
	ErrUnknown = errors.New("configwatch: outcome unknown")
	// ErrInvalid is returned for arguments the store refuses.
	ErrInvalid = errors.New("configwatch: invalid argument")
)

// ConflictError is the error of an Update whose expected version was not
// the current one.
type ConflictError struct {
	Name     string
	Expected int64
	Current  int64 // 0 when the config does not exist
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("configwatch: %s is at version %d, not %d", e.Name, e.Current, e.Expected)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Config is one version of a config.
type Config struct {
	Name    string
	Version int64 // 0: the config does not exist (a watcher saw it deleted)
	Values  map[string]string
}

// Change is one entry of a config's history.
type Change struct {
	Version int64
	ID      string    // the change id the writer's Update generated
	At      time.Time // when the change applied (the stream entry's time)
	Values  map[string]string
}

// Update is the result of an Update that applied.
type Update struct {
	Version int64 // the version the change created
	ID      string
	// Attempts counts the script calls; Replayed is set when a retry
	// found that an earlier attempt, whose reply was lost, had applied.
	Attempts int
	Replayed bool
}

// Store reads and changes configs.
type Store struct {
	rdb redis.Cmdable
	// HistoryLen is the history's approximate cap (XADD MAXLEN ~): it may
	// hold up to about 100 more entries (one stream node) than this.
	HistoryLen int
	// RetryFor bounds how long Update keeps retrying errors when its
	// context has no deadline.
	RetryFor time.Duration
}

// New returns a store on rdb. rdb should not retry commands on its own
// (MaxRetries -1 in go-redis): Update classifies and retries each attempt
// itself, and needs every reply it gets to be for the attempt it sent.
func New(rdb redis.Cmdable) *Store {
	return &Store{rdb: rdb, HistoryLen: 1000, RetryFor: 30 * time.Second}
}

// Key is the hash key of config name.
func Key(name string) string { return KeyPrefix + name }

// HistoryKey is the history stream key of config name.
func HistoryKey(name string) string { return HistoryPrefix + name }

// Get reads the current version of config name (one HGETALL: the version
// and the values it carries are always read together).
func (s *Store) Get(ctx context.Context, name string) (Config, error) {
	m, err := s.rdb.HGetAll(ctx, Key(name)).Result()
	if err != nil {
		return Config{}, err
	}
	return parseConfig(name, m)
}

func parseConfig(name string, m map[string]string) (Config, error) {
	if len(m) == 0 {
		return Config{Name: name}, ErrNotFound
	}
	v, err := strconv.ParseInt(m[VersionField], 10, 64)
	if err != nil || v < 1 {
		return Config{Name: name}, fmt.Errorf("configwatch: %s has no valid %q field (%q)", Key(name), VersionField, m[VersionField])
	}
	delete(m, VersionField)
	return Config{Name: name, Version: v, Values: m}, nil
}

// Update replaces config name's values with values if its version is
// expect (0: create a config that does not exist). It returns the new
// version, or a *ConflictError, ErrInvalid, ErrUnknown, or the server's
// error for a script that failed (WRONGTYPE, for one).
//
// Errors that leave the outcome open (TRYAGAIN, UNCERTAIN, CLUSTERDOWN, a
// dropped or refused connection, a timeout) are retried with the same
// change id until the context or RetryFor ends: a retry cannot apply the
// change twice, and answers Replayed if an earlier attempt had applied.
func (s *Store) Update(ctx context.Context, name string, expect int64, values map[string]string) (Update, error) {
	if err := validate(name, expect, values); err != nil {
		return Update{}, err
	}
	if _, ok := ctx.Deadline(); !ok && s.RetryFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.RetryFor)
		defer cancel()
	}
	id := newID()
	blob, err := json.Marshal(values)
	if err != nil {
		return Update{}, err
	}
	args := make([]any, 0, 4+2*len(values))
	args = append(args, expect, id, s.historyLen(), blob)
	for _, k := range slices.Sorted(maps.Keys(values)) {
		args = append(args, k, values[k])
	}
	keys := []string{Key(name), HistoryKey(name)}
	u := Update{ID: id}
	backoff := 20 * time.Millisecond
	var last error
	for {
		u.Attempts++
		res, err := casScript.Run(ctx, s.rdb, keys, args...).Int64Slice()
		if err == nil && len(res) == 2 {
			switch res[0] {
			case casApplied:
				u.Version = res[1]
				u.Replayed = u.Attempts > 1
				return u, nil
			case casReplayed:
				u.Version, u.Replayed = res[1], true
				return u, nil
			case casConflict:
				// Earlier attempts, if any, did not apply either: the
				// script looked for their id among the newer changes.
				return u, &ConflictError{Name: name, Expected: expect, Current: res[1]}
			}
		}
		if err == nil {
			return u, fmt.Errorf("configwatch: unexpected script reply %v", res)
		}
		if !Retryable(err) {
			return u, err
		}
		last = err
		select {
		case <-ctx.Done():
			return u, fmt.Errorf("%w after %d attempts: %w", ErrUnknown, u.Attempts, last)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

func (s *Store) historyLen() int {
	if s.HistoryLen < 1 {
		return 1
	}
	return s.HistoryLen
}

func validate(name string, expect int64, values map[string]string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty config name", ErrInvalid)
	case expect < 0:
		return fmt.Errorf("%w: negative version %d", ErrInvalid, expect)
	case len(values) > MaxValues:
		return fmt.Errorf("%w: %d values, at most %d", ErrInvalid, len(values), MaxValues)
	}
	if _, ok := values[VersionField]; ok {
		return fmt.Errorf("%w: %q is reserved for the version", ErrInvalid, VersionField)
	}
	return nil
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// History returns up to n of config name's latest changes, newest first.
func (s *Store) History(ctx context.Context, name string, n int64) ([]Change, error) {
	msgs, err := s.rdb.XRevRangeN(ctx, HistoryKey(name), "+", "-", n).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Change, 0, len(msgs))
	for _, m := range msgs {
		c, err := parseChange(m)
		if err != nil {
			return nil, fmt.Errorf("configwatch: %s entry %s: %w", HistoryKey(name), m.ID, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func parseChange(m redis.XMessage) (Change, error) {
	var c Change
	ver, _ := m.Values["version"].(string)
	v, err := strconv.ParseInt(ver, 10, 64)
	if err != nil {
		return c, fmt.Errorf("bad version %q", ver)
	}
	c.Version = v
	c.ID, _ = m.Values["id"].(string)
	blob, _ := m.Values["values"].(string)
	if err := json.Unmarshal([]byte(blob), &c.Values); err != nil {
		return c, fmt.Errorf("bad values: %w", err)
	}
	msPart, _, _ := strings.Cut(m.ID, "-")
	if ms, err := strconv.ParseInt(msPart, 10, 64); err == nil {
		c.At = time.UnixMilli(ms)
	}
	return c, nil
}
