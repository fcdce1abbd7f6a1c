package fsm

import (
	"bytes"
	"errors"

	"github.com/zeebo/xxh3"
)

// Compare-and-set and compare-and-delete on strings, as Redis 8.4 added
// them: SET's IFEQ/IFNE/IFDEQ/IFDNE conditions, DELEX and DIGEST. A digest
// is the XXH3 64-bit hash of the value as 16 lower-case hex digits; a
// digest argument must be 16 characters long and compares without regard
// to case (only its length is checked, as Redis does).

// strCond is one of SET's and DELEX's IF* conditions.
type strCond uint8

const (
	condNone strCond = iota
	condIFEQ
	condIFNE
	condIFDEQ
	condIFDNE
)

const digestHexLen = 16

var (
	errDigestLen  = errors.New("ERR must be exactly 16 hexadecimal characters")
	errDelexType  = errors.New("ERR Key should be of string type if conditions are specified")
	errDelexCond  = errors.New("ERR Invalid condition. Use IFEQ, IFNE, IFDEQ, or IFDNE")
	errDelexArity = errors.New("ERR wrong number of arguments for 'delex' command")
)

// strCondOf parses an IF* keyword in any letter case.
func strCondOf(b []byte) strCond {
	switch {
	case strOptIs(b, "ifeq"):
		return condIFEQ
	case strOptIs(b, "ifne"):
		return condIFNE
	case strOptIs(b, "ifdeq"):
		return condIFDEQ
	case strOptIs(b, "ifdne"):
		return condIFDNE
	}
	return condNone
}

// holds reports whether the condition is true of the current value cur.
// A digest argument of the wrong length is an error, checked only here:
// Redis never looks at it when the key is missing.
func (cond strCond) holds(cur, match []byte) (bool, error) {
	switch cond {
	case condIFEQ:
		return bytes.Equal(cur, match), nil
	case condIFNE:
		return !bytes.Equal(cur, match), nil
	}
	if len(match) != digestHexLen {
		return false, errDigestLen
	}
	var d [digestHexLen]byte
	same := equalFoldASCII(strDigest(&d, cur), match)
	return same == (cond == condIFDEQ), nil
}

// strDigest writes the digest of v into d and returns it.
func strDigest(d *[digestHexLen]byte, v []byte) []byte {
	const hexDigits = "0123456789abcdef"
	h := xxh3.Hash(v)
	for i := digestHexLen - 1; i >= 0; i-- {
		d[i] = hexDigits[h&0xf]
		h >>= 4
	}
	return d[:]
}

// equalFoldASCII is strcasecmp's equality on same-length arguments: ASCII
// letters only, so no byte folds onto a multi-byte character.
func equalFoldASCII(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	lower := func(ch byte) byte {
		if ch >= 'A' && ch <= 'Z' {
			return ch + 'a' - 'A'
		}
		return ch
	}
	for i := range a {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func registerStringCAS(t *Table) {
	t.Add(
		&Command{Spec: Spec{
			Name: "delex", Arity: -2, Flags: []string{"write", "fast"},
			FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Since: "8.4.0",
			Summary:    "Conditionally removes the specified key based on value or digest comparison.",
			Complexity: "O(1) for IFEQ/IFNE, O(N) for IFDEQ/IFDNE where N is the length of the string value.",
		}, Run: cmdDelex},
		&Command{Spec: Spec{
			Name: "digest", Arity: 2, Flags: []string{"readonly", "fast"},
			FirstKey: 1, LastKey: 1, Step: 1, Group: "string", Since: "8.4.0",
			Summary:    "Returns the XXH3 hash of a string value.",
			Complexity: "O(N) where N is the length of the string value.",
		}, Run: cmdDigest},
	)
}

// cmdDelex is DELEX key [IFEQ v | IFNE v | IFDEQ d | IFDNE d]. Redis checks
// in this order: argument count, the key (missing: 0), its type, the
// condition keyword, the digest's length.
func cmdDelex(c *Ctx) error {
	key := c.Arg(1)
	switch len(c.Args) {
	case 2:
		del := c.Delete(key)
		if del {
			c.Notify(NotifyGeneric, "del", key)
		}
		c.Bool(del)
		return nil
	case 4:
	default:
		return errDelexArity
	}
	it, ok := c.Lookup(key)
	if !ok {
		c.Int(0)
		return nil
	}
	if it.Value != nil {
		return errDelexType
	}
	cond := strCondOf(c.Args[2])
	if cond == condNone {
		return errDelexCond
	}
	holds, err := cond.holds(it.Str, c.Args[3])
	if err != nil {
		return err
	}
	if holds {
		c.Delete(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	c.Bool(holds)
	return nil
}

func cmdDigest(c *Ctx) error {
	b, _, ok, err := c.LookupString(c.Arg(1))
	if err != nil {
		return err
	}
	if !ok {
		c.Null()
		return nil
	}
	var d [digestHexLen]byte
	c.Bulk(strDigest(&d, b))
	return nil
}
