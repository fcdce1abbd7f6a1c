package datatypes

import (
	"github.com/cespare/xxhash/v2"
	"github.com/tidwall/btree"
)

// Redis 7.0's defaults for zset-max-listpack-entries and
// zset-max-listpack-value.
const (
	ZSetMaxListpackEntries = 128
	ZSetMaxListpackValue   = 64
)

// ZItem is one member of a sorted set with its score.
type ZItem struct {
	Score  float64
	Member string
}

// ZLess is the sorted-set order: by score, then by member bytes (memcmp),
// as Redis's skiplist and listpack keep it. -0 and 0 compare equal, so
// such members are ordered by name. Scores are never NaN.
func ZLess(a, b ZItem) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	return a.Member < b.Member
}

// zMember indexes a member by name. The tree is ordered by the member's
// xxhash rather than its bytes, so ZSCAN's cursor on a large set is "the
// hash to resume from": valid across writes and the same on every node.
type zMember struct {
	h      uint64
	member string
	score  float64
}

func zMemberLess(a, b zMember) bool {
	if a.h != b.h {
		return a.h < b.h
	}
	return a.member < b.member
}

// ZSet is a Redis sorted set: a B-tree ordered by (score, member) for
// ranks and ranges, plus a B-tree by member for lookups. Both are
// copy-on-write, so Clone is O(1). Rank queries binary-search with GetAt,
// which uses the trees' subtree counts: O(log² n).
//
// It also tracks Redis's encoding, which clients observe through OBJECT
// ENCODING and through two listpack quirks kept here: a listpack stores a
// score of -0 as the integer 0, and ZSCAN returns a listpack whole.
type ZSet struct {
	byScore  *btree.BTreeG[ZItem]
	byMember *btree.BTreeG[zMember]
	skiplist bool
}

var zsetOpts = btree.Options{NoLocks: true}

// NewZSet returns an empty listpack-encoded sorted set.
func NewZSet() *ZSet { return NewZSetEncoded(false) }

// NewZSetEncoded returns an empty set in the given encoding: skiplist for
// the places where Redis creates one directly (a first member longer than
// zset-max-listpack-value, results known to be large), and for restores.
func NewZSetEncoded(skiplist bool) *ZSet {
	return &ZSet{
		byScore:  btree.NewBTreeGOptions(ZLess, zsetOpts),
		byMember: btree.NewBTreeGOptions(zMemberLess, zsetOpts),
		skiplist: skiplist,
	}
}

// Clone returns an independent copy in O(1).
func (z *ZSet) Clone() *ZSet {
	return &ZSet{byScore: z.byScore.Copy(), byMember: z.byMember.Copy(), skiplist: z.skiplist}
}

// Len is the number of members.
func (z *ZSet) Len() int { return z.byScore.Len() }

// TypeName is TYPE's answer.
func (z *ZSet) TypeName() string { return "zset" }

// EncodingName is OBJECT ENCODING's answer.
func (z *ZSet) EncodingName() string {
	if z.skiplist {
		return "skiplist"
	}
	return "listpack"
}

// IsSkiplist reports the encoding.
func (z *ZSet) IsSkiplist() bool { return z.skiplist }

// Score returns member's score.
func (z *ZSet) Score(member string) (float64, bool) {
	e, ok := z.byMember.Get(zMember{h: xxhash.Sum64String(member), member: member})
	return e.score, ok
}

// canonical is the score as the encoding stores it: a listpack keeps an
// integral score as an integer, which turns -0 into 0.
func (z *ZSet) canonical(score float64) float64 {
	if !z.skiplist && score == 0 {
		return 0
	}
	return score
}

// Insert adds a member that is not in the set. Like zsetAdd, a listpack
// first becomes a skiplist when the new member would make it too long or
// is itself too long.
func (z *ZSet) Insert(member string, score float64, lim Limits) {
	if !z.skiplist && (longer(z.Len()+1, lim.ZSetMaxListpackEntries) || longer(len(member), lim.ZSetMaxListpackValue)) {
		z.skiplist = true
	}
	score = z.canonical(score)
	z.byScore.Set(ZItem{Score: score, Member: member})
	z.byMember.Set(zMember{h: xxhash.Sum64String(member), member: member, score: score})
}

// Update moves a present member from score old to score.
func (z *ZSet) Update(member string, old, score float64) {
	score = z.canonical(score)
	z.byScore.Delete(ZItem{Score: old, Member: member})
	z.byScore.Set(ZItem{Score: score, Member: member})
	z.byMember.Set(zMember{h: xxhash.Sum64String(member), member: member, score: score})
}

