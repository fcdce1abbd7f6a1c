package fsm

import (
	"errors"
	"math"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

// strMaxLen is Redis's default proto-max-bulk-len, the cap APPEND and
// SETRANGE enforce on the string they would produce.
const strMaxLen = 512 * 1024 * 1024

const strGetrangeComplexity = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings."

func registerStrings(t *Table) {
	str := func(name string, arity int, flags []string, first, last, step int, since, summary, complexity string, run func(*Ctx) error) *Command {
		return &Command{Spec: Spec{
			Name: name, Arity: arity, Flags: flags,
			FirstKey: first, LastKey: last, Step: step,
			Group: "string", Summary: summary, Since: since, Complexity: complexity,
		}, Run: run}
	}
	var (
		readFast  = []string{"readonly", "fast"}
		read      = []string{"readonly"}
		writeFast = []string{"write", "fast"}
		writeOOM  = []string{"write", "denyoom"}
		writeOOMF = []string{"write", "denyoom", "fast"}
	)
	t.Add(
		str("get", 2, readFast, 1, 1, 1, "1.0.0", "Get the value of a key", "O(1)", cmdGet),
		str("set", -3, writeOOM, 1, 1, 1, "1.0.0", "Set the string value of a key", "O(1)", cmdSet),
		str("setnx", 3, writeOOMF, 1, 1, 1, "1.0.0", "Set the value of a key, only if the key does not exist", "O(1)", cmdSetnx),
		str("setex", 4, writeOOM, 1, 1, 1, "2.0.0", "Set the value and expiration of a key", "O(1)", cmdSetex),
		str("psetex", 4, writeOOM, 1, 1, 1, "2.6.0", "Set the value and expiration in milliseconds of a key", "O(1)", cmdPsetex),
		str("mget", -2, readFast, 1, -1, 1, "1.0.0", "Get the values of all the given keys", "O(N) where N is the number of keys to retrieve.", cmdMget),
		str("mset", -3, writeOOM, 1, -1, 2, "1.0.1", "Set multiple keys to multiple values", "O(N) where N is the number of keys to set.", cmdMset),
		str("msetnx", -3, writeOOM, 1, -1, 2, "1.0.1", "Set multiple keys to multiple values, only if none of the keys exist", "O(N) where N is the number of keys to set.", cmdMsetnx),
		str("getset", 3, writeOOMF, 1, 1, 1, "1.0.0", "Set the string value of a key and return its old value", "O(1)", cmdGetset),
		str("getdel", 2, writeFast, 1, 1, 1, "6.2.0", "Get the value of a key and delete the key", "O(1)", cmdGetdel),
		str("getex", -2, writeFast, 1, 1, 1, "6.2.0", "Get the value of a key and optionally set its expiration", "O(1)", cmdGetex),
		str("append", 3, writeOOMF, 1, 1, 1, "2.0.0", "Append a value to a key", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", cmdAppend),
		str("strlen", 2, readFast, 1, 1, 1, "2.2.0", "Get the length of the value stored in a key", "O(1)", cmdStrlen),
		str("incr", 2, writeOOMF, 1, 1, 1, "1.0.0", "Increment the integer value of a key by one", "O(1)", cmdIncr),
		str("decr", 2, writeOOMF, 1, 1, 1, "1.0.0", "Decrement the integer value of a key by one", "O(1)", cmdDecr),
		str("incrby", 3, writeOOMF, 1, 1, 1, "1.0.0", "Increment the integer value of a key by the given amount", "O(1)", cmdIncrby),
		str("decrby", 3, writeOOMF, 1, 1, 1, "1.0.0", "Decrement the integer value of a key by the given number", "O(1)", cmdDecrby),
		str("incrbyfloat", 3, writeOOMF, 1, 1, 1, "2.6.0", "Increment the float value of a key by the given amount", "O(1)", cmdIncrbyfloat),
		str("getrange", 4, read, 1, 1, 1, "2.4.0", "Get a substring of the string stored at a key", strGetrangeComplexity, cmdGetrange),
		str("setrange", 4, writeOOM, 1, 1, 1, "2.2.0", "Overwrite part of a string at key starting at the specified offset", "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", cmdSetrange),
		str("substr", 4, read, 1, 1, 1, "1.0.0", "Get a substring of the string stored at a key", strGetrangeComplexity, cmdGetrange),
		str("lcs", -3, read, 1, 2, 1, "7.0.0", "Find longest common substring", "O(N*M) where N and M are the lengths of s1 and s2, respectively", cmdLcs),
	)
}

// strOptIs matches an option against a lower-case keyword. Redis compares
// C strings, so it would also take "nx\x00junk" for NX; comparing whole
// arguments is the one deliberate difference.
func strOptIs(b []byte, word string) bool {
	if len(b) != len(word) {
		return false
	}
	for i := range b {
		ch := b[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != word[i] {
			return false
		}
	}
	return true
}

// strErrExpire is Redis's addReplyErrorExpireTime, which names the command.
func strErrExpire(c *Ctx) error {
	return errors.New("ERR invalid expire time in '" + strings.ToLower(string(c.Args[0])) + "' command")
}

// --- GET / SET family ----------------------------------------------------

func cmdGet(c *Ctx) error {
	b, _, ok, err := c.LookupString(c.Arg(1))
	if err != nil {
		return err
	}
	if !ok {
		c.Null()
		return nil
	}
	c.Bulk(b)
	return nil
}

func cmdSetnx(c *Ctx) error {
	return strSetGeneric(c, strOpts{nx: true}, c.Arg(1), c.Args[2],
		func() { c.Int(1) }, func() { c.Int(0) })
}

func cmdSetex(c *Ctx) error {
	return strSetGeneric(c, strOpts{ex: true, expire: c.Args[2]}, c.Arg(1), c.Args[3], c.OK, c.Null)
}

func cmdPsetex(c *Ctx) error {
	return strSetGeneric(c, strOpts{px: true, expire: c.Args[2]}, c.Arg(1), c.Args[3], c.OK, c.Null)
}

func cmdGetex(c *Ctx) error {
	o, err := parseStrOpts(c.Args, false)
	if err != nil {
		return err
	}
	key := c.Arg(1)
	b, it, ok, err := c.LookupString(key)
	if err != nil {
		return err
	}
	if !ok {
		c.Null()
		return nil
	}
	var deadline int64
	if o.hasExpire() {
		if deadline, err = strDeadline(c, o.expire, o.ex || o.exat, o.ex || o.px); err != nil {
			return err
		}
	}
	c.Bulk(b)
	switch {
	case o.hasExpire():
		it.ExpireAt = deadline
		strStore(c, key, it)
		if deadline <= c.Now {
			c.Notify(NotifyGeneric, "del", key)
		} else {
			c.Notify(NotifyGeneric, "expire", key)
		}
	case o.persist && it.ExpireAt != 0:
		it.ExpireAt = 0
		c.Set(key, it)
		c.Notify(NotifyGeneric, "persist", key)
	}
	return nil
}

func cmdGetdel(c *Ctx) error {
	key := c.Arg(1)
	b, _, ok, err := c.LookupString(key)
	if err != nil {
		return err
	}
	if !ok {
		c.Null()
		return nil
	}
	c.Bulk(b)
	c.Delete(key)
	c.Notify(NotifyGeneric, "del", key)
	return nil
}

func cmdGetset(c *Ctx) error {
	key := c.Arg(1)
	b, _, ok, err := c.LookupString(key)
	if err != nil {
		return err
	}
	if ok {
		c.Bulk(b)
	} else {
		c.Null()
	}
	c.Set(key, Item{Str: c.Args[2]})
	c.Notify(NotifyString, "set", key)
	return nil
}

func cmdMget(c *Ctx) error {
	c.Array(len(c.Args) - 1)
	for _, k := range c.Args[1:] {
		// MGET never fails: a key of another type reads as missing.
		it, ok := c.Lookup(string(k))
		if ok && it.Value == nil {
			c.Bulk(it.Str)
		} else {
			c.Null()
		}
	}
	return nil
}

func strMsetArity(c *Ctx) error {
	if len(c.Args)%2 == 0 {
		return errors.New("ERR wrong number of arguments for '" + strings.ToLower(string(c.Args[0])) + "' command")
	}
	return nil
}

func cmdMset(c *Ctx) error {
	if err := strMsetArity(c); err != nil {
		return err
	}
	for j := 1; j < len(c.Args); j += 2 {
		c.Set(string(c.Args[j]), Item{Str: c.Args[j+1]})
		c.Notify(NotifyString, "set", string(c.Args[j]))
	}
	c.OK()
	return nil
}

func cmdMsetnx(c *Ctx) error {
	if err := strMsetArity(c); err != nil {
		return err
	}
	for j := 1; j < len(c.Args); j += 2 {
		if _, ok := c.Lookup(string(c.Args[j])); ok {
			c.Int(0)
			return nil
		}
	}
	for j := 1; j < len(c.Args); j += 2 {
		c.Set(string(c.Args[j]), Item{Str: c.Args[j+1]})
		c.Notify(NotifyString, "set", string(c.Args[j]))
	}
	c.Int(1)
	return nil
}

// --- in-place edits --------------------------------------------------------

func cmdAppend(c *Ctx) error {
	key, add := c.Arg(1), c.Args[2]
	b, it, ok, err := c.LookupString(key)
	if err != nil {
		return err
	}
	if !ok {
		c.Set(key, Item{Str: add})
		c.Notify(NotifyString, "append", key)
		c.Int(int64(len(add)))
		return nil
	}
	total := len(b) + len(add)
	if total > strMaxLen {
		return ErrStringTooLong
	}
	// A fresh slice every time: the stored one may be shared with a snapshot
	// or another key, so writing into its spare capacity is never safe.
	nb := make([]byte, total)
	copy(nb, b)
	copy(nb[len(b):], add)
	it.Str, it.Enc = nb, EncRaw
	c.Set(key, it)
	c.Notify(NotifyString, "append", key)
	c.Int(int64(total))
	return nil
}

func cmdSetrange(c *Ctx) error {
	offset, ok := datatypes.ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	if offset < 0 {
		return ErrOffsetRange
	}
	key, val := c.Arg(1), c.Args[3]
	b, it, found, err := c.LookupString(key)
	if err != nil {
		return err
	}
	if len(val) == 0 {
		// Writing nothing changes nothing, not even a missing key.
		c.Int(int64(len(b)))
		return nil
	}
	if offset > strMaxLen-int64(len(val)) {
		return ErrStringTooLong
	}
	end := int(offset) + len(val)
	nb := make([]byte, max(len(b), end))
	copy(nb, b)
	copy(nb[offset:], val)
	if !found {
		it = Item{}
	}
	it.Str, it.Enc = nb, EncRaw
	c.Set(key, it)
	c.Notify(NotifyString, "setrange", key)
	c.Int(int64(len(nb)))
	return nil
}

// --- counters --------------------------------------------------------------

func strIncrBy(c *Ctx, delta int64) error {
	key := c.Arg(1)
	b, it, ok, err := c.LookupString(key)
	if err != nil {
		return err
	}
	var v int64
	if ok {
		if v, ok = datatypes.ParseInt(b); !ok {
			return ErrNotInteger
		}
	}
	if v, ok = datatypes.AddInt64(v, delta); !ok {
		return ErrOverflow
	}
	// Only the value changes: an existing TTL survives, as in Redis.
	it.Str, it.Enc = datatypes.AppendInt(nil, v), EncAuto
	c.Set(key, it)
	c.Notify(NotifyString, "incrby", key)
	c.Int(v)
	return nil
}

func cmdIncr(c *Ctx) error { return strIncrBy(c, 1) }
func cmdDecr(c *Ctx) error { return strIncrBy(c, -1) }

func cmdIncrby(c *Ctx) error {
	d, ok := datatypes.ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	return strIncrBy(c, d)
}

func cmdDecrby(c *Ctx) error {
	d, ok := datatypes.ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	if d == math.MinInt64 {
		return errors.New("ERR decrement would overflow")
	}
	return strIncrBy(c, -d)
}

func cmdIncrbyfloat(c *Ctx) error {
	key := c.Arg(1)
	b, it, found, err := c.LookupString(key)
	if err != nil {
		return err
	}
	var v datatypes.LongDouble // a missing key counts as 0
	if found {
		var ok bool
		if v, ok = datatypes.ParseLongDouble(b); !ok {
			return ErrNotFloat
		}
	}
	incr, ok := datatypes.ParseLongDouble(c.Args[2])
	if !ok {
		return ErrNotFloat
	}
	sum, ok := v.Add(incr)
	if !ok {
		return errors.New("ERR increment would produce NaN or Infinity")
	}
	nb := sum.AppendHuman(nil)
	it.Str, it.Enc = nb, EncEmbstr
	c.Set(key, it)
	c.Notify(NotifyString, "incrbyfloat", key)
	c.Bulk(nb)
	return nil
}

// --- reads -----------------------------------------------------------------

func cmdStrlen(c *Ctx) error {
	b, _, _, err := c.LookupString(c.Arg(1))
	if err != nil {
		return err
	}
	c.Int(int64(len(b)))
	return nil
}

func cmdGetrange(c *Ctx) error {
	start, ok := datatypes.ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	end, ok := datatypes.ParseInt(c.Args[3])
	if !ok {
		return ErrNotInteger
	}
	b, _, _, err := c.LookupString(c.Arg(1))
	if err != nil {
		return err
	}
	n := int64(len(b))
	if start < 0 && end < 0 && start > end {
		c.Bulk(nil)
		return nil
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		c.Bulk(nil)
		return nil
	}
	c.Bulk(b[start : end+1])
	return nil
}

func cmdLcs(c *Ctx) error {
	a, _, _, errA := c.LookupString(c.Arg(1))
	b, _, _, errB := c.LookupString(c.Arg(2))
	if errA != nil || errB != nil {
		return errors.New("ERR The specified keys must contain string values")
	}
	var getLen, getIdx, withMatchLen bool
	var minMatchLen int64
	for j := 3; j < len(c.Args); j++ {
		opt := c.Args[j]
		switch {
		case strOptIs(opt, "idx"):
			getIdx = true
		case strOptIs(opt, "len"):
			getLen = true
		case strOptIs(opt, "withmatchlen"):
			withMatchLen = true
		case strOptIs(opt, "minmatchlen") && j < len(c.Args)-1:
			n, ok := datatypes.ParseInt(c.Args[j+1])
			if !ok {
				return ErrNotInteger
			}
			minMatchLen = max(n, 0)
			j++
		default:
			return ErrSyntax
		}
	}
	if getLen && getIdx {
		return errors.New("ERR If you want both the length and indexes, please just use IDX.")
	}
	if datatypes.LCSTableBytes(len(a), len(b)) > strMaxLen {
		return errors.New("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
	}
	if getLen {
		c.Int(int64(datatypes.LCSLen(a, b)))
		return nil
	}
	seq, matches := datatypes.LCS(a, b, getIdx, minMatchLen)
	if !getIdx {
		c.Bulk(seq)
		return nil
	}
	c.Array(4)
	c.BulkString("matches")
	c.Array(len(matches))
	for _, m := range matches {
		if withMatchLen {
			c.Array(3)
		} else {
			c.Array(2)
		}
		c.Array(2)
		c.Int(int64(m.AStart))
		c.Int(int64(m.AEnd))
		c.Array(2)
		c.Int(int64(m.BStart))
		c.Int(int64(m.BEnd))
		if withMatchLen {
			c.Int(int64(m.Len()))
		}
	}
	c.BulkString("len")
	c.Int(int64(len(seq)))
	return nil
}
