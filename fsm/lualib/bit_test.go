package lualib

import "testing"

func TestBit(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"return bit.tobit(2^32 + 5)", "true | 5"},
		{"return bit.tobit(2^31)", "true | -2147483648"},
		{"return bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5)", "true | 2 | 2 | -2"},
		{"return bit.tobit(0/0), bit.tobit(1/0)", "true | 0 | 0"},
		{"return bit.tobit('0x10')", "true | 16"},
		{"return bit.bnot(0)", "true | -1"},
		{"return bit.band(0xff00ff00, 0x0ff00ff0), bit.bor(1, 2, 4), bit.bxor(-1, 1)", "true | 251662080 | 7 | -2"},
		{"return bit.lshift(1, 31), bit.lshift(1, 32), bit.rshift(-1, 28), bit.arshift(-256, 4)", "true | -2147483648 | 1 | 15 | -16"},
		{"return bit.rol(0x12345678, 8), bit.ror(0x12345678, 8)", "true | 878082066 | 2014458966"},
		{"return bit.bswap(0x12345678)", "true | 2018915346"},
		{"return bit.tohex(255), bit.tohex(-1, -4), bit.tohex(0x1234, 2), bit.tohex(1, 0)", `true | "000000ff" | "FFFF" | "34" | ""`},
		{"return bit.tobit()", `false | "user_script:1: bad argument #1 to 'tobit' (number expected, got no value)"`},
		{"return bit.band(1, 'x')", `false | "user_script:1: bad argument #2 to 'band' (number expected, got string)"`},
		{"return bit.tohex(1, nil)", `false | "user_script:1: bad argument #2 to 'tohex' (number expected, got nil)"`},
	})
}
