package lualib

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// benchScript measures one library call on a 100-element array of small
// objects, the shape scripts typically (de)serialise.
func benchScript(b *testing.B, setup, call string) {
	L := lua.NewState()
	defer L.Close()
	OpenAll(L)
	if err := L.DoString(`doc = {} for i = 1, 100 do doc[i] = {id = i, name = "item" .. i, tags = {"a", "b"}, score = i / 3} end ` + setup); err != nil {
		b.Fatal(err)
	}
	fn, err := L.Load(strings.NewReader("return "+call), "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		L.Push(fn)
		if err := L.PCall(0, 1, nil); err != nil {
			b.Fatal(err)
		}
		L.Pop(1)
	}
}

func BenchmarkCJSONEncode(b *testing.B)  { benchScript(b, "", "cjson.encode(doc)") }
func BenchmarkCJSONDecode(b *testing.B)  { benchScript(b, "s = cjson.encode(doc)", "cjson.decode(s)") }
func BenchmarkCMsgpackPack(b *testing.B) { benchScript(b, "", "cmsgpack.pack(doc)") }
func BenchmarkCMsgpackUnpack(b *testing.B) {
	benchScript(b, "s = cmsgpack.pack(doc)", "cmsgpack.unpack(s)")
}
func BenchmarkStructPack(b *testing.B) { benchScript(b, "", "struct.pack('>i8dc0', 1, 2.5, 'abc')") }
func BenchmarkBitBand(b *testing.B)    { benchScript(b, "", "bit.band(0xff00ff00, 0x0ff00ff0, 12345)") }
