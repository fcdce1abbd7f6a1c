// Package lualib provides, for gopher-lua, the four C libraries Redis 7.0
// exposes to scripts (cjson, cmsgpack, bit, struct), with the behaviour and
// the error texts of Redis's bundled versions.
//
// Errors are raised as Lua errors carrying the C library's text, prefixed
// like Redis's patched luaL_error with the position of the calling Lua code
// ("user_script:1: ..."). No input makes these functions panic the Go
// process: recursion is bounded like the C code bounds it.
package lualib

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// OpenAll registers cjson, cmsgpack, bit and struct as global tables, as
// Redis does before running a script.
func OpenAll(L *lua.LState) {
	OpenBit(L)
	OpenStruct(L)
	OpenCJSON(L)
	OpenCMsgpack(L)
}

// register sets a new global table name holding fns.
func register(L *lua.LState, name string, fns map[string]lua.LGFunction) *lua.LTable {
	t := L.NewTable()
	setFuncs(L, t, fns)
	L.SetGlobal(name, t)
	return t
}

// setFuncs adds fns to t in sorted order: gopher-lua iterates a table in
// insertion order, so Go's random map order would make pairs() over a
// library table differ between nodes replaying the same script.
func setFuncs(L *lua.LState, t *lua.LTable, fns map[string]lua.LGFunction) {
	for _, k := range slices.Sorted(maps.Keys(fns)) {
		t.RawSetString(k, L.NewFunction(fns[k]))
	}
}

// luaMaxCStack is LUAI_MAXCSTACK of Redis's Lua 5.1: lua_checkstack and
// luaL_checkstack refuse to grow a C function's stack beyond it, which is
// what bounds the C libraries' recursion and result counts.
const luaMaxCStack = 8000

// raise raises msg as a Lua error, prefixed with the position of the
// calling Lua function as Redis's luaL_error does ("user_script:1: "), or
// unprefixed when the caller is itself a Go function (pcall(f, ...)).
func raise(L *lua.LState, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	if w := L.Where(1); w != "" && !strings.HasPrefix(w, "[G]") {
		msg = w + " " + msg
	}
	L.Error(lua.LString(msg), 0)
}

// argError is luaL_argerror: "bad argument #n to 'name' (msg)".
func argError(L *lua.LState, n int, msg string) {
	raise(L, "bad argument #%d to '%s' (%s)", n, calledName(L), msg)
}

// calledName is the name Lua 5.1 gives the running Go function in
// argument errors: the one in the calling expression (cjson.encode(...)
// gives "encode", local e = cjson.encode; e() gives "e"), or '?' when the
// call site names none (called from Go, as by pcall(cjson.encode, ...)).
func calledName(L *lua.LState) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?"
	}
	if _, err := L.GetInfo("n", dbg, nil); err != nil {
		return "?"
	}
	switch name := dbg.Name; {
	case name == "" || name == "(anonymous)" || name == "main chunk" || name == "corountine" || strings.HasPrefix(name, "<"):
		return "?"
	default:
		return name
	}
}

// typeError is luaL_typerror.
func typeError(L *lua.LState, n int, expected string) {
	argError(L, n, expected+" expected, got "+typeNameAt(L, n))
}

// typeNameAt is lua_typename(lua_type(L, n)), "no value" past the top.
func typeNameAt(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return typeName(L.Get(n))
}

func typeName(v lua.LValue) string {
	return v.Type().String()
}

// toNumber is lua_tonumber/lua_isnumber: numbers, and strings that Lua 5.1
// converts (luaO_str2d: strtod, then a hexadecimal integer, trailing spaces).
func toNumber(v lua.LValue) (float64, bool) {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x), true
	case lua.LString:
		return str2number(string(x))
	}
	return 0, false
}

// str2number is Lua 5.1's luaO_str2d over a C string (a NUL ends it).
func str2number(s string) (float64, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	f, n := strtod(s)
	if n == 0 {
		return 0, false
	}
	if n < len(s) && (s[n] == 'x' || s[n] == 'X') {
		u, m := strtoul16(s)
		f, n = float64(u), m
	}
	for n < len(s) && isSpace(s[n]) {
		n++
	}
	return f, n == len(s)
}

