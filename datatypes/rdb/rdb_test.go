package rdb

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAppendLen(t *testing.T) {
	tests := []struct {
		n    uint64
		want string
	}{
		{0, "\x00"},
		{63, "\x3f"},
		{64, "\x40\x40"},
		{16383, "\x7f\xff"},
		{16384, "\x80\x00\x00\x40\x00"},
		{math.MaxUint32, "\x80\xff\xff\xff\xff"},
		{math.MaxUint32 + 1, "\x81\x00\x00\x00\x01\x00\x00\x00\x00"},
	}
	for _, tc := range tests {
		got := AppendLen(nil, tc.n)
		if string(got) != tc.want {
			t.Errorf("AppendLen(%d) = %q, want %q", tc.n, got, tc.want)
		}
		if n, err := NewReader(got).ReadLen(); err != nil || n != tc.n {
			t.Errorf("ReadLen(%q) = %d, %v", got, n, err)
		}
	}
}

func TestAppendString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "\x00"},
		{"0", "\xc0\x00"},
		{"-1", "\xc0\xff"},
		{"127", "\xc0\x7f"},
		{"128", "\xc1\x80\x00"},
		{"-32768", "\xc1\x00\x80"},
		{"32768", "\xc2\x00\x80\x00\x00"},
		{"2147483648", "\x0a2147483648"}, // does not fit 32 bits
		{"007", "\x03007"},               // not the canonical form
		{"-0", "\x02-0"},
		{"12345678901", "\x0b12345678901"},
		{"abc", "\x03abc"},
		{strings.Repeat("a", 20), "\x14" + strings.Repeat("a", 20)}, // too short to compress
	}
	for _, tc := range tests {
		got := AppendString(nil, []byte(tc.in))
		if string(got) != tc.want {
			t.Errorf("AppendString(%q) = %q, want %q", tc.in, got, tc.want)
		}
		back, err := NewReader(got).ReadString()
		if err != nil || string(back) != tc.in {
			t.Errorf("ReadString(%q) = %q, %v", got, back, err)
		}
	}
	// 21 identical bytes compress; the result reads back.
	s := strings.Repeat("a", 21)
	enc := AppendString(nil, []byte(s))
	if enc[0] != 0xC3 {
		t.Fatalf("21 x 'a' not LZF-compressed: %q", enc)
	}
	if back, err := NewReader(enc).ReadString(); err != nil || string(back) != s {
		t.Errorf("LZF round trip: %q, %v", back, err)
	}
}

func TestLZFRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		n := rng.IntN(20000)
		alpha := 1 + rng.IntN(255)
		in := make([]byte, n)
		for j := range in {
			in[j] = byte(rng.IntN(alpha))
		}
		c := lzfCompress(in, n+n/16+64)
		if n > 0 && c == nil {
			t.Fatalf("len %d alphabet %d: did not compress into ample room", n, alpha)
		}
		out, err := LZFDecompress(c, n)
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("len %d alphabet %d: round trip failed: %v", n, alpha, err)
		}
	}
	// Output that does not fit is refused rather than truncated.
	if c := lzfCompress([]byte("abcdefghijklmnopqrstuvwxyz"), 10); c != nil {
		t.Errorf("incompressible input fit in 10 bytes: %q", c)
	}
}

func TestLZFDecompressCorrupt(t *testing.T) {
	for _, tc := range []struct {
		in  string
		out int
	}{
		{"\x05ab", 6},        // literal run past the input
		{"\x20\x00", 3},      // back-reference before the start
		{"\x00a\xe0", 10},    // truncated long back-reference
		{"\x00a\x20\x00", 2}, // expands past the stated size
		{"\x01ab", 3},        // shorter than stated
	} {
		if _, err := LZFDecompress([]byte(tc.in), tc.out); !errors.Is(err, ErrLZF) {
			t.Errorf("LZFDecompress(%q, %d) = %v, want ErrLZF", tc.in, tc.out, err)
		}
	}
}

