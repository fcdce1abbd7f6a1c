package datatypes

import (
	"strconv"
)

// StreamID is a stream entry ID, ms-seq. IDs order entries, groups' last
// delivered positions and PEL entries.
type StreamID struct{ Ms, Seq uint64 }

// MaxStreamID is the largest ID, "+" in a range.
var MaxStreamID = StreamID{^uint64(0), ^uint64(0)}

// Cmp compares a and b: -1, 0 or 1.
func (a StreamID) Cmp(b StreamID) int {
	switch {
	case a.Ms < b.Ms:
		return -1
	case a.Ms > b.Ms:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports a < b.
func (a StreamID) Less(b StreamID) bool { return a.Cmp(b) < 0 }

// IsZero reports whether id is 0-0.
func (a StreamID) IsZero() bool { return a.Ms == 0 && a.Seq == 0 }

// String is Redis's "ms-seq" form.
func (a StreamID) String() string { return string(a.Append(nil)) }

// Append appends the "ms-seq" form to b.
func (a StreamID) Append(b []byte) []byte {
	b = strconv.AppendUint(b, a.Ms, 10)
	b = append(b, '-')
	return strconv.AppendUint(b, a.Seq, 10)
}

// Incr returns the next ID (Redis's streamIncrID); false past the maximum.
func (a StreamID) Incr() (StreamID, bool) {
	if a.Seq == ^uint64(0) {
		if a.Ms == ^uint64(0) {
			return a, false
		}
		return StreamID{a.Ms + 1, 0}, true
	}
	return StreamID{a.Ms, a.Seq + 1}, true
}

// Decr returns the previous ID (streamDecrID); false below 0-0.
func (a StreamID) Decr() (StreamID, bool) {
	if a.Seq == 0 {
		if a.Ms == 0 {
			return a, false
		}
		return StreamID{a.Ms - 1, ^uint64(0)}, true
	}
	return StreamID{a.Ms, a.Seq - 1}, true
}

// parseStreamUint is Redis's string2ull: string2ll's strict form, or else
// whatever strtoull accepts whole (leading spaces, a sign, leading zeros).
func parseStreamUint(s []byte) (uint64, bool) {
	if len(s) == 0 {
		return 0, false
	}
	if v, ok := ParseInt(s); ok {
		if v < 0 {
			return 0, false
		}
		return uint64(v), true
	}
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return 0, false
	}
	var v uint64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (^uint64(0)-uint64(c-'0'))/10 {
			return 0, false // ERANGE
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// ParseStreamID is Redis's streamGenericParseIDOrReply. missingSeq fills an
// ID given as "ms" alone; strict refuses "-" and "+"; allowStar accepts
// "ms-*" and reports it with seqGiven false.
func ParseStreamID(s []byte, missingSeq uint64, strict, allowStar bool) (id StreamID, seqGiven, ok bool) {
	seqGiven = true
	if len(s) > 127 {
		return id, seqGiven, false
	}
	if len(s) == 1 && (s[0] == '-' || s[0] == '+') {
		if strict {
			return id, seqGiven, false
		}
		if s[0] == '-' {
			return StreamID{}, seqGiven, true
		}
		return MaxStreamID, seqGiven, true
	}
	dash := -1
	for i, c := range s {
		if c == '-' {
			dash = i
			break
		}
	}
	msPart := s
	if dash >= 0 {
		msPart = s[:dash]
	}
	ms, ok := parseStreamUint(msPart)
	if !ok {
		return id, seqGiven, false
	}
	seq := missingSeq
	if dash >= 0 {
		rest := s[dash+1:]
		if allowStar && len(rest) == 1 && rest[0] == '*' {
			seq, seqGiven = 0, false
		} else if seq, ok = parseStreamUint(rest); !ok {
			return id, seqGiven, false
		}
	}
	return StreamID{ms, seq}, seqGiven, true
}
