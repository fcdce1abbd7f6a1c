package lualib

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// randJSON writes random JSON text (valid, with varied whitespace, number
// syntax and string escapes) for decode comparisons.
func randJSON(rng *rand.Rand, b *strings.Builder, depth int) {
	ws := func() {
		for i := rng.IntN(3); i > 0; i-- {
			b.WriteByte(" \t\r\n"[rng.IntN(4)])
		}
	}
	ws()
	k := rng.IntN(8)
	if depth == 0 && k >= 6 {
		k = rng.IntN(6)
	}
	switch k {
	case 0:
		b.WriteString([]string{"true", "false", "null"}[rng.IntN(3)])
	case 1, 2:
		sign := []string{"", "-"}[rng.IntN(2)]
		intPart := []string{"0", "7", "123", "9007199254740993", "18446744073709551616"}[rng.IntN(5)]
		frac := []string{"", ".5", ".000001", ".25e3", "e-7", "E+2", ".1e400", "e-400"}[rng.IntN(8)]
		b.WriteString(sign + intPart + frac)
	case 3, 4:
		b.WriteByte('"')
		for i := rng.IntN(8); i > 0; i-- {
			switch rng.IntN(6) {
			case 0:
				b.WriteString([]string{`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`}[rng.IntN(8)])
			case 1:
				fmt.Fprintf(b, `\u%04x`, rng.IntN(0x10000))
			case 2:
				fmt.Fprintf(b, `\u%04X\u%04x`, 0xD800+rng.IntN(0x400), 0xDC00+rng.IntN(0x400))
			case 3:
				b.WriteString([]string{"é", "✓", "\xff", "\x7f", "~"}[rng.IntN(5)])
			default:
				b.WriteByte(byte('a' + rng.IntN(26)))
			}
		}
		b.WriteByte('"')
	case 5:
		b.WriteString([]string{"0x1F", "-Infinity", "NaN", "inf", "-0", "1.", ".5"}[rng.IntN(7)])
	case 6:
		b.WriteByte('[')
		for i, n := 0, rng.IntN(5); i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			randJSON(rng, b, depth-1)
		}
		ws()
		b.WriteByte(']')
	default:
		b.WriteByte('{')
		for i, n := 0, rng.IntN(4); i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			ws()
			fmt.Fprintf(b, `"k%d\u00e9"`, rng.IntN(5))
			ws()
			b.WriteByte(':')
			randJSON(rng, b, depth-1)
		}
		ws()
		b.WriteByte('}')
	}
	ws()
}

func jsonTextDiffCases() []diffCase {
	rng := rand.New(rand.NewPCG(diffSeed(59), 61))
	cases := make([]diffCase, 0, 150)
	for i := 0; i < 150; i++ {
		var b strings.Builder
		randJSON(rng, &b, 4)
		cases = append(cases, diffCase{name: fmt.Sprintf("json-text[%d]", i), body: "return cjson.decode(" + luaQuote(b.String()) + ")"})
	}
	return cases
}
