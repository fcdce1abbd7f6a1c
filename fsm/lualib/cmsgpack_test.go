package lualib

import "testing"

func TestCMsgpack(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"return cmsgpack.pack(1, -1, 200, -200, 70000, 2^40)", `true | "\1\255\204\200\209\2558\206\0\1\17p\207\0\0\1\0\0\0\0\0"`},
		{"return cmsgpack.pack(0.5, 0.1)", `true | "\202?\0\0\0\203?\185\153\153\153\153\153\154"`},
		{"return cmsgpack.pack('abc', true, false, nil)", `true | "\163abc\195\194\192"`},
		{"return cmsgpack.pack({}), cmsgpack.pack({1, 2}), cmsgpack.pack({a = 1})", `true | "\144" | "\146\1\2" | "\129\161a\1"`},
		{"return cmsgpack.pack({1, nil, 3})", `true | "\130\1\1\3\3"`},
		{"return cmsgpack.unpack('\\146\\1\\2\\3')", "true | {1=1,2=2} | 3"},
		{"return cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')", "true | -1"},
		{"return cmsgpack.unpack_one('\\1\\2'), cmsgpack.unpack_limit('\\1\\2\\3', 2)", "true | 1 | 2 | 1 | 2"},
		{"return cmsgpack.unpack_one('\\1\\2', 1)", "true | -1 | 2"},
		{"return cmsgpack.pack()", `false | "user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.)"`},
		{"return cmsgpack.unpack('\\204')", `false | "user_script:1: Missing bytes in input."`},
		{"return cmsgpack.unpack('\\193')", `false | "user_script:1: Bad data format in input."`},
		{"return cmsgpack.unpack('\\129\\192\\1')", `false | "table index is nil"`},
		{"return cmsgpack.unpack_one('\\1', -1)", `false | "user_script:1: Invalid request to unpack with offset of -1 and limit of 1."`},
		{"return cmsgpack.unpack_one('\\1', 5)", `false | "user_script:1: Start offset 5 greater than input length 1."`},
		{"return cmsgpack.unpack(string.rep('\\145', 5000))", `false | "user_script:1: stack overflow (in function mp_decode_to_lua_array)"`},
		{"return #{cmsgpack.unpack(string.rep('\\1', 8000))}", `false | "user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)"`},
		{"local t = {} t[1] = t return cmsgpack.pack(t)", `true | "\145\145\145\145\145\145\145\145\145\145\145\145\145\145\145\145\192"`},
	})
}
