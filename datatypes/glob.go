package datatypes

// globMaxNesting mirrors the recursion limit Redis 7.0 added to
// stringmatchlen after CVE-2022-36021: a pattern with more '*' groups than
// this never matches, instead of exhausting the stack or the CPU.
const globMaxNesting = 1000

// Match reports whether str matches the glob pattern exactly as Redis's
// stringmatchlen does for KEYS, SCAN MATCH and friends, quirks included:
// an unterminated '[' class runs to the end of the pattern, "[a-]" is the
// range 'a'..']', a trailing '\' matches a literal '\', and range bounds
// compare bytes as signed chars (x86 Redis), so "[a-\xff]" is the range
// -1..'a' and does not contain 'b'. nocase folds ASCII letters only.
func Match(pattern, str string, nocase bool) bool {
	skipLonger := false
	return globMatch(pattern, str, nocase, &skipLonger, 0)
}

// globMatch is stringmatchlen_impl. Redis walks NUL-terminated buffers and
// peeks one byte past the pattern's end in places; at() returns that
// terminator as 0 so the translation keeps the same control flow.
func globMatch(pattern, str string, nocase bool, skipLonger *bool, nesting int) bool {
	if nesting > globMaxNesting {
		return false
	}
	at := func(i int) byte {
		if i < len(pattern) {
			return pattern[i]
		}
		return 0
	}
	p, s := 0, 0
	for p < len(pattern) && s < len(str) {
		switch pattern[p] {
		case '*':
			for p < len(pattern) && at(p+1) == '*' {
				p++
			}
			if p == len(pattern)-1 {
				return true
			}
			for s < len(str) {
				if globMatch(pattern[p+1:], str[s:], nocase, skipLonger, nesting+1) {
					return true
				}
				// The rest of the pattern matched nowhere in the rest of the
				// string, so no longer match for an earlier '*' can help.
				if *skipLonger {
					return false
				}
				s++
			}
			*skipLonger = true
			return false
		case '?':
			s++
		case '[':
			p++
			not := at(p) == '^'
			if not {
				p++
			}
			match := false
			for {
				if at(p) == '\\' && len(pattern)-p >= 2 {
					p++
					if pattern[p] == str[s] {
						match = true
					}
				} else if at(p) == ']' {
					break
				} else if p >= len(pattern) {
					p--
					break
				} else if len(pattern)-p >= 3 && pattern[p+1] == '-' {
					start, end, c := signed(pattern[p]), signed(pattern[p+2]), signed(str[s])
					if start > end {
						start, end = end, start
					}
					if nocase {
						start, end, c = lowerSigned(start), lowerSigned(end), lowerSigned(c)
					}
					p += 2
					if c >= start && c <= end {
						match = true
					}
				} else if pattern[p] == str[s] || (nocase && lower(pattern[p]) == lower(str[s])) {
					match = true
				}
				p++
			}
			if not {
				match = !match
			}
			if !match {
				return false
			}
			s++
		case '\\':
			if len(pattern)-p >= 2 {
				p++
			}
			fallthrough
		default:
			if pattern[p] != str[s] && (!nocase || lower(pattern[p]) != lower(str[s])) {
				return false
			}
			s++
		}
		p++
		if s == len(str) {
			for p < len(pattern) && pattern[p] == '*' {
				p++
			}
			break
		}
	}
	return p == len(pattern) && s == len(str)
}

// signed reinterprets a byte as C's (signed) char.
func signed(b byte) int { return int(int8(b)) }

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func lowerSigned(c int) int {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
