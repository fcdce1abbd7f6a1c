package rdb

import (
	"bytes"
	"encoding/binary"
)

// Stream item flags in a node listpack (t_stream.c).
const (
	streamFlagDeleted    = 1
	streamFlagSameFields = 2
)

// StreamID is a stream entry ID.
type StreamID struct{ Ms, Seq uint64 }

func (a StreamID) less(b StreamID) bool { return a.Ms < b.Ms || (a.Ms == b.Ms && a.Seq < b.Seq) }

// StreamEntry is one entry of a node listpack; a deleted entry (a
// tombstone Redis keeps until its node is rewritten) still has its fields.
type StreamEntry struct {
	ID      StreamID
	Deleted bool
	Fields  [][]byte // field, value, field, value...
}

// StreamNode is one radix-tree node: its master ID (the key, which entry
// IDs are delta-encoded against), the master entry's field names, and
// its entries in ID order.
type StreamNode struct {
	Master       StreamID
	MasterFields [][]byte
	Entries      []StreamEntry
	Size         int // listpack bytes (set by the decoder)
}

// StreamNACK is a group PEL entry; its consumer is the one whose Pending
// lists its ID.
type StreamNACK struct {
	ID            StreamID
	DeliveryTime  int64
	DeliveryCount uint64
}

// StreamConsumer is a consumer and the IDs pending for it.
type StreamConsumer struct {
	Name     []byte
	SeenTime int64
	Pending  []StreamID
}

// StreamGroup is a consumer group. EntriesRead -1 is "unknown".
type StreamGroup struct {
	Name        []byte
	LastID      StreamID
	EntriesRead int64
	PEL         []StreamNACK
	Consumers   []StreamConsumer
}

// Stream is a stream as RDB_TYPE_STREAM_LISTPACKS_2 carries it.
type Stream struct {
	Nodes        []StreamNode
	Length       uint64
	LastID       StreamID
	FirstID      StreamID
	MaxDeletedID StreamID
	EntriesAdded uint64
	Groups       []StreamGroup
}

// appendInt adds an integer element as lpAppendInteger does.
func (l *Listpack) appendInt(v int64) {
	start := len(l.buf)
	l.buf = appendLpInt(l.buf, v)
	l.buf = appendBacklen(l.buf, uint64(len(l.buf)-start))
	l.n++
}

// ListpackIntSize is the bytes an integer element takes in a listpack
// (encoding and back-length).
func ListpackIntSize(v int64) int {
	n := len(appendLpInt(nil, v))
	return n + BacklenSize(uint64(n))
}

// SameFields reports whether an entry's fields (fv: field, value, ...) are
// its node's master fields, so the entry stores values only.
func SameFields(master, fv [][]byte) bool {
	if len(master) != len(fv)/2 {
		return false
	}
	for i, f := range master {
		if !bytes.Equal(f, fv[2*i]) {
			return false
		}
	}
	return true
}

// NodeListpack builds a node's listpack as streamAppendItem does: the
// master entry (live count, deleted count, field count, field names, 0),
// then per entry its flags, ID deltas from the master, the field count
// and names unless they are the master's, the values, and lp-count (the
// entry's element count but itself, for walking backwards).
func NodeListpack(n *StreamNode) []byte {
	lp := NewListpack()
	deleted := 0
	for _, e := range n.Entries {
		if e.Deleted {
			deleted++
		}
	}
	lp.appendInt(int64(len(n.Entries) - deleted))
	lp.appendInt(int64(deleted))
	lp.appendInt(int64(len(n.MasterFields)))
	for _, f := range n.MasterFields {
		lp.Append(f)
	}
	lp.appendInt(0)
	for _, e := range n.Entries {
		nf := int64(len(e.Fields) / 2)
		flags := int64(0)
		if e.Deleted {
			flags |= streamFlagDeleted
		}
		same := SameFields(n.MasterFields, e.Fields)
		if same {
			flags |= streamFlagSameFields
		}
		lp.appendInt(flags)
		lp.appendInt(int64(e.ID.Ms - n.Master.Ms))
		lp.appendInt(int64(e.ID.Seq - n.Master.Seq))
		if same {
			for i := 1; i < len(e.Fields); i += 2 {
				lp.Append(e.Fields[i])
			}
			lp.appendInt(nf + 3)
			continue
		}
		lp.appendInt(nf)
		for _, b := range e.Fields {
			lp.Append(b)
		}
		lp.appendInt(2*nf + 4)
	}
	return lp.Bytes()
}

func appendStreamID(dst []byte, id StreamID) []byte {
	return AppendLen(AppendLen(dst, id.Ms), id.Seq)
}

func appendRawID(dst []byte, id StreamID) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(dst, id.Ms), id.Seq)
}

// appendStream writes s as Redis 7.0's rdbSaveObject writes a stream.
func appendStream(dst []byte, s *Stream) []byte {
	dst = AppendLen(append(dst, TypeStreamListpacks2), uint64(len(s.Nodes)))
	for i := range s.Nodes {
		dst = AppendString(dst, appendRawID(nil, s.Nodes[i].Master))
		dst = AppendString(dst, NodeListpack(&s.Nodes[i]))
	}
	dst = AppendLen(dst, s.Length)
	dst = appendStreamID(dst, s.LastID)
	dst = appendStreamID(dst, s.FirstID)
	dst = appendStreamID(dst, s.MaxDeletedID)
	dst = AppendLen(dst, s.EntriesAdded)
	dst = AppendLen(dst, uint64(len(s.Groups)))
	for _, g := range s.Groups {
		dst = AppendString(dst, g.Name)
		dst = appendStreamID(dst, g.LastID)
		dst = AppendLen(dst, uint64(g.EntriesRead))
		dst = AppendLen(dst, uint64(len(g.PEL)))
		for _, nk := range g.PEL {
			dst = appendRawID(dst, nk.ID)
			dst = binary.LittleEndian.AppendUint64(dst, uint64(nk.DeliveryTime))
			dst = AppendLen(dst, nk.DeliveryCount)
		}
		dst = AppendLen(dst, uint64(len(g.Consumers)))
		for _, c := range g.Consumers {
			dst = AppendString(dst, c.Name)
			dst = binary.LittleEndian.AppendUint64(dst, uint64(c.SeenTime))
			dst = AppendLen(dst, uint64(len(c.Pending)))
			for _, id := range c.Pending {
				dst = appendRawID(dst, id)
			}
		}
	}
	return dst
}
