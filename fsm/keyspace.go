package fsm

import (
	"slices"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/cespare/xxhash/v2"
	"github.com/tidwall/btree"

	"github.com/quoris/quoris/datatypes"
)

// Item is one key's value and metadata, as command handlers see it. The
// keyspace stores it as an immutable entry, so a snapshot taken with
// DB.clone keeps seeing the old data while writes go on.
type Item struct {
	Value any // the key's Collection; nil when the key holds a string (Str)
	// Str is a string value, and read-only: read from the keyspace it is the
	// stored bytes themselves, shared with snapshots; handed to Set it may
	// alias the command's arguments, because storing copies it.
	Str      []byte
	ExpireAt int64  // unix ms; 0 means no TTL
	Version  uint64 // log index of the last change, for WATCH
	// Pos is the position of the last change's command within its log
	// entry (a batch carries many). With Version it orders every change of
	// a key strictly: see Token.
	Pos uint16
	// Gen is the FSM snapshot generation in which a collection Value was
	// last made private to the live keyspace; see Ctx.Own. Not persisted.
	Gen  uint64
	from *entry // where the item was read: storing its Str back copies nothing
	Enc  uint8  // how Redis would have built a string value (EncAuto ...)
}

// Collection is a value that is changed in place (lists, hashes, sets,
// sorted sets). Clone must be O(1) copy-on-write (tidwall/btree's Copy),
// so that a write after a snapshot never copies a large value under the
// lock.
type Collection interface {
	Clone() Collection
	Len() int
	TypeName() string     // TYPE's answer: "list", "hash", "set", "zset"
	EncodingName() string // OBJECT ENCODING's answer, as Redis 7.0 would give
}

// String encodings. Redis reports a string's encoding by how the value was
// made, not by its content: APPEND and SETRANGE leave "raw", INCRBYFLOAT
// makes "embstr" even for "3"; everything else is encoded from content.
const (
	EncAuto   uint8 = iota // int, embstr or raw, from content (tryObjectEncoding)
	EncRaw                 // always raw
	EncEmbstr              // embstr up to 44 bytes, else raw; never int
)

// entry is how the keyspace stores an Item: 48 bytes (a whole size class)
// plus one allocation holding the key and a string value together. Entries
// are immutable once stored (a write stores a new one), which is what lets
// DB.clone share them with a snapshot.
type entry struct {
	kv   string   // the key, followed by a string value's bytes
	coll *collVal // nil for a string
	exp  int64
	ver  uint64 // Version<<16 | Pos: raft indexes stay far below 2^48
	meta uint64 // Enc in the top byte, metaTail, the access clock (access.go), len(key); read atomically
}

// collVal is a non-string value apart from its entry, which spares every
// string key the 24 bytes.
type collVal struct {
	v    any    // Item.Value
	gen  uint64 // Item.Gen
	size int64  // collSize(v) when stored: the value changes in place later
}

const (
	// metaLow holds len(key): under 2 GB, since a raft entry (a bbolt
	// value) is.
	metaLow = 1<<31 - 1
	// metaTail marks a string value whose byte past its end is kept after
	// it, in the capacity of Str: HyperLogLog edits emulate Redis reading
	// past a corrupt value's end (see datatypes.StringClone).
	metaTail = 1 << 55
)

// loadMeta reads meta atomically: readers stamp the access clock in it
// concurrently (see access.go).
func (e *entry) loadMeta() uint64 { return atomic.LoadUint64(&e.meta) }

func (e *entry) key() string { return e.kv[:e.loadMeta()&metaLow] }

func (e *entry) item() Item {
	meta := e.loadMeta()
	it := Item{ExpireAt: e.exp, Version: e.ver >> 16, Pos: uint16(e.ver), Enc: uint8(meta >> 56), from: e}
	if e.coll != nil {
		it.Value, it.Gen = e.coll.v, e.coll.gen
		return it
	}
	it.Str = strBytes(e.kv[meta&metaLow:])
	if meta&metaTail != 0 {
		it.Str = it.Str[:len(it.Str)-1]
	}
	return it
}

