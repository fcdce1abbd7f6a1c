package datatypes

import (
	"encoding/binary"
)

// StreamNode is a node's bookkeeping as snapshots carry it (see streamNode).
type StreamNode struct {
	Master, Last        StreamID
	Live, Deleted, Base int
	Fields              [][]byte
}

// EachNode calls fn for each node in ID order.
func (s *Stream) EachNode(fn func(n StreamNode) bool) {
	s.nodes.Scan(func(n streamNode) bool {
		return fn(StreamNode{Master: n.master, Last: n.last, Live: n.live, Deleted: n.deleted, Base: n.base, Fields: n.fields})
	})
}

// PutNode adds a node from a snapshot.
func (s *Stream) PutNode(n StreamNode) {
	s.nodes.Set(streamNode{master: n.Master, last: n.Last, live: n.Live, deleted: n.Deleted, base: n.Base, fields: n.Fields})
}

// EachRaw calls fn with each entry's ID and packed fields (read-only).
func (s *Stream) EachRaw(fn func(id StreamID, packed []byte) bool) {
	s.entries.Scan(func(e streamEntry) bool { return fn(e.id, e.data) })
}

// PutRaw adds an entry in packed form from a snapshot; it refuses bytes
// that do not unpack exactly, so a restored entry can never fail to read.
func (s *Stream) PutRaw(id StreamID, packed []byte) bool {
	if !validPacked(packed) {
		return false
	}
	s.entries.Set(streamEntry{id: id, data: packed})
	return true
}

func validPacked(data []byte) bool {
	n, k := binary.Uvarint(data)
	if k <= 0 || n > uint64(len(data)) {
		return false
	}
	data = data[k:]
	for i := uint64(0); i < n; i++ {
		l, k := binary.Uvarint(data)
		if k <= 0 || l > uint64(len(data)-k) {
			return false
		}
		data = data[k+int(l):]
	}
	return len(data) == 0
}

// RestorePending adds a NACK from a snapshot; false if its consumer is
// unknown.
func (g *StreamGroup) RestorePending(n StreamNACK) bool {
	c := g.Consumer(n.Consumer)
	if c == nil {
		return false
	}
	g.pel.Set(n)
	c.pel.Set(n.ID)
	return true
}

// MemUsage estimates the stream's bytes: each entry's tree item and packed
// allocation (sampled), its nodes, and every group's PEL and consumers. The
// dataset accounting's estimate (DatasetSize) is the same from lengths.
func (s *Stream) MemUsage(samples int) int64 { return s.DatasetSize(samples) }

// PutEntry adds an entry from a restored payload; the caller keeps IDs
// ascending and within the nodes it puts.
func (s *Stream) PutEntry(id StreamID, fv [][]byte) {
	s.entries.Set(streamEntry{id: id, data: packFields(fv)})
}
