package fsm

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/quoris/quoris/datatypes"
)

// Pops (ZPOPMIN, ZMPOP and the FSM side of BZPOPMIN/BZPOPMAX/BZMPOP),
// ZRANDMEMBER and ZSCAN.

// zpopMinMax is ZPOPMIN/ZPOPMAX key [count]: the count is checked before
// the key, and a missing key answers an empty array.
func zpopMinMax(c *Ctx, max bool) error {
	if len(c.Args) > 3 {
		return ErrSyntax
	}
	count := int64(-1) // plain single pop
	if len(c.Args) == 3 {
		n, ok := datatypes.ParseInt(c.Args[2])
		if !ok || n < 0 {
			return errZsetPositive
		}
		count = n
	}
	return zpopGeneric(c, c.Args[1:2], max, count, false, false)
}

// zpopGeneric is genericZpopCommand. The first existing key among keys is
// popped from (a key of another type is an error). emitKey selects the
// reply shapes of the blocking and multi-key pops: BZPOPMIN's flat [key,
// member, score] without nested, ZMPOP's [key, [[member, score]...]] with
// it; those also answer a null array, rather than an empty one, when no
// key exists.
func zpopGeneric(c *Ctx, keys [][]byte, max bool, count int64, emitKey, nested bool) error {
	var key string
	var it Item
	found := false
	for _, k := range keys {
		var ok bool
		if it, ok = c.Lookup(string(k)); !ok {
			continue
		}
		if _, isZset := it.Value.(zsetValue); !isZset {
			if c.unblocking {
				continue
			}
			return ErrWrongType
		}
		key, found = string(k), true
		break
	}
	if !found {
		if emitKey {
			c.NullArray()
		} else {
			c.Array(0)
		}
		return nil
	}
	if count == 0 {
		c.Array(0)
		return nil
	}
	if count < 0 {
		count = 1
	}
	c.Own(&it)
	z := it.Value.(zsetValue).ZSet
	n := int(min(count, int64(z.Len())))
	switch {
	case !emitKey:
		c.Array(2 * n)
	case !nested:
		c.Array(2*n + 1)
		c.BulkString(key)
	default:
		c.Array(2)
		c.BulkString(key)
		c.Array(n)
	}
	for ; n > 0; n-- {
		e, _ := z.Pop(max)
		if nested {
			c.Array(2)
		}
		c.BulkString(e.Member)
		zsetScore(c, e.Score)
	}
	c.Set(key, it)
	if max {
		c.Notify(NotifyZset, "zpopmax", key)
	} else {
		c.Notify(NotifyZset, "zpopmin", key)
	}
	return nil
}

// bzpopMinMax is BZPOPMIN/BZPOPMAX key [key ...] timeout as one attempt:
// the pop's reply when a key has members, a null array when the RESP
// layer should wait.
func bzpopMinMax(c *Ctx, max bool) error {
	if _, err := BlockTimeout(c.Args[len(c.Args)-1]); err != nil {
		return err
	}
	return zpopGeneric(c, c.Args[1:len(c.Args)-1], max, -1, true, false)
}

// zmpopGeneric is ZMPOP numkeys key... MIN|MAX [COUNT n] and BZMPOP
// timeout numkeys ...: numkeys, the direction and COUNT are checked before
// the timeout.
func zmpopGeneric(c *Ctx, numkeysIdx int, block bool) error {
	numkeys, ok := datatypes.ParseInt(c.Args[numkeysIdx])
	if !ok || numkeys < 1 {
		return errZsetNumkeys
	}
	if numkeys >= int64(len(c.Args)-numkeysIdx-1) {
		return ErrSyntax
	}
	whereIdx := numkeysIdx + int(numkeys) + 1
	var max bool
	switch {
	case strOptIs(c.Args[whereIdx], "min"):
	case strOptIs(c.Args[whereIdx], "max"):
		max = true
	default:
		return ErrSyntax
	}
	count := int64(-1)
	for j := whereIdx + 1; j < len(c.Args); j++ {
		if count == -1 && strOptIs(c.Args[j], "count") && j < len(c.Args)-1 {
			j++
			n, ok := datatypes.ParseInt(c.Args[j])
			if !ok || n < 1 {
				return errZsetCount
			}
			count = n
			continue
		}
		return ErrSyntax
	}
	if count == -1 {
		count = 1
	}
	if block {
		if _, err := BlockTimeout(c.Args[1]); err != nil {
			return err
		}
	}
	return zpopGeneric(c, c.Args[numkeysIdx+1:whereIdx], max, count, true, true)
}