// newEntry builds the stored form of key's item. A string value is copied
// next to a copy of the key, unless it is exactly the bytes already stored
// under key (EXPIRE, PERSIST, an encoding change): then they are shared, so
// such writes cost O(1) whatever the value's size.
func newEntry(key string, it Item) *entry {
	e := &entry{exp: it.ExpireAt, ver: it.Version<<16 | uint64(it.Pos), meta: uint64(it.Enc)<<56 | uint64(len(key))}
	from := it.from
	if it.Value != nil {
		e.kv, e.coll = key, &collVal{v: it.Value, gen: it.Gen}
		if from != nil && from.kv == key {
			e.kv = from.kv
		}
		return e
	}
	b := it.Str
	if n := len(b); cap(b) > n && b[:n+1][n] != 0 {
		b = b[:n+1]
		e.meta |= metaTail
	}
	if from != nil && from.coll == nil && from.loadMeta()&metaTail == e.meta&metaTail &&
		from.key() == key && sameBytes(b, from.kv[len(key):]) {
		e.kv = from.kv
	} else {
		e.kv = concat(key, b)
	}
	return e
}

// concat is key + string(b) in one allocation (the compiler makes two).
func concat(key string, b []byte) string {
	if len(b) > 1<<20 {
		// A big value is copied in preemptible pieces (datatypes.CopyLarge).
		kv := datatypes.AppendLarge(append(make([]byte, 0, len(key)+len(b)), key...), b)
		return unsafe.String(unsafe.SliceData(kv), len(kv))
	}
	var sb strings.Builder
	sb.Grow(len(key) + len(b))
	sb.WriteString(key)
	sb.Write(b)
	return sb.String()
}

// strBytes views a stored string as the []byte command handlers work on,
// without copying: stored bytes are never written (see Item.Str).
func strBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// sameBytes reports whether b is s's memory, not merely equal to it.
func sameBytes(b []byte, s string) bool {
	return len(b) == len(s) && (len(b) == 0 || unsafe.SliceData(b) == unsafe.StringData(s))
}

// slot orders keys by a fixed 64-bit hash. Ordering by hash gives SCAN a
// numeric cursor that stays valid while keys come and go (the cursor is
// the hash to resume from) and RANDOMKEY a cheap seek, and the hash is the
// same on every node so cursors work across a failover. A slot is 16 bytes
// because B-tree nodes are on average only about two-thirds full: every
// byte stored inline costs half as much again. Keys whose hashes collide
// share a slot with a nil entry; they are in DB.buckets.
type slot struct {
	h uint64
	e *entry
}

func slotLess(a, b slot) bool { return a.h < b.h }

// bucketPut returns bucket with e in place of the entry under e's key, and
// that entry (nil if there was none). Buckets are immutable, like entries.
func bucketPut(bucket []*entry, e *entry) ([]*entry, *entry) {
	k := e.key()
	i, found := slices.BinarySearchFunc(bucket, k, func(c *entry, k string) int { return strings.Compare(c.key(), k) })
	if found {
		return slices.Concat(bucket[:i], []*entry{e}, bucket[i+1:]), bucket[i]
	}
	return slices.Concat(bucket[:i], []*entry{e}, bucket[i:]), nil
}

type expSlot struct {
	at  int64
	key string
}

func expLess(a, b expSlot) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.key < b.key
}

// KeyHash is the hash that orders the keyspace and SCAN cursors.
func KeyHash(key string) uint64 { return xxhash.Sum64String(key) }

