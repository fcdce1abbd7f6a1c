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
		z := datatypes.NewZSetEncoded(int64(sizeHint) > c.Limits().ZSetMaxListpackEntries)
		for _, e := range o.items {
			z.Insert(e.Member, e.Score, c.Limits())
		}
		zsetStore(c, c.Arg(1), z, "zrangestore")
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
		c.Notify(NotifyZset, zsetCmdName(c), key)
	}
	c.Int(int64(len(doomed)))
	return nil
}
