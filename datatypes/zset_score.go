package datatypes

import (
	"math"
	"strconv"
)

// Sorted-set scores are C doubles in Redis, read with glibc's strtod and
// printed with printf's "%.17g". Clients see both: which spellings are
// accepted (hex floats, "inf", a leading space in a range bound but not in
// a score) and the exact digits of every score in a reply. Go's strconv
// rounds exactly as glibc does, so only the grammar around it is ported.

// strtod parses the longest prefix of b that C's strtod accepts, leading
// whitespace included. n is the number of bytes consumed, 0 when there is
// no number (strtod then returns 0 and points back at the start). erange
// is strtod's ERANGE for a result that overflowed to infinity or underflowed
// to zero; the spelled-out "inf" is not a range error.
func strtod(b []byte) (v float64, n int, erange bool) {
	i := 0
	for i < len(b) && ldIsSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := b[i:]
	switch {
	case len(rest) >= 3 && ldEqualFold(rest[:3], "inf"):
		if len(rest) >= 8 && ldEqualFold(rest[:8], "infinity") {
			return sign(math.Inf(1)), i + 8, false
		}
		return sign(math.Inf(1)), i + 3, false
	case len(rest) >= 3 && ldEqualFold(rest[:3], "nan"):
		end := i + 3
		// "nan(chars)" is one token; without the closing parenthesis only
		// "nan" is consumed.
		if end < len(b) && b[end] == '(' {
			j := end + 1
			for j < len(b) && (ldIsDigit(b[j]) || b[j] == '_' || (b[j]|0x20 >= 'a' && b[j]|0x20 <= 'z')) {
				j++
			}
			if j < len(b) && b[j] == ')' {
				end = j + 1
			}
		}
		return math.NaN(), end, false
	case len(rest) >= 2 && rest[0] == '0' && rest[1]|0x20 == 'x':
		if f, m, er, ok := strtodHex(rest[2:]); ok {
			return sign(f), i + 2 + m, er
		}
		// "0x" without hex digits: strtod reads the "0" and stops at 'x'.
		return sign(0), i + 1, false
	}
	f, m, er := strtodDec(rest)
	if m == 0 {
		return 0, 0, false
	}
	return sign(f), i + m, er
}

// strtodDec parses digits[.digits][e[sign]digits] with at least one digit.
func strtodDec(b []byte) (float64, int, bool) {
	i, digits, nonzero := 0, 0, false
	for ; i < len(b) && ldIsDigit(b[i]); i++ {
		digits++
		nonzero = nonzero || b[i] != '0'
	}
	if i < len(b) && b[i] == '.' {
		j := i + 1
		for ; j < len(b) && ldIsDigit(b[j]); j++ {
			digits++
			nonzero = nonzero || b[j] != '0'
		}
		if digits > 0 {
			i = j
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	i = expTail(b, i, 'e')
	f, err := strconv.ParseFloat(string(b[:i]), 64)
	if err != nil && !math.IsInf(f, 0) {
		// Cannot happen: the prefix is well-formed Go syntax too.
		return 0, 0, false
	}
	return f, i, math.IsInf(f, 0) || (f == 0 && nonzero)
}

// strtodHex parses the part after "0x": hexdigits[.hexdigits][p[sign]digits].
func strtodHex(b []byte) (float64, int, bool, bool) {
	i, digits, nonzero := 0, 0, false
	isHex := func(c byte) bool { return ldIsHexDigit(c) }
	for ; i < len(b) && isHex(b[i]); i++ {
		digits++
		nonzero = nonzero || b[i] != '0'
	}
	mantEnd := i
	if i < len(b) && b[i] == '.' {
		j := i + 1
		for ; j < len(b) && isHex(b[j]); j++ {
			digits++
			nonzero = nonzero || b[j] != '0'
		}
		if digits > 0 {
			i, mantEnd = j, j
		}
	}
	if digits == 0 {
		return 0, 0, false, false
	}
	i = expTail(b, i, 'p')
	// Go requires the binary exponent that C makes optional.
	s := "0x" + string(b[:mantEnd])
	if i > mantEnd {
		s += string(b[mantEnd:i])
	} else {
		s += "p0"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, 0, false, false
	}
	return f, i, math.IsInf(f, 0) || (f == 0 && nonzero), true
}

// expTail returns the end of an exponent starting at b[i] with the marker
// letter (either case), or i when there is no complete exponent there.
func expTail(b []byte, i int, marker byte) int {
	if i >= len(b) || b[i]|0x20 != marker {
		return i
	}
	j := i + 1
	if j < len(b) && (b[j] == '+' || b[j] == '-') {
		j++
	}
	if j >= len(b) || !ldIsDigit(b[j]) {
		return i
	}
	for j < len(b) && ldIsDigit(b[j]) {
		j++
	}
	return j
}

// ParseScore parses a score or weight like Redis's string2d: strtod over
// the whole argument, no leading whitespace, no NaN, and no overflow or
// underflow to zero (a subnormal result is accepted).
func ParseScore(b []byte) (float64, bool) {
	if len(b) == 0 || ldIsSpace(b[0]) {
		return 0, false
	}
	v, n, erange := strtod(b)
	if n != len(b) || math.IsNaN(v) || (erange && (math.IsInf(v, 0) || v == 0)) {
		return 0, false
	}
	return v, true
}

// ParseScoreBound parses one end of a score range like zslParseRange: an
// optional '(' for an exclusive bound, then strtod, which must stop at the
// end or at a NUL byte (Redis reads the argument as a C string). Leading
// whitespace, an empty string (0), overflow (±inf) and underflow (0) are
// all accepted, as strtod allows them; NaN is not.
func ParseScoreBound(b []byte) (v float64, exclusive, ok bool) {
	if len(b) > 0 && b[0] == '(' {
		exclusive = true
		b = b[1:]
	}
	v, n, _ := strtod(b)
	if (n < len(b) && b[n] != 0) || math.IsNaN(v) {
		return 0, false, false
	}
	return v, exclusive, true
}

// AppendScore appends f the way Redis 7.0's addReplyDouble prints it in
// RESP2: "inf", "-inf", otherwise "%.17g" (so 0.1 is 0.10000000000000001
// and -0 stays "-0"). Go's 'g' with precision 17 produces the same digits,
// trailing-zero trimming and two-digit exponent as C's.
func AppendScore(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// ScoreInt reports whether a listpack stores f as an integer: Redis's
// double2ll, which accepts integral values within ±LLONG_MAX/2.
func ScoreInt(f float64) (int64, bool) {
	const lim = float64(math.MaxInt64 / 2) // rounds to 2^62, as in C
	if f < -lim || f > lim {
		return 0, false
	}
	n := int64(f)
	if float64(n) != f {
		return 0, false
	}
	return n, true
}

// AppendListpackScore appends f as a listpack-encoded sorted set holds it,
// which is how ZSCAN returns it: an integer when double2ll accepts it
// (123456789012345678 reads back as 123456789012345680, not in %.17g's
// exponent form), the "%.17g" text otherwise.
func AppendListpackScore(dst []byte, f float64) []byte {
	if n, ok := ScoreInt(f); ok {
		return strconv.AppendInt(dst, n, 10)
	}
	return AppendScore(dst, f)
}
