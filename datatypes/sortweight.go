package datatypes

import "math"

// ParseSortWeight reads a SORT weight as Redis's sortCommand does: C's
// strtod over the value as a C string (leading whitespace allowed, the
// number must run to the end or to a NUL byte, so "" is 0), refusing NaN
// and any result strtod flags with ERANGE (overflow, and underflow to zero
// or to a subnormal).
func ParseSortWeight(b []byte) (float64, bool) {
	v, n, erange := strtod(b)
	if n < len(b) && b[n] != 0 {
		return 0, false
	}
	if math.IsNaN(v) || erange || (v != 0 && math.Abs(v) < 0x1p-1022) {
		return 0, false
	}
	return v, true
}
