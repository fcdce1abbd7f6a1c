package fsm

import (
	"fmt"
	"math"
	"sort"

	"github.com/quoris/quoris/datatypes"
)

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD: Redis's
// zunionInterDiffGenericCommand. Plain sets are valid inputs, each member
// scoring 1. Weighted scores are explicitly rounded (float64(x*w)) before
// they are added up: Go may otherwise fuse the multiply and the add into
// one FMA on some platforms, and every node must store the same sums.

type zsetOp int

const (
	zopUnion zsetOp = iota
	zopInter
	zopDiff
)

const (
	zaggSum = iota
	zaggMin
	zaggMax
)

// zsrc is one input: a sorted set, a set, or nothing (a missing key).
type zsrc struct {
	z      *datatypes.ZSet
	s      *datatypes.Set
	weight float64
}

func (s *zsrc) length() int {
	switch {
	case s.z != nil:
		return s.z.Len()
	case s.s != nil:
		return s.s.Len()
	}
	return 0
}

func (s *zsrc) each(fn func(member string, score float64) bool) {
	switch {
	case s.z != nil:
		s.z.Each(func(e datatypes.ZItem) bool { return fn(e.Member, e.Score) })
	case s.s != nil:
		s.s.Each(func(m string) bool { return fn(m, 1) })
	}
}

func (s *zsrc) find(member string) (float64, bool) {
	switch {
	case s.z != nil:
		return s.z.Score(member)
	case s.s != nil && s.s.Has(member):
		return 1, true
	}
	return 0, false
}

// zaggregate is zunionInterAggregate, NaN sums (inf + -inf) becoming 0.
// MIN and MAX keep the current value on ties and against NaN.
func zaggregate(target *float64, val float64, agg int) {
	switch agg {
	case zaggSum:
		*target += val
		if math.IsNaN(*target) {
			*target = 0
		}
	case zaggMin:
		if val < *target {
			*target = val
		}
	case zaggMax:
		if val > *target {
			*target = val
		}
	}
}

// zsetOpGeneric parses like Redis: numkeys, then every key's type, then
// the options (so WRONGTYPE wins over a syntax error after the keys).
func zsetOpGeneric(c *Ctx, store bool, numkeysIdx int, op zsetOp, cardOnly bool) error {
	setnum, ok := datatypes.ParseInt(c.Args[numkeysIdx])
	if !ok {
		return ErrNotInteger
	}
	if setnum < 1 {
		return fmt.Errorf("ERR at least 1 input key is needed for '%s' command", zsetCmdName(c))
	}
	if setnum > int64(len(c.Args)-numkeysIdx-1) {
		return ErrSyntax
	}
	srcs := make([]zsrc, setnum)
	j := numkeysIdx + 1
	for i := range srcs {
		srcs[i].weight = 1
		it, found := c.Lookup(c.Arg(j))
		j++
		if !found {
			continue
		}
		switch v := it.Value.(type) {
		case zsetValue:
			srcs[i].z = v.ZSet
		case setValue:
			srcs[i].s = v.Set
		default:
			return ErrWrongType
		}
	}
	agg, withScores, limit := zaggSum, false, int64(0)
	for j < len(c.Args) {
		remaining := len(c.Args) - j
		a := c.Args[j]
		switch {
		case op != zopDiff && !cardOnly && remaining >= len(srcs)+1 && strOptIs(a, "weights"):
			j++
			for i := range srcs {
				w, ok := datatypes.ParseScore(c.Args[j])
				if !ok {
					return errZsetWeight
				}
				srcs[i].weight = w
				j++
			}
		case op != zopDiff && !cardOnly && remaining >= 2 && strOptIs(a, "aggregate"):
			switch v := c.Args[j+1]; {
			case strOptIs(v, "sum"):
				agg = zaggSum
			case strOptIs(v, "min"):
				agg = zaggMin
			case strOptIs(v, "max"):
				agg = zaggMax
			default:
				return ErrSyntax
			}
			j += 2
		case !store && !cardOnly && strOptIs(a, "withscores"):
			withScores = true
			j++
		case cardOnly && remaining >= 2 && strOptIs(a, "limit"):
			n, ok := datatypes.ParseInt(c.Args[j+1])
			if !ok || n < 0 {
				return errZsetLimit
			}
			limit = n
			j += 2
		default:
			return ErrSyntax
		}
	}
	if op != zopDiff {
		// Smallest input first, stably as glibc's qsort (a merge sort) is:
		// the order in which a union adds up its doubles shows in the sums.
		sort.SliceStable(srcs, func(a, b int) bool { return srcs[a].length() < srcs[b].length() })
	}
	if cardOnly {
		c.Int(zinterCard(srcs, limit))
		return nil
	}
	var dst *datatypes.ZSet
	switch op {
	case zopUnion:
		dst = zunion(srcs, agg, c.Limits())
	case zopInter:
		dst = zinter(srcs, agg, c.Limits())
	default:
		dst = zdiff(srcs, c.Limits())
	}
	if store {
		dst.FitListpack(c.Limits())
		zsetStore(c, c.Arg(1), dst, zsetCmdName(c))
		return nil
	}
	n := dst.Len()
	if withScores {
		n *= 2
	}
	c.Array(n)
	dst.Each(func(e datatypes.ZItem) bool {
		c.BulkString(e.Member)
		if withScores {
			zsetScore(c, e.Score)
		}
		return true
	})
	return nil
}

