package snapshot

import (
	"encoding/binary"
	"fmt"

	"github.com/quoris/quoris/datatypes"
)

// A stream is its counters (last, max deleted and first IDs, entries
// added), its nodes (Redis's listpack boundaries, which approximate
// trimming and XINFO reveal: master and last IDs, live and deleted
// counts, listpack size without the counters, master fields), its entries as ID + packed fields, then its
// groups: name, last-delivered ID, entries-read + 1 (it may be -1), the
// consumers with their seen time, then the PEL with each NACK's consumer,
// delivery time and count. A consumer's own PEL is rebuilt from the
// group's. Times are zigzag-encoded: a client may set any delivery time.
func (w *Writer) streamID(id datatypes.StreamID) {
	w.uvarint(id.Ms)
	w.uvarint(id.Seq)
}

func (w *Writer) varint(n int64) { w.buf = binary.AppendVarint(w.buf, n) }

func (w *Writer) stream(s *datatypes.Stream) {
	w.streamID(s.LastID)
	w.streamID(s.MaxDeletedID)
	w.streamID(s.FirstID)
	w.uvarint(s.EntriesAdded)
	w.uvarint(uint64(s.Nodes()))
	s.EachNode(func(n datatypes.StreamNode) bool {
		w.streamID(n.Master)
		w.streamID(n.Last)
		w.uvarint(uint64(n.Live))
		w.uvarint(uint64(n.Deleted))
		w.uvarint(uint64(n.Base))
		w.uvarint(uint64(len(n.Fields)))
		for _, f := range n.Fields {
			w.bytes(f)
		}
		return w.err == nil
	})
	w.uvarint(uint64(s.Len()))
	s.EachRaw(func(id datatypes.StreamID, packed []byte) bool {
		w.streamID(id)
		w.bytes(packed)
		return w.err == nil
	})
	w.uvarint(uint64(s.GroupCount()))
	s.Groups(func(g *datatypes.StreamGroup) bool {
		w.str(g.Name)
		w.streamID(g.LastID)
		w.uvarint(uint64(g.EntriesRead + 1))
		w.uvarint(uint64(g.ConsumerCount()))
		g.Consumers(func(c *datatypes.StreamConsumer) bool {
			w.str(c.Name)
			w.varint(c.SeenTime)
			return true
		})
		w.uvarint(uint64(g.PendingLen()))
		g.PendingRange(datatypes.StreamID{}, datatypes.MaxStreamID, func(n datatypes.StreamNACK) bool {
			w.streamID(n.ID)
			w.str(n.Consumer)
			w.varint(n.DeliveryTime)
			w.uvarint(n.DeliveryCount)
			w.spill()
			return w.err == nil
		})
		return w.err == nil
	})
}

func (rd *Reader) streamID() (datatypes.StreamID, error) {
	ms, err := rd.uvarint()
	if err != nil {
		return datatypes.StreamID{}, err
	}
	seq, err := rd.uvarint()
	return datatypes.StreamID{Ms: ms, Seq: seq}, err
}

// streamReader reads a stream's fields in order, remembering the first
// error so the decoder reads straight through.
type streamReader struct {
	rd  *Reader
	err error
}

func (r *streamReader) id() datatypes.StreamID {
	if r.err != nil {
		return datatypes.StreamID{}
	}
	var id datatypes.StreamID
	id, r.err = r.rd.streamID()
	return id
}

func (r *streamReader) u() uint64 {
	if r.err != nil {
		return 0
	}
	var n uint64
	n, r.err = r.rd.uvarint()
	return n
}

func (r *streamReader) i() int64 {
	if r.err != nil {
		return 0
	}
	var n int64
	n, r.err = r.rd.varint()
	return n
}

func (r *streamReader) s() string {
	if r.err != nil {
		return ""
	}
	var s string
	s, r.err = r.rd.str()
	return s
}

func (r *streamReader) b() []byte {
	if r.err != nil {
		return nil
	}
	var b []byte
	b, r.err = r.rd.bytes()
	if r.err == nil {
		b = append([]byte(nil), b...)
	}
	return b
}

func (r *streamReader) corrupt(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: stream %s", ErrCorrupt, what)
	}
}

func (rd *Reader) stream() (*datatypes.Stream, error) {
	r := &streamReader{rd: rd}
	s := datatypes.NewStream()
	s.LastID, s.MaxDeletedID, s.FirstID = r.id(), r.id(), r.id()
	s.EntriesAdded = r.u()
	for n := r.u(); n > 0 && r.err == nil; n-- {
		nd := datatypes.StreamNode{Master: r.id(), Last: r.id(), Live: int(r.u()), Deleted: int(r.u()), Base: int(r.u())}
		nf := r.u()
		if nf > uint64(nd.Base) {
			r.corrupt("node fields")
		}
		for ; nf > 0 && r.err == nil; nf-- {
			nd.Fields = append(nd.Fields, r.b())
		}
		s.PutNode(nd)
	}
	for n := r.u(); n > 0 && r.err == nil; n-- {
		id, packed := r.id(), r.b()
		if r.err == nil && !s.PutRaw(id, packed) {
			r.corrupt("entry")
		}
	}
	for n := r.u(); n > 0 && r.err == nil; n-- {
		name, last, read := r.s(), r.id(), int64(r.u())-1
		g := datatypes.NewStreamGroup(name, last, read)
		for c := r.u(); c > 0 && r.err == nil; c-- {
			if !g.CreateConsumer(r.s(), r.i()) {
				r.corrupt("consumer twice")
			}
		}
		for p := r.u(); p > 0 && r.err == nil; p-- {
			nk := datatypes.StreamNACK{ID: r.id(), Consumer: r.s(), DeliveryTime: r.i(), DeliveryCount: r.u()}
			if r.err == nil && !g.RestorePending(nk) {
				r.corrupt("NACK of an unknown consumer")
			}
		}
		s.PutGroup(g)
	}
	if r.err != nil {
		return nil, r.err
	}
	return s, nil
}
