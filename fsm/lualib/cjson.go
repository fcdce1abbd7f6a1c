package lualib

import (
	"fmt"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// lua-cjson 2.1.0 as bundled in Redis 7.0.

const (
	cjsonName    = "cjson"
	cjsonVersion = "2.1.0"
	intMax       = math.MaxInt32
)

// cjsonConfig is one cjson instance's settings (the module and each
// cjson.new() have their own), with lua-cjson's defaults.
type cjsonConfig struct {
	sparseConvert  int
	sparseRatio    int
	sparseSafe     int
	encodeMaxDepth int
	decodeMaxDepth int
	encodeInvalid  int // 0 off, 1 on, 2 null
	decodeInvalid  int
	keepBuffer     int
	precision      int
	null           *lua.LUserData
}

func newCJSONConfig(null *lua.LUserData) *cjsonConfig {
	return &cjsonConfig{
		sparseRatio:    2,
		sparseSafe:     10,
		encodeMaxDepth: 1000,
		decodeMaxDepth: 1000,
		decodeInvalid:  1,
		keepBuffer:     1,
		precision:      14,
		null:           null,
	}
}

// OpenCJSON registers the global table cjson.
func OpenCJSON(L *lua.LState) {
	// cjson.null is a NULL lightuserdata in C: every instance and every
	// decoded null is the same value, so one userdata stands for it.
	null := L.NewUserData()
	// tostring of a NULL lightuserdata prints glibc's "%p" of NULL. The
	// metatable that gives the same text is the one visible difference:
	// getmetatable(cjson.null) is a table here, nil in Redis.
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("userdata: (nil)"))
		return 1
	}))
	null.Metatable = mt
	L.SetGlobal("cjson", newCJSONModule(L, null))
}

func newCJSONModule(L *lua.LState, null *lua.LUserData) *lua.LTable {
	cfg := newCJSONConfig(null)
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"encode":                  cfg.encode,
		"decode":                  cfg.decode,
		"encode_sparse_array":     cfg.cfgSparseArray,
		"encode_max_depth":        cfg.intOption(&cfg.encodeMaxDepth, 1, intMax),
		"decode_max_depth":        cfg.intOption(&cfg.decodeMaxDepth, 1, intMax),
		"encode_number_precision": cfg.intOption(&cfg.precision, 1, 14),
		"encode_keep_buffer":      cfg.enumOption(&cfg.keepBuffer, nil),
		"encode_invalid_numbers":  cfg.enumOption(&cfg.encodeInvalid, []string{"off", "on", "null"}),
		"decode_invalid_numbers":  cfg.enumOption(&cfg.decodeInvalid, nil),
		"new": func(L *lua.LState) int {
			L.Push(newCJSONModule(L, null))
			return 1
		},
	}
	setFuncs(L, t, fns)
	t.RawSetString("null", null)
	t.RawSetString("_NAME", lua.LString(cjsonName))
	t.RawSetString("_VERSION", lua.LString(cjsonVersion))
	return t
}

// argInit is json_arg_init: at most n arguments, padded with nils.
func argInit(L *lua.LState, n int) {
	if L.GetTop() > n {
		argError(L, n+1, "found too many arguments")
	}
	for L.GetTop() < n {
		L.Push(lua.LNil)
	}
}

// integerOption is json_integer_option (whose range error always names
// argument 1, as in lua-cjson).
func integerOption(L *lua.LState, idx int, setting *int, lo, hi int) {
	if L.Get(idx) != lua.LNil {
		// luaL_checkinteger, then stored in a C int.
		value := int(int32(checkInteger(L, idx)))
		if value < lo || value > hi {
			argError(L, 1, fmt.Sprintf("expected integer between %d and %d", lo, hi))
		}
		*setting = value
	}
	L.Push(lua.LNumber(*setting))
}

// enumOption is json_enum_option; options nil means off/on.
func enumOption(L *lua.LState, idx int, setting *int, options []string) {
	if options == nil {
		options = []string{"off", "on"}
	}
	v := L.Get(idx)
	if v != lua.LNil {
		if b, ok := v.(lua.LBool); ok {
			*setting = 0
			if b {
				*setting = 1
			}
		} else {
			name := checkString(L, idx)
			found := -1
			for i, o := range options {
				if o == name {
					found = i
					break
				}
			}
			if found < 0 {
				argError(L, idx, "invalid option '"+name+"'")
			}
			*setting = found
		}
	}
	if *setting == 0 || *setting == 1 {
		L.Push(lua.LBool(*setting == 1))
	} else {
		L.Push(lua.LString(options[*setting]))
	}
}

func (cfg *cjsonConfig) intOption(setting *int, lo, hi int) lua.LGFunction {
	return func(L *lua.LState) int {
		argInit(L, 1)
		integerOption(L, 1, setting, lo, hi)
		return 1
	}
}

func (cfg *cjsonConfig) enumOption(setting *int, options []string) lua.LGFunction {
	return func(L *lua.LState) int {
		argInit(L, 1)
		enumOption(L, 1, setting, options)
		return 1
	}
}

