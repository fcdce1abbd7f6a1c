package datatypes

import (
	"math"

	"github.com/tidwall/btree"
)

// listNode is one element. pos only orders the elements: indexes come from
// the B-tree's subtree counts (GetAt), so positions may have gaps and need
// not start anywhere in particular.
type listNode struct {
	pos int64
	val []byte
}

func listNodeLess(a, b listNode) bool { return a.pos < b.pos }

// listSpacing is the gap renumber leaves between neighbours, so that about
// 32 inserts at one spot fit before the next renumbering.
const listSpacing = 1 << 32

// List is a Redis list: a copy-on-write B-tree of elements ordered by a
// position key. Pushing and popping at either end and reaching any index
// are O(log n); Clone is O(1). Element slices are never changed once
// stored (Set replaces them), so a clone may share them.
type List struct {
	tr *btree.BTreeG[listNode]
}

func newListTree() *btree.BTreeG[listNode] {
	return btree.NewBTreeGOptions(listNodeLess, btree.Options{NoLocks: true})
}

// NewList returns an empty list.
func NewList() *List { return &List{tr: newListTree()} }

// Clone returns an independent copy in O(1); either side may then be
// changed without the other seeing it.
func (l *List) Clone() *List { return &List{tr: l.tr.Copy()} }

// Len is the number of elements.
func (l *List) Len() int { return l.tr.Len() }

// TypeName is TYPE's answer.
func (l *List) TypeName() string { return "list" }

// EncodingName is OBJECT ENCODING's answer: Redis 7.0 stores every list as
// a quicklist, however small (the listpack encoding for small lists came
// in 7.2).
func (l *List) EncodingName() string { return "quicklist" }

// PushLeft adds v at the head. v must not be changed afterwards.
func (l *List) PushLeft(v []byte) {
	pos := int64(0)
	if first, ok := l.tr.Min(); ok {
		if first.pos == math.MinInt64 {
			// Unreachable in practice (2^62 pushes at one end), but a
			// wrapped position would silently reorder the list.
			l.renumber()
			first, _ = l.tr.Min()
		}
		pos = first.pos - 1
	}
	l.tr.Set(listNode{pos: pos, val: v})
}

// PushRight adds v at the tail. v must not be changed afterwards.
func (l *List) PushRight(v []byte) {
	pos := int64(0)
	if last, ok := l.tr.Max(); ok {
		if last.pos == math.MaxInt64 {
			l.renumber()
			last, _ = l.tr.Max()
		}
		pos = last.pos + 1
	}
	// Load is Set with a fast path for appending past the maximum.
	l.tr.Load(listNode{pos: pos, val: v})
}

// PopLeft removes and returns the head.
func (l *List) PopLeft() ([]byte, bool) {
	n, ok := l.tr.PopMin()
	return n.val, ok
}

// PopRight removes and returns the tail.
func (l *List) PopRight() ([]byte, bool) {
	n, ok := l.tr.PopMax()
	return n.val, ok
}

// Index returns the element at 0-based index i.
func (l *List) Index(i int) ([]byte, bool) {
	n, ok := l.tr.GetAt(i)
	return n.val, ok
}

// Set replaces the element at index i; it reports whether i was in range.
func (l *List) Set(i int, v []byte) bool {
	n, ok := l.tr.GetAt(i)
	if !ok {
		return false
	}
	l.tr.Set(listNode{pos: n.pos, val: v})
	return true
}

// Ascend calls fn with each element from index from towards the tail,
// until fn returns false.
func (l *List) Ascend(from int, fn func(i int, v []byte) bool) {
	start, ok := l.tr.GetAt(from)
	if !ok {
		return
	}
	i := from
	l.tr.Ascend(start, func(n listNode) bool {
		ok := fn(i, n.val)
		i++
		return ok
	})
}

// Descend calls fn with each element from index from towards the head,
// until fn returns false.
func (l *List) Descend(from int, fn func(i int, v []byte) bool) {
	start, ok := l.tr.GetAt(from)
	if !ok {
		return
	}
	i := from
	l.tr.Descend(start, func(n listNode) bool {
		ok := fn(i, n.val)
		i--
		return ok
	})
}

// Insert puts v before the element at index i (at the tail when i is
// Len). Positions are renumbered when the neighbours leave no gap, which
// is O(n) but only once per about 32 inserts at one spot.
func (l *List) Insert(i int, v []byte) {
	n := l.Len()
	switch {
	case i <= 0:
		l.PushLeft(v)
		return
	case i >= n:
		l.PushRight(v)
		return
	}
	prev, _ := l.tr.GetAt(i - 1)
	next, _ := l.tr.GetAt(i)
	if next.pos-prev.pos < 2 {
		l.renumber()
		prev, _ = l.tr.GetAt(i - 1)
		next, _ = l.tr.GetAt(i)
	}
	l.tr.Set(listNode{pos: prev.pos + (next.pos-prev.pos)/2, val: v})
}

// renumber rebuilds the tree with evenly spaced positions centred on zero,
// leaving room at both ends for pushes and between neighbours for inserts.
// It builds a new tree rather than editing nodes, which a clone may share.
func (l *List) renumber() {
	n := int64(l.Len())
	step := int64(listSpacing)
	if limit := (int64(1) << 61) / (n + 1); limit < step {
		step = limit
	}
	tr := newListTree()
	pos := -(n / 2) * step
	l.tr.Scan(func(nd listNode) bool {
		tr.Load(listNode{pos: pos, val: nd.val})
		pos += step
		return true
	})
	l.tr = tr
}

// DeleteAt removes the element at index i.
func (l *List) DeleteAt(i int) {
	l.tr.DeleteAt(i)
}

// Trim removes left elements from the head and right from the tail (both
// non-negative, left+right at most Len). It keeps whichever costs less:
// removing one by one, or copying the survivors into a new tree.
func (l *List) Trim(left, right int) {
	n := l.Len()
	keep := n - left - right
	if keep <= 0 {
		l.tr = newListTree()
		return
	}
	if keep < left+right {
		tr := newListTree()
		l.Ascend(left, func(i int, v []byte) bool {
			if i >= left+keep {
				return false
			}
			tr.Load(listNode{pos: int64(i), val: v})
			return true
		})
		l.tr = tr
		return
	}
	for ; left > 0; left-- {
		l.tr.PopMin()
	}
	for ; right > 0; right-- {
		l.tr.PopMax()
	}
}

// RemoveIf deletes up to limit elements (all when limit is 0) for which
// match is true, scanning from the head, or from the tail when fromTail.
// It returns how many it removed.
func (l *List) RemoveIf(limit int64, fromTail bool, match func(v []byte) bool) int64 {
	var doomed []listNode
	visit := func(n listNode) bool {
		if match(n.val) {
			doomed = append(doomed, n)
			if limit != 0 && int64(len(doomed)) == limit {
				return false
			}
		}
		return true
	}
	if fromTail {
		l.tr.Reverse(visit)
	} else {
		l.tr.Scan(visit)
	}
	for _, n := range doomed {
		l.tr.Delete(n)
	}
	return int64(len(doomed))
}
