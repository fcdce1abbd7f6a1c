package datatypes

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// A HyperLogLog is a plain string in Redis's own format, byte for byte, so
// GET, DUMP-style copies and hand-crafted values behave as they do there:
//
//	"HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes | 8-byte cached
//	cardinality, little endian, whose top bit set means "stale" | registers
//
// Dense registers are 16384 packed 6-bit counters, LSB first. Sparse is a
// run-length code: ZERO 00xxxxxx (1-64 zero registers), XZERO 01xxxxxx
// yyyyyyyy (1-16384 zero registers), VAL 1vvvvvxx (value 1-32, 1-4 times).
//
// The functions that change an HLL work in place on a private copy the
// caller made; the ones that may grow it return the slice to keep.

const (
	hllP           = 14
	hllQ           = 64 - hllP
	hllRegisters   = 1 << hllP
	hllPMask       = hllRegisters - 1
	hllBits        = 6
	hllRegisterMax = 1<<hllBits - 1
	// HLLHeaderSize is the size of the header before the registers.
	HLLHeaderSize = 16
	// HLLDenseSize is the exact length of a dense HLL string.
	HLLDenseSize = HLLHeaderSize + (hllRegisters*hllBits+7)/8

	hllDense  = 0
	hllSparse = 1

	hllSparseValMaxValue = 32
	hllSparseValMaxLen   = 4
	hllSparseZeroMaxLen  = 64
	hllSparseXZeroMaxLen = 16384

	// HLLSparseMaxBytes is Redis 7.0's default hll-sparse-max-bytes: a sparse
	// HLL that would grow past it (header included) turns dense.
	HLLSparseMaxBytes = 3000

	hllAlphaInf = 0.721347520444481703680 // 0.5/ln(2)
	hllSeed     = 0xadc83b19
)

// HLLRegisters is the number of registers, for callers sizing a merge buffer.
const HLLRegisters = hllRegisters

// NewHLL returns an empty HLL as Redis's createHLLObject builds it: sparse,
// one XZERO covering every register, cached cardinality 0.
func NewHLL() []byte {
	b := make([]byte, HLLHeaderSize+2)
	copy(b, "HYLL")
	b[4] = hllSparse
	xzeroSet(b[HLLHeaderSize:], hllRegisters)
	return b
}

// IsHLL is Redis's isHLLObjectOrReply check on a string's bytes: magic,
// known encoding, and the exact length for dense.
func IsHLL(b []byte) bool {
	if len(b) < HLLHeaderSize || string(b[:4]) != "HYLL" || b[4] > hllSparse {
		return false
	}
	return b[4] != hllDense || len(b) == HLLDenseSize
}

// HLLIsDense reports the encoding byte of a valid HLL.
func HLLIsDense(b []byte) bool { return b[4] == hllDense }

// HLLCached returns the cached cardinality and whether it is current.
func HLLCached(b []byte) (uint64, bool) {
	return binary.LittleEndian.Uint64(b[8:16]), b[15]&0x80 == 0
}

// HLLSetCached stores a freshly computed cardinality.
func HLLSetCached(b []byte, card uint64) { binary.LittleEndian.PutUint64(b[8:16], card) }

// HLLInvalidate marks the cached cardinality stale.
func HLLInvalidate(b []byte) { b[15] |= 0x80 }

