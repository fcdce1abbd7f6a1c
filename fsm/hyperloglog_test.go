package fsm

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/quoris/quoris/datatypes"
)

// Like the bitmap tables, these are replayed against redis-server by
// TestHyperLogLogTablesAgainstRedis.

const (
	hllWrongType = "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"
	hllInvalid   = "-INVALIDOBJ Corrupted HLL object detected\r\n"
)

// hllHeader is an HLL header: encoding 0 dense or 1 sparse, then the cached
// cardinality bytes.
func hllHeader(enc byte, card string) string {
	return "HYLL" + string([]byte{enc, 0, 0, 0}) + card
}

var (
	hllStale = "\x00\x00\x00\x00\x00\x00\x00\x80"
	hllZero  = "\x00\x00\x00\x00\x00\x00\x00\x00"
	// hllEmpty is a fresh sparse HLL: one XZERO over all 16384 registers.
	hllEmpty = hllHeader(1, hllZero) + "\x7f\xff"
	// hllShort covers only 256 registers; hllLong covers 16384+256.
	hllShort = hllHeader(1, hllStale) + "\x40\xff"
	hllLong  = hllHeader(1, hllStale) + "\x7f\xff\x40\xff"
)

func TestHyperLogLogSpecs(t *testing.T) {
	type spec struct {
		arity             int
		flags             []string
		first, last, step int
		write             bool
	}
	want := map[string]spec{
		"pfadd":   {-2, []string{"write", "denyoom", "fast"}, 1, 1, 1, true},
		"pfcount": {-2, []string{"readonly"}, 1, -1, 1, true},
		"pfmerge": {-2, []string{"write", "denyoom"}, 1, -1, 1, true},
	}
	tab := NewTable()
	for name, s := range want {
		c := tab.Lookup([]byte(name))
		if c == nil {
			t.Errorf("%s not registered", name)
			continue
		}
		if got := (spec{c.Arity, c.Flags, c.FirstKey, c.LastKey, c.Step, c.Write}); !reflect.DeepEqual(got, s) {
			t.Errorf("%s: got %+v, want %+v", name, got, s)
		}
		if c.Group != "hyperloglog" || c.Summary == "" || c.Since == "" || c.Complexity == "" {
			t.Errorf("%s: incomplete docs %+v", name, c.Spec)
		}
	}
}