func TestListpack(t *testing.T) {
	elems := []string{"0", "127", "128", "-1", "4095", "-4096", "4096", "32767", "-32769", "8388607", "-8388609",
		"2147483647", "2147483648", "9223372036854775807", "-9223372036854775808", "007", "", "a",
		strings.Repeat("b", 63), strings.Repeat("c", 64), strings.Repeat("d", 4095), strings.Repeat("e", 4096),
		strings.Repeat("f", 16380), strings.Repeat("g", 20000)}
	lp := NewListpack()
	for _, e := range elems {
		lp.Append([]byte(e))
	}
	b := lp.Bytes()
	var got []string
	if err := ListpackEach(b, func(s []byte) error { got = append(got, string(s)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != strings.Join(elems, ",") {
		t.Errorf("round trip: %q", got)
	}
	// Known encodings: "1" is a 7-bit uint, "a" a 6-bit string.
	small := NewListpack()
	small.Append([]byte("1"))
	small.Append([]byte("a"))
	if want := "\x0c\x00\x00\x00\x02\x00\x01\x01\x81a\x02\xff"; string(small.Bytes()) != want {
		t.Errorf("listpack [1 a] = %q, want %q", small.Bytes(), want)
	}
	// Every single-byte corruption is either refused or still decodes.
	for i := range b[:min(len(b), 400)] {
		c := bytes.Clone(b)
		c[i] ^= 0x5a
		_ = ListpackEach(c, func([]byte) error { return nil })
	}
	for _, bad := range []string{"", "\x07\x00\x00\x00\x00\x00", "\x07\x00\x00\x00\x01\x00\xff", "\x08\x00\x00\x00\x01\x00\x01\xff"} {
		if err := ListpackEach([]byte(bad), func([]byte) error { return nil }); err == nil {
			t.Errorf("ListpackEach(%q) accepted", bad)
		}
	}
}

func TestIntset(t *testing.T) {
	tests := []struct {
		vals []int64
		w    byte
	}{
		{[]int64{-5, 1, 32767}, 2},
		{[]int64{-70000, 3}, 4},
		{[]int64{1, math.MaxInt64}, 8},
	}
	for _, tc := range tests {
		b := AppendIntset(nil, tc.vals)
		if b[0] != tc.w {
			t.Errorf("%v: width %d, want %d", tc.vals, b[0], tc.w)
		}
		got, err := IntsetValues(b)
		if err != nil || len(got) != len(tc.vals) {
			t.Fatalf("%v: %v %v", tc.vals, got, err)
		}
	}
	for _, bad := range [][]byte{
		AppendIntset(nil, nil), // empty
		{3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0},
		append(AppendIntset(nil, []int64{1}), 0), // size mismatch
		{2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0},     // descending
	} {
		if _, err := IntsetValues(bad); err == nil {
			t.Errorf("IntsetValues(%q) accepted", bad)
		}
	}
}

func TestDumpDecodeRoundTrip(t *testing.T) {
	values := []*Value{
		{Kind: KindString, Str: []byte("hello")},
		{Kind: KindString, Str: []byte(strings.Repeat("xyz", 100))},
		{Kind: KindList, Elems: [][]byte{[]byte("a"), []byte("1"), []byte(strings.Repeat("q", 9000))}},
		{Kind: KindSet, Compact: true, Elems: [][]byte{[]byte("-1"), []byte("3")}},
		{Kind: KindSet, Elems: [][]byte{[]byte("x"), []byte("y")}},
		{Kind: KindHash, Compact: true, Pairs: [][]byte{[]byte("f"), []byte("v"), []byte("n"), []byte("5")}},
		{Kind: KindHash, Pairs: [][]byte{[]byte("f"), []byte(strings.Repeat("v", 100))}},
		{Kind: KindZSet, Compact: true, ZSet: []ZEntry{{[]byte("a"), -1.5}, {[]byte("b"), 2}, {[]byte("c"), math.Inf(1)}}},
		{Kind: KindZSet, ZSet: []ZEntry{{[]byte("a"), -1.5}, {[]byte(strings.Repeat("m", 70)), 2}}},
	}
	for i, v := range values {
		p := Dump(v)
		got, err := DecodeDump(p, DefaultLimits)
		if err != nil {
			t.Fatalf("#%d: %v", i, err)
		}
		if render(got) != render(v) {
			t.Errorf("#%d: decoded %s, want %s", i, render(got), render(v))
		}
		// A flipped bit anywhere is caught by the checksum.
		c := bytes.Clone(p)
		c[len(c)/2] ^= 1
		if _, err := DecodeDump(c, DefaultLimits); !errors.Is(err, ErrChecksum) {
			t.Errorf("#%d: corrupted payload: %v", i, err)
		}
	}
	if _, err := DecodeDump([]byte("short"), DefaultLimits); !errors.Is(err, ErrChecksum) {
		t.Errorf("short payload: %v", err)
	}
}

func render(v *Value) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(v.Kind)) + strconv.FormatBool(v.Compact) + string(v.Str))
	for _, e := range append(append([][]byte{}, v.Elems...), v.Pairs...) {
		b.WriteString("|" + string(e))
	}
	for _, z := range v.ZSet {
		b.WriteString("|" + string(z.Member) + "=" + strconv.FormatFloat(z.Score, 'g', -1, 64))
	}
	if v.Stream != nil {
		// A node's listpack size depends on how its elements were encoded,
		// which a re-encoding may choose differently.
		s := *v.Stream
		s.Nodes = slices.Clone(s.Nodes)
		for i := range s.Nodes {
			s.Nodes[i].Size = 0
		}
		fmt.Fprintf(&b, "%q", fmt.Sprint(s))
	}
	return b.String()
}

func TestScanDouble(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1.5", 1.5, true}, {" -2", -2, true}, {"3abc", 3, true}, {"0x10", 16, true},
		{"inf", math.Inf(1), true}, {"1\x009", 1, true}, {"abc", 0, false}, {"", 0, false},
	} {
		got, ok := scanDouble([]byte(tc.in))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("scanDouble(%q) = %v, %v", tc.in, got, ok)
		}
	}
}

// TestLZFTightBuffer compresses into the len-4 bytes Redis offers: the
// result either fits and round-trips or is refused, never a write past the
// buffer (liblzf may touch one spare byte there, which Redis allocates).
func TestLZFTightBuffer(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		n := 21 + rng.IntN(200)
		in := make([]byte, n)
		alpha := 1 + rng.IntN(8)
		for j := range in {
			in[j] = byte('a' + rng.IntN(alpha))
		}
		c := lzfCompress(in, n-4)
		if c == nil {
			continue
		}
		if len(c) > n-4 {
			t.Fatalf("%q: %d bytes for a %d-byte limit", in, len(c), n-4)
		}
		if out, err := LZFDecompress(c, n); err != nil || !bytes.Equal(out, in) {
			t.Fatalf("%q: round trip failed: %v", in, err)
		}
	}
}
