package datatypes

import (
	"math/big"
)

// INCRBYFLOAT in Redis computes in C's long double, which on x86-64 (the
// platform Redis is deployed and tested on) is the x87 80-bit extended
// format: a 64-bit mantissa with an explicit integer bit and a 15-bit
// exponent. Its results are stored as text, so matching Redis byte for byte
// means parsing, adding and printing with exactly that precision and range.
// Go has no such type, so LongDouble emulates it with exact big-integer
// arithmetic and a single correct rounding per operation.

// MaxLongDoubleChars is Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects
// inputs of this length or longer outright.
const MaxLongDoubleChars = 5 * 1024

const (
	ldMantBits = 64
	// ldMinScale is the weight of the smallest subnormal, 2^-16445; every
	// finite extended value is a multiple of it.
	ldMinScale = 16445
	// ldMaxBits bounds finite values: they are below 2^16384.
	ldMaxBits = 16384
	// ldFracDigits is the precision of Redis's "%.17Lf" human formatting.
	ldFracDigits = 17
)

// LongDouble is an x87 extended-precision value. The zero value is +0.
type LongDouble struct {
	neg  bool
	inf  bool
	mant uint64 // 0 for zero; otherwise value = mant × 2^exp
	exp  int32
}

// IsInf reports whether x is an infinity.
func (x LongDouble) IsInf() bool { return x.inf }

// IsZero reports whether x is +0 or -0.
func (x LongDouble) IsZero() bool { return !x.inf && x.mant == 0 }

// LongDoubleFromInt converts n exactly (every int64 fits in 64 bits of mantissa).
func LongDoubleFromInt(n int64) LongDouble {
	if n == 0 {
		return LongDouble{}
	}
	if n < 0 {
		return LongDouble{neg: true, mant: uint64(-n)}
	}
	return LongDouble{mant: uint64(n)}
}

// ParseLongDouble parses b like Redis's string2ld: glibc strtold's syntax
// (decimal, hexadecimal "0x1.8p3", "inf"/"infinity", an optional sign), but
// the whole input must be consumed, leading whitespace is refused, and NaN,
// overflow and underflow to zero are errors. Infinity itself is accepted;
// callers decide what to do with it (INCRBYFLOAT then reports NaN/Infinity).
func ParseLongDouble(b []byte) (LongDouble, bool) {
	if len(b) == 0 || len(b) >= MaxLongDoubleChars || ldIsSpace(b[0]) {
		return LongDouble{}, false
	}
	neg := false
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) >= 3 && ldEqualFold(b[:3], "inf") {
		if len(b) == 3 || ldEqualFold(b, "infinity") {
			return LongDouble{neg: neg, inf: true}, true
		}
		return LongDouble{}, false
	}
	if len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
		return parseHex(neg, b[2:])
	}
	return parseDec(neg, b)
}

func parseDec(neg bool, b []byte) (LongDouble, bool) {
	i := 0
	var digits []byte // significant digits, leading zeros dropped
	fracDigits, seen := 0, false
	for ; i < len(b) && ldIsDigit(b[i]); i++ {
		seen = true
		if len(digits) > 0 || b[i] != '0' {
			digits = append(digits, b[i])
		}
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && ldIsDigit(b[i]); i++ {
			seen = true
			fracDigits++
			if len(digits) > 0 || b[i] != '0' {
				digits = append(digits, b[i])
			}
		}
	}
	if !seen {
		return LongDouble{}, false
	}
	exp, ok := parseExpTail(b[i:], 'e', 'E')
	if !ok {
		return LongDouble{}, false
	}
	if len(digits) == 0 {
		return LongDouble{neg: neg}, true
	}
	// The value is digits × 10^e10 and lies in [10^(n-1+e10), 10^(n+e10)).
	// Anything at or above 10^4933 overflows (the largest finite value is
	// about 1.19e4932) and anything below 10^-4952 rounds to zero (the
	// smallest subnormal is about 3.65e-4951); both are ERANGE for strtold.
	// Deciding those up front keeps huge exponents from costing huge powers.
	e10 := exp - int64(fracDigits)
	n := int64(len(digits))
	if n-1+e10 > 4933 || n+e10 < -4952 {
		return LongDouble{}, false
	}
	num, _ := new(big.Int).SetString(string(digits), 10)
	den := big.NewInt(1)
	if e10 >= 0 {
		num.Mul(num, ldPow10(e10))
	} else {
		den = ldPow10(-e10)
	}
	x, overflow := roundExt(neg, num, den, 0)
	if overflow || x.mant == 0 {
		return LongDouble{}, false
	}
	return x, true
}

