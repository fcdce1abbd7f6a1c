package datatypes

import (
	"math"
	"math/bits"
)

// MillisCeil returns (long long)ceill(x * 1000.0L), which is how Redis 7.0
// turns a blocking command's timeout in seconds into milliseconds on
// x86-64: the product is rounded to the x87's 64-bit mantissa, then rounded
// up to an integer (so 0.0001 s is 1 ms, not "forever"); a result outside
// the int64 range (infinity included) becomes the x87 "integer
// indefinite", math.MinInt64, which Redis then reports as negative.
func (x LongDouble) MillisCeil() int64 {
	if x.inf {
		return math.MinInt64
	}
	if x.mant == 0 {
		return 0
	}
	hi, lo := bits.Mul64(x.mant, 1000)
	m, e := lo, int64(x.exp)
	if hi != 0 {
		// Drop the low bits that do not fit in 64, ties to even.
		shift := uint(64 - bits.LeadingZeros64(hi))
		m = hi<<(64-shift) | lo>>shift
		rem, half := lo&(1<<shift-1), uint64(1)<<(shift-1)
		if rem > half || (rem == half && m&1 == 1) {
			m++
			if m == 0 { // carried out of 64 bits
				m, shift = 1<<63, shift+1
			}
		}
		e += int64(shift)
	}
	// |x*1000| = m * 2^e = q + a fraction, frac telling whether it is non-zero.
	var q uint64
	var frac bool
	switch {
	case e >= 0:
		if e+int64(bits.Len64(m)) > 64 {
			return math.MinInt64
		}
		q = m << uint(e)
	case e <= -64:
		frac = true
	default:
		q, frac = m>>uint(-e), m&(1<<uint(-e)-1) != 0
	}
	if x.neg {
		// Rounding up moves a negative value towards zero.
		if q >= 1<<63 {
			return math.MinInt64
		}
		return -int64(q)
	}
	if frac {
		q++ // cannot wrap: q < 2^64 - 1 whenever there is a fraction
	}
	if q > math.MaxInt64 {
		return math.MinInt64
	}
	return int64(q)
}
