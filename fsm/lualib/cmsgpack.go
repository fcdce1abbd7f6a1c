package lualib

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// lua-cmsgpack 0.4.0 as bundled in Redis 7.0.

// mpMaxNesting is LUACMSGPACK_MAX_NESTING: tables nested deeper pack as
// nil, which is how the C library survives circular references.
const mpMaxNesting = 16

// OpenCMsgpack registers the global table cmsgpack.
func OpenCMsgpack(L *lua.LState) {
	t := register(L, "cmsgpack", map[string]lua.LGFunction{
		"pack":         mpPack,
		"unpack":       mpUnpack,
		"unpack_one":   mpUnpackOne,
		"unpack_limit": mpUnpackLimit,
	})
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
}

// mpEncoder carries one cmsgpack.pack call; stack mirrors the C
// function's Lua stack use for its luaL_checkstack bounds.
type mpEncoder struct {
	L     *lua.LState
	buf   []byte
	stack int
}

func (e *mpEncoder) checkStack(n int, msg string) {
	if e.stack+n > luaMaxCStack {
		raise(e.L, "stack overflow (%s)", msg)
	}
}

func mpPack(L *lua.LState) int {
	nargs := L.GetTop()
	if nargs == 0 {
		argError(L, 0, "MessagePack pack needs input.")
	}
	if 2*nargs > luaMaxCStack {
		argError(L, 0, "Too many arguments for MessagePack pack.")
	}
	e := &mpEncoder{L: L}
	for i := 1; i <= nargs; i++ {
		// The arguments, one packed string per earlier argument, and the
		// copy being encoded.
		e.stack = nargs + i
		e.value(L.Get(i), 0)
	}
	L.Push(lua.LString(e.buf))
	return 1
}

func (e *mpEncoder) value(v lua.LValue, level int) {
	switch x := v.(type) {
	case lua.LString:
		e.bytes(string(x))
	case lua.LBool:
		if x {
			e.buf = append(e.buf, 0xc3)
		} else {
			e.buf = append(e.buf, 0xc2)
		}
	case lua.LNumber:
		e.number(float64(x))
	case *lua.LTable:
		if level == mpMaxNesting {
			e.buf = append(e.buf, 0xc0)
			return
		}
		if n, ok := e.isArray(x); ok {
			e.array(x, n, level)
		} else {
			e.mapping(x, level)
		}
	default:
		e.buf = append(e.buf, 0xc0)
	}
}

func (e *mpEncoder) bytes(s string) {
	n := len(s)
	switch {
	case n < 32:
		e.buf = append(e.buf, 0xa0|byte(n))
	case n <= 0xff:
		e.buf = append(e.buf, 0xd9, byte(n))
	case n <= 0xffff:
		e.buf = append(e.buf, 0xda, byte(n>>8), byte(n))
	default:
		e.buf = append(e.buf, 0xdb, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	e.buf = append(e.buf, s...)
}

// number packs integers (doubles equal to their int64 truncation) in the
// smallest integer format, other values as float when exact, else double.
func (e *mpEncoder) number(f float64) {
	if !math.IsInf(f, 0) && float64(cvttsd2si(f)) == f {
		e.integer(cvttsd2si(f))
		return
	}
	if float64(float32(f)) == f {
		e.buf = append(e.buf, 0xca)
		e.buf = binary.BigEndian.AppendUint32(e.buf, math.Float32bits(float32(f)))
		return
	}
	e.buf = append(e.buf, 0xcb)
	e.buf = binary.BigEndian.AppendUint64(e.buf, math.Float64bits(f))
}

func (e *mpEncoder) integer(n int64) {
	b := e.buf
	switch {
	case n >= 0 && n <= 127:
		b = append(b, byte(n))
	case n >= 0 && n <= 0xff:
		b = append(b, 0xcc, byte(n))
	case n >= 0 && n <= 0xffff:
		b = append(b, 0xcd, byte(n>>8), byte(n))
	case n >= 0 && n <= 0xffffffff:
		b = append(b, 0xce)
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	case n >= 0:
		b = append(b, 0xcf)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	case n >= -32:
		b = append(b, byte(n))
	case n >= -128:
		b = append(b, 0xd0, byte(n))
	case n >= -32768:
		b = append(b, 0xd1, byte(n>>8), byte(n))
	case n >= -2147483648:
		b = append(b, 0xd2)
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, 0xd3)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	e.buf = b
}

// isArray is table_is_an_array: every key a positive number equal to its
// int truncation, and the largest equal to the count (so keys are 1..n).
func (e *mpEncoder) isArray(t *lua.LTable) (int, bool) {
	e.checkStack(2, "in function table_is_an_array")
	var count, max int32
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		f := float64(n)
		if !ok || f <= 0 || math.IsInf(f, 0) || float64(cvttsd2si32(f)) != f {
			return 0, false
		}
		if f > float64(max) {
			max = int32(f)
		}
		count++
	}
	return int(count), max == count
}

func (e *mpEncoder) array(t *lua.LTable, n, level int) {
	e.header(0x90, 0xdc, 0xdd, n)
	e.checkStack(1, "in function mp_encode_lua_table_as_array")
	e.stack++
	for j := 1; j <= n; j++ {
		e.value(t.RawGetInt(j), level+1)
	}
	e.stack--
}

func (e *mpEncoder) mapping(t *lua.LTable, level int) {
	e.checkStack(3, "in function mp_encode_lua_table_as_map")
	n := 0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n++
	}
	e.header(0x80, 0xde, 0xdf, n)
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		e.stack += 3 // key, value and the key's copy
		e.value(k, level+1)
		e.stack--
		e.value(v, level+1)
		e.stack -= 2
	}
}

