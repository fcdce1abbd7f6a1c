package datatypes

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

func setMembers(s *Set) []string {
	var out []string
	s.Each(func(m string) bool {
		out = append(out, m)
		return true
	})
	return out
}

func TestSetIntsetIsNumericallyOrdered(t *testing.T) {
	s := NewSet()
	for _, m := range []string{"10", "-3", "9223372036854775807", "0", "-9223372036854775808", "2"} {
		if !s.Add(m, DefaultLimits()) {
			t.Fatalf("Add(%s) not new", m)
		}
	}
	if s.Add("2", DefaultLimits()) {
		t.Fatal("re-adding reported new")
	}
	want := []string{"-9223372036854775808", "-3", "0", "2", "10", "9223372036854775807"}
	if got := setMembers(s); !slices.Equal(got, want) || s.EncodingName() != "intset" {
		t.Fatalf("%v %s", got, s.EncodingName())
	}
	// Texts string2ll refuses are never intset members.
	for _, m := range []string{"01", "+1", " 1", "-0", "1.0", "9223372036854775808", ""} {
		if s.Has(m) || s.Remove(m) {
			t.Fatalf("%q found in an intset", m)
		}
	}
	if !s.Has("-3") || !s.Remove("-3") || s.Has("-3") || s.Len() != 5 {
		t.Fatal("remove")
	}
}

func TestSetConversions(t *testing.T) {
	tests := []struct {
		name  string
		build func() *Set
		want  string
	}{
		{"created for an integer", func() *Set { return NewSetFor("5") }, "intset"},
		{"created for a string", func() *Set { return NewSetFor("a") }, "hashtable"},
		{"created for a non-canonical integer", func() *Set { return NewSetFor("05") }, "hashtable"},
		{"a string added", func() *Set { s := NewSet(); s.Add("1", DefaultLimits()); s.Add("x", DefaultLimits()); return s }, "hashtable"},
		{"one way", func() *Set {
			s := NewSet()
			s.Add("x", DefaultLimits())
			s.Remove("x")
			s.Add("1", DefaultLimits())
			return s
		}, "hashtable"},
		{"512 integers", func() *Set {
			s := NewSet()
			for i := 0; i < SetMaxIntsetEntries; i++ {
				s.Add(strconv.Itoa(i), DefaultLimits())
			}
			return s
		}, "intset"},
		{"513 integers", func() *Set {
			s := NewSet()
			for i := 0; i <= SetMaxIntsetEntries; i++ {
				s.Add(strconv.Itoa(i), DefaultLimits())
			}
			return s
		}, "hashtable"},
	}
	for _, tc := range tests {
		s := tc.build()
		if got := s.EncodingName(); got != tc.want || s.TypeName() != "set" {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	s := NewSet()
	s.Add("1", DefaultLimits())
	s.Add("x", DefaultLimits())
	if !s.Has("1") || !s.Has("x") || s.Len() != 2 {
		t.Fatal("members lost in conversion")
	}
}

func TestSetCloneIsIndependent(t *testing.T) {
	for _, n := range []int{3, 2000} { // intset and hashtable
		a := NewSet()
		for i := 0; i < n; i++ {
			a.Add(strconv.Itoa(i), DefaultLimits())
		}
		b := a.Clone()
		b.Add("new", DefaultLimits())
		b.Remove("1")
		a.Remove("2")
		if a.Has("new") || !a.Has("1") || a.EncodingName() == "hashtable" && n == 3 {
			t.Fatalf("n=%d: clone's writes leaked", n)
		}
		if !b.Has("2") || b.EncodingName() != "hashtable" {
			t.Fatalf("n=%d: original's write leaked", n)
		}
		if a.Len() != n-1 || b.Len() != n {
			t.Fatalf("n=%d: lens %d %d", n, a.Len(), b.Len())
		}
	}
}

func TestSetScanFromVisitsEverything(t *testing.T) {
	s := NewSet()
	s.Add("x", DefaultLimits())
	for i := 0; i < 3000; i++ {
		s.Add(strconv.Itoa(i), DefaultLimits())
	}
	seen := map[string]int{}
	var cursor uint64
	for {
		cursor = s.ScanFrom(cursor, 7, func(m string) { seen[m]++ })
		if cursor == 0 {
			break
		}
	}
	if len(seen) != 3001 {
		t.Fatalf("visited %d", len(seen))
	}
	for m, n := range seen {
		if n != 1 {
			t.Fatalf("%s visited %d times", m, n)
		}
	}
}

func TestSetAt(t *testing.T) {
	s := NewSet()
	for _, m := range []string{"3", "1", "2"} {
		s.Add(m, DefaultLimits())
	}
	for i, want := range []string{"1", "2", "3"} {
		if got := s.At(i); got != want {
			t.Fatalf("At(%d) = %s", i, got)
		}
	}
}

func TestSetMillionCloneAndWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-member set")
	}
	s := NewSet()
	for i := 0; i < 1_000_000; i++ {
		s.Add(strconv.Itoa(i), DefaultLimits())
	}
	start := time.Now()
	c := s.Clone()
	c.Add("x", DefaultLimits())
	c.Remove("7")
	if d := time.Since(start); d > time.Second {
		t.Fatalf("clone + write took %v", d)
	}
	if !s.Has("7") || s.Has("x") || s.Len() != 1_000_000 || c.Len() != 1_000_000 {
		t.Fatalf("original changed: %d %d", s.Len(), c.Len())
	}
}
