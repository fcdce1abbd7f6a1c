package lualib

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// randNumberLiteral is a Lua literal for a random double across the
// interesting ranges: small and large integers, float32-exact values,
// fractions, huge and tiny magnitudes.
func randNumberLiteral(rng *rand.Rand) string {
	var f float64
	switch rng.IntN(7) {
	case 0:
		f = float64(rng.Int64N(1<<20) - 1<<19)
	case 1:
		f = float64(rng.Int64() >> rng.IntN(63))
		if rng.IntN(2) == 0 {
			f = -f
		}
	case 2:
		f = float64(float32(rng.NormFloat64() * 1000))
	case 3:
		f = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
	case 4:
		f = math.Ldexp(rng.Float64(), rng.IntN(2000)-1000)
	case 5:
		f = float64(rng.IntN(100000)) / 1000
	default:
		f = math.Pow(2, float64(rng.IntN(70))) + float64(rng.IntN(3)-1)
	}
	return fmt.Sprintf("%.17g", f)
}

func numberDiffCases() []diffCase {
	rng := rand.New(rand.NewPCG(diffSeed(47), 53))
	var cases []diffCase
	for i := 0; i < 60; i++ {
		nums := make([]string, 8)
		for j := range nums {
			nums[j] = randNumberLiteral(rng)
		}
		list := strings.Join(nums, ",")
		prec := 1 + rng.IntN(14)
		cases = append(cases,
			diffCase{name: fmt.Sprintf("num-cjson[%d]", i), body: fmt.Sprintf(
				"cjson.encode_number_precision(%d) local ok, s = pcall(cjson.encode, {%s}) cjson.encode_number_precision(14) return s, cjson.encode({%s})", prec, list, list)},
			diffCase{name: fmt.Sprintf("num-msgpack[%d]", i), body: fmt.Sprintf(
				"local s = cmsgpack.pack(%s) return s, cmsgpack.unpack(s)", list)},
			diffCase{name: fmt.Sprintf("num-bit[%d]", i), body: fmt.Sprintf(
				"local r = {} for _, n in ipairs({%s}) do r[#r+1] = bit.tobit(n) r[#r+1] = bit.tohex(n, -8) end return r", list)},
			diffCase{name: fmt.Sprintf("num-struct[%d]", i), body: fmt.Sprintf(
				"local r = {} for _, n in ipairs({%s}) do r[#r+1] = struct.pack('<i8>I4hBdf', n, n, n, n, n, n) end return r", list)},
			diffCase{name: fmt.Sprintf("num-json-decode[%d]", i), body: fmt.Sprintf(
				"return cjson.decode('[%s]')", list)},
		)
	}
	return cases
}