// DB is one numbered Redis database. It is not safe for concurrent use; the
// FSM's lock guards it.
type DB struct {
	keys    *btree.BTreeG[slot]
	n       int                          // keys: more than slots only on a hash collision
	buckets *btree.Map[uint64, []*entry] // keys whose hash collides, in key order
	hash    func(string) uint64          // KeyHash; tests swap in one that collides
	expires *btree.BTreeG[expSlot]       // keys with a TTL, by deadline

	// WATCH must see a key that was created and removed again since it was
	// watched. Removing a key leaves a tombstone: the index of its last
	// change. Tombstones are replicated state (in snapshots too), bounded
	// deterministically: past maxTombs they are all dropped and tombFloor
	// records that anything older is unknown (EXEC then aborts, safely).
	tombs     *btree.Map[string, uint64]
	tombFloor uint64
	// flushed is the index of the last FLUSHDB/FLUSHALL/SWAPDB of this
	// database. WATCH no longer consults it (touchKeys leaves tombstones
	// for exactly the keys a flush touched); it stays in snapshots.
	flushed uint64
	// used is the dataset accounting of the stored entries (dataset.go).
	used int64
}

const maxTombs = 1 << 16

func newDB() *DB {
	opts := btree.Options{NoLocks: true, Degree: 64}
	return &DB{
		keys:    btree.NewBTreeGOptions(slotLess, opts),
		buckets: new(btree.Map[uint64, []*entry]),
		hash:    KeyHash,
		expires: btree.NewBTreeGOptions(expLess, opts),
		tombs:   new(btree.Map[string, uint64]),
	}
}

// clone is O(1): the trees share nodes until one of them is written.
func (db *DB) clone() *DB {
	return &DB{keys: db.keys.Copy(), n: db.n, buckets: db.buckets.Copy(), hash: db.hash,
		expires: db.expires.Copy(), tombs: db.tombs.Copy(), tombFloor: db.tombFloor, flushed: db.flushed, used: db.used}
}

// Len counts keys including expired ones not yet removed, as Redis's DBSIZE does.
func (db *DB) Len() int { return db.n }

// ExpiresLen counts keys with a TTL, for INFO keyspace.
func (db *DB) ExpiresLen() int { return db.expires.Len() }

// entries calls fn with each entry of s, in key order.
func (db *DB) entries(s slot, fn func(*entry) bool) bool {
	if s.e != nil {
		return fn(s.e)
	}
	bucket, _ := db.buckets.Get(s.h)
	for _, e := range bucket {
		if !fn(e) {
			return false
		}
	}
	return true
}

func (db *DB) find(key string) *entry {
	s, ok := db.keys.Get(slot{h: db.hash(key)})
	if !ok {
		return nil
	}
	if s.e != nil {
		if s.e.key() == key {
			return s.e
		}
		return nil
	}
	var found *entry
	db.entries(s, func(e *entry) bool {
		if e.key() == key {
			found = e
		}
		return found == nil
	})
	return found
}

// raw returns the stored item whether or not it has expired.
func (db *DB) raw(key string) (Item, bool) {
	if e := db.find(key); e != nil {
		return e.item(), true
	}
	return Item{}, false
}

// put stores it under key. A string may also come as a []byte Value, the
// form snapshot records (and tests) use.
// put stores it under key and returns the new entry and the one it
// replaced (nil for a new key), for the access clock.
func (db *DB) put(key string, it Item) (e, prev *entry) {
	if b, ok := it.Value.([]byte); ok {
		it.Value, it.Str = nil, b
	}
	h := db.hash(key)
	e = newEntry(key, it)
	if e.coll != nil {
		e.coll.size = collSize(e.coll.v)
	}
	old, replaced := db.keys.Set(slot{h: h, e: e})
	switch {
	case !replaced:
	case old.e != nil && old.e.key() == key:
		prev = old.e
	default:
		// A collision: the slot becomes (or stays) a bucket.
		bucket := []*entry{old.e}
		if old.e == nil {
			bucket, _ = db.buckets.Get(h)
		}
		bucket, prev = bucketPut(bucket, e)
		db.buckets.Set(h, bucket)
		db.keys.Set(slot{h: h})
	}
	db.used += datasetSize(e)
	if prev == nil {
		db.n++
	} else {
		db.used -= datasetSize(prev)
	}
	if prev != nil && prev.exp != 0 && prev.exp != it.ExpireAt {
		db.expires.Delete(expSlot{at: prev.exp, key: key})
	}
	if it.ExpireAt != 0 && (prev == nil || prev.exp != it.ExpireAt) {
		db.expires.Set(expSlot{at: it.ExpireAt, key: key})
	}
	return e, prev
}

