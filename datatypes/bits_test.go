package datatypes

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// naiveBit reads bit i (MSB first) of b, zero past the end.
func bitNaive(b []byte, i int64) int {
	if i>>3 >= int64(len(b)) {
		return 0
	}
	return int(b[i>>3]>>(7-i&7)) & 1
}

// naiveRange maps a BITCOUNT/BITPOS range to an inclusive bit range.
func bitNaiveRange(n int, start, end int64, isBit bool) (lo, hi int64, ok bool) {
	total := int64(n)
	if isBit {
		total *= 8
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	end = min(end, total-1)
	if start > end {
		return 0, 0, false
	}
	if isBit {
		return start, end, true
	}
	return start * 8, end*8 + 7, true
}

func bitRandBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		switch rng.IntN(4) {
		case 0:
			b[i] = 0
		case 1:
			b[i] = 0xff
		default:
			b[i] = byte(rng.IntN(256))
		}
	}
	return b
}

func TestPopcountAndBitpos(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 2000; iter++ {
		b := bitRandBytes(rng, rng.IntN(40))
		var n int64
		first := [2]int64{-1, -1}
		for i := int64(0); i < int64(len(b))*8; i++ {
			v := bitNaive(b, i)
			n += int64(v)
			if first[v] < 0 {
				first[v] = i
			}
		}
		if first[0] < 0 {
			first[0] = int64(len(b)) * 8
		}
		if got := Popcount(b); got != n {
			t.Fatalf("Popcount(%x) = %d, want %d", b, got, n)
		}
		for bit := 0; bit < 2; bit++ {
			if got := Bitpos(b, bit); got != first[bit] {
				t.Fatalf("Bitpos(%x, %d) = %d, want %d", b, bit, got, first[bit])
			}
		}
	}
}

func TestBitCountAndBitPosRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 20000; iter++ {
		b := bitRandBytes(rng, rng.IntN(12))
		lim := int64(len(b))*8 + 10
		start, end := rng.Int64N(2*lim)-lim, rng.Int64N(2*lim)-lim
		isBit, endGiven := rng.IntN(2) == 0, rng.IntN(2) == 0
		lo, hi, ok := bitNaiveRange(len(b), start, end, isBit)
		var n int64
		if ok {
			for i := lo; i <= hi; i++ {
				n += int64(bitNaive(b, i))
			}
		}
		if got := BitCount(b, start, end, isBit); got != n {
			t.Fatalf("BitCount(%x, %d, %d, %v) = %d, want %d", b, start, end, isBit, got, n)
		}
		for bit := 0; bit < 2; bit++ {
			want := int64(-1)
			if ok {
				for i := lo; i <= hi; i++ {
					if bitNaive(b, i) == bit {
						want = i
						break
					}
				}
				if want < 0 && bit == 0 && !endGiven {
					want = (hi>>3 + 1) * 8
				}
			}
			if got := BitPos(b, bit, start, end, endGiven, isBit); got != want {
				t.Fatalf("BitPos(%x, %d, %d, %d, end=%v, bit=%v) = %d, want %d",
					b, bit, start, end, endGiven, isBit, got, want)
			}
		}
	}
}

func TestBitfieldGetSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 5000; iter++ {
		width := uint(1 + rng.IntN(64))
		off := uint64(rng.IntN(40))
		p := bitRandBytes(rng, int(off+uint64(width)+7)/8)
		orig := bytes.Clone(p)
		v := rng.Uint64()
		BitfieldSet(p, off, width, v)
		mask := ^uint64(0)
		if width < 64 {
			mask = 1<<width - 1
		}
		if got := BitfieldGetUnsigned(p, off, width); got != v&mask {
			t.Fatalf("u%d at %d: got %x, want %x", width, off, got, v&mask)
		}
		// Bits outside the field are untouched.
		for i := int64(0); i < int64(len(p))*8; i++ {
			if (uint64(i) < off || uint64(i) >= off+uint64(width)) && bitNaive(p, i) != bitNaive(orig, i) {
				t.Fatalf("bit %d changed writing u%d at %d", i, width, off)
			}
		}
		s := BitfieldGetSigned(p, off, width)
		if width < 64 && (s < -(1<<(width-1)) || s > 1<<(width-1)-1) {
			t.Fatalf("i%d out of range: %d", width, s)
		}
		if uint64(s)&mask != v&mask {
			t.Fatalf("i%d at %d: got %d, want low bits %x", width, off, s, v&mask)
		}
	}
	// Reads past the end see zeros.
	if got := BitfieldGetUnsigned([]byte{0xff}, 4, 8); got != 0xf0 {
		t.Errorf("padded read = %x", got)
	}
}