// zsetCmdName is the command's name as Redis's c->cmd->fullname spells it.
func zsetCmdName(c *Ctx) string {
	if cmd := c.f.table.Lookup(c.Args[0]); cmd != nil {
		return cmd.Name
	}
	return string(c.Args[0])
}

func zunion(srcs []zsrc, agg int, lim datatypes.Limits) *datatypes.ZSet {
	acc := make(map[string]float64)
	var order []string
	for i := range srcs {
		s := &srcs[i]
		s.each(func(m string, score float64) bool {
			score = float64(score * s.weight)
			if math.IsNaN(score) {
				score = 0
			}
			if cur, ok := acc[m]; ok {
				zaggregate(&cur, score, agg)
				acc[m] = cur
			} else {
				acc[m] = score
				order = append(order, m)
			}
			return true
		})
	}
	dst := datatypes.NewZSetEncoded(true)
	for _, m := range order {
		dst.Insert(m, acc[m], lim)
	}
	return dst
}

// zinter walks the smallest input and probes the others in size order.
func zinter(srcs []zsrc, agg int, lim datatypes.Limits) *datatypes.ZSet {
	dst := datatypes.NewZSetEncoded(true)
	zinterEach(srcs, agg, func(m string, score float64) bool {
		dst.Insert(m, score, lim)
		return true
	})
	return dst
}

func zinterCard(srcs []zsrc, limit int64) int64 {
	var n int64
	zinterEach(srcs, zaggSum, func(string, float64) bool {
		n++
		return limit == 0 || n < limit
	})
	return n
}

func zinterEach(srcs []zsrc, agg int, fn func(m string, score float64) bool) {
	if srcs[0].length() == 0 {
		return
	}
	srcs[0].each(func(m string, s0 float64) bool {
		score := float64(srcs[0].weight * s0)
		if math.IsNaN(score) {
			score = 0
		}
		for j := 1; j < len(srcs); j++ {
			v, ok := srcs[j].find(m)
			if !ok {
				return true
			}
			zaggregate(&score, float64(v*srcs[j].weight), agg)
		}
		return fn(m, score)
	})
}

// zdiff keeps the first input's members (and scores) found in no other.
func zdiff(srcs []zsrc, lim datatypes.Limits) *datatypes.ZSet {
	dst := datatypes.NewZSetEncoded(true)
	srcs[0].each(func(m string, score float64) bool {
		for j := 1; j < len(srcs); j++ {
			if _, ok := srcs[j].find(m); ok {
				return true
			}
		}
		dst.Insert(m, score, lim)
		return true
	})
	return dst
}
