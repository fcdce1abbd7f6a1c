package datatypes

import (
	"encoding/binary"
	"math/bits"
)

// Bit numbering follows Redis's bitmap commands: bit 0 is the most
// significant bit of the first byte. Bytes past the end of a string read as
// zero, as Redis pads on the right.

// Popcount counts the set bits of b.
func Popcount(b []byte) int64 {
	var n int
	for len(b) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	for _, c := range b {
		n += bits.OnesCount8(c)
	}
	return int64(n)
}

// Bitpos is Redis's redisBitpos: the position of the first bit equal to bit
// (0 or 1) in b. Looking for a 0 in a string of ones answers len(b)*8, the
// first bit of the zero padding; looking for a 1 that is not there answers -1.
func Bitpos(b []byte, bit int) int64 {
	skip8, skip64 := byte(0), uint64(0)
	if bit == 0 {
		skip8, skip64 = 0xff, ^uint64(0)
	}
	i := 0
	for ; i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:]) == skip64; i += 8 {
	}
	for ; i < len(b); i++ {
		if c := b[i]; c != skip8 {
			if bit == 0 {
				c = ^c
			}
			return int64(i)*8 + int64(bits.LeadingZeros8(c))
		}
	}
	if bit == 1 {
		return -1
	}
	return int64(len(b)) * 8
}

