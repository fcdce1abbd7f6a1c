package lualib

import (
	"fmt"
	"math/rand/v2"
)

// fuzzDiffCases feeds seeded random and mutated inputs to the decoders,
// so malformed input is compared with Redis too (errors included).
func fuzzDiffCases() []diffCase {
	rng := rand.New(rand.NewPCG(31, 37))
	var cases []diffCase
	for i := 0; i < 120; i++ {
		b := make([]byte, 1+rng.IntN(24))
		for j := range b {
			if rng.IntN(3) == 0 {
				// Bias towards type bytes and small lengths.
				b[j] = []byte{0xc0, 0xc2, 0xc3, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0x81, 0x92, 0xa3, 0x00, 0x01}[rng.IntN(25)]
			} else {
				b[j] = byte(rng.IntN(256))
			}
		}
		cases = append(cases, diffCase{name: fmt.Sprintf("fuzz-msgpack[%d]", i), body: "return cmsgpack.unpack(" + luaQuote(string(b)) + ")"})
		if i%3 == 0 {
			cases = append(cases, diffCase{name: fmt.Sprintf("fuzz-msgpack-limit[%d]", i),
				body: fmt.Sprintf("return cmsgpack.unpack_limit(%s, %d, %d)", luaQuote(string(b)), rng.IntN(3), rng.IntN(len(b)+1))})
		}
	}
	seeds := []string{`{"a":[1,2.5e3,"x\u00e9"],"b":{"c":null,"d":true}}`, `[1,-0.5,"\ud83d\ude00",[],{}]`, `"abc\n\/"`, `-12.5e-3`, `[true,false,null]`}
	alphabet := []byte(`{}[]:,"\ u0123456789abcdefnrtxINa-+.eE` + "\x00\t\r\n\xff")
	for i := 0; i < 200; i++ {
		s := []byte(seeds[i%len(seeds)])
		for m := 0; m < 1+rng.IntN(3); m++ {
			p := rng.IntN(len(s) + 1)
			c := alphabet[rng.IntN(len(alphabet))]
			switch rng.IntN(3) {
			case 0:
				s = append(s[:p], append([]byte{c}, s[p:]...)...)
			case 1:
				if p < len(s) {
					s = append(s[:p], s[p+1:]...)
				}
			default:
				if p < len(s) {
					s[p] = c
				}
			}
		}
		cases = append(cases, diffCase{name: fmt.Sprintf("fuzz-json[%d]", i), body: "return cjson.decode(" + luaQuote(string(s)) + ")"})
	}
	formats := []string{"b", "B", "h", "H", "i", "I", "l", "L", "i3", "I5", "d", "f", "x", "s", "c0", "c2", "!4", "!", ">", "<", " ", "i7", "T"}
	for i := 0; i < 80; i++ {
		f := ""
		for j := 0; j < 1+rng.IntN(5); j++ {
			f += formats[rng.IntN(len(formats))]
		}
		b := make([]byte, rng.IntN(20))
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		cases = append(cases, diffCase{name: fmt.Sprintf("fuzz-struct[%d]", i),
			body: fmt.Sprintf("return struct.unpack(%s, %s, %d)", luaQuote(f), luaQuote(string(b)), 1+rng.IntN(4))})
	}
	return cases
}
