package lualib

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

func cjsonDiffCases() []diffCase {
	exprs := []string{
		// Scalars and number formatting.
		"cjson.encode(0.1)", "cjson.encode(1e20)", "cjson.encode(-0)", "cjson.encode(1/3)", "cjson.encode(100)", "cjson.encode(2^53)",
		"cjson.encode(123456789012345678)", "cjson.encode(1e-5)", "cjson.encode(0.0001)", "cjson.encode(-1.5e300)", "cjson.encode(5e-324)",
		"cjson.encode(1e15)", "cjson.encode(1e14)", "cjson.encode(99999999999999.9)", "cjson.encode(0/0)", "cjson.encode(1/0)", "cjson.encode(-1/0)",
		"cjson.encode(true)", "cjson.encode(false)", "cjson.encode(nil)", "cjson.encode(cjson.null)", "cjson.encode('')", "cjson.encode('a/b\"c\\\\d')",
		"cjson.encode('\\0\\1\\8\\9\\10\\11\\12\\13\\31\\127\\128\\255 ~')", "cjson.encode('é✓😀')",
		// Arrays, sparse arrays, objects with one key.
		"cjson.encode({})", "cjson.encode({1,2,3})", "cjson.encode({1,nil,3})", "cjson.encode({[1]=1,[3]=3})", "cjson.encode({[2]=1})",
		"cjson.encode({[11]=1})", "cjson.encode({[10]=1})", "cjson.encode({[1]=1,[20]=2})", "cjson.encode({[2147483648]=1})", "cjson.encode({[1.5]=1})",
		"cjson.encode({[0]=1})", "cjson.encode({[-1]=1})", "cjson.encode({a=1})", "cjson.encode({['1']=1})", "cjson.encode({{},{{}},{a={}}})",
		"cjson.encode({[1/0]=1})", "cjson.encode({[true]=1})", "cjson.encode({[{}]=1})", "cjson.encode({function() end})", "cjson.encode(string.len)",
		"cjson.encode({cjson.null, nil, cjson.null})", "cjson.encode({x={y={z={1,'a',true}}}})", "cjson.encode({[1e300]=1})",
		"cjson.encode(coroutine.create(function() end))", "cjson.encode()", "cjson.encode(1,2)", "cjson.encode('\\226\\128\\168')",
		// Decoding.
		"cjson.decode('{')", "cjson.decode('')", "cjson.decode('[')", "cjson.decode('[1,]')", "cjson.decode('[1 2]')", "cjson.decode('{\"a\" 1}')",
		"cjson.decode('{\"a\":1,}')", "cjson.decode('{1:2}')", "cjson.decode('nul')", "cjson.decode('truex')", "cjson.decode('true')", "cjson.decode(' false ')",
		"cjson.decode('null')", "cjson.decode('[null]')[1] == cjson.null", "cjson.decode('\"abc')", "cjson.decode('\"a\\\\qb\"')", "cjson.decode('\"\\\\u12\"')",
		"cjson.decode('\"\\\\u00e9\\\\u2713\\\\ud83d\\\\ude00\"')", "cjson.decode('\"\\\\ud83d\"')", "cjson.decode('\"\\\\ude00\"')", "cjson.decode('\"\\\\ud83d\\\\u0041\"')",
		"cjson.decode('\"\\\\u0000x\"')", "cjson.decode('\"\\\\/\\\\b\\\\f\\\\n\\\\r\\\\t\\\\\"\\\\\\\\\"')", "cjson.decode('\"tab\\tin\"')",
		"cjson.decode('0x10')", "cjson.decode('-0x10')", "cjson.decode('012')", "cjson.decode('+1')", "cjson.decode('nan')", "cjson.decode('-nan')",
		"cjson.decode('inf')", "cjson.decode('-Infinity')", "cjson.decode('NaN')", "cjson.decode('infinit')", "cjson.decode('-')", "cjson.decode('1.5e')",
		"cjson.decode('1e400')", "cjson.decode('-1e-400')", "cjson.decode('1.')", "cjson.decode('.5')", "cjson.decode('0.5e+3')", "cjson.decode('1E2')",
		"cjson.decode('123abc')", "cjson.decode('[1]x')", "cjson.decode('[1]\\0x')", "cjson.decode('1\\0')", "cjson.decode('\\0')", "cjson.decode('{\"a\":1,\"a\":2}')",
		"cjson.decode('{\"1\":2}')", "cjson.decode(' [ 1 , [ 2 , { \"x\" : [ ] } ] ] ')", "cjson.decode('[\"\\\\u0041\\\\u00\"]')", "cjson.decode(123)",
		"cjson.decode({})", "cjson.decode()", "cjson.decode('1','2')", "cjson.decode('[1,2')", "cjson.decode('{\"a\":}')", "cjson.decode('{}')", "cjson.decode('[]')",
		"cjson.decode('\\r\\n\\t 7')", "cjson.decode('\\f7')", "cjson.decode('[truefalse]')", "cjson.decode('0x')", "cjson.decode('0x1p4')", "cjson.decode('1e5x')",
		"cjson.decode(string.rep('[',1001)..string.rep(']',1001))", "cjson.decode(string.rep('[',1000)..string.rep(']',1000)) ~= nil",
		"cjson.decode(string.rep('{\"a\":',1001)..'1'..string.rep('}',1001))",
		// Config getters.
		"cjson.encode_sparse_array()", "cjson.encode_max_depth()", "cjson.decode_max_depth()", "cjson.encode_number_precision()",
		"cjson.encode_keep_buffer()", "cjson.encode_invalid_numbers()", "cjson.decode_invalid_numbers()",
		"cjson.encode_max_depth(1,2)", "cjson.encode_sparse_array(1,2,3,4)", "cjson.encode_max_depth(0)", "cjson.encode_max_depth('x')",
		"cjson.encode_number_precision(15)", "cjson.encode_number_precision(0)", "cjson.encode_sparse_array('yes')", "cjson.encode_sparse_array(nil,-1)",
		"cjson.encode_sparse_array(nil,nil,-1)", "cjson.encode_invalid_numbers('maybe')", "cjson.encode_invalid_numbers(1)", "cjson.encode_invalid_numbers({})",
		"cjson.encode_keep_buffer('on')", "cjson.encode_keep_buffer(true)",
		"type(cjson.null)", "tostring(cjson.null)", "tostring(cjson.decode('[null]')[1])", "cjson.null == cjson.decode('null')", "cjson._NAME", "cjson._VERSION", "type(cjson.new)", "cjson.new().encode({1})",
		"cjson.new().null == cjson.null", "cjson.new().encode_max_depth()",
	}
	cases := exprCases("cjson", exprs...)
	// Settings persist in the interpreter: each block restores what it changes.
	blocks := []string{
		"cjson.encode_number_precision(3) local a = {cjson.encode(1/3), cjson.encode(123456), cjson.encode({[0.125]=1})} cjson.encode_number_precision(14) return a",
		"cjson.encode_number_precision(1) local a = cjson.encode({0.15, 25, 1e100}) cjson.encode_number_precision(14) return a",
		"local r = {cjson.encode_invalid_numbers('on')} r[2] = cjson.encode({0/0, 1/0, -1/0}) r[3] = cjson.encode_invalid_numbers('null') r[4] = cjson.encode({0/0, 1/0, -1/0}) r[5] = cjson.encode_invalid_numbers(false) return r",
		"cjson.encode_invalid_numbers(true) local ok, e = pcall(cjson.encode, {[1/0] = 1}) cjson.encode_invalid_numbers(false) return ok, e",
		"local r = {cjson.decode_invalid_numbers(false)} for _, s in ipairs({'0x10', 'nan', '+1', '012', '-inf', '1', '-0', '0', '-', 'x'}) do r[#r+1] = select(2, pcall(cjson.decode, s)) end cjson.decode_invalid_numbers(true) return r",
		"local r = {cjson.encode_sparse_array(true)} r[2] = cjson.encode({[1]=1,[20]=2}) r[3] = cjson.encode_sparse_array(false, 0) r[4] = cjson.encode({[1]=1,[2000]=2}) cjson.encode_sparse_array(false, 2, 10) return r",
		"local r = {cjson.encode_sparse_array(false, 1, 0)} r[2] = select(2, pcall(cjson.encode, {1, 2, nil, 4})) r[3] = cjson.encode({1, 2, 3}) cjson.encode_sparse_array(false, 2, 10) return r",
		"local r = {cjson.encode_sparse_array(false, 3, 2)} r[2] = select(2, pcall(cjson.encode, {[1]=1,[7]=1})) r[3] = cjson.encode({[1]=1,[6]=1}) cjson.encode_sparse_array(false, 2, 10) return r",
		"cjson.encode_max_depth(2) local r = {pcall(cjson.encode, {{1}})} r[3] = select(2, pcall(cjson.encode, {{{1}}})) cjson.encode_max_depth(1000) return r",
		"local t = {} t[1] = t local ok, e = pcall(cjson.encode, t) return ok, e",
		"local t = {} t.a = t local ok, e = pcall(cjson.encode, t) return ok, e",
		"cjson.encode_max_depth(100000) local t = {} t[1] = t local ok, e = pcall(cjson.encode, t) cjson.encode_max_depth(1000) return ok, e",
		"cjson.encode_max_depth(100000) local t = {} t.a = t local ok, e = pcall(cjson.encode, t) cjson.encode_max_depth(1000) return ok, e",
		"cjson.decode_max_depth(3) local r = {pcall(cjson.decode, '[[[1]]]')} r[3] = select(2, pcall(cjson.decode, '[[[[1]]]]')) r[4] = select(2, pcall(cjson.decode, '{\"a\":{\"b\":{\"c\":{}}}}')) cjson.decode_max_depth(1000) return r",
		"cjson.decode_max_depth(100000) local ok, e = pcall(cjson.decode, string.rep('[', 9000)) local ok2, e2 = pcall(cjson.decode, string.rep('{\"\":', 5000)) cjson.decode_max_depth(1000) return ok, e, ok2, e2",
		"local c = cjson.new() c.encode_number_precision(2) return c.encode(1/3), cjson.encode(1/3), c.encode_number_precision(), cjson.encode_number_precision()",
		"local t = cjson.decode('{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}') return t, t.a[3].b == cjson.null",
		"return #cjson.encode({a=1,b={1,2},c='x',d=true,e=cjson.null}), cjson.decode(cjson.encode({a=1,b={1,2},c='x',d=true,e=cjson.null}))",
		"local s = '' for i = 0, 255 do s = s .. string.char(i) end return cjson.encode(s), cjson.decode(cjson.encode(s)) == s",
		"local s = {} for i = 0, 255 do s[#s+1] = string.format('\\\\u%04x', i) end return cjson.decode('\"' .. table.concat(s) .. '\"')",
	}
	for i, b := range blocks {
		cases = append(cases, diffCase{name: fmt.Sprintf("cjson-block[%d]", i), body: b})
	}
	rng := rand.New(rand.NewPCG(17, 19))
	for i := 0; i < 150; i++ {
		v := randLuaValue(rng, 4, i%3 == 0)
		if i%3 == 0 {
			// Arrays only: the encoding itself is deterministic.
			cases = append(cases, diffCase{name: fmt.Sprintf("cjson-rand-array[%d]", i),
				body: "local t = " + v + " local s = cjson.encode(t) return s, cjson.encode(cjson.decode(s)) == s"})
		} else {
			cases = append(cases, diffCase{name: fmt.Sprintf("cjson-rand[%d]", i),
				body: "local t = " + v + " local s = cjson.encode(t) local u = cjson.decode(s) return #s, u, #cjson.encode(u) == #s"})
		}
	}
	return cases
}

