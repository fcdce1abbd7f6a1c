package datatypes

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func zsetItems(z *ZSet) []ZItem {
	var out []ZItem
	z.Each(func(e ZItem) bool { out = append(out, e); return true })
	return out
}

// TestZSetAgainstModel applies random inserts, updates, deletes and pops
// to a ZSet and to a plain sorted slice, checking order, ranks, At,
// Search and both directions of iteration along the way.
func TestZSetAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	z := NewZSet()
	model := map[string]float64{}
	sorted := func() []ZItem {
		var out []ZItem
		for m, s := range model {
			out = append(out, ZItem{Score: s, Member: m})
		}
		slices.SortFunc(out, func(a, b ZItem) int {
			if ZLess(a, b) {
				return -1
			}
			if ZLess(b, a) {
				return 1
			}
			return 0
		})
		return out
	}
	for step := 0; step < 20000; step++ {
		m := "m" + strconv.Itoa(rng.IntN(3000))
		score := float64(rng.IntN(50)) / 4
		switch op := rng.IntN(10); {
		case op < 5:
			if old, ok := z.Score(m); ok {
				if old != score {
					z.Update(m, old, score)
				}
			} else {
				z.Insert(m, score, DefaultLimits())
			}
			model[m] = score
		case op < 8:
			_, ok := z.Delete(m)
			if _, had := model[m]; had != ok {
				t.Fatalf("Delete(%s) = %v", m, ok)
			}
			delete(model, m)
		default:
			e, ok := z.Pop(op == 9)
			if ok != (len(model) > 0) {
				t.Fatalf("Pop: %v", ok)
			}
			if ok {
				want := sorted()
				w := want[0]
				if op == 9 {
					w = want[len(want)-1]
				}
				if e != w {
					t.Fatalf("Pop = %v, want %v", e, w)
				}
				delete(model, e.Member)
			}
		}
		if step%500 != 0 {
			continue
		}
		want := sorted()
		if got := zsetItems(z); !slices.Equal(got, want) {
			t.Fatalf("step %d: order differs", step)
		}
		for i, e := range want {
			if r, ok := z.Rank(e.Member); !ok || r != i {
				t.Fatalf("Rank(%s) = %d, want %d", e.Member, r, i)
			}
			if z.At(i) != e {
				t.Fatalf("At(%d)", i)
			}
		}
		if len(want) > 2 {
			i := rng.IntN(len(want))
			var up, down []ZItem
			z.Ascend(i, func(e ZItem) bool { up = append(up, e); return true })
			z.Descend(i, func(e ZItem) bool { down = append(down, e); return true })
			slices.Reverse(down)
			if !slices.Equal(up, want[i:]) || !slices.Equal(down, want[:i+1]) {
				t.Fatalf("Ascend/Descend from %d", i)
			}
			s := want[i].Score
			if got := z.Search(func(e ZItem) bool { return e.Score >= s }); want[got].Score != s || (got > 0 && want[got-1].Score >= s) {
				t.Fatalf("Search for %v: %d", s, got)
			}
		}
	}
}

