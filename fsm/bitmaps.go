package fsm

import (
	"errors"

	"github.com/quoris/quoris/datatypes"
)

// Bitmaps are plain strings: every change builds a new []byte, because the
// stored one may be shared with a snapshot. SETBIT on a large bitmap
// therefore copies it, a cost Redis (which edits in place) does not pay.

var (
	errBitOffset  = errors.New("ERR bit offset is not an integer or out of range")
	errBitValue   = errors.New("ERR bit is not an integer or out of range")
	errBitArg     = errors.New("ERR The bit argument must be 1 or 0.")
	errBitfieldTy = errors.New("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	errBitfieldOv = errors.New("ERR Invalid OVERFLOW type specified")
	errBitfieldRO = errors.New("ERR BITFIELD_RO only supports the GET subcommand")
	errBitopNot   = errors.New("ERR BITOP NOT must be called with a single source key.")
)

func registerBitmaps(t *Table) {
	bm := func(name string, arity int, flags []string, first, last int, since, summary, complexity string, run func(*Ctx) error) *Command {
		return &Command{Spec: Spec{
			Name: name, Arity: arity, Flags: flags,
			FirstKey: first, LastKey: last, Step: 1,
			Group: "bitmap", Summary: summary, Since: since, Complexity: complexity,
		}, Run: run}
	}
	var (
		readFast = []string{"readonly", "fast"}
		read     = []string{"readonly"}
		writeOOM = []string{"write", "denyoom"}
	)
	const bfComplexity = "O(1) for each subcommand specified"
	t.Add(
		bm("setbit", 4, writeOOM, 1, 1, "2.2.0", "Sets or clears the bit at offset in the string value stored at key", "O(1)", cmdSetbit),
		bm("getbit", 3, readFast, 1, 1, "2.2.0", "Returns the bit value at offset in the string value stored at key", "O(1)", cmdGetbit),
		bm("bitcount", -2, read, 1, 1, "2.6.0", "Count set bits in a string", "O(N)", cmdBitcount),
		bm("bitpos", -3, read, 1, 1, "2.8.7", "Find first bit set or clear in a string", "O(N)", cmdBitpos),
		bm("bitop", -4, writeOOM, 2, -1, "2.6.0", "Perform bitwise operations between strings", "O(N)", cmdBitop),
		bm("bitfield", -2, writeOOM, 1, 1, "3.2.0", "Perform arbitrary bitfield integer operations on strings", bfComplexity, cmdBitfield),
		bm("bitfield_ro", -2, readFast, 1, 1, "6.0.0", "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", bfComplexity, cmdBitfieldRO),
	)
}

// bitOffset is Redis's getBitOffsetFromArgument: a bit offset below
// 512MB*8, or with hash (BITFIELD) "#n" meaning n*width. The multiplication
// wraps like Redis's C arithmetic.
func bitOffset(arg []byte, hash bool, width int) (uint64, error) {
	useHash := hash && width > 0 && len(arg) > 0 && arg[0] == '#'
	if useHash {
		arg = arg[1:]
	}
	n, ok := datatypes.ParseInt(arg)
	if !ok {
		return 0, errBitOffset
	}
	if useHash {
		n *= int64(width)
	}
	if n < 0 || n>>3 >= strMaxLen {
		return 0, errBitOffset
	}
	return uint64(n), nil
}

// bitfieldType parses i1..i64 or u1..u63 (lower case only, as Redis).
func bitfieldType(arg []byte) (signed bool, width int, err error) {
	if len(arg) == 0 || (arg[0] != 'i' && arg[0] != 'u') {
		return false, 0, errBitfieldTy
	}
	signed = arg[0] == 'i'
	n, ok := datatypes.ParseInt(arg[1:])
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, errBitfieldTy
	}
	return signed, int(n), nil
}

// bitGrow is the value-building half of Redis's lookupStringForBitCommand:
// a private copy of b long enough to hold bit maxbit. grown reports that
// the length changed (or the key is new), which Redis counts as a change.
func bitGrow(b []byte, found bool, maxbit uint64) (nb []byte, grown bool) {
	need := int(maxbit>>3) + 1
	if found && need <= len(b) {
		return datatypes.StringClone(b), false
	}
	nb = make([]byte, max(len(b), need))
	copy(nb, b)
	return nb, true
}

// bitStore finishes a bitmap write. Redis always leaves the value "raw"
// (dbUnshareStringValue) but signals a modification only when something
// changed; an unchanged value is put back without a new version, so WATCH
// is not disturbed, exactly as in Redis.
func bitStore(c *Ctx, key string, it Item, found bool, nb []byte, changed bool) {
	if !found || changed {
		it.Str, it.Enc = nb, EncRaw
		c.Set(key, it)
		return
	}
	if it.Enc != EncRaw || len(it.Str) != len(nb) {
		it.Str, it.Enc = nb, EncRaw
		c.mustWrite()
		e, prev := c.DB.put(key, it)
		c.f.stamp(e, prev, c.Now)
	}
}

