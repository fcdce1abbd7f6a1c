package datatypes

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"
)

func listDump(l *List) []string {
	var out []string
	l.Ascend(0, func(_ int, v []byte) bool {
		out = append(out, string(v))
		return true
	})
	return out
}

func listFrom(vals ...string) *List {
	l := NewList()
	for _, v := range vals {
		l.PushRight([]byte(v))
	}
	return l
}

// TestListAgainstSlice applies random operations to a List and to a plain
// slice and demands the same contents, indexes and iteration after each.
func TestListAgainstSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	l := NewList()
	var ref []string
	for step := 0; step < 20000; step++ {
		v := strconv.Itoa(rng.IntN(50))
		switch op := rng.IntN(10); {
		case op < 2:
			l.PushLeft([]byte(v))
			ref = append([]string{v}, ref...)
		case op < 4:
			l.PushRight([]byte(v))
			ref = append(ref, v)
		case op == 4 && len(ref) > 0:
			got, _ := l.PopLeft()
			if string(got) != ref[0] {
				t.Fatalf("step %d PopLeft %q want %q", step, got, ref[0])
			}
			ref = ref[1:]
		case op == 5 && len(ref) > 0:
			got, _ := l.PopRight()
			if string(got) != ref[len(ref)-1] {
				t.Fatalf("step %d PopRight %q", step, got)
			}
			ref = ref[:len(ref)-1]
		case op == 6:
			i := rng.IntN(len(ref) + 1)
			l.Insert(i, []byte(v))
			ref = slices.Insert(ref, i, v)
		case op == 7 && len(ref) > 0:
			i := rng.IntN(len(ref))
			l.Set(i, []byte(v))
			ref[i] = v
		case op == 8 && len(ref) > 0:
			i := rng.IntN(len(ref))
			l.DeleteAt(i)
			ref = slices.Delete(ref, i, i+1)
		case op == 9 && rng.IntN(20) == 0:
			limit := int64(rng.IntN(3))
			fromTail := rng.IntN(2) == 0
			n := l.RemoveIf(limit, fromTail, func(b []byte) bool { return string(b) == v })
			ref = refRemove(ref, v, limit, fromTail, n)
		}
		if l.Len() != len(ref) {
			t.Fatalf("step %d: len %d want %d", step, l.Len(), len(ref))
		}
		if step%500 == 0 && !slices.Equal(listDump(l), ref) {
			t.Fatalf("step %d: contents differ", step)
		}
	}
	for i, want := range ref {
		if got, ok := l.Index(i); !ok || string(got) != want {
			t.Fatalf("Index(%d) = %q", i, got)
		}
	}
	if _, ok := l.Index(len(ref)); ok {
		t.Fatal("Index past the end")
	}
}

func refRemove(ref []string, v string, limit int64, fromTail bool, got int64) []string {
	var removed int64
	if fromTail {
		for i := len(ref) - 1; i >= 0 && (limit == 0 || removed < limit); i-- {
			if ref[i] == v {
				ref = slices.Delete(ref, i, i+1)
				removed++
			}
		}
	} else {
		for i := 0; i < len(ref) && (limit == 0 || removed < limit); {
			if ref[i] == v {
				ref = slices.Delete(ref, i, i+1)
				removed++
				continue
			}
			i++
		}
	}
	if removed != got {
		panic("RemoveIf count differs from the reference")
	}
	return ref
}

// Inserting again and again at one spot exhausts the gaps and forces
// renumbering; order must survive it.
func TestListInsertRenumbers(t *testing.T) {
	l := listFrom("a", "z")
	want := []string{"a", "z"}
	for i := 0; i < 200; i++ {
		v := strconv.Itoa(i)
		l.Insert(1, []byte(v))
		want = slices.Insert(want, 1, v)
		l.Insert(l.Len()-1, []byte(v))
		want = slices.Insert(want, len(want)-1, v)
	}
	if !slices.Equal(listDump(l), want) {
		t.Fatalf("got %v", listDump(l))
	}
	l.PushLeft([]byte("first"))
	l.PushRight([]byte("last"))
	if v, _ := l.Index(0); string(v) != "first" {
		t.Fatalf("head %q", v)
	}
	if v, _ := l.Index(l.Len() - 1); string(v) != "last" {
		t.Fatalf("tail %q", v)
	}
}

func TestListTrim(t *testing.T) {
	for _, tc := range []struct {
		left, right int
		want        []string
	}{
		{0, 0, []string{"0", "1", "2", "3", "4", "5"}},
		{1, 1, []string{"1", "2", "3", "4"}}, // pops at the ends
		{4, 1, []string{"4"}},                // rebuilds from the survivors
		{0, 5, []string{"0"}},
		{6, 0, nil},
		{3, 3, nil},
	} {
		l := listFrom("0", "1", "2", "3", "4", "5")
		l.Trim(tc.left, tc.right)
		if got := listDump(l); !slices.Equal(got, tc.want) || l.Len() != len(tc.want) {
			t.Errorf("Trim(%d, %d) = %v", tc.left, tc.right, got)
		}
		l.PushLeft([]byte("h"))
		l.Insert(1, []byte("i"))
		if v, _ := l.Index(0); string(v) != "h" {
			t.Errorf("Trim(%d, %d): list unusable afterwards", tc.left, tc.right)
		}
	}
}

