package fsm

import (
	"errors"
	"math/rand/v2"
	"strconv"

	"github.com/quoris/quoris/datatypes"
)

// setValue is how a set is stored in the keyspace (see hashValue).
type setValue struct{ *datatypes.Set }

func (v setValue) Clone() Collection { return setValue{v.Set.Clone()} }

// spopStream separates SPOP's random stream from any other use of the
// entry's seed.
const spopStream = 0x73706f70

func registerSets(t *Table) {
	set := func(name string, arity int, flags []string, first, last int, since, summary, complexity string, run func(*Ctx) error) *Command {
		step := 1
		if first == 0 {
			step = 0 // movable keys: Redis reports 0 0 0
		}
		return &Command{Spec: Spec{
			Name: name, Arity: arity, Flags: flags, FirstKey: first, LastKey: last, Step: step,
			Group: "set", Summary: summary, Since: since, Complexity: complexity,
		}, Run: run}
	}
	var (
		read      = []string{"readonly"}
		readFast  = []string{"readonly", "fast"}
		writeFast = []string{"write", "fast"}
		writeOOM  = []string{"write", "denyoom"}
		writeOOMF = []string{"write", "denyoom", "fast"}
		interCx   = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets."
		unionCx   = "O(N) where N is the total number of elements in all given sets."
	)
	t.Add(
		set("sadd", -3, writeOOMF, 1, 1, "1.0.0", "Add one or more members to a set", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", cmdSadd),
		set("srem", -3, writeFast, 1, 1, "1.0.0", "Remove one or more members from a set", "O(N) where N is the number of members to be removed.", cmdSrem),
		set("smembers", 2, read, 1, 1, "1.0.0", "Get all the members in a set", "O(N) where N is the set cardinality.", cmdSmembers),
		set("sismember", 3, readFast, 1, 1, "1.0.0", "Determine if a given value is a member of a set", "O(1)", cmdSismember),
		set("smismember", -3, readFast, 1, 1, "6.2.0", "Returns the membership associated with the given elements for a set", "O(N) where N is the number of elements being checked for membership", cmdSmismember),
		set("scard", 2, readFast, 1, 1, "1.0.0", "Get the number of members in a set", "O(1)", cmdScard),
		set("spop", -2, writeFast, 1, 1, "1.0.0", "Remove and return one or multiple random members from a set", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", cmdSpop),
		set("srandmember", -2, read, 1, 1, "1.0.0", "Get one or multiple random members from a set", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", cmdSrandmember),
		set("smove", 4, writeFast, 1, 2, "1.0.0", "Move a member from one set to another", "O(1)", cmdSmove),
		set("sinter", -2, read, 1, -1, "1.0.0", "Intersect multiple sets", interCx, func(c *Ctx) error { return setInter(c, c.Args[1:], false, false, 0) }),
		// SINTERCARD's keys follow a numkeys argument: movablekeys, no
		// fixed positions, as Redis reports it.
		withNumKeys(set("sintercard", -3, []string{"readonly", "movablekeys"}, 0, 0, "7.0.0", "Intersect multiple sets and return the cardinality of the result", interCx, cmdSintercard), 1, false),
		set("sinterstore", -3, writeOOM, 1, -1, "1.0.0", "Intersect multiple sets and store the resulting set in a key", interCx, func(c *Ctx) error { return setInter(c, c.Args[2:], true, false, 0) }),
		set("sunion", -2, read, 1, -1, "1.0.0", "Add multiple sets", unionCx, func(c *Ctx) error { return setUnionDiff(c, c.Args[1:], false, false) }),
		set("sunionstore", -3, writeOOM, 1, -1, "1.0.0", "Add multiple sets and store the resulting set in a key", unionCx, func(c *Ctx) error { return setUnionDiff(c, c.Args[2:], true, false) }),
		set("sdiff", -2, read, 1, -1, "1.0.0", "Subtract multiple sets", unionCx, func(c *Ctx) error { return setUnionDiff(c, c.Args[1:], false, true) }),
		set("sdiffstore", -3, writeOOM, 1, -1, "1.0.0", "Subtract multiple sets and store the resulting set in a key", unionCx, func(c *Ctx) error { return setUnionDiff(c, c.Args[2:], true, true) }),
		set("sscan", -3, read, 1, 1, "2.8.0", "Incrementally iterate Set elements", scanComplexity, cmdSscan),
	)
}

// setRead looks key up for reading; a missing key gives a nil set.
func setRead(c *Ctx, key string) (*datatypes.Set, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, nil
	}
	v, isSet := it.Value.(setValue)
	if !isSet {
		return nil, ErrWrongType
	}
	return v.Set, nil
}

// setOwn returns key's existing set ready to be changed in place, or nil
// when the key is missing. The caller stores it back with c.Set(key, it).
func setOwn(c *Ctx, key string) (*datatypes.Set, Item, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, it, nil
	}
	if _, isSet := it.Value.(setValue); !isSet {
		return nil, it, ErrWrongType
	}
	c.Own(&it)
	return it.Value.(setValue).Set, it, nil
}

// setReply writes s's members in encoding order (numeric for an intset).
func setReply(c *Ctx, s *datatypes.Set) {
	c.Array(s.Len())
	s.Each(func(m string) bool {
		c.BulkString(m)
		return true
	})
}

func cmdSadd(c *Ctx) error {
	key := c.Arg(1)
	s, it, err := setOwn(c, key)
	if err != nil {
		return err
	}
	if s == nil {
		s = datatypes.NewSetFor(c.Arg(2))
		it = c.NewItem(setValue{s})
	}
	var added int64
	for _, m := range c.Args[2:] {
		if s.Add(string(m), c.Limits()) {
			added++
		}
	}
	if added > 0 {
		c.Set(key, it)
		c.Notify(NotifySet, "sadd", key)
	}
	c.Int(added)
	return nil
}

func cmdSrem(c *Ctx) error {
	key := c.Arg(1)
	s, it, err := setOwn(c, key)
	if err != nil || s == nil {
		if err == nil {
			c.Int(0)
		}
		return err
	}
	var deleted int64
	for _, m := range c.Args[2:] {
		if s.Remove(string(m)) {
			deleted++
			if s.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		c.Set(key, it)
		c.Notify(NotifySet, "srem", key)
	}
	c.Int(deleted)
	return nil
}

func cmdSmembers(c *Ctx) error {
	s, err := setRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if s == nil {
		c.Array(0)
		return nil
	}
	setReply(c, s)
	return nil
}

func cmdSismember(c *Ctx) error {
	s, err := setRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	c.Bool(s != nil && s.Has(c.Arg(2)))
	return nil
}

func cmdSmismember(c *Ctx) error {
	s, err := setRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	c.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		c.Bool(s != nil && s.Has(string(m)))
	}
	return nil
}

func cmdScard(c *Ctx) error {
	s, err := setRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	var n int
	if s != nil {
		n = s.Len()
	}
	c.Int(int64(n))
	return nil
}

// spopMoveStrategyMul is Redis's SPOP_MOVE_STRATEGY_MUL: when few members
// would remain, SPOP picks those to keep instead of those to pop.
const spopMoveStrategyMul = 5

// cmdSpop removes random members chosen from the entry's seed, so every
// node pops the same ones. The strategies follow spopWithCountCommand
// because they decide the reply order and the resulting encoding.
func cmdSpop(c *Ctx) error {
	if len(c.Args) > 3 {
		return ErrSyntax
	}
	var count int64 = -1
	if len(c.Args) == 3 {
		n, ok := datatypes.ParseInt(c.Args[2])
		if !ok || n < 0 {
			return errors.New("ERR value is out of range, must be positive")
		}
		count = n
	}
	key := c.Arg(1)
	s, it, err := setOwn(c, key)
	if err != nil {
		return err
	}
	if s == nil || count == 0 {
		if count < 0 {
			c.Null()
		} else {
			c.Array(0)
		}
		return nil
	}
	rng := rand.New(rand.NewPCG(c.Seed, spopStream))
	size := int64(s.Len())
	switch {
	case count < 0:
		m := s.At(rng.IntN(int(size)))
		s.Remove(m)
		c.Set(key, it)
		c.Notify(NotifySet, "spop", key)
		c.BulkString(m)
	case count >= size:
		// Redis answers with SUNION of the one set, so the reply comes in
		// the order of a freshly built set (numeric when it would be an
		// intset), and then deletes the key.
		setReply(c, setUnionOf([]*datatypes.Set{s}, c.Limits()))
		c.Delete(key)
		c.Notify(NotifySet, "spop", key)
		c.Notify(NotifyGeneric, "del", key)
	case (size-count)*spopMoveStrategyMul > count:
		c.Array(int(count))
		for ; count > 0; count-- {
			m := s.At(rng.IntN(s.Len()))
			s.Remove(m)
			c.BulkString(m)
		}
		c.Set(key, it)
		c.Notify(NotifySet, "spop", key)
	default:
		var kept *datatypes.Set
		for remaining := size - count; remaining > 0; remaining-- {
			m := s.At(rng.IntN(s.Len()))
			if kept == nil {
				kept = datatypes.NewSetFor(m)
			}
			kept.Add(m, c.Limits())
			s.Remove(m)
		}
		setReply(c, s)
		// The kept members become a new set, whose encoding follows
		// from them alone (a hashtable can become an intset here).
		it.Value = setValue{kept}
		c.Set(key, it)
		c.Notify(NotifySet, "spop", key)
	}
	return nil
}

// cmdSrandmember follows srandmemberWithCountCommand's cases. It is a
// read, so its randomness is per node on purpose.
func cmdSrandmember(c *Ctx) error {
	if len(c.Args) > 3 {
		return ErrSyntax
	}
	if len(c.Args) == 2 {
		s, err := setRead(c, c.Arg(1))
		if err != nil {
			return err
		}
		if s == nil {
			c.Null()
			return nil
		}
		c.BulkString(s.At(rand.IntN(s.Len())))
		return nil
	}
	l, err := randCountArg(c.Args[2])
	if err != nil {
		return err
	}
	s, err := setRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if s == nil || l == 0 {
		c.Array(0)
		return nil
	}
	if l < -maxRandRepeat {
		return errRandRepeat
	}
	size := s.Len()
	switch {
	case l < 0 || l == 1:
		n := l
		if n < 0 {
			n = -n
		}
		c.Array(int(n))
		for ; n > 0; n-- {
			c.BulkString(s.At(rand.IntN(size)))
		}
	case l >= int64(size):
		setReply(c, s)
	default:
		picks := randomDistinct(size, int(l), rand.IntN)
		c.Array(len(picks))
		for _, i := range picks {
			c.BulkString(s.At(i))
		}
	}
	return nil
}

func cmdSmove(c *Ctx) error {
	srcKey, dstKey, m := c.Arg(1), c.Arg(2), c.Arg(3)
	src, err := setRead(c, srcKey)
	if err != nil || src == nil {
		if err == nil {
			c.Int(0)
		}
		return err
	}
	dst, err := setRead(c, dstKey)
	if err != nil {
		return err
	}
	if srcKey == dstKey {
		c.Bool(src.Has(m))
		return nil
	}
	if !src.Has(m) {
		c.Int(0)
		return nil
	}
	src, srcIt, _ := setOwn(c, srcKey)
	src.Remove(m)
	c.Set(srcKey, srcIt)
	c.Notify(NotifySet, "srem", srcKey)
	var dstIt Item
	if dst == nil {
		dst = datatypes.NewSetFor(m)
		dstIt = c.NewItem(setValue{dst})
	} else {
		dst, dstIt, _ = setOwn(c, dstKey)
	}
	if dst.Add(m, c.Limits()) {
		c.Set(dstKey, dstIt)
		c.Notify(NotifySet, "sadd", dstKey)
	}
	c.Int(1)
	return nil
}

func cmdSscan(c *Ctx) error {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return ErrInvalidCursor
	}
	s, err := setRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if s == nil {
		emptyScan(c)
		return nil
	}
	count, pattern, usePattern, err := collScanArgs(c)
	if err != nil {
		return err
	}
	var out []string
	add := func(m string) {
		if !usePattern || datatypes.Match(pattern, m, false) {
			out = append(out, m)
		}
	}
	var next uint64
	if s.IsIntset() {
		// Redis returns a whole intset in one call, whatever the cursor.
		s.Each(func(m string) bool { add(m); return true })
	} else {
		next = s.ScanFrom(cursor, count, add)
	}
	c.Array(2)
	c.BulkString(strconv.FormatUint(next, 10))
	c.Array(len(out))
	for _, m := range out {
		c.BulkString(m)
	}
	return nil
}