func parseHex(neg bool, b []byte) (LongDouble, bool) {
	i := 0
	var digits []byte
	fracDigits := 0
	for ; i < len(b) && ldIsHexDigit(b[i]); i++ {
		digits = append(digits, b[i])
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && ldIsHexDigit(b[i]); i++ {
			fracDigits++
			digits = append(digits, b[i])
		}
	}
	if len(digits) == 0 {
		// strtold reads just the "0" of "0x" and stops at the 'x'.
		return LongDouble{}, false
	}
	exp, ok := parseExpTail(b[i:], 'p', 'P')
	if !ok {
		return LongDouble{}, false
	}
	mant, _ := new(big.Int).SetString(string(digits), 16)
	if mant.Sign() == 0 {
		return LongDouble{neg: neg}, true
	}
	e2 := exp - 4*int64(fracDigits)
	// mant × 2^e2 lies in [2^(bits-1), 2^bits).
	bits := int64(mant.BitLen()) + e2
	if bits-1 >= ldMaxBits || bits < -ldMinScale-1 {
		return LongDouble{}, false
	}
	x, overflow := roundExt(neg, mant, big.NewInt(1), int(e2))
	if overflow || x.mant == 0 {
		return LongDouble{}, false
	}
	return x, true
}

// parseExpTail parses an optional exponent suffix that must end the input:
// a marker letter, an optional sign and at least one decimal digit. A
// marker without digits is not part of the number for strtold, so the
// input is then not fully consumed and is rejected. Huge exponents
// saturate; the range checks afterwards turn them into over/underflow.
func parseExpTail(b []byte, lo, up byte) (int64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	if b[0] != lo && b[0] != up {
		return 0, false
	}
	b = b[1:]
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var e int64
	for _, c := range b {
		if !ldIsDigit(c) {
			return 0, false
		}
		if e < 1_000_000_000 {
			e = e*10 + int64(c-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, true
}

// roundExt returns the extended value nearest to num/den × 2^e2 (num > 0),
// ties to even, honouring the subnormal range; overflow reports a result
// beyond the largest finite value. A zero mantissa means it underflowed.
func roundExt(neg bool, num, den *big.Int, e2 int) (LongDouble, bool) {
	// floor(log2(num/den × 2^e2)) is l-1 or l.
	l := num.BitLen() - den.BitLen() + e2
	s := ldMantBits - l // scale so that the quotient has 64 bits
	if s > ldMinScale {
		s = ldMinScale // subnormal: fewer mantissa bits
	}
	q, r, d := scaledQuo(num, den, e2+s)
	if q.BitLen() > ldMantBits {
		s--
		q, r, d = scaledQuo(num, den, e2+s)
	}
	r.Lsh(r, 1)
	if c := r.Cmp(d); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
		if q.BitLen() > ldMantBits { // carried to 2^64
			q.Rsh(q, 1)
			s--
		}
	}
	if q.BitLen()-s > ldMaxBits {
		return LongDouble{}, true
	}
	if q.Sign() == 0 {
		return LongDouble{neg: neg}, false
	}
	return LongDouble{neg: neg, mant: q.Uint64(), exp: int32(-s)}, false
}

// scaledQuo divides num × 2^sh by den, returning quotient, remainder and
// the divisor actually used.
func scaledQuo(num, den *big.Int, sh int) (q, r, d *big.Int) {
	n, d := num, den
	if sh >= 0 {
		n = new(big.Int).Lsh(num, uint(sh))
	} else {
		d = new(big.Int).Lsh(den, uint(-sh))
	}
	q, r = new(big.Int).QuoRem(n, d, new(big.Int))
	return q, r, d
}

// Add returns x+y rounded to extended precision; ok is false when the sum is
// infinite or NaN, which INCRBYFLOAT refuses to store.
func (x LongDouble) Add(y LongDouble) (sum LongDouble, ok bool) {
	if x.inf || y.inf {
		return LongDouble{}, false
	}
	if x.mant == 0 {
		if y.mant == 0 {
			// IEEE: the sum of zeros is -0 only when both are -0.
			return LongDouble{neg: x.neg && y.neg}, true
		}
		return y, true
	}
	if y.mant == 0 {
		return x, true
	}
	e := min(x.exp, y.exp)
	a := x.scaled(e)
	a.Add(a, y.scaled(e))
	if a.Sign() == 0 {
		return LongDouble{}, true
	}
	neg := a.Sign() < 0
	a.Abs(a)
	z, overflow := roundExt(neg, a, big.NewInt(1), int(e))
	if overflow {
		return LongDouble{}, false
	}
	return z, true
}

// scaled returns x's exact value divided by 2^e as a signed integer (e <= x.exp).
func (x LongDouble) scaled(e int32) *big.Int {
	v := new(big.Int).SetUint64(x.mant)
	v.Lsh(v, uint(x.exp-e))
	if x.neg {
		v.Neg(v)
	}
	return v
}

// AppendHuman appends x the way Redis's ld2string does in LD_STR_HUMAN mode:
// printf("%.17Lf") (exact binary-to-decimal conversion, ties to even, as
// glibc does), then trailing fractional zeros and a bare '.' removed, and
// "-0" turned into "0".
func (x LongDouble) AppendHuman(dst []byte) []byte {
	if x.inf {
		if x.neg {
			return append(dst, "-inf"...)
		}
		return append(dst, "inf"...)
	}
	var intPart, frac string
	switch {
	case x.mant == 0:
		intPart = "0"
	case x.exp >= 0:
		intPart = new(big.Int).Lsh(new(big.Int).SetUint64(x.mant), uint(x.exp)).String()
	default:
		num := new(big.Int).SetUint64(x.mant)
		num.Mul(num, ldPow10(ldFracDigits))
		q, _, _ := roundQuo(num, -int(x.exp))
		digits := q.String()
		if len(digits) <= ldFracDigits {
			digits = ldZeros(ldFracDigits+1-len(digits)) + digits
		}
		intPart, frac = digits[:len(digits)-ldFracDigits], digits[len(digits)-ldFracDigits:]
		for len(frac) > 0 && frac[len(frac)-1] == '0' {
			frac = frac[:len(frac)-1]
		}
	}
	if x.neg && !(intPart == "0" && frac == "") {
		dst = append(dst, '-')
	}
	dst = append(dst, intPart...)
	if frac != "" {
		dst = append(dst, '.')
		dst = append(dst, frac...)
	}
	return dst
}

// roundQuo returns num / 2^sh rounded to the nearest integer, ties to even.
func roundQuo(num *big.Int, sh int) (q, r, d *big.Int) {
	q, r, d = scaledQuo(num, big.NewInt(1), -sh)
	r2 := new(big.Int).Lsh(r, 1)
	if c := r2.Cmp(d); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q, r, d
}

func ldPow10(n int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}

func ldZeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

// isCSpace is C's isspace in the "C" locale.
func ldIsSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func ldIsDigit(c byte) bool { return c >= '0' && c <= '9' }

func ldIsHexDigit(c byte) bool {
	return ldIsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// equalFold compares ASCII case-insensitively against a lower-case word.
func ldEqualFold(b []byte, word string) bool {
	if len(b) != len(word) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}
