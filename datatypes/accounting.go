package datatypes

import "unsafe"

// DatasetSize is the collection's share of the dataset accounting that
// maxmemory eviction compares with its limit (fsm's dataset.go). Unlike
// MemUsage it is a function of the content alone — lengths, never
// capacities, which depend on how a value was built — so every node,
// including one restored from a snapshot, computes the same number for the
// same value. It measures the first samples elements in the collection's
// own order and extrapolates, so it costs O(samples) whatever the size.

// DatasetSize estimates the list's bytes.
func (l *List) DatasetSize(samples int) int64 {
	item := treeItem(unsafe.Sizeof(listNode{}))
	return int64(unsafe.Sizeof(*l)) + treeFixed + sampled(l.Len(), samples, func(visit func(int64) bool) {
		l.tr.Scan(func(n listNode) bool { return visit(item + AllocSize(len(n.val))) })
	})
}

// DatasetSize estimates the hash's bytes.
func (h *Hash) DatasetSize(samples int) int64 { return h.MemUsage(samples) }

// DatasetSize estimates the set's bytes.
func (s *Set) DatasetSize(samples int) int64 { return s.MemUsage(samples) }

// DatasetSize estimates the sorted set's bytes.
func (z *ZSet) DatasetSize(samples int) int64 { return z.MemUsage(samples) }

// DatasetSize estimates the stream's bytes as MemUsage does, but from the
// entries' lengths, never their capacities.
func (s *Stream) DatasetSize(samples int) int64 {
	item := treeItem(unsafe.Sizeof(streamEntry{}))
	n := int64(unsafe.Sizeof(*s)) + 3*treeFixed + int64(s.nodes.Len())*treeItem(unsafe.Sizeof(streamNode{}))
	n += sampled(s.Len(), samples, func(visit func(int64) bool) {
		s.entries.Scan(func(e streamEntry) bool { return visit(item + AllocSize(len(e.data))) })
	})
	s.groups.Scan(func(g *StreamGroup) bool {
		n += int64(unsafe.Sizeof(*g)) + 2*treeFixed + AllocSize(len(g.Name))
		n += int64(g.pel.Len()) * (treeItem(unsafe.Sizeof(StreamNACK{})) + treeItem(unsafe.Sizeof(StreamID{})))
		g.consumers.Scan(func(c *StreamConsumer) bool {
			n += int64(unsafe.Sizeof(*c)) + treeFixed + AllocSize(len(c.Name))
			return true
		})
		return true
	})
	return n
}
