package datatypes

import (
	"encoding/binary"

	"github.com/tidwall/btree"
)

// Redis 7.0's defaults for stream-node-max-bytes and stream-node-max-entries.
const (
	StreamNodeMaxBytes   = 4096
	StreamNodeMaxEntries = 100
)

// streamEntry is one entry: its ID and its field/value pairs packed into a
// single allocation (uvarint count, then uvarint length + bytes for each
// field and value), so a large stream costs one tree slot and one small
// allocation per entry.
type streamEntry struct {
	id   StreamID
	data []byte
}

// streamNode mirrors one of Redis's radix-tree listpack nodes: clients see
// node boundaries through approximate trimming (~ removes whole nodes only)
// and XINFO's radix-tree-keys, so the stream records where Redis would
// have started each node.
type streamNode struct {
	master  StreamID // first ID appended to the node: its rax key
	last    StreamID // last ID appended, deleted or not
	live    int
	deleted int
	base    int      // listpack bytes but the live and deleted counters
	fields  [][]byte // the master entry's fields
}

// Stream is a Redis stream. Clone is O(1): every tree is copy-on-write and
// groups and consumers are copied before their first change after a clone
// (see owner, MutGroup and StreamGroup.MutConsumer).
type Stream struct {
	entries      *btree.BTreeG[streamEntry]
	nodes        *btree.BTreeG[streamNode]
	groups       *btree.BTreeG[*StreamGroup]
	LastID       StreamID
	MaxDeletedID StreamID
	FirstID      StreamID
	EntriesAdded uint64
	own          *owner
}

// NewStream returns an empty stream.
func NewStream() *Stream {
	opt := btree.Options{NoLocks: true}
	return &Stream{
		entries: btree.NewBTreeGOptions(func(a, b streamEntry) bool { return a.id.Less(b.id) }, opt),
		nodes:   btree.NewBTreeGOptions(func(a, b streamNode) bool { return a.master.Less(b.master) }, opt),
		groups:  btree.NewBTreeGOptions(func(a, b *StreamGroup) bool { return a.Name < b.Name }, opt),
		own:     new(owner),
	}
}

// Clone returns an independent copy in O(1).
func (s *Stream) Clone() *Stream {
	c := *s
	c.entries = s.entries.Copy()
	c.nodes = s.nodes.Copy()
	c.groups = s.groups.Copy()
	// Both sides get a new owner: the groups they share now belong to
	// neither, and each copies what it changes.
	s.own, c.own = new(owner), new(owner)
	return &c
}

// Len is the number of entries.
func (s *Stream) Len() int { return s.entries.Len() }

// TypeName is TYPE's answer.
func (s *Stream) TypeName() string { return "stream" }

// EncodingName is OBJECT ENCODING's answer.
func (s *Stream) EncodingName() string { return "stream" }

// Nodes is the number of listpack nodes Redis would hold (XINFO's
// radix-tree-keys).
func (s *Stream) Nodes() int { return s.nodes.Len() }

