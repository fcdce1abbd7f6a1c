package fsm

import (
	"github.com/cespare/xxhash/v2"
	"github.com/tidwall/btree"
)

// Item is one key's value and metadata. Items are stored by value in a
// copy-on-write B-tree, and a Value is never mutated in place once stored
// (writers build a new one), so a snapshot taken with DB.clone keeps seeing
// the old data while writes go on.
type Item struct {
	Value    any    // []byte for strings; later types add their own
	ExpireAt int64  // unix ms; 0 means no TTL
	Version  uint64 // log index of the last change, for WATCH
	Enc      uint8  // how Redis would have built a string value (EncAuto ...)
	// Gen is the FSM snapshot generation in which a collection Value was
	// last made private to the live keyspace; see Ctx.Own. Not persisted.
	Gen uint64
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

// slot orders keys by a fixed 64-bit hash, then by name. Ordering by hash
// gives SCAN a numeric cursor that stays valid while keys come and go (the
// cursor is the hash to resume from) and RANDOMKEY a cheap seek, and the
// hash is the same on every node so cursors work across a failover.
type slot struct {
	h   uint64
	key string
	Item
}

func slotLess(a, b slot) bool {
	if a.h != b.h {
		return a.h < b.h
	}
	return a.key < b.key
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
	expires *btree.BTreeG[expSlot] // keys with a TTL, by deadline

	// WATCH must see a key that was created and removed again since it was
	// watched. Removing a key leaves a tombstone: the index of its last
	// change. Tombstones are replicated state (in snapshots too), bounded
	// deterministically: past maxTombs they are all dropped and tombFloor
	// records that anything older is unknown (EXEC then aborts, safely).
	tombs     *btree.Map[string, uint64]
	tombFloor uint64
	// flushed is the index of the last FLUSHDB/FLUSHALL/SWAPDB touching
	// this database: every key in it changed then.
	flushed uint64
}

const maxTombs = 1 << 16

func newDB() *DB {
	opts := btree.Options{NoLocks: true, Degree: 64}
	return &DB{
		keys:    btree.NewBTreeGOptions(slotLess, opts),
		expires: btree.NewBTreeGOptions(expLess, opts),
		tombs:   new(btree.Map[string, uint64]),
	}
}

// clone is O(1): both trees share nodes until one of them is written.
func (db *DB) clone() *DB {
	return &DB{keys: db.keys.Copy(), expires: db.expires.Copy(), tombs: db.tombs.Copy(),
		tombFloor: db.tombFloor, flushed: db.flushed}
}

// Len counts keys including expired ones not yet removed, as Redis's DBSIZE does.
func (db *DB) Len() int { return db.keys.Len() }

// ExpiresLen counts keys with a TTL, for INFO keyspace.
func (db *DB) ExpiresLen() int { return db.expires.Len() }

// raw returns the stored item whether or not it has expired.
func (db *DB) raw(key string) (Item, bool) {
	s, ok := db.keys.Get(slot{h: KeyHash(key), key: key})
	return s.Item, ok
}

func (db *DB) put(key string, it Item) {
	h := KeyHash(key)
	old, replaced := db.keys.Set(slot{h: h, key: key, Item: it})
	if replaced && old.ExpireAt != 0 && old.ExpireAt != it.ExpireAt {
		db.expires.Delete(expSlot{at: old.ExpireAt, key: key})
	}
	if it.ExpireAt != 0 && (!replaced || old.ExpireAt != it.ExpireAt) {
		db.expires.Set(expSlot{at: it.ExpireAt, key: key})
	}
}

// remove deletes key, leaving a tombstone stamped tomb (see DB.tombs).
func (db *DB) remove(key string, tomb uint64) (Item, bool) {
	old, ok := db.keys.Delete(slot{h: KeyHash(key), key: key})
	if !ok {
		return Item{}, false
	}
	if old.ExpireAt != 0 {
		db.expires.Delete(expSlot{at: old.ExpireAt, key: key})
	}
	if db.tombs.Len() >= maxTombs {
		db.tombs = new(btree.Map[string, uint64])
		db.tombFloor = tomb
	}
	db.tombs.Set(key, tomb)
	return old.Item, ok
}

// changedSince reports whether key, watched at index since with version
// version (0: missing), has changed. Only the FSM's write path calls it.
func (db *DB) changedSince(key string, version, since uint64, live bool, cur uint64) bool {
	if live {
		return cur != version
	}
	if version != 0 || db.flushed > since {
		return true // it existed and is gone, or a flush may have touched it
	}
	if since < db.tombFloor {
		return true // tombstones from then were dropped: assume changed
	}
	t, ok := db.tombs.Get(key)
	return ok && t > since
}

// Ascend calls fn for every stored key (expired ones included) whose hash is
// at least from, in cursor order, until fn returns false.
func (db *DB) Ascend(from uint64, fn func(key string, h uint64, it Item) bool) {
	db.keys.Ascend(slot{h: from}, func(s slot) bool { return fn(s.key, s.h, s.Item) })
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
