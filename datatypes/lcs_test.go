package datatypes

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

// Expected values were taken from redis-server 7.0 (LCS ... IDX WITHMATCHLEN);
// which of several longest subsequences is chosen is part of the contract.
func TestLCSMatchesRedis(t *testing.T) {
	tests := []struct {
		a, b    string
		seq     string
		matches []LCSMatch
	}{
		{"ohmytext", "mynewtext", "mytext", []LCSMatch{{4, 7, 5, 8}, {2, 3, 0, 1}}},
		{"ABCBDAB", "BDCABA", "BDAB", []LCSMatch{{5, 6, 3, 4}, {3, 4, 0, 1}}},
		{"aaaa", "aa", "aa", []LCSMatch{{2, 3, 0, 1}}},
		{"abc", "xyz", "", nil},
		{"", "abc", "", nil},
		{"", "", "", nil},
		{"abcabc", "cbacba", "cbc", []LCSMatch{{5, 5, 3, 3}, {4, 4, 1, 1}, {2, 2, 0, 0}}},
		{"xyzabc", "abcxyz", "abc", []LCSMatch{{3, 5, 0, 2}}},
	}
	for _, tc := range tests {
		seq, matches := LCS([]byte(tc.a), []byte(tc.b), true, 0)
		if string(seq) != tc.seq || !reflect.DeepEqual(matches, tc.matches) {
			t.Errorf("LCS(%q, %q) = %q %v; want %q %v", tc.a, tc.b, seq, matches, tc.seq, tc.matches)
		}
		if n := LCSLen([]byte(tc.a), []byte(tc.b)); n != len(tc.seq) {
			t.Errorf("LCSLen(%q, %q) = %d, want %d", tc.a, tc.b, n, len(tc.seq))
		}
		if _, m := LCS([]byte(tc.a), []byte(tc.b), false, 0); m != nil {
			t.Errorf("LCS without matches requested returned %v", m)
		}
	}
}

func TestLCSMinMatchLen(t *testing.T) {
	a, b := []byte("ohmytext"), []byte("mynewtext")
	for _, tc := range []struct {
		min  int64
		want []LCSMatch
	}{
		{0, []LCSMatch{{4, 7, 5, 8}, {2, 3, 0, 1}}},
		{1, []LCSMatch{{4, 7, 5, 8}, {2, 3, 0, 1}}},
		{2, []LCSMatch{{4, 7, 5, 8}, {2, 3, 0, 1}}},
		{3, []LCSMatch{{4, 7, 5, 8}}},
		{4, []LCSMatch{{4, 7, 5, 8}}},
		{5, nil},
	} {
		if _, got := LCS(a, b, true, tc.min); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("min %d: got %v, want %v", tc.min, got, tc.want)
		}
	}
	if got := (LCSMatch{4, 7, 5, 8}).Len(); got != 4 {
		t.Errorf("Len = %d", got)
	}
}

// TestLCSProperties checks random inputs for what any correct answer must
// satisfy: the length agrees with the two-row computation, the sequence is
// a subsequence of both inputs, and the runs cover it exactly, in order.
func TestLCSProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 500; iter++ {
		a, b := randBytes(rng, 12), randBytes(rng, 12)
		seq, matches := LCS(a, b, true, 0)
		if len(seq) != LCSLen(a, b) {
			t.Fatalf("%q %q: seq %q but LCSLen %d", a, b, seq, LCSLen(a, b))
		}
		if !isSubsequence(seq, a) || !isSubsequence(seq, b) {
			t.Fatalf("%q %q: %q is not a common subsequence", a, b, seq)
		}
		var joined []byte
		for i := len(matches) - 1; i >= 0; i-- {
			m := matches[i]
			ra, rb := a[m.AStart:m.AEnd+1], b[m.BStart:m.BEnd+1]
			if !bytes.Equal(ra, rb) {
				t.Fatalf("%q %q: run %v covers %q vs %q", a, b, m, ra, rb)
			}
			joined = append(joined, ra...)
		}
		if !bytes.Equal(joined, seq) {
			t.Fatalf("%q %q: runs join to %q, seq %q", a, b, joined, seq)
		}
	}
}

func TestLCSTableBytes(t *testing.T) {
	if got := LCSTableBytes(0, 0); got != 4 {
		t.Errorf("got %d", got)
	}
	if got := LCSTableBytes(1<<20, 1<<20); got <= 512<<20 {
		t.Errorf("1M x 1M table reported as %d bytes", got)
	}
}

func randBytes(rng *rand.Rand, max int) []byte {
	b := make([]byte, rng.IntN(max+1))
	for i := range b {
		b[i] = "abc"[rng.IntN(3)]
	}
	return b
}

func isSubsequence(s, of []byte) bool {
	i := 0
	for _, c := range of {
		if i < len(s) && s[i] == c {
			i++
		}
	}
	return i == len(s)
}