func (e *mpEncoder) header(fix, b16, b32 byte, n int) {
	switch {
	case n <= 15:
		e.buf = append(e.buf, fix|byte(n))
	case n <= 0xffff:
		e.buf = append(e.buf, b16, byte(n>>8), byte(n))
	default:
		e.buf = append(e.buf, b32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

const (
	mpErrNone = iota
	mpErrEOF
	mpErrBadFmt
)

// mpDecoder is the C library's cursor. stack counts the values the C
// function would hold on the Lua stack, for luaL_checkstack's bound.
type mpDecoder struct {
	L     *lua.LState
	data  string
	pos   int
	err   int
	stack int
}

func (d *mpDecoder) left() int { return len(d.data) - d.pos }

func (d *mpDecoder) need(n int) bool {
	if d.left() < n {
		d.err = mpErrEOF
		return false
	}
	return true
}

func (d *mpDecoder) checkStack(n int, msg string) {
	if d.stack+n > luaMaxCStack {
		raise(d.L, "stack overflow (%s)", msg)
	}
}

func (d *mpDecoder) u(off, n int) uint64 {
	var v uint64
	for i := 0; i < n; i++ {
		v = v<<8 | uint64(d.data[d.pos+off+i])
	}
	return v
}

// decode reads one value; ok is false when the cursor has an error (and
// nothing was produced).
func (d *mpDecoder) decode() (lua.LValue, bool) {
	if !d.need(1) {
		return nil, false
	}
	d.checkStack(1, "too many return values at once; use unpack_one or unpack_limit instead.")
	c := d.data[d.pos]
	fixed := func(n int, v lua.LValue) (lua.LValue, bool) {
		if !d.need(n) {
			return nil, false
		}
		d.pos += n
		return v, true
	}
	switch c {
	case 0xcc:
		if !d.need(2) {
			return nil, false
		}
		return fixed(2, lua.LNumber(d.u(1, 1)))
	case 0xd0:
		if !d.need(2) {
			return nil, false
		}
		return fixed(2, lua.LNumber(int8(d.u(1, 1))))
	case 0xcd:
		if !d.need(3) {
			return nil, false
		}
		return fixed(3, lua.LNumber(d.u(1, 2)))
	case 0xd1:
		if !d.need(3) {
			return nil, false
		}
		return fixed(3, lua.LNumber(int16(d.u(1, 2))))
	case 0xce:
		if !d.need(5) {
			return nil, false
		}
		return fixed(5, lua.LNumber(d.u(1, 4)))
	case 0xd2:
		if !d.need(5) {
			return nil, false
		}
		return fixed(5, lua.LNumber(int32(d.u(1, 4))))
	case 0xcf, 0xd3:
		// uint 64 goes through lua_pushinteger, a signed 64-bit integer.
		if !d.need(9) {
			return nil, false
		}
		return fixed(9, lua.LNumber(int64(d.u(1, 8))))
	case 0xc0:
		d.pos++
		return lua.LNil, true
	case 0xc3:
		d.pos++
		return lua.LTrue, true
	case 0xc2:
		d.pos++
		return lua.LFalse, true
	case 0xca:
		if !d.need(5) {
			return nil, false
		}
		return fixed(5, lua.LNumber(math.Float32frombits(uint32(d.u(1, 4)))))
	case 0xcb:
		if !d.need(9) {
			return nil, false
		}
		return fixed(9, lua.LNumber(math.Float64frombits(d.u(1, 8))))
	case 0xd9:
		return d.raw(1)
	case 0xda:
		return d.raw(2)
	case 0xdb:
		return d.raw(4)
	case 0xdc, 0xdd, 0xde, 0xdf:
		w := 2
		if c == 0xdd || c == 0xdf {
			w = 4
		}
		if !d.need(1 + w) {
			return nil, false
		}
		n := d.u(1, w)
		d.pos += 1 + w
		if c <= 0xdd {
			return d.array(n)
		}
		return d.hash(n)
	}
	switch {
	case c&0x80 == 0:
		d.pos++
		return lua.LNumber(c), true
	case c&0xe0 == 0xe0:
		d.pos++
		return lua.LNumber(int8(c)), true
	case c&0xe0 == 0xa0:
		n := int(c & 0x1f)
		if !d.need(1 + n) {
			return nil, false
		}
		s := d.data[d.pos+1 : d.pos+1+n]
		d.pos += 1 + n
		return lua.LString(s), true
	case c&0xf0 == 0x90:
		d.pos++
		return d.array(uint64(c & 0xf))
	case c&0xf0 == 0x80:
		d.pos++
		return d.hash(uint64(c & 0xf))
	}
	d.err = mpErrBadFmt
	return nil, false
}

// raw reads a string whose length takes w bytes after the type byte.
func (d *mpDecoder) raw(w int) (lua.LValue, bool) {
	if !d.need(1 + w) {
		return nil, false
	}
	n := d.u(1, w)
	if uint64(d.left()-1-w) < n {
		d.err = mpErrEOF
		return nil, false
	}
	start := d.pos + 1 + w
	d.pos = start + int(n)
	return lua.LString(d.data[start:d.pos]), true
}

// array decodes n elements; n comes from the input, so nothing is
// preallocated from it.
func (d *mpDecoder) array(n uint64) (lua.LValue, bool) {
	t := d.L.NewTable()
	d.stack++ // the table
	d.checkStack(1, "in function mp_decode_to_lua_array")
	for i := uint64(1); i <= n; i++ {
		d.stack++ // the index
		v, ok := d.decode()
		d.stack--
		if !ok {
			return nil, false
		}
		if v != lua.LNil {
			t.RawSetInt(int(i), v)
		}
	}
	d.stack--
	return t, true
}

func (d *mpDecoder) hash(n uint64) (lua.LValue, bool) {
	t := d.L.NewTable()
	d.stack++
	for ; n > 0; n-- {
		k, ok := d.decode()
		if !ok {
			return nil, false
		}
		d.stack++
		v, ok := d.decode()
		d.stack--
		if !ok {
			return nil, false
		}
		// lua_settable raises from inside the C function: no position.
		switch kk := k.(type) {
		case *lua.LNilType:
			d.L.Error(lua.LString("table index is nil"), 0)
		case lua.LNumber:
			if math.IsNaN(float64(kk)) {
				d.L.Error(lua.LString("table index is NaN"), 0)
			}
		}
		t.RawSet(k, v)
	}
	d.stack--
	return t, true
}

func mpUnpack(L *lua.LState) int {
	return mpUnpackFull(L, 0, 0)
}

func mpUnpackOne(L *lua.LState) int {
	offset := int64(0)
	if L.Get(2) != lua.LNil {
		offset = checkInteger(L, 2)
	}
	L.SetTop(1)
	return mpUnpackFull(L, 1, offset)
}

func mpUnpackLimit(L *lua.LState) int {
	limit := checkInteger(L, 2)
	offset := int64(0)
	if L.Get(3) != lua.LNil {
		offset = checkInteger(L, 3)
	}
	L.SetTop(1)
	return mpUnpackFull(L, limit, offset)
}

func mpUnpackFull(L *lua.LState, limit, offset int64) int {
	s := checkString(L, 1)
	n := int64(len(s))
	if offset < 0 || limit < 0 {
		// The C code prints the input length where it means the limit.
		raise(L, "Invalid request to unpack with offset of %d and limit of %d.", int32(offset), int32(n))
	} else if offset > n {
		raise(L, "Start offset %d greater than input length %d.", int32(offset), int32(n))
	}
	all := limit == 0 && offset == 0
	if all {
		limit = math.MaxInt32
	}
	d := &mpDecoder{L: L, data: s, pos: int(offset), stack: L.GetTop()}
	var out []lua.LValue
	for cnt := int64(0); d.left() > 0 && cnt < limit; cnt++ {
		v, ok := d.decode()
		switch d.err {
		case mpErrEOF:
			raise(L, "Missing bytes in input.")
		case mpErrBadFmt:
			raise(L, "Bad data format in input.")
		}
		if ok {
			out = append(out, v)
			d.stack++
		}
	}
	if !all {
		d.checkStack(1, "in function mp_unpack_full")
		next := lua.LNumber(-1)
		if d.left() > 0 {
			next = lua.LNumber(d.pos)
		}
		L.Push(next)
	}
	for _, v := range out {
		L.Push(v)
	}
	if all {
		return len(out)
	}
	return len(out) + 1
}