func hllCases() []strCase {
	abc := "`\xf3\x80P\xb1\x84K\xfb\x80BZ" // registers of a, b, c
	return []strCase{
		{strCmd("PFADD", "h", "a", "b", "c"), strInt(1)},
		{strCmd("GET", "h"), strBulk(hllHeader(1, hllStale) + abc)},
		{strCmd("PFADD", "h", "a"), strInt(0)},
		{strCmd("PFADD", "h"), strInt(0)},
		{strCmd("PFCOUNT", "h"), strInt(3)},
		{strCmd("GET", "h"), strBulk(hllHeader(1, "\x03\x00\x00\x00\x00\x00\x00\x00") + abc)},
		{strCmd("PFCOUNT", "h"), strInt(3)},
		{strCmd("PFADD", "new"), strInt(1)},
		{strCmd("GET", "new"), strBulk(hllHeader(1, hllStale) + "\x7f\xff")},
		{strCmd("PFCOUNT", "new"), strInt(0)},
		{strCmd("GET", "new"), strBulk(hllEmpty)},
		{strCmd("OBJECT", "ENCODING", "new"), strBulk("raw")},
		{strCmd("PFCOUNT", "nokey"), strInt(0)},
		{strCmd("EXISTS", "nokey"), strInt(0)},
		{strCmd("PFCOUNT", "h", "nokey"), strInt(3)},
		{strCmd("PFADD", "h2", "b", "c", "d", "e"), strInt(1)},
		{strCmd("PFCOUNT", "h", "h2"), strInt(5)},
		{strCmd("PFCOUNT", "h", "h2", "h"), strInt(5)},
		{strCmd("PFMERGE", "m", "h", "h2"), strOK},
		{strCmd("PFCOUNT", "m"), strInt(5)},
		{strCmd("OBJECT", "ENCODING", "m"), strBulk("raw")},
		{strCmd("PFMERGE", "m"), strOK},
		{strCmd("PFCOUNT", "m"), strInt(5)},
		{strCmd("PFMERGE", "empty"), strOK},
		{strCmd("GET", "empty"), strBulk(hllHeader(1, hllStale) + "\x7f\xff")},
		{strCmd("PFMERGE", "h", "nokey"), strOK},
		{strCmd("PFCOUNT", "h"), strInt(3)},
		// TTLs survive every HLL write.
		{strCmd("EXPIRE", "h", "1000"), strInt(1)},
		{strCmd("PFADD", "h", "zz"), strInt(1)},
		{strCmd("PFCOUNT", "h"), strInt(4)},
		{strCmd("PFMERGE", "h", "h2"), strOK},
		{strCmd("TTL", "h"), strInt(1000)},
		// Not an HLL.
		{strCmd("SET", "s", "foo"), strOK},
		{strCmd("PFADD", "s", "x"), hllWrongType},
		{strCmd("PFCOUNT", "s"), hllWrongType},
		{strCmd("PFCOUNT", "h", "s"), hllWrongType},
		{strCmd("PFMERGE", "m", "s"), hllWrongType},
		{strCmd("PFMERGE", "s", "h"), hllWrongType},
		{strCmd("SET", "i", "123"), strOK},
		{strCmd("PFADD", "i"), hllWrongType},
		{strCmd("SET", "d", hllHeader(0, hllZero)+"\x7f\xff"), strOK},
		{strCmd("PFCOUNT", "d"), hllWrongType},
		{strCmd("SET", "x", hllHeader(2, hllZero)+"\x7f\xff"), strOK},
		{strCmd("PFCOUNT", "x"), hllWrongType},
		{strCmd("SET", "x", "HYLL\x01"), strOK},
		{strCmd("PFCOUNT", "x"), hllWrongType},
		{strCmd("PFADD", "list", "a"), strWrongType},
		{strCmd("PFCOUNT", "list"), strWrongType},
		{strCmd("PFCOUNT", "h", "list"), strWrongType},
		{strCmd("PFMERGE", "list", "h"), strWrongType},
		{strCmd("PFMERGE", "h", "list"), strWrongType},
		// Corrupt sparse encodings.
		{strCmd("SET", "short", hllShort), strOK},
		{strCmd("PFCOUNT", "short"), hllInvalid},
		{strCmd("PFCOUNT", "h", "short"), hllInvalid},
		{strCmd("PFMERGE", "m", "short"), hllInvalid},
		{strCmd("PFADD", "short", "a"), hllInvalid},
		{strCmd("OBJECT", "ENCODING", "short"), strBulk("raw")},
		{strCmd("SET", "long", hllLong), strOK},
		{strCmd("PFCOUNT", "long"), hllInvalid},
		{strCmd("PFADD", "long", "a", "b"), strInt(1)},
		{strCmd("GET", "long"), strBulk(hllHeader(1, hllStale) + "q\xa6\x84K\xfb\x80BZ@\xff")},
		// An XZERO cut off by the end of the string: Redis reads its missing
		// byte, and later what its own edit left, from past the end.
		{strCmd("SET", "cut", hllShort+"x"), strOK},
		{strCmd("PFADD", "cut", "el27"), strInt(1)},
		{strCmd("GET", "cut"), strBulk(hllHeader(1, hllStale) + "@\xffT\x01\x80c")},
		{strCmd("PFADD", "cut", "el32"), strInt(1)},
		{strCmd("GET", "cut"), strBulk(hllHeader(1, hllStale) + "@\xffT\x01\x80W\xbf\x84L")},
		// A hand-made HLL short enough to be embstr turns raw when counted,
		// even from a valid cache.
		{strCmd("SET", "e", hllEmpty), strOK},
		{strCmd("OBJECT", "ENCODING", "e"), strBulk("embstr")},
		{strCmd("PFCOUNT", "e"), strInt(0)},
		{strCmd("OBJECT", "ENCODING", "e"), strBulk("raw")},
		{strCmd("SET", "e", hllHeader(1, "\x07\x00\x00\x00\x00\x00\x00\x00")+"\x7f\xff"), strOK},
		{strCmd("PFCOUNT", "e"), strInt(7)},
		{strCmd("PFADD"), strArityErr("pfadd")},
		{strCmd("PFCOUNT"), strArityErr("pfcount")},
		{strCmd("PFMERGE"), strArityErr("pfmerge")},
	}
}

