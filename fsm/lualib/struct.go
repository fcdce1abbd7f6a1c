package lualib

import (
	"bytes"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Redis's struct library (struct.c 1.4 with Redis's overflow fixes), as
// compiled for x86-64 Linux: int 4 bytes, long and size_t 8, native
// little endian, maximum alignment 8.
const (
	structMaxIntSize = 32
	structMaxAlign   = 8
	structBig        = 0
	structLittle     = 1
)

// OpenStruct registers the global table struct (pack, unpack, size).
func OpenStruct(L *lua.LState) {
	register(L, "struct", map[string]lua.LGFunction{
		"pack":   structPack,
		"unpack": structUnpack,
		"size":   structSize,
	})
}

type structHeader struct {
	endian int
	align  int
}

// structFmt walks a format string the way struct.c does.
type structFmt struct {
	L   *lua.LState
	fn  string
	s   string
	pos int
}

func (f *structFmt) more() bool { return f.pos < len(f.s) && f.s[f.pos] != 0 }

func (f *structFmt) next() byte {
	c := f.s[f.pos]
	f.pos++
	return c
}

// getnum reads an optional decimal count, raising "integral size overflow"
// where Redis's patched getnum does.
func (f *structFmt) getnum(df int) int {
	if f.pos >= len(f.s) || !isDigit(f.s[f.pos]) {
		return df
	}
	a := 0
	for f.pos < len(f.s) && isDigit(f.s[f.pos]) {
		d := int(f.s[f.pos] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			raise(f.L, "integral size overflow")
		}
		a = a*10 + d
		f.pos++
	}
	return a
}

func (f *structFmt) optsize(opt byte) int {
	switch opt {
	case 'B', 'b':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'x':
		return 1
	case 'c':
		return f.getnum(1)
	case 'i', 'I':
		sz := f.getnum(4)
		if sz > structMaxIntSize {
			raise(f.L, "integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	}
	return 0
}

func gettoalign(length int, h *structHeader, opt byte, size int) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > h.align {
		size = h.align
	}
	return (size - (length & (size - 1))) & (size - 1)
}

func (f *structFmt) controloptions(opt byte, h *structHeader) {
	switch opt {
	case ' ':
	case '>':
		h.endian = structBig
	case '<':
		h.endian = structLittle
	case '!':
		a := f.getnum(structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			raise(f.L, "alignment %d is not a power of 2", a)
		}
		h.align = a
	default:
		argError(f.L, 1, "invalid format option '"+string([]byte{opt})+"'")
	}
}

// putinteger writes size bytes of the number converted like the C casts:
// negative through int64, others through uint64; bytes past the eighth
// are zero.
func putinteger(buf *bytes.Buffer, n float64, endian, size int) {
	var value uint64
	if n < 0 {
		value = uint64(cvttsd2si(n))
	} else {
		value = dToU64(n)
	}
	b := make([]byte, size)
	if endian == structLittle {
		for i := 0; i < size; i++ {
			b[i] = byte(value)
			value >>= 8
		}
	} else {
		for i := size - 1; i >= 0; i-- {
			b[i] = byte(value)
			value >>= 8
		}
	}
	buf.Write(b)
}

func structPack(L *lua.LState) int {
	f := &structFmt{L: L, s: checkString(L, 1)}
	// C pushes a nil mark after the arguments: a missing first value
	// reports "got nil", later ones "got no value".
	L.Push(lua.LNil)
	h := structHeader{endian: structLittle, align: 1}
	arg := 2
	total := 0
	var buf bytes.Buffer
	for f.more() {
		opt := f.next()
		size := f.optsize(opt)
		toalign := gettoalign(total, &h, opt, size)
		total += toalign
		buf.Write(make([]byte, toalign))
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			putinteger(&buf, checkNumber(L, arg), h.endian, size)
			arg++
		case 'x':
			buf.WriteByte(0)
		case 'f':
			bits := math.Float32bits(float32(checkNumber(L, arg)))
			arg++
			putBits(&buf, uint64(bits), 4, h.endian)
		case 'd':
			bits := math.Float64bits(checkNumber(L, arg))
			arg++
			putBits(&buf, bits, 8, h.endian)
		case 'c', 's':
			s := checkString(L, arg)
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				argError(L, arg, "string too short")
			}
			buf.WriteString(s[:size])
			if opt == 's' {
				buf.WriteByte(0)
				size++
			}
		default:
			f.controloptions(opt, &h)
		}
		total += size
	}
	L.Push(lua.LString(buf.String()))
	return 1
}

