package lualib

import (
	"fmt"
	"math/rand/v2"
)

func cmsgpackDiffCases() []diffCase {
	var exprs []string
	for _, n := range []string{"0", "1", "127", "128", "255", "256", "65535", "65536", "2^32-1", "2^32", "2^53", "2^53+1", "2^63", "2^64", "-2^63", "-2^63-2^11",
		"-1", "-32", "-33", "-128", "-129", "-32768", "-32769", "-2^31", "-2^31-1", "-2^40", "0.5", "0.1", "-0.1", "1e300", "-0", "0/0", "1/0", "-1/0",
		"2^31+0.5", "3.25", "1e-40", "2^-149", "16777217.5", "'12'", "'x'"} {
		exprs = append(exprs, "cmsgpack.pack("+n+")", "cmsgpack.unpack(cmsgpack.pack("+n+"))")
	}
	for _, n := range []int{0, 1, 31, 32, 255, 256, 65535, 65536} {
		exprs = append(exprs, fmt.Sprintf("#cmsgpack.pack(string.rep('a',%d)), cmsgpack.pack(string.rep('a',%d)):sub(1,6), #cmsgpack.unpack(cmsgpack.pack(string.rep('a',%d)))", n, n, n))
	}
	exprs = append(exprs,
		"cmsgpack.pack(true)", "cmsgpack.pack(false)", "cmsgpack.pack(nil)", "cmsgpack.pack(string.len)", "cmsgpack.pack(cjson.null)",
		"cmsgpack.pack({})", "cmsgpack.pack({1,2,3})", "cmsgpack.pack({1,nil,3})", "cmsgpack.pack({[2]=1})", "cmsgpack.pack({a=1})", "cmsgpack.pack({[1.5]=1})",
		"cmsgpack.pack({[0]=1})", "cmsgpack.pack({[2^31]=1})", "cmsgpack.pack({[-1]=1})", "cmsgpack.pack({{{{}}}})", "cmsgpack.pack({[true]=false})",
		"cmsgpack.pack(1,'a',{2},nil,true)", "cmsgpack.pack()", "cmsgpack.unpack(cmsgpack.pack(1,'a',{2},nil,true))",
		"cmsgpack.pack({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}})", "cmsgpack.unpack(cmsgpack.pack({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}}))",
		"#cmsgpack.pack((function() local t = {} for i = 1, 20 do t[i] = i end return t end)())",
		"cmsgpack.pack((function() local t = {} for i = 1, 17 do t[i] = i end return t end)())",
		"cmsgpack.unpack(cmsgpack.pack((function() local t = {} for i = 1, 70000 do t[i] = i % 7 end return t end)()))[69999]",
		"#cmsgpack.pack((function() local t = {} for i = 1, 70000 do t['k'..i] = i end return t end)())",
		"cmsgpack.unpack('')", "cmsgpack.unpack()", "cmsgpack.unpack({})", "cmsgpack.unpack(12)", "cmsgpack.unpack('\\192')", "cmsgpack.unpack('\\193')",
		"cmsgpack.unpack('\\196\\1a')", "cmsgpack.unpack('\\212\\1\\2')", "cmsgpack.unpack('\\204')", "cmsgpack.unpack('\\204\\200')", "cmsgpack.unpack('\\208\\200')",
		"cmsgpack.unpack('\\205\\255\\1')", "cmsgpack.unpack('\\209\\255\\1')", "cmsgpack.unpack('\\206\\255\\255\\255\\255')", "cmsgpack.unpack('\\210\\128\\0\\0\\1')",
		"cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')", "cmsgpack.unpack('\\207\\0\\0\\0\\1\\0\\0\\0\\0')", "cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0')",
		"cmsgpack.unpack('\\202\\127\\192\\0\\0')", "cmsgpack.unpack('\\203\\127\\248\\0\\0\\0\\0\\0\\1')", "cmsgpack.unpack('\\202\\255\\128\\0\\0')",
		"cmsgpack.unpack('\\217\\3abc')", "cmsgpack.unpack('\\217\\4abc')", "cmsgpack.unpack('\\218\\0\\3abc')", "cmsgpack.unpack('\\219\\0\\0\\0\\3abc')",
		"cmsgpack.unpack('\\219\\255\\255\\255\\255abc')", "cmsgpack.unpack('\\221\\255\\255\\255\\255')", "cmsgpack.unpack('\\223\\255\\255\\255\\255')",
		"cmsgpack.unpack('\\220\\0\\2\\1\\2')", "cmsgpack.unpack('\\222\\0\\1\\1\\2')", "cmsgpack.unpack('\\147\\1\\192\\3')", "cmsgpack.unpack('\\129\\192\\1')",
		"cmsgpack.unpack('\\129\\203\\127\\248\\0\\0\\0\\0\\0\\0\\1')", "cmsgpack.unpack('\\129\\1\\192')", "cmsgpack.unpack('\\130\\1\\2\\1\\3')",
		"cmsgpack.unpack('\\129\\145\\1\\2')", "cmsgpack.unpack('\\145')", "cmsgpack.unpack('\\255\\224\\127\\0')", "cmsgpack.unpack('\\165hello\\165world')",
		"cmsgpack.unpack('\\1\\2\\3', 'extra', 'args')",
		"cmsgpack.unpack(string.rep('\\145', 5000))", "cmsgpack.unpack(string.rep('\\129\\1', 3000))", "cmsgpack.unpack(string.rep('\\1', 9000))",
		"#{cmsgpack.unpack(string.rep('\\1', 7990))}", "#{cmsgpack.unpack(string.rep('\\1', 7999))}", "#{cmsgpack.unpack(string.rep('\\1', 8000))}",
		"select('#', cmsgpack.unpack_limit(string.rep('\\1', 9000), 7000))",
		"cmsgpack.unpack_one('\\1\\2\\3')", "cmsgpack.unpack_one('\\1\\2\\3', 1)", "cmsgpack.unpack_one('\\1\\2\\3', 2)", "cmsgpack.unpack_one('\\1\\2\\3', 3)",
		"cmsgpack.unpack_one('\\1\\2\\3', 4)", "cmsgpack.unpack_one('\\1\\2\\3', -1)", "cmsgpack.unpack_one('')", "cmsgpack.unpack_one('\\1', 'x')",
		"cmsgpack.unpack_one('\\1', 1.7)", "cmsgpack.unpack_one('\\1\\2', nil)", "cmsgpack.unpack_one('\\193')", "cmsgpack.unpack_one('\\1\\193')",
		"cmsgpack.unpack_limit('\\1\\2\\3', 2)", "cmsgpack.unpack_limit('\\1\\2\\3', 2, 2)", "cmsgpack.unpack_limit('\\1\\2\\3', 0)", "cmsgpack.unpack_limit('\\1\\2\\3', 0, 1)",
		"cmsgpack.unpack_limit('\\1\\2\\3', -1)", "cmsgpack.unpack_limit('\\1\\2\\3')", "cmsgpack.unpack_limit('\\1\\2\\3', 5)", "cmsgpack.unpack_limit('\\1\\2\\3', 1, 9)",
		"cmsgpack.unpack_limit('\\1\\2\\3', 'a')", "cmsgpack.unpack_limit('\\1\\2\\3', 1, {})", "cmsgpack.unpack_limit(nil, 1)",
		"cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION",
	)
	cases := exprCases("cmsgpack", exprs...)
	blocks := []string{
		"local t = {} t[1] = t return cmsgpack.pack(t), cmsgpack.unpack(cmsgpack.pack(t))",
		"local t = {} t.a = t return #cmsgpack.pack(t), cmsgpack.unpack(cmsgpack.pack(t))",
		"local t = {a=1,b={1,2,{c=3}},[5]='x',[true]=1} return #cmsgpack.pack(t), cmsgpack.unpack(cmsgpack.pack(t))",
		"local a = {} for i = 1, 3999 do a[i] = i end return #cmsgpack.pack(unpack(a))",
		"local a = {} for i = 1, 4001 do a[i] = i end return pcall(cmsgpack.pack, unpack(a))",
	}
	for i, b := range blocks {
		cases = append(cases, diffCase{name: fmt.Sprintf("cmsgpack-block[%d]", i), body: b})
	}
	rng := rand.New(rand.NewPCG(23, 29))
	for i := 0; i < 150; i++ {
		v := randLuaValue(rng, 5, i%2 == 0)
		if i%2 == 0 {
			cases = append(cases, diffCase{name: fmt.Sprintf("cmsgpack-rand-array[%d]", i),
				body: "local t = " + v + " local s = cmsgpack.pack(t) return s, cmsgpack.unpack(s)"})
		} else {
			cases = append(cases, diffCase{name: fmt.Sprintf("cmsgpack-rand[%d]", i),
				body: "local t = " + v + " local s = cmsgpack.pack(t, 1, t) return #s, cmsgpack.unpack(s)"})
		}
	}
	return cases
}
