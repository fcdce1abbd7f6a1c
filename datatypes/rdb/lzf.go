package rdb

import (
	"errors"
	"sync"
)

// ErrLZF reports compressed data that does not decode to its stated size.
var ErrLZF = errors.New("rdb: invalid LZF data")

// LZF parameters as Redis builds liblzf (lzfP.h): a 2^16-slot hash table,
// VERY_FAST mode. Output must match Redis's byte for byte, because DUMP
// payloads are compared and checksummed as bytes.
const (
	lzfHLog   = 16
	lzfHSize  = 1 << lzfHLog
	lzfMaxLit = 1 << 5
	lzfMaxOff = 1 << 13
	lzfMaxRef = (1 << 8) + (1 << 3)
)

func lzfIdx(h uint32) uint32 { return ((h >> (3*8 - lzfHLog)) - h*5) & (lzfHSize - 1) }

// lzfTable is the compressor's hash table. Slots hold gen<<32 | position;
// a slot from another generation is empty, so reusing a table (from the
// pool) needs no clearing: 2^16 slots are too many to zero per string.
type lzfTable struct {
	slot [lzfHSize]uint64
	gen  uint64
}

var lzfTables = sync.Pool{New: func() any { return new(lzfTable) }}

func (t *lzfTable) get(i uint32) int {
	if s := t.slot[i]; s>>32 == t.gen {
		return int(uint32(s))
	}
	return 0
}

func (t *lzfTable) set(i uint32, pos int) { t.slot[i] = t.gen<<32 | uint64(uint32(pos)) }

// lzfCompress compresses in into at most outLen bytes, or returns nil when
// the result would not fit (Redis then stores the string verbatim). It
// follows liblzf's lzf_compress step for step, with the hash table zeroed
// (position 0 is never a back-reference, so zero means "no entry").
func lzfCompress(in []byte, outLen int) []byte {
	inLen := len(in)
	if inLen == 0 || outLen <= 0 {
		return nil
	}
	htab := lzfTables.Get().(*lzfTable)
	defer lzfTables.Put(htab)
	htab.gen++
	if htab.gen == 1<<32 {
		*htab = lzfTable{gen: 1}
	}
	// One spare byte: closing a literal run right after the buffer filled
	// writes one past outLen before the size check refuses it, as liblzf
	// does into the outlen+1 bytes Redis allocates.
	out := make([]byte, outLen+1)
	op, ip, lit := 1, 0, 0 // op starts past the first literal run's header
	var hval uint32
	if inLen >= 2 {
		hval = uint32(in[0])<<8 | uint32(in[1])
	}
	for ip < inLen-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := lzfIdx(hval)
		ref := htab.get(slot)
		htab.set(slot, ip)
		off := ip - ref - 1
		if ref > 0 && off >= 0 && off < lzfMaxOff &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			n := 2
			maxlen := inLen - ip - n
			if maxlen > lzfMaxRef {
				maxlen = lzfMaxRef
			}
			out[op-lit-1] = byte(lit - 1) // stop run
			if lit == 0 {
				op-- // undo an empty run
			}
			if op+3+1 >= outLen {
				return nil
			}
			n = lzfMatchLen(in, ref, ip, maxlen)
			n -= 2
			ip++
			if n < 7 {
				out[op] = byte(off>>8 + n<<5)
				op++
			} else {
				out[op] = byte(off>>8 + 7<<5)
				out[op+1] = byte(n - 7)
				op += 2
			}
			out[op] = byte(off)
			op++
			lit = 0
			op++ // start run
			ip += n + 1
			if ip >= inLen-2 {
				break
			}
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			for k := 0; k < 2; k++ {
				hval = hval<<8 | uint32(in[ip+2])
				htab.set(lzfIdx(hval), ip)
				ip++
			}
			continue
		}
		if op >= outLen {
			return nil
		}
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	if op+3 > outLen {
		return nil
	}
	for ip < inLen {
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	out[op-lit-1] = byte(lit - 1)
	if lit == 0 {
		op--
	}
	return out[:op]
}

// lzfMatchLen is liblzf's match extension: when more than 16 bytes may
// match it first compares up to 16 bytes without the maxlen bound (the
// caller guarantees they exist), so a match can run a little past maxlen,
// exactly as in C.
func lzfMatchLen(in []byte, ref, ip, maxlen int) int {
	n := 2
	if maxlen > 16 {
		for k := 0; k < 16; k++ {
			n++
			if in[ref+n] != in[ip+n] {
				return n
			}
		}
	}
	for {
		n++
		if !(n < maxlen && in[ref+n] == in[ip+n]) {
			return n
		}
	}
}

// LZFDecompress expands in, which must produce exactly outLen bytes.
func LZFDecompress(in []byte, outLen int) ([]byte, error) {
	out := make([]byte, 0, outLen)
	ip := 0
	for ip < len(in) {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 {
			n := ctrl + 1
			if len(out)+n > outLen || ip+n > len(in) {
				return nil, ErrLZF
			}
			out = append(out, in[ip:ip+n]...)
			ip += n
			continue
		}
		n := ctrl >> 5
		ref := len(out) - (ctrl&0x1f)<<8 - 1
		if ip >= len(in) {
			return nil, ErrLZF
		}
		if n == 7 {
			n += int(in[ip])
			ip++
			if ip >= len(in) {
				return nil, ErrLZF
			}
		}
		ref -= int(in[ip])
		ip++
		if len(out)+n+2 > outLen || ref < 0 {
			return nil, ErrLZF
		}
		for k := 0; k < n+2; k++ {
			out = append(out, out[ref+k])
		}
	}
	if len(out) != outLen {
		return nil, ErrLZF
	}
	return out, nil
}
