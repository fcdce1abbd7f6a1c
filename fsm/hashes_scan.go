package fsm

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/quoris/quoris/datatypes"
)

// Random picks and cursors: HRANDFIELD and HSCAN, and the helpers SSCAN
// and SRANDMEMBER share with them.

// cmdHrandfield follows hrandfieldCommand: the count is checked (range,
// then syntax, then the WITHVALUES range) before the key is looked up.
// It is a read, so its randomness is per node on purpose.
func cmdHrandfield(c *Ctx) error {
	if len(c.Args) == 2 {
		h, err := hashRead(c, c.Arg(1))
		if err != nil {
			return err
		}
		if h == nil {
			c.Null()
			return nil
		}
		f, _ := h.At(rand.IntN(h.Len()))
		c.BulkString(f)
		return nil
	}
	l, err := randCountArg(c.Args[2])
	if err != nil {
		return err
	}
	withValues := false
	if len(c.Args) > 4 || (len(c.Args) == 4 && !strOptIs(c.Args[3], "withvalues")) {
		return ErrSyntax
	}
	if len(c.Args) == 4 {
		withValues = true
		if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
			return errors.New("ERR value is out of range")
		}
	}
	h, err := hashRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if h == nil || l == 0 {
		c.Array(0)
		return nil
	}
	if l < -maxRandRepeat {
		return errRandRepeat
	}
	pairs := 1
	if withValues {
		pairs = 2
	}
	emit := func(i int) {
		f, v := h.At(i)
		c.BulkString(f)
		if withValues {
			c.BulkString(v)
		}
	}
	size := h.Len()
	if l < 0 || l == 1 {
		n := l
		if n < 0 {
			n = -n
		}
		c.Array(int(n) * pairs)
		for ; n > 0; n-- {
			emit(rand.IntN(size))
		}
		return nil
	}
	if int64(size) <= l {
		c.Array(size * pairs)
		for i := 0; i < size; i++ {
			emit(i)
		}
		return nil
	}
	picks := randomDistinct(size, int(l), rand.IntN)
	c.Array(len(picks) * pairs)
	for _, i := range picks {
		emit(i)
	}
	return nil
}

// randCountArg parses the count of HRANDFIELD and SRANDMEMBER, which Redis
// reads with getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) so that
// negating it cannot overflow.
func randCountArg(b []byte) (int64, error) {
	l, ok := datatypes.ParseInt(b)
	if !ok {
		return 0, ErrNotInteger
	}
	if l == math.MinInt64 {
		return 0, errors.New("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	}
	return l, nil
}

// A negative count repeats picks without bound: Redis 7.0.15 builds the
// reply until the process dies; a node must not. Checked once the key is
// known to exist, so every other reply stays Redis's.
const maxRandRepeat = 1 << 24 // 16M elements

var errRandRepeat = errors.New("ERR value is out of range")

// randomDistinct returns k distinct indexes below n (k < n) in random
// order. Close to n it shuffles a prefix of all indexes; far from it,
// rejection sampling needs only O(k) memory.
func randomDistinct(n, k int, intN func(int) int) []int {
	if k*3 > n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		for i := 0; i < k; i++ {
			j := i + intN(n-i)
			idx[i], idx[j] = idx[j], idx[i]
		}
		return idx[:k]
	}
	seen := make(map[int]struct{}, k)
	out := make([]int, 0, k)
	for len(out) < k {
		i := intN(n)
		if _, dup := seen[i]; !dup {
			seen[i] = struct{}{}
			out = append(out, i)
		}
	}
	return out
}

// collScanArgs parses HSCAN/SSCAN options the way scanGenericCommand does
// for a key (TYPE is only for the keyspace's SCAN).
func collScanArgs(c *Ctx) (count int, pattern string, usePattern bool, err error) {
	count = 10
	for i := 3; i < len(c.Args); i += 2 {
		hasValue := len(c.Args)-i >= 2
		switch opt := c.Args[i]; {
		case hasValue && strOptIs(opt, "count"):
			n, ok := datatypes.ParseInt(c.Args[i+1])
			if !ok {
				return 0, "", false, ErrNotInteger
			}
			if n < 1 {
				return 0, "", false, ErrSyntax
			}
			count = int(n)
		case hasValue && strOptIs(opt, "match"):
			pattern = c.Arg(i + 1)
			usePattern = pattern != "*"
		default:
			return 0, "", false, ErrSyntax
		}
	}
	return count, pattern, usePattern, nil
}

// emptyScan is Redis's shared.emptyscan: a missing key scans as empty
// before any option is looked at.
func emptyScan(c *Ctx) {
	c.Array(2)
	c.BulkString("0")
	c.Array(0)
}

// cmdHscan returns a listpack hash whole with cursor 0, as Redis does;
// a hashtable is walked by field hash (see Hash.ScanFrom).
func cmdHscan(c *Ctx) error {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return ErrInvalidCursor
	}
	h, err := hashRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if h == nil {
		emptyScan(c)
		return nil
	}
	count, pattern, usePattern, err := collScanArgs(c)
	if err != nil {
		return err
	}
	var out []string
	add := func(f, v string) {
		if !usePattern || datatypes.Match(pattern, f, false) {
			out = append(out, f, v)
		}
	}
	var next uint64
	if h.IsListpack() {
		h.Each(func(f, v string) bool { add(f, v); return true })
	} else {
		next = h.ScanFrom(cursor, count, add)
	}
	c.Array(2)
	c.BulkString(strconv.FormatUint(next, 10))
	c.Array(len(out))
	for _, s := range out {
		c.BulkString(s)
	}
	return nil
}
