package datatypes

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func hashPairs(h *Hash) []string {
	var out []string
	h.Each(func(f, v string) bool {
		out = append(out, f+"="+v)
		return true
	})
	return out
}

func TestHashListpackKeepsInsertionOrder(t *testing.T) {
	h := NewHash()
	for _, f := range []string{"c", "a", "b"} {
		if !h.Set(f, "1", DefaultLimits()) {
			t.Fatalf("Set(%s) not new", f)
		}
	}
	if h.Set("a", "2", DefaultLimits()) {
		t.Fatal("updating a field reported it new")
	}
	h.Delete("c")
	h.Set("c", "3", DefaultLimits())
	if got, want := hashPairs(h), []string{"a=2", "b=1", "c=3"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if h.EncodingName() != "listpack" || h.TypeName() != "hash" || h.Len() != 3 {
		t.Fatalf("%s %s %d", h.EncodingName(), h.TypeName(), h.Len())
	}
	if v, ok := h.Get("a"); !ok || v != "2" {
		t.Fatalf("Get(a) = %q %v", v, ok)
	}
	if _, ok := h.Get("zz"); ok || h.Delete("zz") {
		t.Fatal("missing field found")
	}
}

func TestHashConversions(t *testing.T) {
	long := strings.Repeat("x", HashMaxListpackValue+1)
	tests := []struct {
		name string
		fill func(h *Hash)
		want string
	}{
		{"64-byte value stays", func(h *Hash) { h.Set("f", long[1:], DefaultLimits()) }, "listpack"},
		{"65-byte value", func(h *Hash) { h.Set("f", long, DefaultLimits()) }, "hashtable"},
		{"65-byte field", func(h *Hash) { h.Set(long, "v", DefaultLimits()) }, "hashtable"},
		{"TryConversion on a long argument", func(h *Hash) { h.TryConversion([][]byte{[]byte("f"), []byte(long)}, DefaultLimits()) }, "hashtable"},
		{"TryConversion on short arguments", func(h *Hash) { h.TryConversion([][]byte{[]byte("f"), []byte("v")}, DefaultLimits()) }, "listpack"},
		{"512 fields stay", func(h *Hash) {
			for i := 0; i < HashMaxListpackEntries; i++ {
				h.Set(strconv.Itoa(i), "v", DefaultLimits())
			}
		}, "listpack"},
		{"513 fields", func(h *Hash) {
			for i := 0; i <= HashMaxListpackEntries; i++ {
				h.Set(strconv.Itoa(i), "v", DefaultLimits())
			}
		}, "hashtable"},
		{"one way", func(h *Hash) {
			h.Set("f", long, DefaultLimits())
			h.Delete("f")
			h.Set("g", "v", DefaultLimits())
		}, "hashtable"},
	}
	for _, tc := range tests {
		h := NewHash()
		tc.fill(h)
		if got := h.EncodingName(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestHashCloneIsIndependent(t *testing.T) {
	for _, n := range []int{3, 2000} { // listpack and hashtable
		a := NewHash()
		for i := 0; i < n; i++ {
			a.Set("f"+strconv.Itoa(i), "v", DefaultLimits())
		}
		b := a.Clone()
		b.Set("f0", "changed", DefaultLimits())
		b.Set("new", "x", DefaultLimits())
		b.Delete("f1")
		a.Set("f2", "mine", DefaultLimits())
		if v, _ := a.Get("f0"); v != "v" {
			t.Fatalf("n=%d: clone's write leaked: %q", n, v)
		}
		if _, ok := a.Get("new"); ok {
			t.Fatalf("n=%d: clone's insert leaked", n)
		}
		if _, ok := a.Get("f1"); !ok {
			t.Fatalf("n=%d: clone's delete leaked", n)
		}
		if v, _ := b.Get("f2"); v != "v" {
			t.Fatalf("n=%d: original's write leaked into the clone: %q", n, v)
		}
		if a.Len() != n || b.Len() != n {
			t.Fatalf("n=%d: lens %d %d", n, a.Len(), b.Len())
		}
	}
}

func TestHashScanFromVisitsEverything(t *testing.T) {
	h := NewHash()
	for i := 0; i < 3000; i++ {
		h.Set("f"+strconv.Itoa(i), strconv.Itoa(i), DefaultLimits())
	}
	seen := map[string]bool{}
	var cursor uint64
	for calls := 0; ; calls++ {
		cursor = h.ScanFrom(cursor, 10, func(f, v string) {
			if "f"+v != f {
				t.Fatalf("pair %s=%s", f, v)
			}
			seen[f] = true
		})
		if calls == 0 {
			// Writes between calls do not disturb the iteration.
			h.Delete("f5")
			h.Set("flate", "late", DefaultLimits())
			delete(seen, "f5")
		}
		if cursor == 0 {
			break
		}
	}
	for i := 0; i < 3000; i++ {
		if f := "f" + strconv.Itoa(i); f != "f5" && !seen[f] {
			t.Fatalf("%s never visited", f)
		}
	}
}

func TestHashAppendRestoresEncodingAndOrder(t *testing.T) {
	src := NewHash()
	for _, f := range []string{"z", "y", "x"} {
		src.Set(f, f+f, DefaultLimits())
	}
	dst := NewHashEncoded(src.IsListpack())
	src.Each(func(f, v string) bool { dst.Append(f, v); return true })
	if !slices.Equal(hashPairs(src), hashPairs(dst)) || dst.EncodingName() != "listpack" {
		t.Fatalf("%v %v %s", hashPairs(src), hashPairs(dst), dst.EncodingName())
	}
	dst.Set("w", "ww", DefaultLimits()) // appending after a restore keeps going in order
	if got := hashPairs(dst); got[len(got)-1] != "w=ww" {
		t.Fatalf("%v", got)
	}
}

func TestHashMillionCloneAndWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-field hash")
	}
	h := NewHash()
	for i := 0; i < 1_000_000; i++ {
		h.Set("field:"+strconv.Itoa(i), "v", DefaultLimits())
	}
	start := time.Now()
	c := h.Clone()
	c.Set("field:1", "changed", DefaultLimits())
	c.Delete("field:2")
	if d := time.Since(start); d > time.Second {
		t.Fatalf("clone + write took %v", d)
	}
	if v, _ := h.Get("field:1"); v != "v" || h.Len() != 1_000_000 || c.Len() != 999_999 {
		t.Fatalf("original changed: %q %d %d", v, h.Len(), c.Len())
	}
}