// remove deletes key, leaving a tombstone stamped tomb (see DB.tombs).
func (db *DB) remove(key string, tomb uint64) (Item, bool) {
	h := db.hash(key)
	old, ok := db.keys.Delete(slot{h: h})
	if !ok {
		return Item{}, false
	}
	gone := old.e
	if gone == nil {
		bucket, _ := db.buckets.Get(h)
		i := slices.IndexFunc(bucket, func(e *entry) bool { return e.key() == key })
		if i < 0 {
			db.keys.Set(old)
			return Item{}, false
		}
		gone = bucket[i]
		switch rest := slices.Concat(bucket[:i], bucket[i+1:]); len(rest) {
		case 1:
			db.buckets.Delete(h)
			db.keys.Set(slot{h: h, e: rest[0]})
		default:
			db.buckets.Set(h, rest)
			db.keys.Set(old)
		}
	} else if gone.key() != key {
		db.keys.Set(old)
		return Item{}, false
	}
	db.n--
	db.used -= datasetSize(gone)
	if gone.exp != 0 {
		db.expires.Delete(expSlot{at: gone.exp, key: key})
	}
	if db.tombs.Len() >= maxTombs {
		db.tombs = new(btree.Map[string, uint64])
		db.tombFloor = tomb
	}
	db.tombs.Set(key, tomb)
	return gone.item(), true
}

// changedSince reports whether key, watched at index since with version
// version (0: missing), has changed. Only the FSM's write path calls it.
// A tombstone newer than the watch means a removal, a flush or a swap
// touched the key since (see touchKeys), even if it is live again.
func (db *DB) changedSince(key string, version, since uint64, live bool, cur uint64) bool {
	t, tombed := db.tombs.Get(key)
	if live {
		return cur != version || (tombed && t > since)
	}
	if version != 0 {
		return true // it existed and is gone
	}
	if since < db.tombFloor {
		return true // tombstones from then were dropped: assume changed
	}
	return tombed && t > since
}

// touchKeys records that every key stored in any of srcs changed at idx,
// as Redis's FLUSHDB/FLUSHALL/SWAPDB touch the watched keys that exist in
// the databases involved (and only those: a watched key missing from all
// of them is not dirtied). Past maxTombs tombstones, all are dropped and
// tombFloor says every older watch must assume a change.
func (db *DB) touchKeys(idx uint64, srcs ...*DB) {
	n := db.tombs.Len()
	for _, src := range srcs {
		n += src.Len()
	}
	if n >= maxTombs {
		db.tombs = new(btree.Map[string, uint64])
		db.tombFloor = idx
		return
	}
	for _, src := range srcs {
		src.Ascend(0, func(key string, _ uint64, _ Item) bool {
			db.tombs.Set(key, idx)
			return true
		})
	}
}

// Ascend calls fn for every stored key (expired ones included) whose hash is
// at least from, in cursor order, until fn returns false.
func (db *DB) Ascend(from uint64, fn func(key string, h uint64, it Item) bool) {
	db.keys.Ascend(slot{h: from}, func(s slot) bool {
		return db.entries(s, func(e *entry) bool { return fn(e.key(), s.h, e.item()) })
	})
}

// Expired calls fn for keys whose deadline is at or before now, earliest
// first, until fn returns false.
func (db *DB) Expired(now int64, fn func(key string, at int64) bool) {
	db.expires.Scan(func(e expSlot) bool {
		if e.at > now {
			return false
		}
		return fn(e.key, e.at)
	})
}

// alive reports whether it is visible at time now.
func alive(it Item, now int64) bool { return it.ExpireAt == 0 || it.ExpireAt > now }
