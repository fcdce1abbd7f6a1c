package lualib

import "testing"

func TestCJSONEncode(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"return cjson.encode({1, 'a/b', true, cjson.null})", `true | "[1,\34a\92/b\34,true,null]"`},
		{"return cjson.encode({})", `true | "{}"`},
		{"return cjson.encode({[3] = 1})", `true | "[null,null,1]"`},
		{"return cjson.encode({x = 0.1})", `true | "{\34x\34:0.1}"`},
		{"return cjson.encode(1/3)", `true | "0.33333333333333"`},
		{"return cjson.encode('\\1\\127')", `true | "\34\92u0001\92u007f\34"`},
		{"return cjson.encode({[20] = 1})", `false | "user_script:1: Cannot serialise table: excessively sparse array"`},
		{"return cjson.encode({[true] = 1})", `false | "user_script:1: Cannot serialise boolean: table key must be a number or string"`},
		{"return cjson.encode(0/0)", `false | "user_script:1: Cannot serialise number: must not be NaN or Inf"`},
		{"return cjson.encode(string.len)", `false | "user_script:1: Cannot serialise function: type not supported"`},
		{"local t = {} t[1] = t return cjson.encode(t)", `false | "user_script:1: Cannot serialise, excessive nesting (1001)"`},
		{"return cjson.encode()", `false | "user_script:1: bad argument #1 to 'encode' (expected 1 argument)"`},
	})
}

func TestCJSONDecode(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`return cjson.decode('{"a":[1,2,{"b":null}]}')`, `true | {"a"={1=1,2=2,3={"b"=null}}}`},
		{`return cjson.decode('"\\u00e9\\ud83d\\ude00"')`, `true | "\195\169\240\159\152\128"`},
		{`return cjson.decode('0x10'), cjson.decode('-Infinity')`, "true | 16 | -inf"},
		{`return cjson.decode('{')`, `false | "user_script:1: Expected object key string but found T_END at character 2"`},
		{`return cjson.decode('[1,]')`, `false | "user_script:1: Expected value but found T_ARR_END at character 4"`},
		{`return cjson.decode('"\\q"')`, `false | "user_script:1: Expected value but found invalid escape code at character 2"`},
		{`return cjson.decode('[1] x')`, `false | "user_script:1: Expected the end but found invalid token at character 5"`},
		{`return cjson.decode('1\0')`, `false | "user_script:1: JSON parser does not support UTF-16 or UTF-32"`},
		{`return cjson.decode(string.rep('[', 1001))`, `false | "user_script:1: Found too many nested data structures (1001) at character 1001"`},
	})
}

func TestCJSONConfig(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"return cjson.encode_sparse_array()", "true | false | 2 | 10"},
		{"return cjson.encode_invalid_numbers('null'), cjson.encode(1/0), cjson.encode_invalid_numbers(false)", `true | "null" | "null" | false`},
		{"return cjson.encode_number_precision(3), cjson.encode(1/3), cjson.encode_number_precision(14)", `true | 3 | "0.333" | 14`},
		{"return cjson.encode_max_depth(0)", `false | "user_script:1: bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)"`},
		{"return cjson.encode_keep_buffer('maybe')", `false | "user_script:1: bad argument #1 to 'encode_keep_buffer' (invalid option 'maybe')"`},
		{"return cjson.decode_max_depth(1, 2)", `false | "user_script:1: bad argument #2 to 'decode_max_depth' (found too many arguments)"`},
		{"local c = cjson.new() c.encode_number_precision(1) return c.encode(0.25), cjson.encode(0.25)", `true | "0.2" | "0.25"`},
	})
}
