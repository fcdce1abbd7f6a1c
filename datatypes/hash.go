package datatypes

import (
	"github.com/cespare/xxhash/v2"
	"github.com/tidwall/btree"
)

// Redis 7.0's compiled-in defaults (see Limits) for hash-max-listpack-entries and
// hash-max-listpack-value (redis.conf ships the same values).
const (
	HashMaxListpackEntries = 512
	HashMaxListpackValue   = 64
)

// hashEntry is one field. k orders the tree: in listpack mode it is the
// insertion sequence, so iteration gives the order a Redis listpack keeps;
// in hashtable mode it is the field's xxhash, so SCAN cursors (the hash to
// resume from) survive writes and are the same on every node.
type hashEntry struct {
	k     uint64
	field string
	value string
}

func hashEntryLess(a, b hashEntry) bool {
	if a.k != b.k {
		return a.k < b.k
	}
	return a.field < b.field
}

// Hash is a Redis hash. It mirrors Redis's two encodings because clients
// can observe them: OBJECT ENCODING, and the order HGETALL, HSCAN and
// friends return a small (listpack) hash in, which is insertion order.
// Conversion is one way, listpack to hashtable, at the same points as in
// Redis. Clone is O(1): the B-tree is copy-on-write.
type Hash struct {
	tr       *btree.BTreeG[hashEntry]
	listpack bool
	seq      uint64 // next insertion sequence (listpack mode)
}

func newHashTree() *btree.BTreeG[hashEntry] {
	return btree.NewBTreeGOptions(hashEntryLess, btree.Options{NoLocks: true})
}

// NewHash returns an empty listpack-encoded hash, as Redis creates one.
func NewHash() *Hash { return &Hash{tr: newHashTree(), listpack: true} }

// NewHashEncoded returns an empty hash in the given encoding, for restoring
// a snapshot exactly.
func NewHashEncoded(listpack bool) *Hash { return &Hash{tr: newHashTree(), listpack: listpack} }

// Clone returns an independent copy in O(1).
func (h *Hash) Clone() *Hash {
	c := *h
	c.tr = h.tr.Copy()
	return &c
}

// Len is the number of fields.
func (h *Hash) Len() int { return h.tr.Len() }

// TypeName is TYPE's answer.
func (h *Hash) TypeName() string { return "hash" }

// EncodingName is OBJECT ENCODING's answer under Redis 7.0.
func (h *Hash) EncodingName() string {
	if h.listpack {
		return "listpack"
	}
	return "hashtable"
}

// IsListpack reports whether Redis would hold this hash as a listpack,
// which HSCAN returns whole in one call.
func (h *Hash) IsListpack() bool { return h.listpack }

// find locates field. A listpack is searched linearly, as Redis does; it
// holds at most HashMaxListpackEntries short fields.
func (h *Hash) find(field string) (hashEntry, bool) {
	if !h.listpack {
		return h.tr.Get(hashEntry{k: xxhash.Sum64String(field), field: field})
	}
	var found hashEntry
	ok := false
	h.tr.Scan(func(e hashEntry) bool {
		if e.field == field {
			found, ok = e, true
		}
		return !ok
	})
	return found, ok
}

// Get returns field's value.
func (h *Hash) Get(field string) (string, bool) {
	e, ok := h.find(field)
	return e.value, ok
}

// Set stores field = value and reports whether the field is new. Like
// Redis's hashTypeSet it converts a listpack to a hashtable before storing
// a field or value that is too long (the HINCRBY* path; HSET converts
// earlier with TryConversion) and after growing past the entry limit.
func (h *Hash) Set(field, value string, lim Limits) bool {
	if h.listpack && (longer(len(field), lim.HashMaxListpackValue) || longer(len(value), lim.HashMaxListpackValue)) {
		h.convert()
	}
	if !h.listpack {
		_, replaced := h.tr.Set(hashEntry{k: xxhash.Sum64String(field), field: field, value: value})
		return !replaced
	}
	if e, ok := h.find(field); ok {
		// A listpack replaces the value where it stands.
		e.value = value
		h.tr.Set(e)
		return false
	}
	h.tr.Set(hashEntry{k: h.seq, field: field, value: value})
	h.seq++
	if longer(h.tr.Len(), lim.HashMaxListpackEntries) {
		h.convert()
	}
	return true
}

// TryConversion is Redis's hashTypeTryConversion: HSET, HMSET and HSETNX
// convert a listpack as soon as any argument they are about to store is
// too long, whether or not the field already exists.
func (h *Hash) TryConversion(args [][]byte, lim Limits) {
	if !h.listpack {
		return
	}
	for _, a := range args {
		if longer(len(a), lim.HashMaxListpackValue) {
			h.convert()
			return
		}
	}
}

// Delete removes field and reports whether it was present.
func (h *Hash) Delete(field string) bool {
	e, ok := h.find(field)
	if ok {
		h.tr.Delete(e)
	}
	return ok
}

// convert rebuilds a listpack in hashtable order; it holds at most
// HashMaxListpackEntries+1 fields, so this is bounded work.
func (h *Hash) convert() {
	tr := newHashTree()
	h.tr.Scan(func(e hashEntry) bool {
		e.k = xxhash.Sum64String(e.field)
		tr.Set(e)
		return true
	})
	h.tr, h.listpack, h.seq = tr, false, 0
}

// Each calls fn for every field in encoding order (insertion order for a
// listpack) until fn returns false.
func (h *Hash) Each(fn func(field, value string) bool) {
	h.tr.Scan(func(e hashEntry) bool { return fn(e.field, e.value) })
}

// At returns the i-th field in encoding order, for random picks in
// O(log n).
func (h *Hash) At(i int) (field, value string) {
	e, _ := h.tr.GetAt(i)
	return e.field, e.value
}

// ScanFrom visits fields of a hashtable-encoded hash from cursor on, at
// least count of them, finishing the last hash value reached, and returns
// the cursor to resume from (0 when done). A field present for the whole
// iteration is visited at least once whatever changes in between, because
// its position depends only on its own name.
func (h *Hash) ScanFrom(cursor uint64, count int, fn func(field, value string)) uint64 {
	return scanByHash(h.tr, hashEntry{k: cursor}, func(e hashEntry) uint64 { return e.k }, count,
		func(e hashEntry) { fn(e.field, e.value) })
}

// Append adds a field known to be new without any conversion, for
// restoring a snapshot written in encoding order.
func (h *Hash) Append(field, value string) {
	k := h.seq
	if h.listpack {
		h.seq++
	} else {
		k = xxhash.Sum64String(field)
	}
	h.tr.Load(hashEntry{k: k, field: field, value: value})
}

// scanByHash is the cursor walk shared by hashtable-encoded hashes and
// sets: elements are ordered by a fixed 64-bit hash, the cursor is the hash
// to resume from, and after count elements the walk still finishes the
// current hash so the next cursor is strictly greater than every hash
// returned (equal hashes cannot stall an iteration).
func scanByHash[T any](tr *btree.BTreeG[T], pivot T, hashOf func(T) uint64, count int, fn func(T)) uint64 {
	var next, last uint64
	visited := 0
	tr.Ascend(pivot, func(e T) bool {
		h := hashOf(e)
		if visited >= count && h != last {
			next = h
			return false
		}
		visited++
		last = h
		fn(e)
		return true
	})
	return next
}