// strtoul16 is strtoul(s, &end, 16) (glibc): value and bytes consumed.
func strtoul16(s string) (uint64, int) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i+1 < len(s) && s[i] == '0' && (s[i+1]|0x20) == 'x' && i+2 < len(s) && hexVal(s[i+2]) >= 0 {
		i += 2
	}
	start := i
	var v uint64
	over := false
	for i < len(s) && hexVal(s[i]) >= 0 {
		if v > math.MaxUint64>>4 {
			over = true
		}
		v = v<<4 | uint64(hexVal(s[i]))
		i++
	}
	if i == start {
		return 0, 0
	}
	if over {
		return math.MaxUint64, i
	}
	if neg {
		v = -v
	}
	return v, i
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// strtod is glibc's strtod in the C locale: the value and the number of
// bytes consumed (0 when no conversion was possible). It accepts leading
// spaces, a sign, decimal and hexadecimal floats, inf, infinity and nan.
func strtod(s string) (float64, int) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		return sign(math.Inf(1)), i + 8
	case hasPrefixFold(rest, "inf"):
		return sign(math.Inf(1)), i + 3
	case hasPrefixFold(rest, "nan"):
		n := i + 3
		if n < len(s) && s[n] == '(' {
			j := n + 1
			for j < len(s) && (isDigit(s[j]) || (s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z') || s[j] == '_') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				n = j + 1
			}
		}
		// glibc's strtod("nan") is the positive quiet NaN; "-nan" flips the sign.
		return sign(math.Float64frombits(0x7FF8000000000000)), n
	}
	if len(rest) >= 2 && rest[0] == '0' && rest[1]|0x20 == 'x' {
		if f, n := hexFloat(rest[2:]); n > 0 {
			return sign(f), i + 2 + n
		}
		return 0, i + 1 // "0x" without digits: just the "0"
	}
	j := i
	digits := 0
	for j < len(s) && isDigit(s[j]) {
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	if j < len(s) && s[j]|0x20 == 'e' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			j = k
		}
	}
	f, err := strconv.ParseFloat(s[i:j], 64)
	if err != nil {
		// Out of range: ParseFloat returns ±Inf or 0 like strtod (ERANGE).
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, 0
		}
	}
	return sign(f), j
}

// hexFloat parses the digits of a C99 hexadecimal float after "0x".
func hexFloat(s string) (float64, int) {
	j := 0
	digits := 0
	for j < len(s) && hexVal(s[j]) >= 0 {
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && hexVal(s[j]) >= 0 {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	end := j
	if j < len(s) && s[j]|0x20 == 'p' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			end = k
		}
	}
	lit := "0x" + s[:end]
	if !strings.ContainsAny(s[:end], "pP") {
		lit += "p0"
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, 0
		}
	}
	return f, end
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// toString is lua_tolstring: strings, and numbers formatted "%.14g".
func toString(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return fmtG(float64(x), 14), true
	}
	return "", false
}

// fmtG is C's printf("%.<prec>g") as glibc prints it.
func fmtG(f float64, prec int) string {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', prec, 64)
}

// checkNumber is luaL_checknumber.
func checkNumber(L *lua.LState, n int) float64 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, "number")
	}
	return f
}

// checkString is luaL_checklstring.
func checkString(L *lua.LState, n int) string {
	s, ok := toString(L.Get(n))
	if !ok {
		typeError(L, n, "string")
	}
	return s
}

// checkInteger is luaL_checkinteger on x86-64: the number truncated to a
// 64-bit integer (cvttsd2si), an error when not a number.
func checkInteger(L *lua.LState, n int) int64 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, "number")
	}
	return cvttsd2si(f)
}

// cvttsd2si is the x86-64 double to int64 conversion C compilers emit:
// out-of-range values and NaN give the "integer indefinite" MinInt64.
func cvttsd2si(f float64) int64 {
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// cvttsd2si32 is the double to int32 conversion (cvttsd2si with a 32-bit
// destination): out of range gives MinInt32.
func cvttsd2si32(f float64) int32 {
	if f != f || f >= 2147483648.0 || f < -2147483648.0 {
		return math.MinInt32
	}
	return int32(f)
}

// dToU64 is gcc's double to uint64 conversion on x86-64.
func dToU64(f float64) uint64 {
	if f < 9223372036854775808.0 {
		return uint64(cvttsd2si(f))
	}
	return uint64(cvttsd2si(f-9223372036854775808.0)) ^ (1 << 63)
}
