package fsm

import (
	"github.com/quoris/quoris/datatypes"
)

// Ranges by rank, score and lex: the ZRANGE family, ZRANGESTORE, ZCOUNT,
// ZLEXCOUNT and ZREMRANGEBY*.

type zrangeKind int

const (
	zrAuto zrangeKind = iota
	zrRank
	zrScore
	zrLex
)

type zrangeDir int

const (
	zdAuto zrangeDir = iota
	zdForward
	zdReverse
)

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

// zrangeOut collects a range's items, then answers them to the client or
// stores them (ZRANGESTORE), Redis's zrange_result_handler.
type zrangeOut struct {
	c          *Ctx
	store      bool
	withScores bool
	items      []datatypes.ZItem
}

// finish emits the result. sizeHint is the rank range's length, -1 for
// score and lex ranges whose length is not known up front: like Redis, a
// stored result starts as a skiplist only when the hint is over the
// listpack limit, otherwise as a listpack that converts when it grows.
func (o *zrangeOut) finish(sizeHint int) {
	c := o.c
	if o.store {
		z := datatypes.NewZSetEncoded(sizeHint > datatypes.ZSetMaxListpackEntries)
		for _, e := range o.items {
			z.Insert(e.Member, e.Score)
		}
		zsetStore(c, c.Arg(1), z)
		return
	}
	n := len(o.items)
	if o.withScores {
		n *= 2
	}
	c.Array(n)
	for _, e := range o.items {
		c.BulkString(e.Member)
		if o.withScores {
			zsetScore(c, e.Score)
		}
	}
}

// zrangeGeneric is zrangeGenericCommand: options first (syntax errors and
// LIMIT's integers in argument order), then conflicting options, then the
// range, then the key.
func zrangeGeneric(c *Ctx, argStart int, store bool, kind zrangeKind, dir zrangeDir) error {
	minIdx, maxIdx := argStart+1, argStart+2
	withScores := false
	offset, limit := int64(0), int64(-1)
	for j := argStart + 3; j < len(c.Args); j++ {
		left := len(c.Args) - j - 1
		switch a := c.Args[j]; {
		case !store && strOptIs(a, "withscores"):
			withScores = true
		case strOptIs(a, "limit") && left >= 2:
			var ok bool
			if offset, ok = datatypes.ParseInt(c.Args[j+1]); !ok {
				return ErrNotInteger
			}
			if limit, ok = datatypes.ParseInt(c.Args[j+2]); !ok {
				return ErrNotInteger
			}
			j += 2
		case dir == zdAuto && strOptIs(a, "rev"):
			dir = zdReverse
		case kind == zrAuto && strOptIs(a, "bylex"):
			kind = zrLex
		case kind == zrAuto && strOptIs(a, "byscore"):
			kind = zrScore
		default:
			return ErrSyntax
		}
	}
	if kind == zrAuto {
		kind = zrRank
	}
	reverse := dir == zdReverse
	if limit != -1 && kind == zrRank {
		return errSyntaxLimit
	}
	if withScores && kind == zrLex {
		return errSyntaxWithscores
	}
	if reverse && kind != zrRank {
		minIdx, maxIdx = maxIdx, minIdx
	}
	var start, end int64
	var r zrange
	var err error
	switch kind {
	case zrRank:
		var ok bool
		if start, ok = datatypes.ParseInt(c.Args[minIdx]); !ok {
			return ErrNotInteger
		}
		if end, ok = datatypes.ParseInt(c.Args[maxIdx]); !ok {
			return ErrNotInteger
		}
	case zrScore:
		r, err = zparseScoreRange(c.Args[minIdx], c.Args[maxIdx])
	case zrLex:
		r, err = zparseLexRange(c.Args[minIdx], c.Args[maxIdx])
	}
	if err != nil {
		return err
	}
	out := &zrangeOut{c: c, store: store, withScores: withScores || store}
	z, err := zsetRead(c, c.Arg(argStart))
	if err != nil {
		return err
	}
	if z == nil {
		out.finish(-1)
		return nil
	}
	if kind == zrRank {
		out.items = zrankRange(z, start, end, reverse)
		out.finish(len(out.items))
		return nil
	}
	out.items = zscoreLexRange(z, &r, offset, limit, reverse)
	out.finish(-1)
	return nil
}