func TestHyperLogLog(t *testing.T) { bitHarness(t).cases(hllCases()) }

// TestHyperLogLogDense checks promotion and PFMERGE's choice of encoding
// against the golden values of datatypes' tests.
func TestHyperLogLogDense(t *testing.T) {
	h := bitHarness(t)
	for i := 0; i < 5000; i += 500 {
		args := []string{"PFADD", "big"}
		for j := i; j < i+500; j++ {
			args = append(args, "e"+strconv.Itoa(j))
		}
		h.do(args...)
	}
	h.do("PFADD", "small", "e1", "e2")
	if got := h.do("PFCOUNT", "big"); got != strInt(4968) {
		t.Fatalf("PFCOUNT big = %q", got)
	}
	if got := h.do("STRLEN", "big"); got != strInt(datatypes.HLLDenseSize) {
		t.Fatalf("STRLEN big = %q", got)
	}
	// Merging a dense source makes the destination dense; sparse stays sparse.
	h.do("PFMERGE", "m1", "small")
	h.do("PFMERGE", "m2", "small", "big")
	if got := h.do("STRLEN", "m1"); got == strInt(datatypes.HLLDenseSize) {
		t.Fatalf("m1 became dense")
	}
	if got := h.do("STRLEN", "m2"); got != strInt(datatypes.HLLDenseSize) {
		t.Fatalf("STRLEN m2 = %q", got)
	}
	if got := h.do("PFCOUNT", "m2"); got != strInt(4968) {
		t.Fatalf("PFCOUNT m2 = %q", got)
	}
}

// TestPfcountCachesThroughTheLog checks that a single-key PFCOUNT is
// applied as a write (it stores the cardinality, as Redis does) and that
// a PFCOUNT answered from a valid cache changes nothing, not even the
// version.
func TestPfcountCachesThroughTheLog(t *testing.T) {
	h := bitHarness(t)
	h.do("PFADD", "h", "a", "b")
	before := h.idx
	h.do("PFCOUNT", "h")
	if h.idx != before+1 {
		t.Fatalf("PFCOUNT did not go through Apply")
	}
	it, _ := h.f.dbs[0].raw("h")
	if card, ok := datatypes.HLLCached(it.Str); !ok || card != 2 {
		t.Fatalf("cache %d, %v", card, ok)
	}
	v := it.Version
	h.do("PFCOUNT", "h")
	h.do("PFADD", "h", "a")
	if it, _ := h.f.dbs[0].raw("h"); it.Version != v {
		t.Fatalf("no-op PFCOUNT/PFADD bumped the version")
	}
}

// TestHyperLogLogNoSharedMutation checks that writes never edit bytes a
// snapshot may still hold.
func TestHyperLogLogNoSharedMutation(t *testing.T) {
	h := bitHarness(t)
	h.do("PFADD", "h", "a")
	it, _ := h.f.dbs[0].raw("h")
	old := string(it.Str)
	kept := it.Str
	h.do("PFADD", "h", "b", "c")
	h.do("PFCOUNT", "h")
	h.do("PFMERGE", "h", "h")
	if string(kept) != old {
		t.Fatalf("stored HLL mutated in place")
	}
}
