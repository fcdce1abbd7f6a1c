package fsm

import (
	"strconv"
	"testing"
)

// BenchmarkSortList sorts a 100,000-element list numerically (read path).
func BenchmarkSortList(b *testing.B) {
	h := newHarness(&testing.T{})
	args := []string{"RPUSH", "l"}
	for i := 0; i < 100_000; i++ {
		args = append(args, strconv.Itoa((i*7919)%100_003))
	}
	h.do(args...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.do("SORT", "l", "LIMIT", "0", "10")
	}
}

// BenchmarkDumpRestoreList dumps and restores a 100,000-element list.
func BenchmarkDumpRestoreList(b *testing.B) {
	h := newHarness(&testing.T{})
	args := []string{"RPUSH", "l"}
	for i := 0; i < 100_000; i++ {
		args = append(args, "element-"+strconv.Itoa(i))
	}
	h.do(args...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := hsItems(h.do("DUMP", "l"))[0]
		if got := h.do("RESTORE", "c", "0", p, "REPLACE"); got != "+OK\r\n" {
			b.Fatal(got)
		}
	}
}