// randLuaValue returns a Lua expression for a random nested value; with
// arraysOnly no table has string keys.
func randLuaValue(rng *rand.Rand, depth int, arraysOnly bool) string {
	k := rng.IntN(10)
	if depth == 0 && k >= 7 {
		k = rng.IntN(7)
	}
	switch k {
	case 0:
		return fmt.Sprint(rng.Int64N(2000000) - 1000000)
	case 1:
		return fmt.Sprintf("%g", (rng.Float64()-0.5)*math10(rng.IntN(40)-20))
	case 2:
		return luaQuote(randString(rng))
	case 3:
		return []string{"true", "false", "cjson.null"}[rng.IntN(3)]
	case 4:
		return fmt.Sprint(rng.IntN(100))
	case 5:
		return fmt.Sprintf("%d.%d", rng.IntN(1000), rng.IntN(1000))
	case 6:
		return luaQuote(strings.Repeat("ab/\\\"", rng.IntN(3)))
	case 7, 8:
		n := rng.IntN(6)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = randLuaValue(rng, depth-1, arraysOnly)
		}
		return "{" + strings.Join(parts, ",") + "}"
	default:
		if arraysOnly {
			return "{" + randLuaValue(rng, depth-1, arraysOnly) + "}"
		}
		n := rng.IntN(5)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "[" + luaQuote(randString(rng)) + "]=" + randLuaValue(rng, depth-1, arraysOnly)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
}

func math10(e int) float64 {
	f := 1.0
	for ; e > 0; e-- {
		f *= 10
	}
	for ; e < 0; e++ {
		f /= 10
	}
	return f
}

func randString(rng *rand.Rand) string {
	n := rng.IntN(8)
	b := make([]byte, n)
	for i := range b {
		if rng.IntN(4) == 0 {
			b[i] = byte(rng.IntN(256))
		} else {
			b[i] = byte('a' + rng.IntN(26))
		}
	}
	return string(b)
}

// luaQuote is a Lua string literal for any bytes.
func luaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 32 && c < 127 && c != '"' && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