func TestListAscendDescend(t *testing.T) {
	l := listFrom("a", "b", "c", "d")
	var got []string
	l.Ascend(1, func(i int, v []byte) bool {
		got = append(got, strconv.Itoa(i)+string(v))
		return i < 2
	})
	if !slices.Equal(got, []string{"1b", "2c"}) {
		t.Fatalf("Ascend: %v", got)
	}
	got = nil
	l.Descend(3, func(i int, v []byte) bool {
		got = append(got, strconv.Itoa(i)+string(v))
		return true
	})
	if !slices.Equal(got, []string{"3d", "2c", "1b", "0a"}) {
		t.Fatalf("Descend: %v", got)
	}
	l.Ascend(4, func(int, []byte) bool { t.Fatal("Ascend past the end visited"); return false })
	l.Descend(-1, func(int, []byte) bool { t.Fatal("Descend before the head visited"); return false })
}

func TestListCloneIsIndependent(t *testing.T) {
	orig := listFrom("a", "b", "c")
	cl := orig.Clone()
	cl.PushLeft([]byte("x"))
	cl.Set(1, []byte("A"))
	cl.PopRight()
	cl.Insert(1, []byte("ins"))
	if got := listDump(orig); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("original changed by the clone: %v", got)
	}
	if got := listDump(cl); !slices.Equal(got, []string{"x", "ins", "A", "b"}) {
		t.Fatalf("clone: %v", got)
	}
	// And the other way round.
	cl2 := orig.Clone()
	orig.Trim(1, 0)
	orig.RemoveIf(0, false, func(v []byte) bool { return bytes.Equal(v, []byte("c")) })
	if got := listDump(cl2); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("clone changed by the original: %v", got)
	}
	if got := listDump(orig); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("original: %v", got)
	}
	if orig.TypeName() != "list" || orig.EncodingName() != "quicklist" {
		t.Fatalf("%s %s", orig.TypeName(), orig.EncodingName())
	}
}

// A million-element list must clone in O(1), and the first write after the
// clone must copy only a path of nodes, not the list.
func TestListLargeCloneIsCheap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-element list")
	}
	const n = 1_000_000
	l := NewList()
	for i := 0; i < n; i++ {
		l.PushRight([]byte("v"))
	}
	start := time.Now()
	cl := l.Clone()
	cl.PushLeft([]byte("head"))
	cl.Set(n/2, []byte("mid"))
	l.PopRight()
	if d := time.Since(start); d > time.Second {
		t.Fatalf("clone and three writes took %v", d)
	}
	if cl.Len() != n+1 || l.Len() != n-1 {
		t.Fatalf("lens %d %d", cl.Len(), l.Len())
	}
	if v, _ := l.Index(n / 2); string(v) != "v" {
		t.Fatalf("original sees the clone's Set: %q", v)
	}
	if v, _ := cl.Index(n / 2); string(v) != "mid" {
		t.Fatalf("clone lost its Set: %q", v)
	}
}

func TestMillisCeil(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"-0", 0},
		{"1", 1000},
		{"1.5", 1500},
		{"0.0001", 1}, // ceil: a fraction of a millisecond is not "forever"
		{"-0.0001", 0},
		{"-0.5", -500},
		{"0.001", 1},
		{"0x10", 16000},
		{"1e-400", 1},
		{"9223372036854775.807", 9223372036854775807},
		// 9223372036854775807.5 rounds up to 2^63: out of range.
		{"9223372036854775.8076", math.MinInt64},
		{"9223372036854775.808", math.MinInt64},
		{"9223372036854775", 9223372036854775000},
		{"1e30", math.MinInt64},
		{"-1e30", math.MinInt64},
		{"inf", math.MinInt64},
		{"-inf", math.MinInt64},
	} {
		x, ok := ParseLongDouble([]byte(tc.in))
		if !ok {
			t.Fatalf("%s did not parse", tc.in)
		}
		if got := x.MillisCeil(); got != tc.want {
			t.Errorf("MillisCeil(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// Positions never wrap: a push at an end that has reached the int64 limit
// renumbers first.
func TestListPushAtPositionLimits(t *testing.T) {
	l := NewList()
	l.tr.Set(listNode{pos: math.MinInt64, val: []byte("lo")})
	l.tr.Set(listNode{pos: math.MaxInt64, val: []byte("hi")})
	l.PushLeft([]byte("first"))
	l.PushRight([]byte("last"))
	if got := listDump(l); !slices.Equal(got, []string{"first", "lo", "hi", "last"}) {
		t.Fatalf("got %v", got)
	}
}