// TestZSetEncoding covers Redis 7.0's conversions: 128 members, 64-byte
// members, one way; a listpack's -0 stored as 0; FitListpack.
func TestZSetEncoding(t *testing.T) {
	z := NewZSet()
	for i := 0; i < ZSetMaxListpackEntries; i++ {
		z.Insert("m"+strconv.Itoa(i), 1, DefaultLimits())
	}
	if z.EncodingName() != "listpack" {
		t.Fatal("converted at 128")
	}
	z.Insert("extra", 1, DefaultLimits())
	if z.EncodingName() != "skiplist" {
		t.Fatal("not converted at 129")
	}
	z.Delete("extra")
	if z.EncodingName() != "skiplist" {
		t.Fatal("converted back")
	}
	z = NewZSet()
	z.Insert(strings.Repeat("x", 64), 1, DefaultLimits())
	if z.IsSkiplist() {
		t.Fatal("converted by a 64-byte member")
	}
	z.Insert(strings.Repeat("x", 65), 1, DefaultLimits())
	if !z.IsSkiplist() {
		t.Fatal("not converted by a 65-byte member")
	}

	z = NewZSet()
	z.Insert("a", math.Copysign(0, -1), DefaultLimits())
	if s, _ := z.Score("a"); math.Signbit(s) {
		t.Fatal("listpack kept -0")
	}
	sk := NewZSetEncoded(true)
	sk.Insert("a", math.Copysign(0, -1), DefaultLimits())
	if s, _ := sk.Score("a"); !math.Signbit(s) {
		t.Fatal("skiplist lost -0")
	}
	sk.FitListpack(DefaultLimits())
	if s, _ := sk.Score("a"); sk.IsSkiplist() || math.Signbit(s) {
		t.Fatal("FitListpack: still skiplist or -0")
	}
	big := NewZSetEncoded(true)
	for i := 0; i <= ZSetMaxListpackEntries; i++ {
		big.Insert("m"+strconv.Itoa(i), 0, DefaultLimits())
	}
	big.FitListpack(DefaultLimits())
	if !big.IsSkiplist() {
		t.Fatal("FitListpack converted 129 members")
	}
	long := NewZSetEncoded(true)
	long.Insert(strings.Repeat("x", 65), 0, DefaultLimits())
	long.FitListpack(DefaultLimits())
	if !long.IsSkiplist() {
		t.Fatal("FitListpack converted a long member")
	}
}

// TestZSetCloneIndependent: writes to a clone never show in the original
// and vice versa.
func TestZSetCloneIndependent(t *testing.T) {
	a := NewZSet()
	for i := 0; i < 1000; i++ {
		a.Insert("m"+strconv.Itoa(i), float64(i), DefaultLimits())
	}
	before := zsetItems(a)
	b := a.Clone()
	b.Insert("new", -1, DefaultLimits())
	b.Update("m5", 5, 5000)
	b.Delete("m6")
	b.Pop(true)
	if !slices.Equal(zsetItems(a), before) {
		t.Fatal("original changed through its clone")
	}
	if s, _ := a.Score("m5"); s != 5 {
		t.Fatal("original's member index changed")
	}
	cloneView := zsetItems(b)
	a.Delete("m7")
	a.Insert("other", 3.5, DefaultLimits())
	if !slices.Equal(zsetItems(b), cloneView) {
		t.Fatal("clone changed through the original")
	}
	if _, ok := b.Score("other"); ok {
		t.Fatal("clone's member index changed")
	}
}

// TestZSetLargeClone builds a million members; a Clone plus one write
// must not copy them.
func TestZSetLargeClone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million-member sorted set")
	}
	z := NewZSetEncoded(true)
	for i := 0; i < 1_000_000; i++ {
		z.Append("member:"+strconv.Itoa(i), float64(i))
	}
	start := time.Now()
	c := z.Clone()
	c.Insert("one more", 0.5, DefaultLimits())
	r, _ := c.Rank("member:999999")
	c.Pop(false)
	if d := time.Since(start); d > time.Second {
		t.Fatalf("clone and writes took %v", d)
	}
	if z.Len() != 1_000_000 || c.Len() != 1_000_000 || r != 1_000_000 {
		t.Fatalf("lens %d %d rank %d", z.Len(), c.Len(), r)
	}
}

func TestZSetScanFrom(t *testing.T) {
	z := NewZSetEncoded(true)
	for i := 0; i < 500; i++ {
		z.Insert("m"+strconv.Itoa(i), float64(i), DefaultLimits())
	}
	seen := map[string]bool{}
	var cursor uint64
	for calls := 0; ; calls++ {
		cursor = z.ScanFrom(cursor, 7, func(e ZItem) {
			if seen[e.Member] {
				t.Fatalf("%s twice", e.Member)
			}
			seen[e.Member] = true
		})
		if cursor == 0 {
			break
		}
		if calls > 500 {
			t.Fatal("no progress")
		}
	}
	if len(seen) != 500 {
		t.Fatalf("%d members", len(seen))
	}
}