func putBits(buf *bytes.Buffer, bits uint64, size, endian int) {
	for i := 0; i < size; i++ {
		shift := i
		if endian == structBig {
			shift = size - 1 - i
		}
		buf.WriteByte(byte(bits >> (8 * shift)))
	}
}

func getBits(data string, size, endian int) uint64 {
	var v uint64
	for i := 0; i < size; i++ {
		shift := i
		if endian == structBig {
			shift = size - 1 - i
		}
		v |= uint64(data[i]) << (8 * shift)
	}
	return v
}

// getinteger reads size bytes into a 64-bit accumulator (older bytes shift
// out) and sign-extends with the x86 shift count (size*8-1) mod 64.
func getinteger(data string, endian int, signed bool, size int) float64 {
	var l uint64
	if endian == structBig {
		for i := 0; i < size; i++ {
			l = l<<8 | uint64(data[i])
		}
	} else {
		for i := size - 1; i >= 0; i-- {
			l = l<<8 | uint64(data[i])
		}
	}
	if !signed {
		return float64(l)
	}
	mask := ^uint64(0) << (uint(size*8-1) & 63)
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

func structUnpack(L *lua.LState) int {
	f := &structFmt{L: L, s: checkString(L, 1)}
	data := checkString(L, 2)
	nargs := L.GetTop()
	start := int64(1)
	if nargs >= 3 && L.Get(3) != lua.LNil {
		start = checkInteger(L, 3)
	}
	if start == 0 {
		argError(L, 3, "offset must be 1 or greater")
	}
	// size_t arithmetic: a negative offset is a huge position.
	pos := uint64(start) - 1
	ld := uint64(len(data))
	h := structHeader{endian: structLittle, align: 1}
	var res []lua.LValue
	stackBase := nargs
	for f.more() {
		opt := f.next()
		size := uint64(f.optsize(opt))
		pos += uint64(gettoalign(int(pos&0xffffffff), &h, opt, int(size)))
		if !(size <= ld && pos <= ld-size) {
			argError(L, 2, "data string too short")
		}
		if stackBase+len(res)+2 > luaMaxCStack {
			raise(L, "stack overflow (too many results)")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			signed := opt >= 'a' && opt <= 'z'
			res = append(res, lua.LNumber(getinteger(data[pos:], h.endian, signed, int(size))))
		case 'x':
		case 'f':
			res = append(res, lua.LNumber(math.Float32frombits(uint32(getBits(data[pos:], 4, h.endian)))))
		case 'd':
			res = append(res, lua.LNumber(math.Float64frombits(getBits(data[pos:], 8, h.endian))))
		case 'c':
			if size == 0 {
				var prev float64
				ok := false
				if len(res) > 0 {
					prev, ok = toNumber(res[len(res)-1])
				}
				if !ok {
					raise(L, "format 'c0' needs a previous size")
				}
				size = dToU64(prev)
				res = res[:len(res)-1]
				if !(size <= ld && pos <= ld-size) {
					argError(L, 2, "data string too short")
				}
			}
			res = append(res, lua.LString(data[pos:pos+size]))
		case 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				raise(L, "unfinished string in data")
			}
			size = uint64(e) + 1
			res = append(res, lua.LString(data[pos:pos+uint64(e)]))
		default:
			f.controloptions(opt, &h)
		}
		pos += size
	}
	for _, v := range res {
		L.Push(v)
	}
	L.Push(lua.LNumber(float64(pos + 1)))
	return len(res) + 1
}

func structSize(L *lua.LState) int {
	f := &structFmt{L: L, s: checkString(L, 1)}
	h := structHeader{endian: structLittle, align: 1}
	pos := 0
	for f.more() {
		opt := f.next()
		size := f.optsize(opt)
		pos += gettoalign(pos, &h, opt, size)
		if opt == 's' {
			argError(L, 1, "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			argError(L, 1, "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.controloptions(opt, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
