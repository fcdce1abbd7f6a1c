package fsm

import (
	"bytes"
	"errors"

	"github.com/quoris/quoris/datatypes"
)

func cmdLinsert(c *Ctx) error {
	var after bool
	switch {
	case listOptIs(c.Args[2], "after"):
		after = true
	case listOptIs(c.Args[2], "before"):
	default:
		return ErrSyntax
	}
	key := c.Arg(1)
	l, err := listRead(c, key)
	if err != nil {
		return err
	}
	if l == nil {
		c.Int(0)
		return nil
	}
	pivot := -1
	l.Ascend(0, func(i int, v []byte) bool {
		if bytes.Equal(v, c.Args[3]) {
			pivot = i
			return false
		}
		return true
	})
	if pivot < 0 {
		c.Int(-1)
		return nil
	}
	// Own only once a change is certain: a miss leaves the value untouched.
	it, l, _, _ := listWrite(c, key)
	if after {
		pivot++
	}
	l.Insert(pivot, bytes.Clone(c.Args[4]))
	c.Set(key, it)
	c.Notify(NotifyList, "linsert", key)
	c.Int(int64(l.Len()))
	return nil
}

func cmdLrem(c *Ctx) error {
	toRemove, err := listParseInt(c.Args[2])
	if err != nil {
		return err
	}
	key := c.Arg(1)
	it, l, found, err := listWrite(c, key)
	if err != nil {
		return err
	}
	if !found {
		c.Int(0)
		return nil
	}
	fromTail := toRemove < 0
	if fromTail {
		// -math.MinInt64 stays negative, so no count is ever reached and
		// everything matching goes, as with Redis's C arithmetic.
		toRemove = -toRemove
	}
	elem := c.Args[3]
	removed := l.RemoveIf(toRemove, fromTail, func(v []byte) bool { return bytes.Equal(v, elem) })
	if removed > 0 {
		c.Set(key, it)
		c.Notify(NotifyList, "lrem", key)
	}
	c.Int(removed)
	return nil
}

func cmdLtrim(c *Ctx) error {
	start, err := listParseInt(c.Args[2])
	if err != nil {
		return err
	}
	end, err := listParseInt(c.Args[3])
	if err != nil {
		return err
	}
	key := c.Arg(1)
	it, l, found, err := listWrite(c, key)
	if err != nil {
		return err
	}
	if !found {
		c.OK()
		return nil
	}
	llen := int64(l.Len())
	left, right := llen, int64(0)
	if s, e, ok := listRange(llen, start, end); ok {
		left, right = s, llen-e-1
	}
	l.Trim(int(left), int(right))
	// Redis signals the key as modified even when nothing was trimmed.
	c.Set(key, it)
	c.Notify(NotifyList, "ltrim", key)
	c.OK()
	return nil
}

func cmdLpos(c *Ctx) error {
	rank, count, maxlen := int64(1), int64(-1), int64(0) // count -1: no COUNT option
	for j := 3; j < len(c.Args); j++ {
		opt, more := c.Args[j], j < len(c.Args)-1
		switch {
		case listOptIs(opt, "rank") && more:
			j++
			n, err := listParseInt(c.Args[j])
			if err != nil {
				return err
			}
			if n == 0 {
				return errListRankZero
			}
			rank = n
		case listOptIs(opt, "count") && more:
			j++
			n, ok := datatypes.ParseInt(c.Args[j])
			if !ok || n < 0 {
				return errListCountNeg
			}
			count = n
		case listOptIs(opt, "maxlen") && more:
			j++
			n, ok := datatypes.ParseInt(c.Args[j])
			if !ok || n < 0 {
				return errListMaxlen
			}
			maxlen = n
		default:
			return ErrSyntax
		}
	}
	fromTail := rank < 0
	if fromTail {
		// -math.MinInt64 stays negative, so every match qualifies, as in
		// Redis.
		rank = -rank
	}
	l, err := listRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if l == nil {
		if count != -1 {
			c.Array(0)
		} else {
			c.Null()
		}
		return nil
	}
	llen := l.Len()
	var found []int64
	matches := int64(0)
	visit := func(i int, v []byte) bool {
		scanned := int64(i)
		if fromTail {
			scanned = int64(llen - 1 - i)
		}
		if maxlen != 0 && scanned >= maxlen {
			return false
		}
		if !bytes.Equal(v, c.Args[2]) {
			return true
		}
		matches++
		if matches < rank {
			return true
		}
		found = append(found, int64(i))
		// Redis's test, wrapping included: matches-rank+1 >= count.
		return count != -1 && (count == 0 || matches-rank+1 < count)
	}
	if fromTail {
		l.Descend(llen-1, visit)
	} else {
		l.Ascend(0, visit)
	}
	if count != -1 {
		c.Array(len(found))
		for _, i := range found {
			c.Int(i)
		}
		return nil
	}
	if len(found) == 0 {
		c.Null()
		return nil
	}
	c.Int(found[0])
	return nil
}

