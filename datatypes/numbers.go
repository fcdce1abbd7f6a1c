// Package datatypes holds pure helpers shared by the FSM's data commands:
// Redis-exact number parsing and formatting, and algorithms such as LCS.
// Nothing here touches FSM state, so every function is deterministic and
// safe to call from any goroutine.
package datatypes

import "strconv"

// MaxIntLen is the length limit Redis's string2ll puts on its input
// (LONG_STR_SIZE - 1): longer inputs are rejected before any digit is read,
// so "-09223372036854775807" fails even though its value fits.
const MaxIntLen = 20

// ParseInt parses b exactly like Redis's string2ll: an optional '-', then
// either "0" alone or a digit 1-9 followed by digits, fitting in an int64.
// Leading '+', whitespace, leading zeros and "-0" are all rejected, which is
// what makes a stored integer's text round-trip byte for byte.
func ParseInt(b []byte) (int64, bool) {
	n := len(b)
	if n == 0 || n > MaxIntLen {
		return 0, false
	}
	if n == 1 && b[0] == '0' {
		return 0, true
	}
	i, neg := 0, false
	if b[0] == '-' {
		neg = true
		i++
		if i == n {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < n; i++ {
		d := b[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		if v > 1<<64-1-uint64(d-'0') {
			return 0, false
		}
		v += uint64(d - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// AppendInt appends n in the canonical form ParseInt accepts.
func AppendInt(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }

// AddInt64 returns a+b, or false when the sum overflows int64 — the check
// Redis's INCRBY family makes before adding.
func AddInt64(a, b int64) (int64, bool) {
	if (b < 0 && a < 0 && b < -1<<63-a) || (b > 0 && a > 0 && b > 1<<63-1-a) {
		return 0, false
	}
	return a + b, true
}