func TestParseScore(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true}, {"-2.5", -2.5, true}, {"+3", 3, true}, {"0.1", 0.1, true},
		{"-0", negZero, true}, {"1e20", 1e20, true}, {"1E2", 100, true}, {".5", 0.5, true}, {"5.", 5, true},
		{"inf", math.Inf(1), true}, {"+Inf", math.Inf(1), true}, {"-INFINITY", math.Inf(-1), true},
		{"0x10", 16, true}, {"0X1P-2", 0.25, true}, {"0x.8p1", 1, true}, {"0x1.", 1, true},
		{"1e-310", 1e-310, true}, {"4.9e-324", 5e-324, true},
		{"", 0, false}, {" 1", 0, false}, {"1 ", 0, false}, {"\t1", 0, false}, {"nan", 0, false},
		{"-nan", 0, false}, {"nan(123)", 0, false}, {"1e400", 0, false}, {"-1e400", 0, false},
		{"1e-400", 0, false}, {"infin", 0, false}, {"infinityx", 0, false}, {"0x", 0, false},
		{"0xp1", 0, false}, {"1e", 0, false}, {"1e+", 0, false}, {"1_0", 0, false}, {".", 0, false},
		{"1\x00", 0, false}, {"(1", 0, false}, {"--1", 0, false}, {"0x1p", 0, false},
	} {
		got, ok := ParseScore([]byte(tc.in))
		if ok != tc.ok || (ok && (got != tc.want || math.Signbit(got) != math.Signbit(tc.want))) {
			t.Errorf("ParseScore(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseScoreBound(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ex   bool
		ok   bool
	}{
		{"1", 1, false, true}, {"(1", 1, true, true}, {"(-inf", math.Inf(-1), true, true},
		{" 2", 2, false, true}, {"", 0, false, true}, {"(", 0, true, true}, {"1e400", math.Inf(1), false, true},
		{"1e-400", 0, false, true}, {"2\x00junk", 2, false, true}, {"0x1p1", 2, false, true},
		{"2 ", 0, false, false}, {"nan", 0, false, false}, {"(nan", 0, false, false}, {"x", 0, false, false},
		{"((1", 0, false, false}, {" ", 0, false, false},
	} {
		got, ex, ok := ParseScoreBound([]byte(tc.in))
		if ok != tc.ok || (ok && (got != tc.want || ex != tc.ex)) {
			t.Errorf("ParseScoreBound(%q) = %v, %v, %v", tc.in, got, ex, ok)
		}
	}
}

// TestAppendScore: Redis 7.0 prints scores with "%.17g" (checked against
// redis-server 7.0.15), and a listpack holds integral scores as integers.
func TestAppendScore(t *testing.T) {
	for _, tc := range []struct {
		f             float64
		reply, listpk string
	}{
		{0.1, "0.10000000000000001", "0.10000000000000001"},
		{1.5, "1.5", "1.5"},
		{3, "3", "3"},
		{1e20, "1e+20", "1e+20"},
		{math.Copysign(0, -1), "-0", "0"},
		{math.Inf(1), "inf", "inf"},
		{math.Inf(-1), "-inf", "-inf"},
		{1e-5, "1.0000000000000001e-05", "1.0000000000000001e-05"},
		{123456789012345678, "1.2345678901234568e+17", "123456789012345680"},
		{0x1p62, "4.6116860184273879e+18", "4611686018427387904"},
		{0x1p63, "9.2233720368547758e+18", "9.2233720368547758e+18"},
		{-2.5, "-2.5", "-2.5"},
		{1e-310, "9.9999999999999694e-311", "9.9999999999999694e-311"},
	} {
		if got := string(AppendScore(nil, tc.f)); got != tc.reply {
			t.Errorf("AppendScore(%v) = %q, want %q", tc.f, got, tc.reply)
		}
		if got := string(AppendListpackScore(nil, tc.f)); got != tc.listpk {
			t.Errorf("AppendListpackScore(%v) = %q, want %q", tc.f, got, tc.listpk)
		}
	}
}
