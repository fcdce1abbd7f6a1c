package fsm

import (
	"errors"
	"math"

	"github.com/quoris/quoris/datatypes"
)

// zsetValue is how a sorted set is stored in the keyspace (see hashValue).
type zsetValue struct{ *datatypes.ZSet }

func (v zsetValue) Clone() Collection { return zsetValue{v.ZSet.Clone()} }

var (
	errZsetNaN       = errors.New("ERR resulting score is not a number (NaN)")
	errZsetRange     = errors.New("ERR min or max is not a float")
	errZsetLexRange  = errors.New("ERR min or max not valid string range item")
	errZsetPositive  = errors.New("ERR value is out of range, must be positive")
	errZsetNumkeys   = errors.New("ERR numkeys should be greater than 0")
	errZsetCount     = errors.New("ERR count should be greater than 0")
	errZsetXXNX      = errors.New("ERR XX and NX options at the same time are not compatible")
	errZsetGTLTNX    = errors.New("ERR GT, LT, and/or NX options at the same time are not compatible")
	errZsetIncrPairs = errors.New("ERR INCR option supports a single increment-element pair")
	errZsetWeight    = errors.New("ERR weight value is not a float")
	errZsetLimit     = errors.New("ERR LIMIT can't be negative")

	errSyntaxLimit      = errors.New("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	errSyntaxWithscores = errors.New("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
)

func registerZSets(t *Table) {
	z := func(name string, arity int, flags []string, first, last, step int, since, summary, complexity string, run func(*Ctx) error) *Command {
		return &Command{Spec: Spec{
			Name: name, Arity: arity, Flags: flags, FirstKey: first, LastKey: last, Step: step,
			Group: "sorted-set", Summary: summary, Since: since, Complexity: complexity,
		}, Run: run}
	}
	var (
		read      = []string{"readonly"}
		readFast  = []string{"readonly", "fast"}
		readMove  = []string{"readonly", "movablekeys"}
		write     = []string{"write"}
		writeFast = []string{"write", "fast"}
		writeOOM  = []string{"write", "denyoom"}
		writeOOMF = []string{"write", "denyoom", "fast"}
		writeOOMM = []string{"write", "denyoom", "movablekeys"}
		logN      = "O(log(N)) with N being the number of elements in the sorted set."
		rangeCx   = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned."
		limitCx   = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."
		remCx     = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation."
		popCx     = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped."
		mpopCx    = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped."
		unionCx   = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set."
		unionSCx  = "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set."
		interCx   = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set."
		diffCx    = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set."
	)
	t.Add(
		z("zadd", -4, writeOOMF, 1, 1, 1, "1.2.0", "Add one or more members to a sorted set, or update its score if it already exists", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", func(c *Ctx) error { return zaddGeneric(c, false) }),
		z("zincrby", 4, writeOOMF, 1, 1, 1, "1.2.0", "Increment the score of a member in a sorted set", "O(log(N)) where N is the number of elements in the sorted set.", func(c *Ctx) error { return zaddGeneric(c, true) }),
		z("zrem", -3, writeFast, 1, 1, 1, "1.2.0", "Remove one or more members from a sorted set", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", cmdZrem),
		z("zcard", 2, readFast, 1, 1, 1, "1.2.0", "Get the number of members in a sorted set", "O(1)", cmdZcard),
		z("zcount", 4, readFast, 1, 1, 1, "2.0.0", "Count the members in a sorted set with scores within the given values", logN, cmdZcount),
		z("zlexcount", 4, readFast, 1, 1, 1, "2.8.9", "Count the number of members in a sorted set between a given lexicographical range", logN, cmdZlexcount),
		z("zscore", 3, readFast, 1, 1, 1, "1.2.0", "Get the score associated with the given member in a sorted set", "O(1)", cmdZscore),
		z("zmscore", -3, readFast, 1, 1, 1, "6.2.0", "Get the score associated with the given members in a sorted set", "O(N) where N is the number of members being requested.", cmdZmscore),
		z("zrank", 3, readFast, 1, 1, 1, "2.0.0", "Determine the index of a member in a sorted set", "O(log(N))", func(c *Ctx) error { return zrankGeneric(c, false) }),
		z("zrevrank", 3, readFast, 1, 1, 1, "2.0.0", "Determine the index of a member in a sorted set, with scores ordered from high to low", "O(log(N))", func(c *Ctx) error { return zrankGeneric(c, true) }),
		z("zrange", -4, read, 1, 1, 1, "1.2.0", "Return a range of members in a sorted set", rangeCx,
			func(c *Ctx) error { return zrangeGeneric(c, 1, false, zrAuto, zdAuto) }),
		z("zrangestore", -5, writeOOM, 1, 2, 1, "6.2.0", "Store a range of members from sorted set into another key", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
			func(c *Ctx) error { return zrangeGeneric(c, 2, true, zrAuto, zdAuto) }),
		z("zrangebyscore", -4, read, 1, 1, 1, "1.0.5", "Return a range of members in a sorted set, by score", limitCx,
			func(c *Ctx) error { return zrangeGeneric(c, 1, false, zrScore, zdForward) }),
		z("zrevrangebyscore", -4, read, 1, 1, 1, "2.2.0", "Return a range of members in a sorted set, by score, with scores ordered from high to low", limitCx,
			func(c *Ctx) error { return zrangeGeneric(c, 1, false, zrScore, zdReverse) }),
		z("zrangebylex", -4, read, 1, 1, 1, "2.8.9", "Return a range of members in a sorted set, by lexicographical range", limitCx,
			func(c *Ctx) error { return zrangeGeneric(c, 1, false, zrLex, zdForward) }),
		z("zrevrangebylex", -4, read, 1, 1, 1, "2.8.9", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", limitCx,
			func(c *Ctx) error { return zrangeGeneric(c, 1, false, zrLex, zdReverse) }),
		z("zrevrange", -4, read, 1, 1, 1, "1.2.0", "Return a range of members in a sorted set, by index, with scores ordered from high to low", rangeCx,
			func(c *Ctx) error { return zrangeGeneric(c, 1, false, zrRank, zdReverse) }),
		z("zremrangebyrank", 4, write, 1, 1, 1, "2.0.0", "Remove all members in a sorted set within the given indexes", remCx,
			func(c *Ctx) error { return zremrangeGeneric(c, zrRank) }),
		z("zremrangebyscore", 4, write, 1, 1, 1, "1.2.0", "Remove all members in a sorted set within the given scores", remCx,
			func(c *Ctx) error { return zremrangeGeneric(c, zrScore) }),
		z("zremrangebylex", 4, write, 1, 1, 1, "2.8.9", "Remove all members in a sorted set between the given lexicographical range", remCx,
			func(c *Ctx) error { return zremrangeGeneric(c, zrLex) }),
		z("zpopmin", -2, writeFast, 1, 1, 1, "5.0.0", "Remove and return members with the lowest scores in a sorted set", popCx,
			func(c *Ctx) error { return zpopMinMax(c, false) }),
		z("zpopmax", -2, writeFast, 1, 1, 1, "5.0.0", "Remove and return members with the highest scores in a sorted set", popCx,
			func(c *Ctx) error { return zpopMinMax(c, true) }),
		withNumKeys(z("zmpop", -4, []string{"write", "movablekeys"}, 0, 0, 0, "7.0.0", "Remove and return members with scores in a sorted set", mpopCx,
			func(c *Ctx) error { return zmpopGeneric(c, 1, false) }), 1, false),
		z("bzpopmin", -3, []string{"write", "noscript", "blocking", "fast"}, 1, -2, 1, "5.0.0", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", "O(log(N)) with N being the number of elements in the sorted set.",
			func(c *Ctx) error { return bzpopMinMax(c, false) }),
		z("bzpopmax", -3, []string{"write", "noscript", "blocking", "fast"}, 1, -2, 1, "5.0.0", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", "O(log(N)) with N being the number of elements in the sorted set.",
			func(c *Ctx) error { return bzpopMinMax(c, true) }),
		withNumKeys(z("bzmpop", -5, []string{"write", "blocking", "movablekeys"}, 0, 0, 0, "7.0.0", "Remove and return members with scores in a sorted set or block until one is available", mpopCx,
			func(c *Ctx) error { return zmpopGeneric(c, 2, true) }), 2, false),
		z("zrandmember", -2, read, 1, 1, 1, "6.2.0", "Get one or multiple random elements from a sorted set", "O(N) where N is the number of elements returned", cmdZrandmember),
		withNumKeys(z("zunion", -3, readMove, 0, 0, 0, "6.2.0", "Add multiple sorted sets", unionCx,
			func(c *Ctx) error { return zsetOpGeneric(c, false, 1, zopUnion, false) }), 1, false),
		withNumKeys(z("zunionstore", -4, writeOOMM, 1, 1, 1, "2.0.0", "Add multiple sorted sets and store the resulting sorted set in a new key", unionSCx,
			func(c *Ctx) error { return zsetOpGeneric(c, true, 2, zopUnion, false) }), 2, true),
		withNumKeys(z("zinter", -3, readMove, 0, 0, 0, "6.2.0", "Intersect multiple sorted sets", interCx,
			func(c *Ctx) error { return zsetOpGeneric(c, false, 1, zopInter, false) }), 1, false),
		withNumKeys(z("zinterstore", -4, writeOOMM, 1, 1, 1, "2.0.0", "Intersect multiple sorted sets and store the resulting sorted set in a new key", interCx,
			func(c *Ctx) error { return zsetOpGeneric(c, true, 2, zopInter, false) }), 2, true),
		withNumKeys(z("zintercard", -3, readMove, 0, 0, 0, "7.0.0", "Intersect multiple sorted sets and return the cardinality of the result", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
			func(c *Ctx) error { return zsetOpGeneric(c, false, 1, zopInter, true) }), 1, false),
		withNumKeys(z("zdiff", -3, readMove, 0, 0, 0, "6.2.0", "Subtract multiple sorted sets", diffCx,
			func(c *Ctx) error { return zsetOpGeneric(c, false, 1, zopDiff, false) }), 1, false),
		withNumKeys(z("zdiffstore", -4, writeOOMM, 1, 1, 1, "6.2.0", "Subtract multiple sorted sets and store the resulting sorted set in a new key", diffCx,
			func(c *Ctx) error { return zsetOpGeneric(c, true, 2, zopDiff, false) }), 2, true),
		z("zscan", -3, read, 1, 1, 1, "2.8.0", "Incrementally iterate sorted sets elements and associated scores", scanComplexity, cmdZscan),
	)
}

// zsetRead looks key up for reading; a missing key gives a nil set.
func zsetRead(c *Ctx, key string) (*datatypes.ZSet, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, nil
	}
	v, isZset := it.Value.(zsetValue)
	if !isZset {
		return nil, ErrWrongType
	}
	return v.ZSet, nil
}

// zsetOwn returns key's existing sorted set ready to be changed in place,
// or nil when the key is missing. The caller stores it back with c.Set.
func zsetOwn(c *Ctx, key string) (*datatypes.ZSet, Item, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, it, nil
	}
	if _, isZset := it.Value.(zsetValue); !isZset {
		return nil, it, ErrWrongType
	}
	c.Own(&it)
	return it.Value.(zsetValue).ZSet, it, nil
}

// zsetStore replaces the destination of a *STORE command with z, TTL
// included, or deletes it when z is empty, and replies z's size. event is
// what the store announces ("zunionstore", "geosearchstore" ...).
func zsetStore(c *Ctx, dst string, z *datatypes.ZSet, event string) {
	if z.Len() == 0 {
		if c.Delete(dst) {
			c.Notify(NotifyGeneric, "del", dst)
		}
		c.Int(0)
		return
	}
	c.Set(dst, c.NewItem(zsetValue{z}))
	c.Notify(NotifyZset, event, dst)
	c.Int(int64(z.Len()))
}

// zsetScore replies a score as a bulk string (addReplyDouble in RESP2).
func zsetScore(c *Ctx, f float64) {
	var buf [32]byte
	c.Bulk(datatypes.AppendScore(buf[:0], f))
}

// zaddFlags are ZADD's options (zsetAdd's in_flags).
type zaddFlags struct{ nx, xx, gt, lt, incr bool }

// zaddGeneric is zaddGenericCommand, which ZINCRBY shares: so ZINCRBY
// takes "nx" in its increment position as an option, as Redis does.
func zaddGeneric(c *Ctx, incr bool) error {
	f := zaddFlags{incr: incr}
	ch := false
	i := 2
options:
	for ; i < len(c.Args); i++ {
		switch a := c.Args[i]; {
		case strOptIs(a, "nx"):
			f.nx = true
		case strOptIs(a, "xx"):
			f.xx = true
		case strOptIs(a, "ch"):
			ch = true
		case strOptIs(a, "incr"):
			f.incr = true
		case strOptIs(a, "gt"):
			f.gt = true
		case strOptIs(a, "lt"):
			f.lt = true
		default:
			break options
		}
	}
	elements := len(c.Args) - i
	if elements%2 != 0 || elements == 0 {
		return ErrSyntax
	}
	elements /= 2
	switch {
	case f.nx && f.xx:
		return errZsetXXNX
	case (f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt):
		return errZsetGTLTNX
	case f.incr && elements > 1:
		return errZsetIncrPairs
	}
	// Every score is checked before anything changes: all or nothing.
	scores := make([]float64, elements)
	for j := range scores {
		s, ok := datatypes.ParseScore(c.Args[i+2*j])
		if !ok {
			return ErrNotFloat
		}
		scores[j] = s
	}
	key := c.Arg(1)
	z, it, err := zsetOwn(c, key)
	if err != nil {
		return err
	}
	var added, updated, processed int64
	var score float64
	if z == nil && !f.xx {
		// A first member too long for a listpack makes a skiplist at once.
		lim := c.Limits()
		z = datatypes.NewZSetEncoded(lim.ZSetMaxListpackEntries == 0 || int64(len(c.Args[i+1])) > lim.ZSetMaxListpackValue)
		it = c.NewItem(zsetValue{z})
	}
	if z != nil {
		for j, s := range scores {
			res, newScore, err := zsetAdd(z, c.Arg(i+2*j+1), s, f, c.Limits())
			if err != nil {
				if added+updated > 0 {
					c.Set(key, it)
					c.Notify(NotifyZset, zaddEvent(f.incr), key)
				}
				return err
			}
			switch res {
			case zaddAdded:
				added++
			case zaddUpdated:
				updated++
			}
			if res != zaddNop {
				processed++
				score = newScore
			}
		}
		if added+updated > 0 {
			c.Set(key, it)
			c.Notify(NotifyZset, zaddEvent(f.incr), key)
		}
	}
	switch {
	case !f.incr && ch:
		c.Int(added + updated)
	case !f.incr:
		c.Int(added)
	case processed > 0:
		zsetScore(c, score)
	default:
		c.Null()
	}
	return nil
}

func zaddEvent(incr bool) string {
	if incr {
		return "zincr"
	}
	return "zadd"
}

type zaddResult int

const (
	zaddNop zaddResult = iota
	zaddAdded
	zaddUpdated
	zaddSame // processed, but the score did not change
)

// zsetAdd is Redis's zsetAdd: NX/XX/GT/LT/INCR against one member. A
// member is moved only when its score really changes (-0 and 0 are the
// same score), while the reply reports the score as computed.
func zsetAdd(z *datatypes.ZSet, member string, score float64, f zaddFlags, lim datatypes.Limits) (zaddResult, float64, error) {
	cur, exists := z.Score(member)
	if !exists {
		if f.xx {
			return zaddNop, 0, nil
		}
		z.Insert(member, score, lim)
		return zaddAdded, score, nil
	}
	if f.nx {
		return zaddNop, 0, nil
	}
	if f.incr {
		score += cur
		if math.IsNaN(score) {
			return zaddNop, 0, errZsetNaN
		}
	}
	if (f.lt && score >= cur) || (f.gt && score <= cur) {
		return zaddNop, 0, nil
	}
	if score == cur {
		return zaddSame, score, nil
	}
	z.Update(member, cur, score)
	return zaddUpdated, score, nil
}

func cmdZrem(c *Ctx) error {
	key := c.Arg(1)
	z, it, err := zsetOwn(c, key)
	if err != nil || z == nil {
		if err == nil {
			c.Int(0)
		}
		return err
	}
	var deleted int64
	for _, m := range c.Args[2:] {
		if _, ok := z.Delete(string(m)); ok {
			deleted++
		}
		if z.Len() == 0 {
			break
		}
	}
	if deleted > 0 {
		c.Set(key, it)
		c.Notify(NotifyZset, "zrem", key)
	}
	c.Int(deleted)
	return nil
}

func cmdZcard(c *Ctx) error {
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if z == nil {
		c.Int(0)
		return nil
	}
	c.Int(int64(z.Len()))
	return nil
}

func cmdZscore(c *Ctx) error {
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if z == nil {
		c.Null()
		return nil
	}
	s, ok := z.Score(c.Arg(2))
	if !ok {
		c.Null()
		return nil
	}
	zsetScore(c, s)
	return nil
}

// cmdZmscore treats a missing key as an empty set.
func cmdZmscore(c *Ctx) error {
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	c.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if z == nil {
			c.Null()
			continue
		}
		if s, ok := z.Score(string(m)); ok {
			zsetScore(c, s)
		} else {
			c.Null()
		}
	}
	return nil
}

func zrankGeneric(c *Ctx, reverse bool) error {
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if z == nil {
		c.Null()
		return nil
	}
	r, ok := z.Rank(c.Arg(2))
	if !ok {
		c.Null()
		return nil
	}
	if reverse {
		r = z.Len() - 1 - r
	}
	c.Int(int64(r))
	return nil
}
