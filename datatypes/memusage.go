package datatypes

import "unsafe"

// MEMORY USAGE estimates. Go hides its allocator's bookkeeping, so each
// type adds up what it holds: B-tree items (nodes are about two-thirds
// full, so an item costs half as much again as its size) and the
// allocations its strings and slices point to, each rounded up to Go's
// size class. With samples > 0 only the first samples elements are
// measured and the average is extrapolated, as Redis samples; 0 measures
// every element. Nothing is allocated.

// goSizeClasses are the Go runtime's small object size classes.
var goSizeClasses = [...]int{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
	2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
	10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768}

// AllocSize is what the Go allocator hands out for an n-byte object:
// nothing for 0, its size class up to 32 KB, whole 8 KB pages above.
func AllocSize(n int) int64 {
	if n <= 0 {
		return 0
	}
	if n > 32768 {
		return int64((n + 8191) &^ 8191)
	}
	lo, hi := 0, len(goSizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if goSizeClasses[mid] < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return int64(goSizeClasses[lo])
}

// treeItem is one B-tree item's share of its node.
func treeItem(size uintptr) int64 { return int64(size) * 3 / 2 }

// treeFixed is a B-tree's header and its root node's fixed part.
const treeFixed = 64 + 48

// sampled extrapolates the cost of n elements from the first ones, as
// each calls visit on them until it returns false.
func sampled(n, samples int, each func(visit func(cost int64) bool)) int64 {
	if n == 0 {
		return 0
	}
	var sum int64
	seen := 0
	each(func(cost int64) bool {
		sum += cost
		seen++
		return samples <= 0 || seen < samples
	})
	if seen == 0 {
		return 0
	}
	return sum * int64(n) / int64(seen)
}

// MemUsage estimates the list's bytes.
func (l *List) MemUsage(samples int) int64 {
	item := treeItem(unsafe.Sizeof(listNode{}))
	return int64(unsafe.Sizeof(*l)) + treeFixed + sampled(l.Len(), samples, func(visit func(int64) bool) {
		l.tr.Scan(func(n listNode) bool { return visit(item + AllocSize(cap(n.val))) })
	})
}

// MemUsage estimates the hash's bytes.
func (h *Hash) MemUsage(samples int) int64 {
	item := treeItem(unsafe.Sizeof(hashEntry{}))
	return int64(unsafe.Sizeof(*h)) + treeFixed + sampled(h.Len(), samples, func(visit func(int64) bool) {
		h.tr.Scan(func(e hashEntry) bool { return visit(item + AllocSize(len(e.field)) + AllocSize(len(e.value))) })
	})
}

// MemUsage estimates the set's bytes.
func (s *Set) MemUsage(samples int) int64 {
	item := treeItem(unsafe.Sizeof(setEntry{}))
	return int64(unsafe.Sizeof(*s)) + treeFixed + sampled(s.Len(), samples, func(visit func(int64) bool) {
		s.tr.Scan(func(e setEntry) bool { return visit(item + AllocSize(len(e.m))) })
	})
}

// MemUsage estimates the sorted set's bytes: an item in each tree, the
// member's bytes once (both trees share the string).
func (z *ZSet) MemUsage(samples int) int64 {
	item := treeItem(unsafe.Sizeof(ZItem{})) + treeItem(unsafe.Sizeof(zMember{}))
	return int64(unsafe.Sizeof(*z)) + 2*treeFixed + sampled(z.Len(), samples, func(visit func(int64) bool) {
		z.byScore.Scan(func(e ZItem) bool { return visit(item + AllocSize(len(e.Member))) })
	})
}
