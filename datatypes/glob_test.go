package datatypes

import (
	"strings"
	"testing"
)

// The expectations below were checked against redis-server 7.0's KEYS.
func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, str string
		nocase       bool
		want         bool
	}{
		{"*", "anything", false, true},
		// stringmatchlen never matches an empty string against a star; KEYS
		// and SCAN only list the empty key because they shortcut "*".
		{"*", "", false, false},
		{"**", "", false, false},
		{"", "", false, true},
		{"", "a", false, false},
		{"a", "", false, false},
		{"hello", "hello", false, true},
		{"hello", "hell", false, false},
		{"hello", "helloo", false, false},
		{"h?llo", "hallo", false, true},
		{"h?llo", "hllo", false, false},
		{"h*llo", "hllo", false, true},
		{"h*llo", "heeeello", false, true},
		{"h**llo", "heeeello", false, true},
		{"h*", "h", false, true},
		{"*o", "hello", false, true},
		{"*x", "hello", false, false},
		{"a*b*c", "aXbYc", false, true},
		{"a*b*c", "aXcYb", false, false},
		{"a**", "a", false, true},

		// Character classes.
		{"h[ae]llo", "hello", false, true},
		{"h[ae]llo", "hillo", false, false},
		{"h[^e]llo", "hallo", false, true},
		{"h[^e]llo", "hello", false, false},
		{"h[a-b]llo", "hbllo", false, true},
		{"h[b-a]llo", "hbllo", false, true}, // reversed bounds are swapped
		{"h[a-b]llo", "hcllo", false, false},
		{"[a-]", "]", false, true}, // "a-]" is the range 'a'..']'
		{"[a-]", "-", false, false},
		{"[]a]", "a", false, false}, // ']' right after '[' closes an empty class
		{"[\\]]", "]", false, true},
		{"[\\", "\\", false, true},
		{"[abc", "b", false, true}, // unterminated class runs to the end
		{"[abc", "d", false, false},
		{"[", "a", false, false},
		{"[^", "a", false, true},
		{"a[", "ab", false, false},

		// Escapes.
		{"\\*", "*", false, true},
		{"\\*", "a", false, false},
		{"\\?", "?", false, true},
		{"a\\", "a\\", false, true}, // trailing backslash is literal
		{"\\a", "a", false, true},

		// Signed-char range bounds, as on x86 Redis.
		{"[a-\xff]", "a", false, true},
		{"[a-\xff]", "\xff", false, true},
		{"[a-\xff]", "b", false, false},
		{"[a-\xff]", "\x90", false, false},
		{"[\x80-\xff]", "\x90", false, true},
		{"[\x85-a]", "\x90", false, true},

		// Binary data.
		{"a\x00*", "a\x00b", false, true},
		{"?", "\x00", false, true},

		// Case folding.
		{"HeLLo", "hello", true, true},
		{"HeLLo", "hello", false, false},
		{"[A-C]x", "bX", true, true},
		{"[A-C]x", "bX", false, false},
		{"[Q]", "q", true, true},
	}
	for _, tc := range tests {
		if got := Match(tc.pattern, tc.str, tc.nocase); got != tc.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", tc.pattern, tc.str, tc.nocase, got, tc.want)
		}
	}
}

// Redis gives up beyond 1000 levels of '*' recursion rather than risk its
// stack; the same pattern must therefore stop matching at the same depth.
func TestMatchNestingLimit(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want bool
	}{{999, true}, {1000, true}, {1001, false}} {
		p, s := strings.Repeat("*a", tc.n), strings.Repeat("a", tc.n)
		if got := Match(p, s, false); got != tc.want {
			t.Errorf("%d nested stars: got %v, want %v", tc.n, got, tc.want)
		}
	}
}

// A pattern that is exponential for naive backtracking must finish quickly
// thanks to the skip-longer-matches cut.
func TestMatchPathological(t *testing.T) {
	p := strings.Repeat("a*", 30) + "b"
	s := strings.Repeat("a", 200)
	if Match(p, s, false) {
		t.Fatal("unexpected match")
	}
}
