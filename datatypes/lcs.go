package datatypes

// LCSMatch is one run of consecutive bytes common to both strings, as
// reported by LCS ... IDX: inclusive byte ranges in a and in b.
type LCSMatch struct {
	AStart, AEnd int
	BStart, BEnd int
}

// Len is the run's length (WITHMATCHLEN).
func (m LCSMatch) Len() int { return m.AEnd - m.AStart + 1 }

// LCSTableBytes is the transient memory Redis's LCS allocates for a and b:
// a (len(a)+1) × (len(b)+1) table of uint32. Redis refuses requests whose
// table would exceed proto-max-bulk-len, and callers apply the same limit
// so both answer identically.
func LCSTableBytes(alen, blen int) uint64 {
	return uint64(alen+1) * uint64(blen+1) * 4
}

// LCSLen returns the length of the longest common subsequence of a and b.
// Without the need to reconstruct the sequence it keeps only two rows.
func LCSLen(a, b []byte) int {
	prev := make([]uint32, len(b)+1)
	cur := make([]uint32, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] > cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return int(prev[len(b)])
}

// LCS returns the longest common subsequence of a and b and, if
// wantMatches, its runs of consecutive matches from the end of the strings
// backwards, keeping runs of at least minMatchLen bytes (0 keeps all).
//
// Several subsequences can be longest; which one is returned, and how it
// splits into runs, follows Redis's backtracking exactly (on a tie it steps
// back in b), because clients see both.
func LCS(a, b []byte, wantMatches bool, minMatchLen int64) (seq []byte, matches []LCSMatch) {
	alen, blen := len(a), len(b)
	w := blen + 1
	table := make([]uint32, (alen+1)*w)
	for i := 1; i <= alen; i++ {
		row, up := table[i*w:(i+1)*w], table[(i-1)*w:i*w]
		for j := 1; j <= blen; j++ {
			switch {
			case a[i-1] == b[j-1]:
				row[j] = up[j-1] + 1
			case up[j] > row[j-1]:
				row[j] = up[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	at := func(i, j int) uint32 { return table[i*w+j] }

	idx := int(at(alen, blen))
	seq = make([]byte, idx)
	// aStart == alen means "no run in progress", as in Redis.
	aStart, aEnd, bStart, bEnd := alen, 0, 0, 0
	i, j := alen, blen
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			seq[idx-1] = a[i-1]
			if aStart == alen {
				aStart, aEnd = i-1, i-1
				bStart, bEnd = j-1, j-1
			} else if aStart == i && bStart == j {
				aStart--
				bStart--
			} else {
				emit = true
			}
			// A run touching the start of either string cannot grow further.
			if aStart == 0 || bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if at(i-1, j) > at(i, j-1) {
				i--
			} else {
				j--
			}
			if aStart != alen {
				emit = true
			}
		}
		if emit {
			m := LCSMatch{AStart: aStart, AEnd: aEnd, BStart: bStart, BEnd: bEnd}
			if wantMatches && (minMatchLen == 0 || int64(m.Len()) >= minMatchLen) {
				matches = append(matches, m)
			}
			aStart = alen
		}
	}
	return seq, matches
}
