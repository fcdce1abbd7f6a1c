package fsm

import (
	"errors"
	"sort"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

// setLoad looks up every key of a multi-set command. Like Redis 7.0 it
// checks all types before acting on a missing key, so a WRONGTYPE key
// anywhere in the list wins over an empty result.
func setLoad(c *Ctx, keys [][]byte) (sets []*datatypes.Set, missing bool, err error) {
	sets = make([]*datatypes.Set, len(keys))
	for i, k := range keys {
		s, err := setRead(c, string(k))
		if err != nil {
			return nil, false, err
		}
		missing = missing || s == nil
		sets[i] = s
	}
	return sets, missing, nil
}

// setStore stores result under the destination key (c.Args[1]) the way
// Redis's *STORE commands do: replacing whatever was there, TTL included,
// or deleting the key when the result is empty.
func setStore(c *Ctx, result *datatypes.Set) {
	dst := c.Arg(1)
	if result.Len() == 0 {
		if c.Delete(dst) {
			c.Notify(NotifyGeneric, "del", dst)
		}
		c.Int(0)
		return
	}
	c.Set(dst, c.NewItem(setValue{result}))
	c.Notify(NotifySet, strings.ToLower(string(c.Args[0])), dst)
	c.Int(int64(result.Len()))
}

// setInter is sinterGenericCommand: SINTER, SINTERSTORE and SINTERCARD.
// The smallest set is walked and probed against the others, so SINTER
// answers in that set's order (numeric when it is an intset), as Redis.
func setInter(c *Ctx, keys [][]byte, store, cardOnly bool, limit int64) error {
	sets, missing, err := setLoad(c, keys)
	if err != nil {
		return err
	}
	if missing {
		switch {
		case store:
			setStore(c, datatypes.NewSet())
		case cardOnly:
			c.Int(0)
		default:
			c.Array(0)
		}
		return nil
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].Len() < sets[j].Len() })
	first := sets[0]
	var members []string
	var card int64
	first.Each(func(m string) bool {
		for _, o := range sets[1:] {
			if o != first && !o.Has(m) {
				return true
			}
		}
		if cardOnly {
			card++
			return limit == 0 || card < limit
		}
		members = append(members, m)
		return true
	})
	switch {
	case cardOnly:
		c.Int(card)
	case store:
		// The destination starts as an intset, as Redis's does.
		result := datatypes.NewSet()
		for _, m := range members {
			result.Add(m, c.Limits())
		}
		setStore(c, result)
	default:
		c.Array(len(members))
		for _, m := range members {
			c.BulkString(m)
		}
	}
	return nil
}

// setUnionOf adds every member of sets (nil ones are empty) to a new set
// that starts as an intset, as sunionDiffGenericCommand does.
func setUnionOf(sets []*datatypes.Set, lim datatypes.Limits) *datatypes.Set {
	result := datatypes.NewSet()
	for _, s := range sets {
		if s == nil {
			continue
		}
		s.Each(func(m string) bool {
			result.Add(m, lim)
			return true
		})
	}
	return result
}

// setUnionDiff is sunionDiffGenericCommand: SUNION, SDIFF and their STORE
// forms. The result is built as a new set and answered in its order.
func setUnionDiff(c *Ctx, keys [][]byte, store, diff bool) error {
	sets, _, err := setLoad(c, keys)
	if err != nil {
		return err
	}
	var result *datatypes.Set
	if diff {
		result = setDiffOf(sets, c.Limits())
	} else {
		result = setUnionOf(sets, c.Limits())
	}
	if store {
		setStore(c, result)
		return nil
	}
	setReply(c, result)
	return nil
}

// setDiffOf picks between Redis's two SDIFF algorithms with its own cost
// estimate, because they can leave the result in different encodings:
// the second adds all of the first set (possibly turning the intset into a
// hashtable) before removing members, the first adds only survivors.
func setDiffOf(sets []*datatypes.Set, lim datatypes.Limits) *datatypes.Set {
	result := datatypes.NewSet()
	base := sets[0]
	if base == nil {
		return result
	}
	var one, two int64
	for i, s := range sets {
		if s == nil {
			continue
		}
		if i > 0 && s == base {
			// The first key repeated: the difference is empty.
			return result
		}
		one += int64(base.Len())
		two += int64(s.Len())
	}
	one /= 2
	others := sets[1:]
	if one <= two {
		base.Each(func(m string) bool {
			for _, s := range others {
				if s != nil && s.Has(m) {
					return true
				}
			}
			result.Add(m, lim)
			return true
		})
		return result
	}
	base.Each(func(m string) bool {
		result.Add(m, lim)
		return true
	})
	for _, s := range others {
		if s == nil {
			continue
		}
		s.Each(func(m string) bool {
			result.Remove(m)
			return result.Len() > 0
		})
		if result.Len() == 0 {
			break
		}
	}
	return result
}

func cmdSintercard(c *Ctx) error {
	numkeys, ok := datatypes.ParseInt(c.Args[1])
	if !ok || numkeys < 1 {
		return errors.New("ERR numkeys should be greater than 0")
	}
	if numkeys > int64(len(c.Args)-2) {
		return errors.New("ERR Number of keys can't be greater than number of args")
	}
	var limit int64
	for j := 2 + int(numkeys); j < len(c.Args); j++ {
		if !strOptIs(c.Args[j], "limit") || j+1 >= len(c.Args) {
			return ErrSyntax
		}
		j++
		l, ok := datatypes.ParseInt(c.Args[j])
		if !ok || l < 0 {
			return errors.New("ERR LIMIT can't be negative")
		}
		limit = l
	}
	return setInter(c, c.Args[2:2+numkeys], false, true, limit)
}