// bitRange turns a BITCOUNT/BITPOS start..end (negative counting from the
// end, in bytes or bits) into a byte range plus masks of the bits of the
// first and last byte that lie outside the range, as Redis does. ok is false
// for an empty range.
func bitRange(n int, start, end int64, isBit bool) (s, e int64, firstMask, lastMask byte, ok bool) {
	total := int64(n)
	if isBit {
		total <<= 3
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	if end >= total {
		end = total - 1
	}
	if start > end {
		return 0, 0, 0, 0, false
	}
	if isBit {
		firstMask = ^byte((1 << (8 - start&7)) - 1)
		lastMask = byte((1 << (7 - end&7)) - 1)
		start >>= 3
		end >>= 3
	}
	return start, end, firstMask, lastMask, true
}

// BitCount is BITCOUNT's count over start..end of b (whole: use 0, -1).
func BitCount(b []byte, start, end int64, isBit bool) int64 {
	s, e, fm, lm, ok := bitRange(len(b), start, end, isBit)
	if !ok {
		return 0
	}
	n := Popcount(b[s : e+1])
	// Bits of the edge bytes outside a BIT range were counted too.
	n -= int64(bits.OnesCount8(b[s]&fm) + bits.OnesCount8(b[e]&lm))
	return n
}

// BitPos is BITPOS over start..end of b. endGiven says the caller gave an
// end: then a run of ones up to the end of the range has no 0 in it (-1),
// while without one the string counts as padded with zeros on the right.
func BitPos(b []byte, bit int, start, end int64, endGiven, isBit bool) int64 {
	s, e, fm, lm, ok := bitRange(len(b), start, end, isBit)
	if !ok {
		return -1
	}
	// The edge bytes of a BIT range get their out-of-range bits forced to
	// the value not searched for.
	edge := func(i int64) (int64, bool) {
		c := b[i]
		var m byte
		if i == s {
			m |= fm
		}
		if i == e {
			m |= lm
		}
		if bit == 1 {
			c &^= m
		} else {
			c = ^(c | m)
		}
		if c == 0 {
			return 0, false
		}
		return i*8 + int64(bits.LeadingZeros8(c)), true
	}
	if pos, ok := edge(s); ok {
		return pos
	}
	if e > s+1 {
		mid := b[s+1 : e]
		if pos := Bitpos(mid, bit); pos != -1 && pos != int64(len(mid))*8 {
			return (s+1)*8 + pos
		}
	}
	if e > s {
		if pos, ok := edge(e); ok {
			return pos
		}
	}
	if bit == 1 || endGiven {
		return -1
	}
	return (e + 1) * 8
}

// BitfieldGetUnsigned reads a bits-wide (1..64) unsigned integer at bit
// offset off of p, reading past the end as zeros.
func BitfieldGetUnsigned(p []byte, off uint64, width uint) uint64 {
	var v uint64
	for j := uint(0); j < width; j++ {
		byteIdx := off >> 3
		var bv uint64
		if byteIdx < uint64(len(p)) {
			bv = uint64(p[byteIdx]>>(7-off&7)) & 1
		}
		v = v<<1 | bv
		off++
	}
	return v
}

// BitfieldGetSigned reads a two's complement integer of width bits.
func BitfieldGetSigned(p []byte, off uint64, width uint) int64 {
	v := BitfieldGetUnsigned(p, off, width)
	if width < 64 && v&(1<<(width-1)) != 0 {
		v |= ^uint64(0) << width
	}
	return int64(v)
}

// BitfieldSet writes the low width bits of v at bit offset off of p, which
// must be long enough.
func BitfieldSet(p []byte, off uint64, width uint, v uint64) {
	for j := uint(0); j < width; j++ {
		bit := byte(v>>(width-1-j)) & 1
		byteIdx := off >> 3
		sh := 7 - off&7
		p[byteIdx] = p[byteIdx]&^(1<<sh) | bit<<sh
		off++
	}
}

// Overflow is BITFIELD's OVERFLOW policy.
type Overflow int

const (
	OverflowWrap Overflow = iota
	OverflowSat
	OverflowFail
)

// BitfieldUnsignedOverflow is Redis's checkUnsignedBitfieldOverflow: 0 when
// value+incr fits in width bits, 1 on overflow and -1 on underflow; then
// limit is the wrapped or saturated result (meaningless under FAIL).
func BitfieldUnsignedOverflow(value uint64, incr int64, width uint, ow Overflow) (limit uint64, res int) {
	maxv := ^uint64(0)
	if width < 64 {
		maxv = 1<<width - 1
	}
	maxincr := int64(maxv - value)
	minincr := -int64(value)
	wrap := func() uint64 {
		r := value + uint64(incr)
		if width < 64 {
			r &= 1<<width - 1
		}
		return r
	}
	switch {
	case value > maxv || (incr > 0 && incr > maxincr):
		if ow == OverflowWrap {
			return wrap(), 1
		}
		return maxv, 1
	case incr < 0 && incr < minincr:
		if ow == OverflowWrap {
			return wrap(), -1
		}
		return 0, -1
	}
	return 0, 0
}

// BitfieldSignedOverflow is Redis's checkSignedBitfieldOverflow, with its
// wrapping int64 arithmetic.
func BitfieldSignedOverflow(value, incr int64, width uint, ow Overflow) (limit int64, res int) {
	maxv := int64(1<<63 - 1)
	if width < 64 {
		maxv = 1<<(width-1) - 1
	}
	minv := -maxv - 1
	maxincr := maxv - value
	minincr := minv - value
	wrap := func() int64 {
		c := uint64(value) + uint64(incr)
		if width < 64 {
			mask := ^uint64(0) << width
			if c&(1<<(width-1)) != 0 {
				c |= mask
			} else {
				c &^= mask
			}
		}
		return int64(c)
	}
	switch {
	case value > maxv || (width != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr):
		if ow == OverflowWrap {
			return wrap(), 1
		}
		return maxv, 1
	case value < minv || (width != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr):
		if ow == OverflowWrap {
			return wrap(), -1
		}
		return minv, -1
	}
	return 0, 0
}

// BitOp is BITOP's operation.
type BitOp int

const (
	BitAnd BitOp = iota
	BitOr
	BitXor
	BitNot
)

// BitOpApply computes BITOP over srcs (a missing key is an empty string),
// each padded with zeros to the longest; nil when all are empty. The result
// is a new slice.
func BitOpApply(op BitOp, srcs [][]byte) []byte {
	maxlen := 0
	for _, s := range srcs {
		maxlen = max(maxlen, len(s))
	}
	if maxlen == 0 {
		return nil
	}
	res := make([]byte, maxlen)
	copy(res, srcs[0])
	switch op {
	case BitNot:
		for i := range res {
			res[i] = ^res[i]
		}
	case BitAnd:
		for _, s := range srcs[1:] {
			for i := range res {
				if i < len(s) {
					res[i] &= s[i]
				} else {
					res[i] = 0
				}
			}
		}
	case BitOr:
		for _, s := range srcs[1:] {
			for i, c := range s {
				res[i] |= c
			}
		}
	case BitXor:
		for _, s := range srcs[1:] {
			for i, c := range s {
				res[i] ^= c
			}
		}
	}
	return res
}