func cmdSetbit(c *Ctx) error {
	off, err := bitOffset(c.Args[2], false, 0)
	if err != nil {
		return err
	}
	on, ok := datatypes.ParseInt(c.Args[3])
	if !ok || on&^1 != 0 {
		return errBitValue
	}
	key := c.Arg(1)
	b, it, found, err := c.LookupString(key)
	if err != nil {
		return err
	}
	byteIdx, sh := off>>3, 7-off&7
	old := byte(0)
	if byteIdx < uint64(len(b)) {
		old = b[byteIdx] >> sh & 1
	}
	nb := b
	grown := !found || byteIdx >= uint64(len(b))
	changed := grown || int64(old) != on
	if changed {
		nb, _ = bitGrow(b, found, off)
		nb[byteIdx] = nb[byteIdx]&^(1<<sh) | byte(on)<<sh
	}
	bitStore(c, key, it, found, nb, changed)
	if changed {
		c.Notify(NotifyString, "setbit", key)
	}
	c.Int(int64(old))
	return nil
}

func cmdGetbit(c *Ctx) error {
	off, err := bitOffset(c.Args[2], false, 0)
	if err != nil {
		return err
	}
	b, _, _, err := c.LookupString(c.Arg(1))
	if err != nil {
		return err
	}
	var v byte
	if byteIdx := off >> 3; byteIdx < uint64(len(b)) {
		v = b[byteIdx] >> (7 - off&7) & 1
	}
	c.Int(int64(v))
	return nil
}

// bitUnit parses BITCOUNT/BITPOS's BYTE|BIT.
func bitUnit(arg []byte) (isBit bool, err error) {
	switch {
	case strOptIs(arg, "bit"):
		return true, nil
	case strOptIs(arg, "byte"):
		return false, nil
	}
	return false, ErrSyntax
}

// cmdBitcount follows Redis 7.0's order: the key is looked up before the
// range is parsed, so a missing key answers 0 even to malformed arguments.
func cmdBitcount(c *Ctx) error {
	b, _, found, err := c.LookupString(c.Arg(1))
	if !found {
		c.Int(0)
		return nil
	}
	if err != nil {
		return err
	}
	start, end, isBit := int64(0), int64(-1), false
	switch len(c.Args) {
	case 2:
	case 4, 5:
		var ok bool
		if start, ok = datatypes.ParseInt(c.Args[2]); !ok {
			return ErrNotInteger
		}
		if end, ok = datatypes.ParseInt(c.Args[3]); !ok {
			return ErrNotInteger
		}
		if start < 0 && end < 0 && start > end {
			c.Int(0)
			return nil
		}
		if len(c.Args) == 5 {
			if isBit, err = bitUnit(c.Args[4]); err != nil {
				return err
			}
		}
	default:
		return ErrSyntax
	}
	c.Int(datatypes.BitCount(b, start, end, isBit))
	return nil
}

func cmdBitpos(c *Ctx) error {
	bit, ok := datatypes.ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	if bit != 0 && bit != 1 {
		return errBitArg
	}
	b, _, found, err := c.LookupString(c.Arg(1))
	if !found {
		// A missing key is an endless run of zeros.
		c.Int(-bit)
		return nil
	}
	if err != nil {
		return err
	}
	start, end, endGiven, isBit := int64(0), int64(-1), false, false
	switch len(c.Args) {
	case 3:
	case 4, 5, 6:
		if start, ok = datatypes.ParseInt(c.Args[3]); !ok {
			return ErrNotInteger
		}
		if len(c.Args) == 6 {
			if isBit, err = bitUnit(c.Args[5]); err != nil {
				return err
			}
		}
		if len(c.Args) >= 5 {
			if end, ok = datatypes.ParseInt(c.Args[4]); !ok {
				return ErrNotInteger
			}
			endGiven = true
		}
	default:
		return ErrSyntax
	}
	c.Int(datatypes.BitPos(b, int(bit), start, end, endGiven, isBit))
	return nil
}

func cmdBitop(c *Ctx) error {
	var op datatypes.BitOp
	switch name := c.Args[1]; {
	case strOptIs(name, "and"):
		op = datatypes.BitAnd
	case strOptIs(name, "or"):
		op = datatypes.BitOr
	case strOptIs(name, "xor"):
		op = datatypes.BitXor
	case strOptIs(name, "not"):
		op = datatypes.BitNot
	default:
		return ErrSyntax
	}
	if op == datatypes.BitNot && len(c.Args) != 4 {
		return errBitopNot
	}
	srcs := make([][]byte, 0, len(c.Args)-3)
	for _, k := range c.Args[3:] {
		b, _, _, err := c.LookupString(string(k))
		if err != nil {
			return err
		}
		srcs = append(srcs, b)
	}
	res := datatypes.BitOpApply(op, srcs)
	dest := c.Arg(2)
	if res == nil {
		if c.Delete(dest) {
			c.Notify(NotifyGeneric, "del", dest)
		}
	} else {
		// The destination is replaced whatever its type, and loses its TTL.
		c.Set(dest, Item{Str: res, Enc: EncRaw})
		c.Notify(NotifyString, "set", dest)
	}
	c.Int(int64(len(res)))
	return nil
}
