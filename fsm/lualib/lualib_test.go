package lualib

import (
	"math"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// evalCase runs a snippet (statements ending in a return) in a fresh
// state with OpenAll, through the same serialiser as the differential
// test: "true | <results>" or "false | <error text>".
type evalCase struct {
	body string
	want string
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	L := newDiffState()
	defer L.Close()
	for _, c := range cases {
		if got := localEval(L, diffScript(c.body)); got != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", clip(c.body), clip(got), clip(c.want))
		}
	}
}

func TestOpenAllRegistersGlobals(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	OpenAll(L)
	want := map[string][]string{
		"bit":      {"arshift", "band", "bnot", "bor", "bswap", "bxor", "lshift", "rol", "ror", "rshift", "tobit", "tohex"},
		"struct":   {"pack", "size", "unpack"},
		"cjson":    {"decode", "decode_invalid_numbers", "decode_max_depth", "encode", "encode_invalid_numbers", "encode_keep_buffer", "encode_max_depth", "encode_number_precision", "encode_sparse_array", "new"},
		"cmsgpack": {"pack", "unpack", "unpack_limit", "unpack_one"},
	}
	for lib, fns := range want {
		tbl, ok := L.GetGlobal(lib).(*lua.LTable)
		if !ok {
			t.Fatalf("global %s is %v", lib, L.GetGlobal(lib))
		}
		for _, fn := range fns {
			if _, ok := tbl.RawGetString(fn).(*lua.LFunction); !ok {
				t.Errorf("%s.%s is not a function", lib, fn)
			}
		}
	}
}

func TestOpenIndividually(t *testing.T) {
	for name, open := range map[string]func(*lua.LState){"bit": OpenBit, "struct": OpenStruct, "cjson": OpenCJSON, "cmsgpack": OpenCMsgpack} {
		L := lua.NewState()
		open(L)
		for _, other := range []string{"bit", "struct", "cjson", "cmsgpack"} {
			got := L.GetGlobal(other) != lua.LNil
			if got != (other == name) {
				t.Errorf("Open for %s: global %s present=%v", name, other, got)
			}
		}
		L.Close()
	}
}

func TestErrorPosition(t *testing.T) {
	L := newDiffState()
	defer L.Close()
	for _, c := range []struct{ script, want string }{
		{"return cjson.decode('{')", "user_script:1: Expected object key string but found T_END at character 2"},
		{"\n\nreturn bit.band({})", "user_script:3: bad argument #1 to 'band' (number expected, got table)"},
		{"local ok, e = pcall(struct.pack, 'z') error(e, 0)", "bad argument #1 to '?' (invalid format option 'z')"},
	} {
		fn, err := L.Load(strings.NewReader(c.script), "user_script")
		if err != nil {
			t.Fatal(err)
		}
		L.Push(fn)
		err = L.PCall(0, 1, nil)
		if err == nil {
			t.Fatalf("%s: no error", c.script)
		}
		apiErr, ok := err.(*lua.ApiError)
		if !ok || apiErr.Object.String() != c.want {
			t.Errorf("%s: error %q, want %q", c.script, err, c.want)
		}
	}
}

func TestStr2Number(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true}, {" 12 ", 12, true}, {"0x10", 16, true}, {"0X1f", 31, true}, {"1e3", 1000, true}, {"-2.5", -2.5, true},
		{".5", 0.5, true}, {"5.", 5, true}, {"", 0, false}, {" ", 0, false}, {"x", 0, false}, {"1x", 0, false}, {"12\x00zz", 12, true},
		{"0x", 0, false}, {"1e", 0, false}, {"0x1p4", 16, true}, {"- 1", 0, false},
	} {
		got, ok := str2number(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("str2number(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestFmtG(t *testing.T) {
	for _, c := range []struct {
		f    float64
		prec int
		want string
	}{
		{0.1, 14, "0.1"}, {1e20, 14, "1e+20"}, {1.0 / 3, 14, "0.33333333333333"}, {100, 14, "100"}, {1e15, 14, "1e+15"},
		{123456, 3, "1.23e+05"}, {0.0001, 14, "0.0001"}, {0.00001, 14, "1e-05"}, {math.Copysign(0, -1), 14, "-0"},
	} {
		if got := fmtG(c.f, c.prec); got != c.want {
			t.Errorf("fmtG(%v, %d) = %q, want %q", c.f, c.prec, got, c.want)
		}
	}
}

// TestLibraryIterationDeterministic: pairs() over a library table must
// visit keys in the same order in every state, as nodes replaying one
// script must produce the same output.
func TestLibraryIterationDeterministic(t *testing.T) {
	order := func() string {
		L := lua.NewState()
		defer L.Close()
		OpenAll(L)
		return localEval(L, `local o = {} for _, lib in ipairs({bit, struct, cjson, cmsgpack}) do for k in pairs(lib) do o[#o+1] = k end end return table.concat(o, ',')`)
	}
	first := order()
	for i := 0; i < 20; i++ {
		if got := order(); got != first {
			t.Fatalf("iteration order changed:\n%s\n%s", first, got)
		}
	}
}