// cmdZrandmember follows zrandmemberCommand: count, syntax and the
// WITHSCORES range are checked before the key. It is a read, so its
// randomness is per node on purpose.
func cmdZrandmember(c *Ctx) error {
	if len(c.Args) == 2 {
		z, err := zsetRead(c, c.Arg(1))
		if err != nil {
			return err
		}
		if z == nil {
			c.Null()
			return nil
		}
		c.BulkString(z.At(rand.IntN(z.Len())).Member)
		return nil
	}
	l, err := randCountArg(c.Args[2])
	if err != nil {
		return err
	}
	withScores := false
	if len(c.Args) > 4 || (len(c.Args) == 4 && !strOptIs(c.Args[3], "withscores")) {
		return ErrSyntax
	}
	if len(c.Args) == 4 {
		withScores = true
		if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
			return errors.New("ERR value is out of range")
		}
	}
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if z == nil || l == 0 {
		c.Array(0)
		return nil
	}
	if l < -maxRandRepeat {
		return errRandRepeat
	}
	per := 1
	if withScores {
		per = 2
	}
	emit := func(e datatypes.ZItem) {
		c.BulkString(e.Member)
		if withScores {
			zsetScore(c, e.Score)
		}
	}
	size := z.Len()
	if l < 0 || l == 1 {
		// With repetitions (or a single pick): count independent draws.
		n := l
		if n < 0 {
			n = -n
		}
		c.Array(int(n) * per)
		for ; n > 0; n-- {
			emit(z.At(rand.IntN(size)))
		}
		return nil
	}
	if int64(size) <= l {
		c.Array(size * per)
		z.Each(func(e datatypes.ZItem) bool { emit(e); return true })
		return nil
	}
	picks := randomDistinct(size, int(l), rand.IntN)
	c.Array(len(picks) * per)
	for _, i := range picks {
		emit(z.At(i))
	}
	return nil
}

// cmdZscan returns a listpack whole with cursor 0, as Redis does, with the
// scores as the listpack holds them; a skiplist is walked by member hash
// (see ZSet.ScanFrom) and its scores printed as doubles.
func cmdZscan(c *Ctx) error {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return ErrInvalidCursor
	}
	z, err := zsetRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if z == nil {
		emptyScan(c)
		return nil
	}
	count, pattern, usePattern, err := collScanArgs(c)
	if err != nil {
		return err
	}
	var out []datatypes.ZItem
	add := func(e datatypes.ZItem) {
		if !usePattern || datatypes.Match(pattern, e.Member, false) {
			out = append(out, e)
		}
	}
	var next uint64
	listpack := !z.IsSkiplist()
	if listpack {
		z.Each(func(e datatypes.ZItem) bool { add(e); return true })
	} else {
		next = z.ScanFrom(cursor, count, add)
	}
	c.Array(2)
	c.BulkString(strconv.FormatUint(next, 10))
	c.Array(2 * len(out))
	var buf [32]byte
	for _, e := range out {
		c.BulkString(e.Member)
		if listpack {
			c.Bulk(datatypes.AppendListpackScore(buf[:0], e.Score))
		} else {
			c.Bulk(datatypes.AppendScore(buf[:0], e.Score))
		}
	}
	return nil
}