// MurmurHash64A is the 64-bit MurmurHash2 Redis hashes HLL elements with.
func MurmurHash64A(key []byte, seed uint32) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	h := uint64(seed) ^ uint64(len(key))*m
	for ; len(key) >= 8; key = key[8:] {
		k := binary.LittleEndian.Uint64(key)
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	if n := len(key); n > 0 {
		for i := n - 1; i >= 0; i-- {
			h ^= uint64(key[i]) << (8 * i)
		}
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// hllPatLen is Redis's hllPatLen: the register an element maps to and the
// length of the 000..1 run in the rest of its hash (1..Q+1).
func hllPatLen(ele []byte) (index int, count uint8) {
	hash := MurmurHash64A(ele, hllSeed)
	index = int(hash & hllPMask)
	hash >>= hllP
	hash |= 1 << hllQ
	return index, uint8(bits.TrailingZeros64(hash) + 1)
}

// --- dense ------------------------------------------------------------------

func denseGet(regs []byte, i int) uint8 {
	byteIdx, fb := i*hllBits/8, uint(i*hllBits&7)
	b0 := uint(regs[byteIdx])
	var b1 uint
	if byteIdx+1 < len(regs) {
		b1 = uint(regs[byteIdx+1])
	}
	return uint8((b0>>fb | b1<<(8-fb)) & hllRegisterMax)
}

func denseSet(regs []byte, i int, v uint8) {
	byteIdx, fb := i*hllBits/8, uint(i*hllBits&7)
	regs[byteIdx] &^= byte(hllRegisterMax << fb)
	regs[byteIdx] |= v << fb
	if byteIdx+1 < len(regs) {
		regs[byteIdx+1] &^= byte(hllRegisterMax >> (8 - fb))
		regs[byteIdx+1] |= v >> (8 - fb)
	}
}

// denseRaise is hllDenseSet: it raises register i to count if that is larger.
func denseRaise(regs []byte, i int, count uint8) int {
	if count > denseGet(regs, i) {
		denseSet(regs, i, count)
		return 1
	}
	return 0
}

// --- sparse -----------------------------------------------------------------

func isZero(op byte) bool  { return op&0xc0 == 0 }
func isXZero(op byte) bool { return op&0xc0 == 0x40 }
func isVal(op byte) bool   { return op&0x80 != 0 }
func zeroLen(op byte) int  { return int(op&0x3f) + 1 }
func valValue(op byte) int { return int(op>>2&0x1f) + 1 }
func valLen(op byte) int   { return int(op&0x3) + 1 }

// xzeroLen reads an XZERO opcode. One cut off by the end of the string
// gets its second byte from just past the end, as Redis's does.
func xzeroLen(p []byte) int {
	lo := pastEnd(p[:1])
	if len(p) > 1 {
		lo = p[1]
	}
	return (int(p[0]&0x3f)<<8 | int(lo)) + 1
}

// pastEnd is the byte just past the end of b: Redis's string terminator,
// normally 0. Editing a corrupt sparse HLL can leave another byte there in
// Redis, which later edits read back; quoris keeps that byte in the slice's
// spare capacity (see StringClone) so the replies stay the same.
func pastEnd(b []byte) byte {
	if cap(b) > len(b) {
		return b[:len(b)+1][len(b)]
	}
	return 0
}

// StringClone copies a string value for editing, keeping the byte past
// its end (see pastEnd).
func StringClone(b []byte) []byte {
	n := len(b)
	if cap(b) > n && b[:n+1][n] != 0 {
		c := make([]byte, n+1)
		copy(c, b[:n+1])
		return c[:n]
	}
	c := make([]byte, n)
	copy(c, b)
	return c
}

func valOp(val, n int) byte { return byte((val-1)<<2|(n-1)) | 0x80 }

func xzeroSet(p []byte, n int) {
	p[0] = byte((n-1)>>8) | 0x40
	p[1] = byte((n - 1) & 0xff)
}

// HLLSparseToDense converts a sparse HLL to dense, keeping the header bytes
// (cached cardinality and the unused ones) as Redis's struct copy does. ok
// is false if the opcodes do not cover exactly the 16384 registers. A dense
// input is returned as is.
func HLLSparseToDense(b []byte) ([]byte, bool) {
	if b[4] == hllDense {
		return b, true
	}
	d := make([]byte, HLLDenseSize)
	copy(d, b[:HLLHeaderSize])
	d[4] = hllDense
	regs := d[HLLHeaderSize:]
	idx := 0
	for p := HLLHeaderSize; p < len(b); {
		op := b[p]
		switch {
		case isZero(op):
			idx += zeroLen(op)
			p++
		case isXZero(op):
			idx += xzeroLen(b[p:])
			p += 2
		default:
			n, v := valLen(op), valValue(op)
			if idx+n > hllRegisters {
				return b, false
			}
			for ; n > 0; n-- {
				denseSet(regs, idx, uint8(v))
				idx++
			}
			p++
		}
	}
	if idx != hllRegisters {
		return b, false
	}
	return d, true
}

// sparseSet is Redis's hllSparseSet: raise register index to count,
// splitting the opcode that covers it and merging equal neighbours, or
// turning the HLL dense when count does not fit a VAL opcode or the string
// would outgrow maxSparse (hll-sparse-max-bytes). It returns the HLL to keep and 1 if it
// changed, 0 if not, -1 if the encoding is corrupt.
func sparseSet(b []byte, index int, count uint8, maxSparse int64) ([]byte, int) {
	if count > hllSparseValMaxValue {
		return sparsePromote(b, index, count)
	}
	// Step 1: find the opcode covering index.
	p, prev, first, span := HLLHeaderSize, -1, 0, 0
	for p < len(b) {
		oplen := 1
		switch op := b[p]; {
		case isZero(op):
			span = zeroLen(op)
		case isVal(op):
			span = valLen(op)
		default:
			span = xzeroLen(b[p:])
			oplen = 2
		}
		if index <= first+span-1 {
			break
		}
		prev = p
		p += oplen
		first += span
	}
	if span == 0 || p >= len(b) {
		return b, -1
	}
	op := b[p]
	var runlen int
	switch {
	case isZero(op):
		runlen = zeroLen(op)
	case isXZero(op):
		runlen = xzeroLen(b[p:])
	default:
		runlen = valLen(op)
	}

	// Step 2: the cheap cases update the opcode in place.
	switch {
	case isVal(op) && valValue(op) >= int(count):
		return b, 0
	case isVal(op) && runlen == 1, isZero(op) && runlen == 1:
		b[p] = valOp(int(count), 1)
		return sparseMergeVals(b, prev), 1
	}

	// General case: split the opcode into up to three.
	var seq []byte
	last := first + span - 1
	if isVal(op) {
		cur := valValue(op)
		if index != first {
			seq = append(seq, valOp(cur, index-first))
		}
		seq = append(seq, valOp(int(count), 1))
		if index != last {
			seq = append(seq, valOp(cur, last-index))
		}
	} else {
		zeros := func(n int) {
			if n > hllSparseZeroMaxLen {
				seq = append(seq, 0, 0)
				xzeroSet(seq[len(seq)-2:], n)
			} else {
				seq = append(seq, byte(n-1))
			}
		}
		if index != first {
			zeros(index - first)
		}
		seq = append(seq, valOp(int(count), 1))
		if index != last {
			zeros(last - index)
		}
	}

	// Step 3: substitute the sequence for the old opcode.
	oldlen := 1
	if isXZero(op) {
		oldlen = 2
	}
	if delta := len(seq) - oldlen; delta > 0 && int64(len(b)+delta) > maxSparse {
		return sparsePromote(b, index, count)
	}
	if p+oldlen <= len(b) {
		b = slices.Replace(b, p, p+oldlen, seq...)
		if cap(b) > len(b) {
			b[:len(b)+1][len(b)] = 0 // sdsIncrLen's new terminator
		}
	} else {
		// An XZERO cut off by the end of the string: Redis sets the new
		// length, len+delta, before copying the sequence in, so the
		// sequence's last byte lands past the end, where the next edit
		// reads it back.
		b = append(b[:p], seq...)[:p+len(seq)-1]
	}
	return sparseMergeVals(b, prev), 1
}

// sparseMergeVals is Step 4 of hllSparseSet: scan up to five opcodes from
// prev and join adjacent VALs of equal value whose lengths fit one opcode,
// then mark the cached cardinality stale.
func sparseMergeVals(b []byte, prev int) []byte {
	p := prev
	if p < 0 {
		p = HLLHeaderSize
	}
	for scan := 5; p < len(b) && scan > 0; scan-- {
		switch {
		case isXZero(b[p]):
			p += 2
			continue
		case isZero(b[p]):
			p++
			continue
		}
		if p+1 < len(b) && isVal(b[p+1]) {
			v1, v2 := valValue(b[p]), valValue(b[p+1])
			if n := valLen(b[p]) + valLen(b[p+1]); v1 == v2 && n <= hllSparseValMaxLen {
				b[p+1] = valOp(v1, n)
				b = slices.Delete(b, p, p+1)
				// Stay on the merged opcode: it may join the next one.
				continue
			}
		}
		p++
	}
	HLLInvalidate(b)
	return b
}

func sparsePromote(b []byte, index int, count uint8) ([]byte, int) {
	d, ok := HLLSparseToDense(b)
	if !ok {
		return b, -1
	}
	denseRaise(d[HLLHeaderSize:], index, count)
	return d, 1
}

// HLLAdd adds ele to the valid HLL b (a private copy) and returns the HLL
// to keep: 1 if a register changed, 0 if not, -1 if b is corrupt. Like
// Redis's hllAdd, a dense change does not touch the cache bit (PFADD sets
// it once at the end) while a sparse one does.
func HLLAdd(b []byte, ele []byte, maxSparse int64) ([]byte, int) {
	index, count := hllPatLen(ele)
	return HLLSet(b, index, count, maxSparse)
}

// HLLSet raises register index to count (PFMERGE's per-register update).
func HLLSet(b []byte, index int, count uint8, maxSparse int64) ([]byte, int) {
	switch b[4] {
	case hllDense:
		return b, denseRaise(b[HLLHeaderSize:], index, count)
	case hllSparse:
		return sparseSet(b, index, count, maxSparse)
	}
	return b, -1
}

// HLLMerge raises each max[i] to register i of the valid HLL b; false if b
// is a corrupt sparse HLL.
func HLLMerge(max *[hllRegisters]uint8, b []byte) bool {
	if b[4] == hllDense {
		regs := b[HLLHeaderSize:]
		for i := range max {
			if v := denseGet(regs, i); v > max[i] {
				max[i] = v
			}
		}
		return true
	}
	i := 0
	for p := HLLHeaderSize; p < len(b); {
		op := b[p]
		switch {
		case isZero(op):
			i += zeroLen(op)
			p++
		case isXZero(op):
			i += xzeroLen(b[p:])
			p += 2
		default:
			n, v := valLen(op), uint8(valValue(op))
			if n+i > hllRegisters {
				return false
			}
			for ; n > 0; n-- {
				if v > max[i] {
					max[i] = v
				}
				i++
			}
			p++
		}
	}
	return i == hllRegisters
}

// HLLCount estimates the cardinality of the valid HLL b, ignoring the
// cache; ok is false for a corrupt sparse encoding.
func HLLCount(b []byte) (card uint64, ok bool) {
	var histo [64]int
	if b[4] == hllDense {
		regs := b[HLLHeaderSize:]
		for i := 0; i < hllRegisters; i++ {
			histo[denseGet(regs, i)]++
		}
		return hllEstimate(&histo), true
	}
	idx := 0
	for p := HLLHeaderSize; p < len(b); {
		op := b[p]
		switch {
		case isZero(op):
			n := zeroLen(op)
			idx += n
			histo[0] += n
			p++
		case isXZero(op):
			n := xzeroLen(b[p:])
			idx += n
			histo[0] += n
			p += 2
		default:
			n := valLen(op)
			idx += n
			histo[valValue(op)] += n
			p++
		}
	}
	if idx != hllRegisters {
		return 0, false
	}
	return hllEstimate(&histo), true
}

// HLLCountRegisters estimates the cardinality of plain registers, the union
// PFCOUNT builds for several keys.
func HLLCountRegisters(max *[hllRegisters]uint8) uint64 {
	var histo [64]int
	for _, v := range max {
		histo[v&63]++
	}
	return hllEstimate(&histo)
}

// hllEstimate is the estimator of Redis 5+ (Otmar Ertl, "New cardinality
// estimation algorithms for HyperLogLog sketches", arXiv:1702.01284), with
// the same operation order, so that results match Redis to the last unit.
// The float64 conversions forbid fused multiply-adds, which would round
// differently from Redis's separate multiply and add.
func hllEstimate(histo *[64]int) uint64 {
	m := float64(hllRegisters)
	z := float64(m * hllTau(float64(m-float64(histo[hllQ+1]))/m))
	for j := hllQ; j >= 1; j-- {
		z += float64(histo[j])
		z *= 0.5
	}
	z += float64(m * hllSigma(float64(histo[0])/m))
	// llroundl: half away from zero, as math.Round.
	return uint64(math.Round(float64(float64(hllAlphaInf*m)*m) / z))
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x = float64(x * x)
		zPrime := z
		z += float64(x * y)
		y += y
		if zPrime == z {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		zPrime := z
		y *= 0.5
		d := float64(1 - x)
		z -= float64(float64(d*d) * y)
		if zPrime == z {
			return z / 3
		}
	}
}
