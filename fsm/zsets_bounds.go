package fsm

import (
	"github.com/quoris/quoris/datatypes"
)

// Score and lex intervals (Redis's zrangespec and zlexrangespec), their
// parsing, and locating the first and last member inside one.

// zrange is a parsed score or lex interval: Redis's zrangespec and
// zlexrangespec behind one pair of predicates.
type zrange struct {
	lex          bool
	min, max     float64
	lmin, lmax   zlexBound
	minex, maxex bool
}

// zlexBound is one end of a lex range: inf is -1 for "-", +1 for "+".
type zlexBound struct {
	s   string
	inf int
}

// zlexCmp is sdscmplex: "-" sorts before and "+" after every string.
func zlexCmp(a, b zlexBound) int {
	switch {
	case a.inf != 0 && a.inf == b.inf:
		return 0
	case a.inf < 0 || b.inf > 0:
		return -1
	case a.inf > 0 || b.inf < 0:
		return 1
	case a.s < b.s:
		return -1
	case a.s > b.s:
		return 1
	}
	return 0
}

func (r *zrange) gteMin(e datatypes.ZItem) bool {
	if r.lex {
		cmp := zlexCmp(zlexBound{s: e.Member}, r.lmin)
		return cmp > 0 || (cmp == 0 && !r.minex)
	}
	return e.Score > r.min || (e.Score == r.min && !r.minex)
}

func (r *zrange) lteMax(e datatypes.ZItem) bool {
	if r.lex {
		cmp := zlexCmp(zlexBound{s: e.Member}, r.lmax)
		return cmp < 0 || (cmp == 0 && !r.maxex)
	}
	return e.Score < r.max || (e.Score == r.max && !r.maxex)
}

// empty is the "always empty" test of zslIsInRange/zslIsInLexRange.
func (r *zrange) empty() bool {
	if r.lex {
		cmp := zlexCmp(r.lmin, r.lmax)
		return cmp > 0 || (cmp == 0 && (r.minex || r.maxex))
	}
	return r.min > r.max || (r.min == r.max && (r.minex || r.maxex))
}

func zparseScoreRange(min, max []byte) (zrange, error) {
	var r zrange
	var ok1, ok2 bool
	r.min, r.minex, ok1 = datatypes.ParseScoreBound(min)
	r.max, r.maxex, ok2 = datatypes.ParseScoreBound(max)
	if !ok1 || !ok2 {
		return r, errZsetRange
	}
	return r, nil
}

// zparseLexItem is zslParseLexRangeItem. Redis reads the argument as a C
// string, so "+" followed by a NUL byte is still "+".
func zparseLexItem(b []byte) (zlexBound, bool, bool) {
	if len(b) == 0 {
		return zlexBound{}, false, false
	}
	switch b[0] {
	case '+', '-':
		if len(b) > 1 && b[1] != 0 {
			return zlexBound{}, false, false
		}
		if b[0] == '+' {
			return zlexBound{inf: 1}, true, true
		}
		return zlexBound{inf: -1}, true, true
	case '(':
		return zlexBound{s: string(b[1:])}, true, true
	case '[':
		return zlexBound{s: string(b[1:])}, false, true
	}
	return zlexBound{}, false, false
}

func zparseLexRange(min, max []byte) (zrange, error) {
	r := zrange{lex: true}
	var ok1, ok2 bool
	r.lmin, r.minex, ok1 = zparseLexItem(min)
	r.lmax, r.maxex, ok2 = zparseLexItem(max)
	if !ok1 || !ok2 {
		return r, errZsetLexRange
	}
	return r, nil
}

// zlinear says whether a range is located by walking the set from one end,
// as Redis does in a listpack, rather than by binary search. The two agree
// whenever the order by member follows the order by score; a lex range on
// members with different scores is where they differ, and there a listpack
// is what clients can reproduce (Redis's skiplist answer depends on its
// random node levels, so no implementation could match it).
func zlinear(z *datatypes.ZSet, r *zrange) bool { return r.lex && !z.IsSkiplist() }

// zinRange is zslIsInRange/zzlIsInLexRange: the range is not trivially
// empty, the last item is not below it and the first not above it.
func zinRange(z *datatypes.ZSet, r *zrange) bool {
	n := z.Len()
	return n > 0 && !r.empty() && r.gteMin(z.At(n-1)) && r.lteMax(z.At(0))
}

// zfirstInRange returns the rank of the first item in range, or -1.
func zfirstInRange(z *datatypes.ZSet, r *zrange) int {
	if !zinRange(z, r) {
		return -1
	}
	n := z.Len()
	i := 0
	if zlinear(z, r) {
		for i < n && !r.gteMin(z.At(i)) {
			i++
		}
	} else {
		i = z.Search(r.gteMin)
	}
	if i == n || !r.lteMax(z.At(i)) {
		return -1
	}
	return i
}

// zlastInRange returns the rank of the last item in range, or -1.
func zlastInRange(z *datatypes.ZSet, r *zrange) int {
	if !zinRange(z, r) {
		return -1
	}
	var j int
	if zlinear(z, r) {
		j = z.Len() - 1
		for j >= 0 && !r.lteMax(z.At(j)) {
			j--
		}
	} else {
		j = z.Search(func(e datatypes.ZItem) bool { return !r.lteMax(e) }) - 1
	}
	if j < 0 || !r.gteMin(z.At(j)) {
		return -1
	}
	return j
}
