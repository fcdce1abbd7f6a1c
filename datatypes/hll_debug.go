package datatypes

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// HLLSparseDecode is PFDEBUG DECODE's text for a sparse HLL: one
// "z:len", "Z:len" or "v:value,len" per opcode, space separated.
func HLLSparseDecode(b []byte) string {
	var sb strings.Builder
	for p := HLLHeaderSize; p < len(b); {
		op := b[p]
		switch {
		case isZero(op):
			sb.WriteString("z:" + strconv.Itoa(zeroLen(op)) + " ")
			p++
		case isXZero(op):
			sb.WriteString("Z:" + strconv.Itoa(xzeroLen(b[p:])) + " ")
			p += 2
		default:
			sb.WriteString("v:" + strconv.Itoa(valValue(op)) + "," + strconv.Itoa(valLen(op)) + " ")
			p++
		}
	}
	return strings.TrimRight(sb.String(), " ")
}

// HLLDenseRegisters reads every register of a dense HLL.
func HLLDenseRegisters(b []byte) []uint8 {
	regs := make([]uint8, hllRegisters)
	for i := range regs {
		regs[i] = denseGet(b[HLLHeaderSize:], i)
	}
	return regs
}

// HLLSelfTest is Redis's PFSELFTEST over this package's HLL code: a
// thousand rounds of random dense registers read back, then ten million
// distinct elements added to a dense and a sparse HLL, checking at each
// power of ten that small HLLs stay sparse, that both encodings count
// alike and that the estimate is within six standard errors. rnd is the
// source of the random registers and of the elements' seed. It returns
// Redis's TESTFAILED message, or "" when everything holds.
func HLLSelfTest(rnd func() uint64, sparseMax int64) string {
	regs := make([]byte, HLLDenseSize-HLLHeaderSize)
	var want [hllRegisters]uint8
	for j := 0; j < 1000; j++ {
		for i := range want {
			want[i] = uint8(rnd() & hllRegisterMax)
			denseSet(regs, i, want[i])
		}
		for i := range want {
			if v := denseGet(regs, i); v != want[i] {
				return "TESTFAILED Register " + strconv.Itoa(i) + " should be " + strconv.Itoa(int(want[i])) + " but is " + strconv.Itoa(int(v))
			}
		}
	}
	dense, _ := HLLSparseToDense(NewHLL())
	clear(dense[HLLHeaderSize:])
	sparse := NewHLL()
	relerr := 1.04 / math.Sqrt(hllRegisters)
	seed := rnd()
	var ele [8]byte
	checkpoint := int64(1)
	for j := int64(1); j <= 10000000; j++ {
		binary.LittleEndian.PutUint64(ele[:], uint64(j)^seed)
		dense, _ = HLLAdd(dense, ele[:], sparseMax)
		sparse, _ = HLLAdd(sparse, ele[:], sparseMax)
		if j != checkpoint {
			continue
		}
		if j < sparseMax/2 && HLLIsDense(sparse) {
			return "TESTFAILED sparse encoding not used"
		}
		dc, _ := HLLCount(dense)
		sc, _ := HLLCount(sparse)
		if dc != sc {
			return "TESTFAILED dense/sparse disagree"
		}
		abserr := checkpoint - int64(dc)
		maxerr := int64(math.Ceil(relerr * 6 * float64(checkpoint)))
		if j == 10 {
			maxerr = 1
		}
		if abserr < 0 {
			abserr = -abserr
		}
		if abserr > maxerr {
			return "TESTFAILED Too big error. card:" + strconv.FormatInt(checkpoint, 10) + " abserr:" + strconv.FormatInt(abserr, 10)
		}
		checkpoint *= 10
	}
	return ""
}
