package datatypes

import (
	"github.com/cespare/xxhash/v2"
	"github.com/tidwall/btree"
)

// SetMaxIntsetEntries is Redis 7.0's default set-max-intset-entries.
const SetMaxIntsetEntries = 512

// setEntry is one member. k orders the tree: in intset mode it is the
// integer with its sign bit flipped, so unsigned order is numeric order
// (an intset's iteration order, which SMEMBERS and friends reveal); in
// hashtable mode it is the member's xxhash, the SSCAN cursor space.
type setEntry struct {
	k uint64
	m string
}

func setEntryLess(a, b setEntry) bool {
	if a.k != b.k {
		return a.k < b.k
	}
	return a.m < b.m
}

func intKey(n int64) uint64 { return uint64(n) ^ 1<<63 }

// Set is a Redis set with Redis 7.0's two encodings: "intset" while every
// member is an integer string2ll accepts and there are at most
// SetMaxIntsetEntries of them, then "hashtable", one way. Clone is O(1):
// the B-tree is copy-on-write.
type Set struct {
	tr     *btree.BTreeG[setEntry]
	intset bool
}

func newSetTree() *btree.BTreeG[setEntry] {
	return btree.NewBTreeGOptions(setEntryLess, btree.Options{NoLocks: true})
}

// NewSet returns an empty intset, as Redis's createIntsetObject (the
// destination of SINTERSTORE, SUNIONSTORE and SDIFFSTORE).
func NewSet() *Set { return &Set{tr: newSetTree(), intset: true} }

// NewSetFor is Redis's setTypeCreate: an intset if the first member to be
// added is an integer, a hashtable otherwise.
func NewSetFor(first string) *Set {
	_, isInt := ParseInt([]byte(first))
	return NewSetEncoded(isInt)
}

// NewSetEncoded returns an empty set in the given encoding, for restoring
// a snapshot exactly.
func NewSetEncoded(intset bool) *Set { return &Set{tr: newSetTree(), intset: intset} }

// Clone returns an independent copy in O(1).
func (s *Set) Clone() *Set {
	c := *s
	c.tr = s.tr.Copy()
	return &c
}

// Len is the number of members.
func (s *Set) Len() int { return s.tr.Len() }

// TypeName is TYPE's answer.
func (s *Set) TypeName() string { return "set" }

// EncodingName is OBJECT ENCODING's answer under Redis 7.0.
func (s *Set) EncodingName() string {
	if s.intset {
		return "intset"
	}
	return "hashtable"
}

// IsIntset reports whether Redis would hold this set as an intset, which
// SSCAN returns whole in one call.
func (s *Set) IsIntset() bool { return s.intset }

// entry builds the tree key for m in the current encoding; ok is false
// when m cannot be in an intset.
func (s *Set) entry(m string) (setEntry, bool) {
	if !s.intset {
		return setEntry{k: xxhash.Sum64String(m), m: m}, true
	}
	n, ok := ParseInt([]byte(m))
	// ParseInt accepts only the canonical text, so m is already the
	// decimal form the intset would print.
	return setEntry{k: intKey(n), m: m}, ok
}

// Add adds m and reports whether it was new (Redis's setTypeAdd).
func (s *Set) Add(m string, lim Limits) bool {
	e, ok := s.entry(m)
	if !ok {
		s.convert()
		e, _ = s.entry(m)
	}
	if _, replaced := s.tr.Set(e); replaced {
		return false
	}
	if s.intset && longer(s.tr.Len(), lim.SetMaxIntsetEntries) {
		s.convert()
	}
	return true
}

// Remove removes m and reports whether it was present. Redis never turns
// a hashtable back into an intset here.
func (s *Set) Remove(m string) bool {
	e, ok := s.entry(m)
	if !ok {
		return false
	}
	_, ok = s.tr.Delete(e)
	return ok
}

// Has reports whether m is a member.
func (s *Set) Has(m string) bool {
	e, ok := s.entry(m)
	if !ok {
		return false
	}
	_, ok = s.tr.Get(e)
	return ok
}

// convert turns an intset into a hashtable; an intset holds at most
// SetMaxIntsetEntries+1 members, so this is bounded work.
func (s *Set) convert() {
	if !s.intset {
		return
	}
	tr := newSetTree()
	s.tr.Scan(func(e setEntry) bool {
		tr.Set(setEntry{k: xxhash.Sum64String(e.m), m: e.m})
		return true
	})
	s.tr, s.intset = tr, false
}

// Each calls fn for every member in encoding order (numeric for an
// intset) until fn returns false.
func (s *Set) Each(fn func(m string) bool) {
	s.tr.Scan(func(e setEntry) bool { return fn(e.m) })
}

// At returns the i-th member in encoding order, for random picks in
// O(log n).
func (s *Set) At(i int) string {
	e, _ := s.tr.GetAt(i)
	return e.m
}

// ScanFrom visits members of a hashtable-encoded set from cursor on; see
// Hash.ScanFrom for the cursor's guarantees.
func (s *Set) ScanFrom(cursor uint64, count int, fn func(m string)) uint64 {
	return scanByHash(s.tr, setEntry{k: cursor}, func(e setEntry) uint64 { return e.k }, count,
		func(e setEntry) { fn(e.m) })
}

// Append adds a member known to be new and valid for the encoding, without
// conversion, for restoring a snapshot.
func (s *Set) Append(m string) {
	e, ok := s.entry(m)
	if !ok {
		// Not an integer: only a corrupt snapshot gets here. Keep the
		// member rather than lose it.
		s.convert()
		e, _ = s.entry(m)
	}
	s.tr.Load(e)
}
