package lualib

import "testing"

func TestStruct(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"return struct.pack('>i', 1)", `true | "\0\0\0\1"`},
		{"return struct.pack('<h', -2)", `true | "\254\255"`},
		{"return struct.pack('>I3', 0x010203)", `true | "\1\2\3"`},
		{"return struct.pack('!4 b i', 1, 2)", `true | "\1\0\0\0\2\0\0\0"`},
		{"return struct.pack('>d', 1.5)", `true | "?\248\0\0\0\0\0\0"`},
		{"return struct.pack('s c3 c0', 'ab', 'xyz!', 'tail')", `true | "ab\0xyztail"`},
		{"return struct.unpack('>i', '\\0\\0\\1\\0')", "true | 256 | 5"},
		{"return struct.unpack('<i2 B', '\\255\\255\\7')", "true | -1 | 7 | 4"},
		{"return struct.unpack('b c0', '\\3abcd')", `true | "abc" | 5`},
		{"return struct.unpack('s', 'hi\\0rest')", `true | "hi" | 4`},
		{"return struct.unpack('>h', 'xx\\1\\2', 3)", "true | 258 | 5"},
		{"return struct.size('!8 b d'), struct.size('i16')", "true | 16 | 16"},
		{"return struct.pack('i40', 1)", `false | "user_script:1: integral size 40 is larger than limit of 32"`},
		{"return struct.pack('q')", `false | "user_script:1: bad argument #1 to 'pack' (invalid format option 'q')"`},
		{"return struct.pack('!3')", `false | "user_script:1: alignment 3 is not a power of 2"`},
		{"return struct.unpack('i', 'ab')", `false | "user_script:1: bad argument #2 to 'unpack' (data string too short)"`},
		{"return struct.unpack('i', 'abcd', 0)", `false | "user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater)"`},
		{"return struct.unpack('c0', 'abc')", `false | "user_script:1: format 'c0' needs a previous size"`},
		{"return struct.unpack('s', 'abc')", `false | "user_script:1: unfinished string in data"`},
		{"return struct.size('s')", `false | "user_script:1: bad argument #1 to 'size' (option 's' has no fixed size)"`},
		{"return struct.pack('i99999999999', 1)", `false | "user_script:1: integral size overflow"`},
		{"return select('#', struct.unpack(string.rep('b', 9000), string.rep('a', 9000)))", `false | "user_script:1: stack overflow (too many results)"`},
	})
}
