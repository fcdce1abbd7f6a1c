package lualib

import (
	"fmt"
	"math/rand/v2"
)

var bitEdgeValues = []string{"0", "1", "-1", "2^31", "-2^31", "2^31-1", "2^32", "2^32+1", "-2^32", "2^52", "2^53", "2^63", "1e20", "-1e20",
	"0.5", "1.5", "2.5", "-0.5", "-1.5", "0/0", "1/0", "-1/0", "'17'", "' 0x10 '", "'1e3'", "0x7fffffff", "4294967295", "-0", "123456789.75"}

func bitDiffCases() []diffCase {
	var exprs []string
	for _, v := range bitEdgeValues {
		exprs = append(exprs, "bit.tobit("+v+")", "bit.bnot("+v+")", "bit.bswap("+v+")", "bit.tohex("+v+")")
	}
	for _, n := range []string{"0", "1", "4", "8", "9", "-1", "-4", "-8", "-9", "2^31-1", "-(2^31-1)", "2^31", "-2^31", "32", "0.5"} {
		exprs = append(exprs, "bit.tohex(0x1234abcd,"+n+")", "bit.tohex(-1,"+n+")")
	}
	for _, fn := range []string{"lshift", "rshift", "arshift", "rol", "ror"} {
		for _, n := range []string{"0", "1", "7", "31", "32", "33", "-1", "-31", "2^32+3", "1.5"} {
			exprs = append(exprs, fmt.Sprintf("bit.%s(0x87654321,%s)", fn, n), fmt.Sprintf("bit.%s(-2^31,%s)", fn, n))
		}
	}
	for _, fn := range []string{"band", "bor", "bxor"} {
		exprs = append(exprs, "bit."+fn+"(0xff00ff00)", "bit."+fn+"(0xff00ff00, 0x0ff00ff0)", "bit."+fn+"(1,2,4,8,16,-1)", "bit."+fn+"(2^31, -1, 2^40+5)")
	}
	// Errors: texts and argument numbers.
	exprs = append(exprs, "bit.tobit()", "bit.tobit(nil)", "bit.tobit({})", "bit.tobit('x')", "bit.band(1,'y')", "bit.bor(1,2,true)",
		"bit.lshift(1)", "bit.tohex(1,nil)", "bit.tohex('z')", "bit.bnot(function() end)", "bit.rol(1,'a')")
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 120; i++ {
		a, b := rng.Int64N(1<<33)-(1<<32), rng.Int64N(64)-16
		fns := []string{"band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror"}
		exprs = append(exprs, fmt.Sprintf("bit.%s(%d,%d)", fns[i%len(fns)], a, b))
		if i%4 == 0 {
			exprs = append(exprs, fmt.Sprintf("bit.tohex(%d,%d)", a, b%10), fmt.Sprintf("bit.tobit(%d.%d)", a, rng.IntN(1000)))
		}
	}
	return exprCases("bit", exprs...)
}