// Delete removes member and returns the score it had.
func (z *ZSet) Delete(member string) (float64, bool) {
	e, ok := z.byMember.Delete(zMember{h: xxhash.Sum64String(member), member: member})
	if !ok {
		return 0, false
	}
	z.byScore.Delete(ZItem{Score: e.score, Member: member})
	return e.score, true
}

// At returns the member of rank i (0 ≤ i < Len) in O(log n).
func (z *ZSet) At(i int) ZItem {
	it, _ := z.byScore.GetAt(i)
	return it
}

// Search returns the smallest rank whose item satisfies pred, or Len when
// none does. pred must be false then true along the order.
func (z *ZSet) Search(pred func(ZItem) bool) int {
	lo, hi := 0, z.Len()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if pred(z.At(mid)) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Rank returns member's 0-based rank in ascending order.
func (z *ZSet) Rank(member string) (int, bool) {
	score, ok := z.Score(member)
	if !ok {
		return 0, false
	}
	target := ZItem{Score: score, Member: member}
	return z.Search(func(it ZItem) bool { return !ZLess(it, target) }), true
}

// Ascend calls fn on the items from rank i upwards until fn returns false.
func (z *ZSet) Ascend(i int, fn func(ZItem) bool) {
	if i < 0 || i >= z.Len() {
		return
	}
	z.byScore.Ascend(z.At(i), fn)
}

// Descend calls fn on the items from rank i downwards until fn returns false.
func (z *ZSet) Descend(i int, fn func(ZItem) bool) {
	if i < 0 || i >= z.Len() {
		return
	}
	z.byScore.Descend(z.At(i), fn)
}

// Each calls fn on every item in ascending order until fn returns false.
func (z *ZSet) Each(fn func(ZItem) bool) { z.byScore.Scan(fn) }

// Pop removes and returns the lowest item, or the highest when max.
func (z *ZSet) Pop(max bool) (ZItem, bool) {
	var it ZItem
	var ok bool
	if max {
		it, ok = z.byScore.PopMax()
	} else {
		it, ok = z.byScore.PopMin()
	}
	if ok {
		z.byMember.Delete(zMember{h: xxhash.Sum64String(it.Member), member: it.Member})
	}
	return it, ok
}

// ScanFrom visits members from cursor on in hash order, at least count of
// them, finishing the last hash reached, and returns the cursor to resume
// from (0 when done). Only skiplist-encoded sets are scanned by cursor;
// Redis returns a listpack whole.
func (z *ZSet) ScanFrom(cursor uint64, count int, fn func(ZItem)) uint64 {
	return scanByHash(z.byMember, zMember{h: cursor}, func(e zMember) uint64 { return e.h }, count,
		func(e zMember) { fn(ZItem{Score: e.score, Member: e.member}) })
}

// FitListpack is zsetConvertToListpackIfNeeded, which the union,
// intersection, difference and GEO store commands apply to the skiplist
// they built: small results with short members become listpacks (and
// their -0 scores 0).
func (z *ZSet) FitListpack(lim Limits) {
	if !z.skiplist || longer(z.Len(), lim.ZSetMaxListpackEntries) {
		return
	}
	var zeros []ZItem
	fits := true
	z.byScore.Scan(func(it ZItem) bool {
		if longer(len(it.Member), lim.ZSetMaxListpackValue) {
			fits = false
			return false
		}
		if it.Score == 0 {
			zeros = append(zeros, it)
		}
		return true
	})
	if !fits {
		return
	}
	z.skiplist = false
	for _, it := range zeros {
		z.Update(it.Member, it.Score, 0)
	}
}

// Append adds an item greater than every item in the set, with no
// conversion, for restoring a snapshot written in order. It reports false,
// changing nothing, when the member is already present.
func (z *ZSet) Append(member string, score float64) bool {
	if _, dup := z.byMember.Set(zMember{h: xxhash.Sum64String(member), member: member, score: score}); dup {
		return false
	}
	z.byScore.Load(ZItem{Score: score, Member: member})
	return true
}

// ConvertToSkiplist is zsetConvert(OBJ_ENCODING_SKIPLIST), which SORT does
// to the sorted set it reads. One way, as in Redis.
func (z *ZSet) ConvertToSkiplist() { z.skiplist = true }