func packFields(fv [][]byte) []byte {
	n := uvarintLen(uint64(len(fv)))
	for _, b := range fv {
		n += uvarintLen(uint64(len(b))) + len(b)
	}
	out := make([]byte, 0, n)
	out = binary.AppendUvarint(out, uint64(len(fv)))
	for _, b := range fv {
		out = binary.AppendUvarint(out, uint64(len(b)))
		out = append(out, b...)
	}
	return out
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// unpackFields unpacks an entry's field/value pairs (views of the stored bytes:
// read-only).
func unpackFields(data []byte) [][]byte {
	n, k := binary.Uvarint(data)
	data = data[k:]
	out := make([][]byte, 0, n)
	for i := uint64(0); i < n; i++ {
		l, k := binary.Uvarint(data)
		data = data[k:]
		out = append(out, data[:l:l])
		data = data[l:]
	}
	return out
}

// NextID is the ID XADD * gives at time now (ms): Redis's streamNextID,
// which never goes backwards. ok is false when the last ID is the maximum.
func (s *Stream) NextID(now int64) (StreamID, bool) {
	ms := uint64(0)
	if now > 0 {
		ms = uint64(now)
	}
	if ms > s.LastID.Ms {
		return StreamID{ms, 0}, true
	}
	return s.LastID.Incr()
}

// Append adds an entry with id, which the caller checked is greater than
// LastID, and starts a node where Redis would.
// nodeMaxBytes and nodeMaxEntries are stream-node-max-bytes/-entries.
func (s *Stream) Append(id StreamID, fv [][]byte, nodeMaxBytes, nodeMaxEntries int64) {
	last, ok := s.nodes.Max()
	if nodeMaxBytes <= 0 || nodeMaxBytes > 1<<30 {
		nodeMaxBytes = 1 << 30
	}
	total := 0
	for _, b := range fv {
		total += len(b)
	}
	if !ok || int64(last.lpBytes()+total) >= nodeMaxBytes ||
		(nodeMaxEntries > 0 && int64(last.live+last.deleted) >= nodeMaxEntries) {
		fields := make([][]byte, 0, len(fv)/2)
		for i := 0; i < len(fv); i += 2 {
			fields = append(fields, append([]byte(nil), fv[i]...))
		}
		last = streamNode{master: id, base: newNodeBase(fv), fields: fields}
	}
	last.base += lpEntryBytes(last.master, last.fields, id, fv)
	last.last = id
	last.live++
	s.nodes.Set(last)
	s.entries.Set(streamEntry{id: id, data: packFields(fv)})
	if s.entries.Len() == 1 {
		s.FirstID = id
	}
	s.LastID = id
	s.EntriesAdded++
}

// nodeOf returns the node holding id.
func (s *Stream) nodeOf(id StreamID) (streamNode, bool) {
	var n streamNode
	found := false
	s.nodes.Descend(streamNode{master: id}, func(x streamNode) bool {
		n, found = x, true
		return false
	})
	return n, found
}

// Delete removes the entry id (XDEL) and reports whether it existed.
func (s *Stream) Delete(id StreamID) bool {
	if _, ok := s.entries.Delete(streamEntry{id: id}); !ok {
		return false
	}
	if n, ok := s.nodeOf(id); ok {
		n.live--
		n.deleted++
		if n.live == 0 {
			s.nodes.Delete(n)
		} else {
			s.nodes.Set(n)
		}
	}
	return true
}

// Get returns the fields of entry id.
func (s *Stream) Get(id StreamID) ([][]byte, bool) {
	e, ok := s.entries.Get(streamEntry{id: id})
	if !ok {
		return nil, false
	}
	return unpackFields(e.data), true
}

// Has reports whether entry id exists.
func (s *Stream) Has(id StreamID) bool {
	_, ok := s.entries.Get(streamEntry{id: id})
	return ok
}

// Range calls fn for entries with start <= id <= end, ascending or
// descending, until fn returns false.
func (s *Stream) Range(start, end StreamID, rev bool, fn func(id StreamID, fv [][]byte) bool) {
	if end.Less(start) {
		return
	}
	if rev {
		s.entries.Descend(streamEntry{id: end}, func(e streamEntry) bool {
			if e.id.Less(start) {
				return false
			}
			return fn(e.id, unpackFields(e.data))
		})
		return
	}
	s.entries.Ascend(streamEntry{id: start}, func(e streamEntry) bool {
		if end.Less(e.id) {
			return false
		}
		return fn(e.id, unpackFields(e.data))
	})
}

// Edge returns the first (or last) entry's ID.
func (s *Stream) Edge(last bool) (StreamID, bool) {
	var e streamEntry
	var ok bool
	if last {
		e, ok = s.entries.Max()
	} else {
		e, ok = s.entries.Min()
	}
	return e.id, ok
}

// fixFirst recomputes FirstID after removals.
func (s *Stream) fixFirst() {
	s.FirstID, _ = s.Edge(false)
}

// TrimArgs says how XADD and XTRIM trim: MaxLen >= 0 or MinID, exactly or
// approximately (whole nodes only, at most Limit entries when > 0).
type TrimArgs struct {
	MaxLen bool
	Len    int64
	MinID  StreamID
	Approx bool
	Limit  int64
}

// Trim is Redis 7.0's streamTrim: whole nodes first, then, unless
// approximate, entries from within the first node that must stay.
func (s *Stream) Trim(a TrimArgs) int64 {
	var deleted int64
	for {
		if a.MaxLen && int64(s.Len()) <= a.Len {
			break
		}
		n, ok := s.nodes.Min()
		if !ok {
			break
		}
		entries := int64(n.live)
		if a.Limit > 0 && deleted+entries > a.Limit {
			break
		}
		var remove bool
		if a.MaxLen {
			remove = int64(s.Len())-entries >= a.Len
		} else {
			remove = n.last.Less(a.MinID)
		}
		if remove {
			s.nodes.Delete(n)
			var ids []StreamID
			s.Range(n.master, n.last, false, func(id StreamID, _ [][]byte) bool {
				ids = append(ids, id)
				return true
			})
			for _, id := range ids {
				s.entries.Delete(streamEntry{id: id})
			}
			deleted += entries
			continue
		}
		if a.Approx {
			break
		}
		var ids []StreamID
		s.Range(n.master, n.last, false, func(id StreamID, _ [][]byte) bool {
			if a.MaxLen {
				if int64(s.Len()-len(ids)) <= a.Len {
					return false
				}
			} else if !id.Less(a.MinID) {
				return false
			}
			ids = append(ids, id)
			return true
		})
		for _, id := range ids {
			s.entries.Delete(streamEntry{id: id})
		}
		n.live -= len(ids)
		n.deleted += len(ids)
		s.nodes.Set(n)
		deleted += int64(len(ids))
		break
	}
	s.fixFirst()
	return deleted
}
