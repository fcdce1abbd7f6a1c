package lualib

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// OpenBit registers the global table bit (LuaBitOp 1.0.2).
func OpenBit(L *lua.LState) {
	register(L, "bit", map[string]lua.LGFunction{
		"tobit":   func(L *lua.LState) int { return bret(L, barg(L, 1)) },
		"bnot":    func(L *lua.LState) int { return bret(L, ^barg(L, 1)) },
		"band":    bitFold(func(a, b uint32) uint32 { return a & b }),
		"bor":     bitFold(func(a, b uint32) uint32 { return a | b }),
		"bxor":    bitFold(func(a, b uint32) uint32 { return a ^ b }),
		"lshift":  bitShift(func(b, n uint32) uint32 { return b << n }),
		"rshift":  bitShift(func(b, n uint32) uint32 { return b >> n }),
		"arshift": bitShift(func(b, n uint32) uint32 { return uint32(int32(b) >> n) }),
		"rol":     bitShift(func(b, n uint32) uint32 { return b<<n | b>>(32-n) }),
		"ror":     bitShift(func(b, n uint32) uint32 { return b<<(32-n) | b>>n }),
		"bswap":   bitBswap,
		"tohex":   bitTohex,
	})
}

// barg converts argument n like LuaBitOp: lua_tonumber, then the low 32
// bits of the double n+2^52+2^51, which rounds to nearest-even and wraps
// modulo 2^32. A non-number is an error.
func barg(L *lua.LState, n int) uint32 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, "number")
	}
	if math.IsNaN(f) {
		// x86 arithmetic on the default NaN keeps a zero payload.
		return 0
	}
	return uint32(math.Float64bits(f + 6755399441055744.0))
}

func bret(L *lua.LState, b uint32) int {
	L.Push(lua.LNumber(int32(b)))
	return 1
}

func bitFold(op func(a, b uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := barg(L, 1)
		for i := L.GetTop(); i > 1; i-- {
			b = op(b, barg(L, i))
		}
		return bret(L, b)
	}
}

func bitShift(op func(b, n uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := barg(L, 1)
		n := barg(L, 2) & 31
		return bret(L, op(b, n))
	}
}

func bitBswap(L *lua.LState) int {
	b := barg(L, 1)
	return bret(L, b>>24|(b>>8)&0xff00|(b&0xff00)<<8|b<<24)
}

func bitTohex(L *lua.LState) int {
	b := barg(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(barg(L, 2))
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n = -n
		digits = "0123456789ABCDEF"
	}
	// -MinInt32 overflows; Redis's gcc build treats it as larger than 8.
	if n > 8 || n < 0 {
		n = 8
	}
	buf := make([]byte, n)
	for i := int(n) - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf))
	return 1
}