func cmdLmove(c *Ctx) error {
	from, err := listWhere(c.Args[3])
	if err != nil {
		return err
	}
	to, err := listWhere(c.Args[4])
	if err != nil {
		return err
	}
	return listMove(c, from, to)
}

// listMove is lmoveGenericCommand: pop from Args[1], push onto Args[2]
// (possibly the same list) and reply with the element.
func listMove(c *Ctx, fromLeft, toLeft bool) error {
	src, dst := c.Arg(1), c.Arg(2)
	sit, found := c.Lookup(src)
	if !found {
		c.Null()
		return nil
	}
	if !listIsList(sit, found) {
		return ErrWrongType
	}
	dit, dfound := c.Lookup(dst)
	if !listIsList(dit, dfound) {
		return ErrWrongType
	}
	c.Own(&sit)
	sl := sit.Value.(listValue).List
	v := listPopOne(sl, fromLeft)
	if src == dst {
		listPushOne(sl, v, toLeft)
		c.Set(src, sit)
		c.Notify(NotifyList, listEvent("push", toLeft), dst)
		c.Notify(NotifyList, listEvent("pop", fromLeft), src)
		c.Bulk(v)
		return nil
	}
	if dfound {
		c.Own(&dit)
	} else {
		dit = c.NewItem(listValue{datatypes.NewList()})
	}
	listPushOne(dit.Value.(listValue).List, v, toLeft)
	c.Set(dst, dit)
	c.Set(src, sit)
	c.Notify(NotifyList, listEvent("push", toLeft), dst)
	c.Notify(NotifyList, listEvent("pop", fromLeft), src)
	c.Bulk(v)
	return nil
}

// listMpop is lmpopGenericCommand for LMPOP (numkeys at Args[1]) and
// BLMPOP (timeout at Args[1], numkeys at Args[2]).
func listMpop(c *Ctx, numkeysIdx int, block bool) error {
	numkeys, ok := datatypes.ParseInt(c.Args[numkeysIdx])
	if !ok || numkeys < 1 {
		return errListNumkeys
	}
	// Redis compares numkeysIdx+numkeys+1 with argc; written this way the
	// check cannot overflow for numkeys near math.MaxInt64.
	if numkeys > int64(len(c.Args)-numkeysIdx-2) {
		return ErrSyntax
	}
	whereIdx := numkeysIdx + int(numkeys) + 1
	left, err := listWhere(c.Args[whereIdx])
	if err != nil {
		return err
	}
	count := int64(-1)
	for j := whereIdx + 1; j < len(c.Args); j++ {
		if count == -1 && listOptIs(c.Args[j], "count") && j < len(c.Args)-1 {
			j++
			n, ok := datatypes.ParseInt(c.Args[j])
			if !ok || n < 1 {
				return errListCount
			}
			count = n
			continue
		}
		return ErrSyntax
	}
	if count == -1 {
		count = 1
	}
	keys := c.Args[numkeysIdx+1 : whereIdx]
	if block {
		if _, err := BlockTimeout(c.Args[1]); err != nil {
			return err
		}
	}
	return listPopFirst(c, keys, left, count)
}

// listPopFirst pops from the first of keys that holds a non-empty list:
// count elements as [key, [elements...]] when count > 0 (LMPOP), one
// element as [key, element] when count is 0 (BLPOP). A null array answers
// when every key is missing; a key of another type stops the walk.
func listPopFirst(c *Ctx, keys [][]byte, left bool, count int64) error {
	for _, k := range keys {
		key := string(k)
		it, l, found, err := listWrite(c, key)
		if err != nil && !(c.unblocking && errors.Is(err, ErrWrongType)) {
			return err
		}
		if !found || err != nil {
			continue
		}
		c.Array(2)
		c.Bulk(k)
		if count > 0 {
			listPopReply(c, l, left, count)
		} else {
			c.Bulk(listPopOne(l, left))
		}
		c.Set(key, it)
		c.Notify(NotifyList, listEvent("pop", left), key)
		return nil
	}
	c.NullArray()
	return nil
}
