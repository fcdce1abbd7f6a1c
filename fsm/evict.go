package fsm

import (
	"errors"
	"math/rand/v2"
	"strings"
)

// maxmemory eviction. The FSM decides what must be identical on every
// node: whether a denyoom write is refused (refuseOOM, at apply, from the
// dataset accounting and the replicated maxmemory settings) and what an
// eviction entry removes (applyEvict removes its keys, in order, only while
// the dataset is still over maxmemory). Which keys to propose is the
// leader's choice (EvictionCandidates): it may use its node-local access
// clock for LRU/LFU and its own randomness, since the choice travels in the
// log. See DESIGN.md "Dataset accounting and eviction".

// ErrOOM is Redis's reply to a denyoom command over maxmemory.
var ErrOOM = errors.New("OOM command not allowed when used memory > 'maxmemory'.")

// evictPolicy is a parsed maxmemory-policy.
type evictPolicy struct {
	none     bool // noeviction
	volatile bool // only keys with a TTL
	kind     byte // 'l' lru, 'f' lfu, 'r' random, 't' ttl
}

func parsePolicy(p string) evictPolicy {
	var e evictPolicy
	switch {
	case p == "" || p == "noeviction":
		e.none = true
		return e
	case strings.HasPrefix(p, "volatile-"):
		e.volatile = true
		p = strings.TrimPrefix(p, "volatile-")
	default:
		p = strings.TrimPrefix(p, "allkeys-")
	}
	switch p {
	case "lru":
		e.kind = 'l'
	case "lfu":
		e.kind = 'f'
	case "random":
		e.kind = 'r'
	case "ttl":
		e.kind = 't'
	default:
		e.none = true
	}
	return e
}

// overBy is how far the dataset is over maxmemory (<= 0: not over, or no
// limit).
func (f *FSM) overBy() int64 {
	limit := f.settings.maxmemory
	if limit <= 0 {
		return 0
	}
	return f.usedDataset() - limit
}

// refuseOOM decides at apply whether a denyoom command is refused: over
// maxmemory under noeviction, or with nothing the policy could evict (a
// volatile policy and no key with a TTL), as Redis refuses when
// performEvictions cannot free memory. Under an evicting policy a write
// is accepted while the leader's eviction entries catch up.
func (f *FSM) refuseOOM() bool {
	if f.overBy() <= 0 {
		return false
	}
	p := parsePolicy(f.settings.get("maxmemory-policy"))
	if p.none {
		return true
	}
	for _, db := range f.dbs {
		if (p.volatile && db.ExpiresLen() > 0) || (!p.volatile && db.Len() > 0) {
			return false
		}
	}
	return true
}

// applyEvict removes the entry's keys while the dataset is over
// maxmemory, and replies with the number removed. A key gone or
// written since the proposal is still fair game: the policy only
// chose among keys, and every node sees the same state here.
func (f *FSM) applyEvict(c *Ctx) {
	n := int64(0)
	for _, k := range c.Args {
		if f.overBy() <= 0 {
			break
		}
		if _, ok := c.DB.remove(string(k), c.Index); ok {
			n++
			c.changed(string(k))
			f.stats.EvictedKeys.Add(1)
			c.Notify(NotifyEvicted, "evicted", string(k))
		}
	}
	c.Int(n)
}

// evictSample is one key the leader considered.
type evictSample struct {
	key   string
	db    int
	score int64 // higher evicts first
	size  int64
}

// EvictionCandidates is the leader's choice of keys to evict, per
// database, enough (by their accounted sizes) to bring the dataset under
// maxmemory, at most limit keys. It picks as Redis's evictionPoolPopulate
// does: maxmemory-samples random keys (of all keys, or of those with a TTL)
// per round and the best of them by the policy (longest idle, least
// frequently used, or any for random). volatile-ttl takes the soonest
// deadlines outright: the TTL index is ordered by deadline, so no
// sampling is needed to find them. Nothing when not
// over maxmemory or the policy is noeviction.
func (f *FSM) EvictionCandidates(now int64, limit int, r *rand.Rand) map[int][][]byte {
	f.mu.RLock()
	defer f.mu.RUnlock()
	over := f.overBy()
	p := parsePolicy(f.settings.get("maxmemory-policy"))
	if over <= 0 || p.none {
		return nil
	}
	samples := int(max(1, f.settings.int("maxmemory-samples")))
	lfu := f.access.lfu.Load()
	chosen := map[dbKey]bool{}
	out := map[int][][]byte{}
	if p.kind == 't' {
		return f.soonestDeadlines(over, limit)
	}
	for picked := 0; over > 0 && picked < limit; picked++ {
		var best *evictSample
		for db, d := range f.dbs {
			pool := d.keys.Len()
			if p.volatile {
				pool = d.ExpiresLen()
			}
			if pool == 0 {
				continue
			}
			for i := 0; i < samples; i++ {
				e := f.sampleEntry(d, p.volatile, r.IntN(pool))
				if e == nil || chosen[dbKey{db, e.key()}] {
					continue
				}
				s := evictSample{key: e.key(), db: db, size: datasetSize(e)}
				switch p.kind {
				case 'l':
					if !lfu {
						s.score = idleSeconds(e.accessClock(), now)
					}
				case 'f':
					if lfu {
						s.score = 255 - int64(f.lfuDecr(e.accessClock(), now))
					}
				}
				if best == nil || s.score > best.score {
					best = &s
				}
			}
		}
		if best == nil {
			break
		}
		chosen[dbKey{best.db, best.key}] = true
		out[best.db] = append(out[best.db], []byte(best.key))
		over -= best.size
	}
	return out
}

// sampleEntry is the i-th entry of d's keyspace (or of its TTL index):
// the first of a bucket of colliding keys stands for the bucket.
func (f *FSM) sampleEntry(d *DB, volatile bool, i int) *entry {
	if volatile {
		s, ok := d.expires.GetAt(i)
		if !ok {
			return nil
		}
		return d.find(s.key)
	}
	s, ok := d.keys.GetAt(i)
	if !ok {
		return nil
	}
	if s.e != nil {
		return s.e
	}
	var first *entry
	d.entries(s, func(e *entry) bool { first = e; return false })
	return first
}

// soonestDeadlines is volatile-ttl's choice: keys in deadline order across
// the databases, until their sizes cover over or limit are taken.
func (f *FSM) soonestDeadlines(over int64, limit int) map[int][][]byte {
	out := map[int][][]byte{}
	type cursor struct {
		db   int
		keys []expSlot
	}
	// The first limit deadlines of each database hold the answer.
	var all []cursor
	for db, d := range f.dbs {
		var ks []expSlot
		d.expires.Scan(func(e expSlot) bool {
			ks = append(ks, e)
			return len(ks) < limit
		})
		if len(ks) > 0 {
			all = append(all, cursor{db: db, keys: ks})
		}
	}
	for picked := 0; over > 0 && picked < limit; picked++ {
		best := -1
		for i, c := range all {
			if len(c.keys) > 0 && (best < 0 || expLess(c.keys[0], all[best].keys[0])) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		c := &all[best]
		k := c.keys[0].key
		c.keys = c.keys[1:]
		if e := f.dbs[c.db].find(k); e != nil {
			over -= datasetSize(e)
		}
		out[c.db] = append(out[c.db], []byte(k))
	}
	return out
}