func TestBitfieldOverflow(t *testing.T) {
	u := []struct {
		value uint64
		incr  int64
		width uint
		ow    Overflow
		limit uint64
		res   int
	}{
		{3, 1, 2, OverflowWrap, 0, 1},
		{3, 1, 2, OverflowSat, 3, 1},
		{0, -1, 2, OverflowWrap, 3, -1},
		{0, -1, 2, OverflowSat, 0, -1},
		{1, 1, 2, OverflowWrap, 0, 0},
		{1 << 62, 1 << 62, 63, OverflowSat, 1<<63 - 1, 1},
		{^uint64(0), 0, 8, OverflowWrap, 0xff, 1}, // SET u8 -1
		{300, 0, 8, OverflowSat, 255, 1},
	}
	for _, tc := range u {
		limit, res := BitfieldUnsignedOverflow(tc.value, tc.incr, tc.width, tc.ow)
		if res != tc.res || (res != 0 && limit != tc.limit) {
			t.Errorf("u%d %d%+d %v: got %d,%d want %d,%d", tc.width, tc.value, tc.incr, tc.ow, limit, res, tc.limit, tc.res)
		}
	}
	s := []struct {
		value, incr int64
		width       uint
		ow          Overflow
		limit       int64
		res         int
	}{
		{127, 1, 8, OverflowWrap, -128, 1},
		{127, 1, 8, OverflowSat, 127, 1},
		{-128, -1, 8, OverflowWrap, 127, -1},
		{-128, -1, 8, OverflowSat, -128, -1},
		{100, -50, 8, OverflowWrap, 0, 0},
		{1<<63 - 1, 1, 64, OverflowWrap, -1 << 63, 1},
		{-1 << 63, -1, 64, OverflowSat, -1 << 63, -1},
		{5, 0, 3, OverflowWrap, -3, 1}, // SET i3 5
		{-1, 0, 1, OverflowWrap, 0, 0},
	}
	for _, tc := range s {
		limit, res := BitfieldSignedOverflow(tc.value, tc.incr, tc.width, tc.ow)
		if res != tc.res || (res != 0 && limit != tc.limit) {
			t.Errorf("i%d %d%+d %v: got %d,%d want %d,%d", tc.width, tc.value, tc.incr, tc.ow, limit, res, tc.limit, tc.res)
		}
	}
}

func TestBitOpApply(t *testing.T) {
	a, b := []byte{0xf0, 0x0f, 0xaa}, []byte{0xff, 0x01}
	cases := []struct {
		op   BitOp
		srcs [][]byte
		want []byte
	}{
		{BitAnd, [][]byte{a, b}, []byte{0xf0, 0x01, 0x00}},
		{BitOr, [][]byte{a, b}, []byte{0xff, 0x0f, 0xaa}},
		{BitXor, [][]byte{a, b}, []byte{0x0f, 0x0e, 0xaa}},
		{BitNot, [][]byte{a}, []byte{0x0f, 0xf0, 0x55}},
		{BitAnd, [][]byte{nil, a}, []byte{0, 0, 0}},
		{BitOr, [][]byte{nil, nil}, nil},
		{BitNot, [][]byte{nil}, nil},
	}
	for _, tc := range cases {
		got := BitOpApply(tc.op, tc.srcs)
		if !bytes.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("op %d %x: got %x, want %x", tc.op, tc.srcs, got, tc.want)
		}
	}
	// Sources are never written to.
	if !bytes.Equal(a, []byte{0xf0, 0x0f, 0xaa}) {
		t.Errorf("source modified: %x", a)
	}
}
