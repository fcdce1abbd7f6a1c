package lualib

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestNoGoPanics calls every library function with seeded random
// arguments: each call must return or raise a Lua error, never panic in Go
// (gopher-lua reports a Go panic as ApiErrorPanic).
func TestNoGoPanics(t *testing.T) {
	L := newDiffState()
	defer L.Close()
	rng := rand.New(rand.NewPCG(41, 43))
	// One self-reference per table: with k of them cmsgpack.pack does k^16
	// work before its nesting cap, in C as here.
	nested := L.NewTable()
	nested.RawSetInt(1, nested)
	nestedMap := L.NewTable()
	nestedMap.RawSetString("self", nestedMap)
	sparse := L.NewTable()
	sparse.RawSetInt(1, lua.LNumber(1))
	sparse.RawSet(lua.LNumber(1e300), lua.LNumber(2))
	sparse.RawSet(lua.LNumber(math.Inf(1)), lua.LTrue)
	null := L.GetGlobal("cjson").(*lua.LTable).RawGetString("null")
	randBytes := func() lua.LValue {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return lua.LString(b)
	}
	pool := []func() lua.LValue{
		func() lua.LValue { return lua.LNil },
		func() lua.LValue { return lua.LTrue },
		func() lua.LValue {
			return lua.LNumber([]float64{0, -1, 1, 2, 8, 31, 32, 2147483648, -2147483649, 1e300, -1e300, math.NaN(), math.Inf(1), math.Inf(-1), 0.5, 9007199254740993}[rng.IntN(16)])
		},
		func() lua.LValue { return lua.LNumber(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)))) },
		randBytes,
		func() lua.LValue {
			return lua.LString([]string{"b", "i32", "!", "!16", "c0", "s", ">d<f", "i33", "c99999", "x", "l4", "{", "[", "\"", "0x", "nan", "\x91\x91\x91", "\xdd\xff\xff\xff\xff", "\xdb\xff\xff\xff\xff"}[rng.IntN(19)])
		},
		func() lua.LValue { return nested },
		func() lua.LValue { return nestedMap },
		func() lua.LValue { return sparse },
		func() lua.LValue { return null },
		func() lua.LValue { return L.NewFunction(func(*lua.LState) int { return 0 }) },
	}
	var fns []*lua.LFunction
	var names []string
	for _, lib := range []string{"bit", "struct", "cjson", "cmsgpack"} {
		L.GetGlobal(lib).(*lua.LTable).ForEach(func(k, v lua.LValue) {
			if f, ok := v.(*lua.LFunction); ok && k.String() != "new" {
				fns = append(fns, f)
				names = append(names, lib+"."+k.String())
			}
		})
	}
	for i := 0; i < 10000; i++ {
		j := rng.IntN(len(fns))
		args := make([]lua.LValue, rng.IntN(5))
		for a := range args {
			args[a] = pool[rng.IntN(len(pool))]()
		}
		err := L.CallByParam(lua.P{Fn: fns[j], NRet: lua.MultRet, Protect: true}, args...)
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) && apiErr.Type != lua.ApiErrorRun {
			t.Fatalf("%s%v: %v", names[j], args, err)
		}
		L.SetTop(0)
	}
}

// TestDeepInputsBounded: nesting far beyond the limits ends in the C
// libraries' errors, not in unbounded recursion.
func TestDeepInputsBounded(t *testing.T) {
	deep := strings.Repeat("[", 200000)
	runEvalCases(t, []evalCase{
		{"cjson.decode_max_depth(2^31-1) local ok, e = pcall(cjson.decode, '" + deep + "') cjson.decode_max_depth(1000) return e",
			`true | "Found too many nested data structures (7999) at character 7999"`},
		{"cjson.encode_max_depth(2^31-1) local t = {} t[1] = t local ok, e = pcall(cjson.encode, t) cjson.encode_max_depth(1000) return e",
			`true | "Cannot serialise, excessive nesting (7998)"`},
		{"return cmsgpack.unpack(string.rep('\\145', 200000))",
			`false | "user_script:1: stack overflow (in function mp_decode_to_lua_array)"`},
	})
}