// zrankRange is genericZrangebyrankCommand's index arithmetic.
func zrankRange(z *datatypes.ZSet, start, end int64, reverse bool) []datatypes.ZItem {
	n := int64(z.Len())
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 {
		start = 0
	}
	if start > end || start >= n {
		return nil
	}
	if end >= n {
		end = n - 1
	}
	items := make([]datatypes.ZItem, 0, end-start+1)
	add := func(e datatypes.ZItem) bool {
		items = append(items, e)
		return int64(len(items)) < end-start+1
	}
	if reverse {
		z.Descend(int(n-1-start), add)
	} else {
		z.Ascend(int(start), add)
	}
	return items
}

// zscoreLexRange is genericZrangebyscoreCommand/genericZrangebylexCommand:
// from the first item in range (the last when reversed), skip offset items
// (a negative offset skips past the end), then take items while they stay
// within the far end of the range, at most limit (negative: no limit).
func zscoreLexRange(z *datatypes.ZSet, r *zrange, offset, limit int64, reverse bool) []datatypes.ZItem {
	n := int64(z.Len())
	if offset < 0 || (offset > 0 && offset >= n) {
		return nil
	}
	var i int
	if reverse {
		i = zlastInRange(z, r)
	} else {
		i = zfirstInRange(z, r)
	}
	if i < 0 {
		return nil
	}
	var items []datatypes.ZItem
	take := func(e datatypes.ZItem) bool {
		if limit == 0 {
			return false
		}
		if (reverse && !r.gteMin(e)) || (!reverse && !r.lteMax(e)) {
			return false
		}
		items = append(items, e)
		limit--
		return true
	}
	if reverse {
		z.Descend(i-int(offset), take)
	} else {
		z.Ascend(i+int(offset), take)
	}
	return items
}

func cmdZcount(c *Ctx) error {
	r, err := zparseScoreRange(c.Args[2], c.Args[3])
	if err != nil {
		return err
	}
	return zcountGeneric(c, &r)
}

func cmdZlexcount(c *Ctx) error {
	r, err := zparseLexRange(c.Args[2], c.Args[3])
	if err != nil {
		return err
	}
	return zcountGeneric(c, &r)
}

// zcountGeneric counts from the first item in range: by walking in a
// listpack lex range (see zlinear), by rank difference otherwise, as
// ZLEXCOUNT does on a skiplist.
func zcountGeneric(c *Ctx, r *zrange) error {
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if z == nil {
		c.Int(0)
		return nil
	}
	first := zfirstInRange(z, r)
	if first < 0 {
		c.Int(0)
		return nil
	}
	if zlinear(z, r) {
		count := 0
		z.Ascend(first, func(e datatypes.ZItem) bool {
			if !r.lteMax(e) {
				return false
			}
			count++
			return true
		})
		c.Int(int64(count))
		return nil
	}
	last := zlastInRange(z, r)
	if last < 0 {
		c.Int(int64(z.Len() - first))
		return nil
	}
	c.Int(int64(last - first + 1))
	return nil
}

// zremrangeGeneric is zremrangeGenericCommand: the range is parsed before
// the key is looked up.
func zremrangeGeneric(c *Ctx, kind zrangeKind) error {
	var start, end int64
	var r zrange
	var err error
	switch kind {
	case zrRank:
		var ok bool
		if start, ok = datatypes.ParseInt(c.Args[2]); !ok {
			return ErrNotInteger
		}
		if end, ok = datatypes.ParseInt(c.Args[3]); !ok {
			return ErrNotInteger
		}
	case zrScore:
		r, err = zparseScoreRange(c.Args[2], c.Args[3])
	case zrLex:
		r, err = zparseLexRange(c.Args[2], c.Args[3])
	}
	if err != nil {
		return err
	}
	key := c.Arg(1)
	z, it, err := zsetOwn(c, key)
	if err != nil || z == nil {
		if err == nil {
			c.Int(0)
		}
		return err
	}
	var doomed []datatypes.ZItem
	if kind == zrRank {
		doomed = zrankRange(z, start, end, false)
	} else if i := zfirstInRange(z, &r); i >= 0 {
		// The run from the first item in range while within its far end.
		z.Ascend(i, func(e datatypes.ZItem) bool {
			if !r.lteMax(e) {
				return false
			}
			doomed = append(doomed, e)
			return true
		})
	}
	for _, e := range doomed {
		z.Delete(e.Member)
	}
	if len(doomed) > 0 {
		c.Set(key, it)
	}
	c.Int(int64(len(doomed)))
	return nil
}
