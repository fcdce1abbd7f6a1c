package fsm

import (
	"strconv"
	"strings"
	"testing"
)

// pelSize is the PEL the consumer-group benchmarks run against: large
// enough that a per-command cost proportional to it would dominate.
const pelSize = 100_000

// largePEL returns a harness whose stream s has group g with n entries
// pending for consumer c; the IDs are 1-1 .. 1-n.
func largePEL(n int) *harness {
	h := newHarness(&testing.T{})
	h.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	addPending(h, 1, n)
	return h
}

// addPending appends entries 1-from .. 1-to and delivers them to c.
func addPending(h *harness, from, to int) {
	for i := from; i <= to; i++ {
		h.do("XADD", "s", "1-"+strconv.Itoa(i), "f", "v")
	}
	h.do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
}

// BenchmarkXreadgroupLargePEL: one XADD and one XREADGROUP COUNT 1 ">"
// per op against a PEL of pelSize entries.
func BenchmarkXreadgroupLargePEL(b *testing.B) {
	h := largePEL(pelSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.do("XADD", "s", "2-"+strconv.Itoa(i), "f", "v")
		if r := h.do("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"); !strings.HasPrefix(r, "*1\r\n") {
			b.Fatal(r)
		}
	}
}

// BenchmarkXackLargePEL: one XACK of a pending entry per op; the PEL is
// refilled, off the clock, when it runs low.
func BenchmarkXackLargePEL(b *testing.B) {
	h := largePEL(pelSize)
	next, top := 1, pelSize
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if next > top-pelSize/2 {
			b.StopTimer()
			addPending(h, top+1, top+pelSize/2)
			top += pelSize / 2
			b.StartTimer()
		}
		if r := h.do("XACK", "s", "g", "1-"+strconv.Itoa(next)); r != ":1\r\n" {
			b.Fatal(r)
		}
		next++
	}
}

// BenchmarkXclaimLargePEL: one XCLAIM per op moving a pending entry
// between two consumers.
func BenchmarkXclaimLargePEL(b *testing.B) {
	h := largePEL(pelSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		to := "c" + strconv.Itoa(i/pelSize%2)
		if r := h.do("XCLAIM", "s", "g", to, "0", "1-"+strconv.Itoa(i%pelSize+1), "JUSTID"); r == "*0\r\n" {
			b.Fatal(r)
		}
	}
}

// BenchmarkXautoclaimLargePEL: one XAUTOCLAIM COUNT 1 per op, walking
// the PEL with its cursor.
func BenchmarkXautoclaimLargePEL(b *testing.B) {
	h := largePEL(pelSize)
	cursor := "0-0"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := h.do("XAUTOCLAIM", "s", "g", "c"+strconv.Itoa(i%2), "0", cursor, "COUNT", "1", "JUSTID")
		// The reply starts with the next cursor as a bulk string.
		parts := strings.SplitN(r, "\r\n", 4)
		if len(parts) < 3 {
			b.Fatal(r)
		}
		cursor = parts[2]
	}
}
