package datatypes

// copyPiece bounds one memmove in CopyLarge.
const copyPiece = 256 << 10

// CopyLarge is copy(dst, src) in pieces. A single memmove cannot be
// preempted, and a garbage collection's stop-the-world waits for it: a
// 200 MB copy on a busy 2-core machine took long enough that raft
// heartbeats went unanswered and leadership moved. Between pieces the
// goroutine can be preempted.
func CopyLarge(dst, src []byte) int {
	n := min(len(dst), len(src))
	for off := 0; off < n; off += copyPiece {
		end := min(off+copyPiece, n)
		copy(dst[off:end], src[off:end])
	}
	return n
}

// AppendLarge is append(dst, src...) copying with CopyLarge.
func AppendLarge(dst, src []byte) []byte {
	if len(src) <= copyPiece {
		return append(dst, src...)
	}
	n := len(dst)
	if cap(dst)-n < len(src) {
		grown := make([]byte, n, n+len(src))
		CopyLarge(grown, dst)
		dst = grown
	}
	dst = dst[:n+len(src)]
	CopyLarge(dst[n:], src)
	return dst
}
