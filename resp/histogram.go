package resp

import (
	"math/bits"
	"sync/atomic"
)

// latencyHist is a concurrent HDR-style histogram of durations in
// nanoseconds with Redis's configuration (2 significant figures, 1 ns to
// 1 s): 256 exact sub-buckets below 256 ns, then 128 sub-buckets per power
// of two. Percentiles report the highest value equivalent to the bucket, as
// hdr_value_at_percentile does, so INFO latencystats prints the same
// figures Redis would for the same samples. Recording is one atomic add.
type latencyHist struct {
	counts [histBuckets]atomic.Int64
	total  atomic.Int64
}

const (
	histSubBits = 8 // 2 significant decimal figures need 2^8 sub-buckets
	histSub     = 1 << histSubBits
	histHalf    = histSub / 2
	histMax     = 1_000_000_000 // Redis's highest trackable latency: 1 s
	// histBuckets covers 0..histMax: exact to histSub, then histHalf per
	// power of two up to 2^30.
	histBuckets = histSub + (30-histSubBits+1)*histHalf
)

// histIndex maps v (ns) to its bucket.
func histIndex(v int64) int {
	if v < 0 {
		v = 0
	}
	if v > histMax {
		v = histMax
	}
	if v < histSub {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - histSubBits
	return histSub + (shift-1)*histHalf + int(v>>shift) - histHalf
}

// histBounds is the lowest and highest value of bucket i.
func histBounds(i int) (lo, hi int64) {
	if i < histSub {
		return int64(i), int64(i)
	}
	shift := (i-histSub)/histHalf + 1
	sub := int64((i-histSub)%histHalf + histHalf)
	return sub << shift, (sub+1)<<shift - 1
}

func (h *latencyHist) record(ns int64) {
	h.counts[histIndex(ns)].Add(1)
	h.total.Add(1)
}

// percentile is hdr_value_at_percentile: the highest equivalent value of
// the bucket holding the sample at rank round(p% of the count), at least 1.
func (h *latencyHist) percentile(p float64) int64 {
	total := h.total.Load()
	want := int64(p/100*float64(total) + 0.5)
	if want < 1 {
		want = 1
	}
	var seen int64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= want {
			_, hi := histBounds(i)
			return hi
		}
	}
	return 0
}

// powerBuckets is LATENCY HISTOGRAM's view, as Redis iterates its HDR
// histogram logarithmically from 1024 ns by powers of two: at each level,
// the count of samples in buckets up to the level's, keyed by the level
// bucket's highest value in µs, reported only where the count grew.
func (h *latencyHist) powerBuckets() (upper []int64, cum []int64) {
	var snap [histBuckets]int64
	var total int64
	for i := range h.counts {
		snap[i] = h.counts[i].Load()
		total += snap[i]
	}
	var seen, prev int64
	i := 0
	for limit := int64(1024); seen < total && limit <= 2*histMax; limit *= 2 {
		top := histIndex(limit)
		for ; i <= top && i < len(snap); i++ {
			seen += snap[i]
		}
		if seen > prev {
			_, hi := histBounds(top)
			upper = append(upper, hi/1000)
			cum = append(cum, seen)
			prev = seen
		}
	}
	return upper, cum
}

func (h *latencyHist) reset() {
	for i := range h.counts {
		h.counts[i].Store(0)
	}
	h.total.Store(0)
}
