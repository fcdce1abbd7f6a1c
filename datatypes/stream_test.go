package datatypes

import (
	"runtime"
	"strconv"
	"testing"
)

func TestParseStreamID(t *testing.T) {
	tests := []struct {
		in               string
		missing          uint64
		strict, star, ok bool
		want             StreamID
		seqGiven         bool
	}{
		{in: "5", missing: 7, ok: true, want: StreamID{5, 7}, seqGiven: true},
		{in: "5-3", ok: true, want: StreamID{5, 3}, seqGiven: true},
		{in: "-", ok: true, want: StreamID{}, seqGiven: true},
		{in: "+", ok: true, want: MaxStreamID, seqGiven: true},
		{in: "-", strict: true},
		{in: "5-*", star: true, ok: true, want: StreamID{5, 0}},
		{in: "5-*"},
		{in: "+5-1", ok: true, want: StreamID{5, 1}, seqGiven: true}, // strtoull's sign
		{in: "05-01", ok: true, want: StreamID{5, 1}, seqGiven: true},
		{in: "-1"},
		{in: "1-2-3"},
		{in: "18446744073709551616-0"},
		{in: "18446744073709551615-18446744073709551615", ok: true, want: MaxStreamID, seqGiven: true},
		{in: ""},
		{in: "abc"},
	}
	for _, tc := range tests {
		id, seqGiven, ok := ParseStreamID([]byte(tc.in), tc.missing, tc.strict, tc.star)
		if ok != tc.ok || (ok && (id != tc.want || seqGiven != tc.seqGiven)) {
			t.Errorf("%q: got %v %v %v", tc.in, id, seqGiven, ok)
		}
	}
}

func fill(s *Stream, n int, maxEntries int64) {
	for i := 1; i <= n; i++ {
		s.Append(StreamID{uint64(i), 0}, [][]byte{[]byte("f"), []byte(strconv.Itoa(i))}, StreamNodeMaxBytes, maxEntries)
	}
}

// TestStreamTrimNodes checks Redis's node rules: approximate trimming
// removes whole nodes only, exact trimming also cuts into the first one,
// and a node whose entries are all deleted disappears.
func TestStreamTrimNodes(t *testing.T) {
	s := NewStream()
	fill(s, 25, 10)
	if s.Nodes() != 3 {
		t.Fatalf("nodes %d, want 3", s.Nodes())
	}
	if n := s.Trim(TrimArgs{MaxLen: true, Len: 12, Approx: true, Limit: 10000}); n != 10 || s.Len() != 15 || s.Nodes() != 2 {
		t.Fatalf("approx trim removed %d, len %d, nodes %d", n, s.Len(), s.Nodes())
	}
	if n := s.Trim(TrimArgs{MaxLen: true, Len: 12}); n != 3 || s.FirstID != (StreamID{14, 0}) {
		t.Fatalf("exact trim removed %d, first %v", n, s.FirstID)
	}
	for i := 21; i <= 25; i++ {
		s.Delete(StreamID{uint64(i), 0})
	}
	if s.Nodes() != 1 {
		t.Fatalf("emptied node kept: %d nodes", s.Nodes())
	}
	if n := s.Trim(TrimArgs{MinID: StreamID{18, 0}}); n != 4 || s.Len() != 3 {
		t.Fatalf("MINID trim removed %d, len %d", n, s.Len())
	}
}

// TestStreamCloneIsolation: a clone shares nothing observable with its
// original, groups and consumers included.
func TestStreamCloneIsolation(t *testing.T) {
	s := NewStream()
	fill(s, 5, 100)
	s.CreateGroup("g", StreamID{}, 0)
	g := s.MutGroup("g")
	g.CreateConsumer("c", 1)
	g.SetPending(StreamNACK{ID: StreamID{1, 0}, Consumer: "c", DeliveryTime: 1, DeliveryCount: 1})
	c := s.Clone()
	mg := c.MutGroup("g")
	mg.Ack(StreamID{1, 0})
	mg.MutConsumer("c").Touch(99)
	c.Delete(StreamID{2, 0})
	if s.Group("g").PendingLen() != 1 || s.Group("g").Consumer("c").PendingLen() != 1 || s.Group("g").Consumer("c").SeenTime != 1 || s.Len() != 5 {
		t.Fatal("clone changed the original")
	}
	if c.Group("g").PendingLen() != 0 || c.Group("g").Consumer("c").SeenTime != 99 || c.Len() != 4 {
		t.Fatal("clone lost its own changes")
	}
}

// BenchmarkStreamMemory1M measures the heap a 1M-entry stream of two
// small field/value pairs holds per entry.
func BenchmarkStreamMemory1M(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		s := NewStream()
		for j := 1; j <= 1_000_000; j++ {
			s.Append(StreamID{uint64(1700000000000 + j/3), uint64(j % 3)},
				[][]byte{[]byte("user"), []byte(strconv.Itoa(j)), []byte("action"), []byte("click")}, StreamNodeMaxBytes, StreamNodeMaxEntries)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/1e6, "B/entry")
		runtime.KeepAlive(s)
	}
}