func (cfg *cjsonConfig) cfgSparseArray(L *lua.LState) int {
	const fn = "encode_sparse_array"
	argInit(L, 3)
	enumOption(L, 1, &cfg.sparseConvert, nil)
	integerOption(L, 2, &cfg.sparseRatio, 0, intMax)
	integerOption(L, 3, &cfg.sparseSafe, 0, intMax)
	return 3
}

// jsonEncoder carries one cjson.encode call. stack mirrors the C
// function's Lua stack use, which lua_checkstack bounds at LUAI_MAXCSTACK.
type jsonEncoder struct {
	L     *lua.LState
	cfg   *cjsonConfig
	buf   strings.Builder
	stack int
}

var jsonEscapes = func() [256]string {
	var e [256]string
	for i := 0; i < 32; i++ {
		e[i] = fmt.Sprintf("\\u%04x", i)
	}
	e['\b'], e['\t'], e['\n'], e['\f'], e['\r'] = `\b`, `\t`, `\n`, `\f`, `\r`
	e['"'], e['\\'], e['/'], e[127] = `\"`, `\\`, `\/`, `\u007f`
	return e
}()

func (cfg *cjsonConfig) encode(L *lua.LState) int {
	if L.GetTop() != 1 {
		argError(L, 1, "expected 1 argument")
	}
	e := &jsonEncoder{L: L, cfg: cfg, stack: 1}
	e.value(L.Get(1), 0)
	L.Push(lua.LString(e.buf.String()))
	return 1
}

func (e *jsonEncoder) fail(v lua.LValue, reason string) {
	raise(e.L, "Cannot serialise %s: %s", typeName(v), reason)
}

func (e *jsonEncoder) value(v lua.LValue, depth int) {
	switch x := v.(type) {
	case lua.LString:
		e.appendString(string(x))
	case lua.LNumber:
		e.appendNumber(float64(x))
	case lua.LBool:
		if x {
			e.buf.WriteString("true")
		} else {
			e.buf.WriteString("false")
		}
	case *lua.LTable:
		depth++
		if depth > e.cfg.encodeMaxDepth || e.stack+3 > luaMaxCStack {
			raise(e.L, "Cannot serialise, excessive nesting (%d)", depth)
		}
		if n := e.arrayLength(x); n > 0 {
			e.appendArray(x, n, depth)
		} else {
			e.appendObject(x, depth)
		}
	case *lua.LNilType:
		e.buf.WriteString("null")
	case *lua.LUserData:
		if x == e.cfg.null {
			e.buf.WriteString("null")
			return
		}
		e.fail(v, "type not supported")
	default:
		e.fail(v, "type not supported")
	}
}

func (e *jsonEncoder) appendString(s string) {
	e.buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if esc := jsonEscapes[s[i]]; esc != "" {
			e.buf.WriteString(esc)
		} else {
			e.buf.WriteByte(s[i])
		}
	}
	e.buf.WriteByte('"')
}

func (e *jsonEncoder) appendNumber(f float64) {
	switch e.cfg.encodeInvalid {
	case 0:
		if math.IsInf(f, 0) || math.IsNaN(f) {
			e.fail(lua.LNumber(f), "must not be NaN or Inf")
		}
	case 1:
		if math.IsNaN(f) {
			e.buf.WriteString("nan")
			return
		}
	default:
		if math.IsInf(f, 0) || math.IsNaN(f) {
			e.buf.WriteString("null")
			return
		}
	}
	e.buf.WriteString(fmtG(f, e.cfg.precision))
}

// arrayLength is lua_array_length: the largest key when every key is a
// positive integer, -1 for an object, with the sparse-array rules. The
// C code keeps the maximum in an int, so keys from 2^31 on wrap it.
func (e *jsonEncoder) arrayLength(t *lua.LTable) int {
	var max, items int32
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		if !ok || n == 0 {
			return -1
		}
		f := float64(n)
		if math.Floor(f) != f || f < 1 {
			return -1
		}
		if f > float64(max) {
			max = cvttsd2si32(f)
		}
		items++
	}
	cfg := e.cfg
	if cfg.sparseRatio > 0 && int64(max) > int64(int32(items*int32(cfg.sparseRatio))) && int(max) > cfg.sparseSafe {
		if cfg.sparseConvert == 0 {
			e.fail(t, "excessively sparse array")
		}
		return -1
	}
	return int(max)
}

func (e *jsonEncoder) appendArray(t *lua.LTable, n, depth int) {
	e.buf.WriteByte('[')
	e.stack++
	for i := 1; i <= n; i++ {
		if i > 1 {
			e.buf.WriteByte(',')
		}
		e.value(t.RawGetInt(i), depth)
	}
	e.stack--
	e.buf.WriteByte(']')
}

func (e *jsonEncoder) appendObject(t *lua.LTable, depth int) {
	e.buf.WriteByte('{')
	e.stack += 2
	comma := false
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if comma {
			e.buf.WriteByte(',')
		}
		comma = true
		switch key := k.(type) {
		case lua.LNumber:
			e.buf.WriteByte('"')
			e.appendNumber(float64(key))
			e.buf.WriteString(`":`)
		case lua.LString:
			e.appendString(string(key))
			e.buf.WriteByte(':')
		default:
			e.fail(k, "table key must be a number or string")
		}
		e.value(v, depth)
	}
	e.stack -= 2
	e.buf.WriteByte('}')
}
