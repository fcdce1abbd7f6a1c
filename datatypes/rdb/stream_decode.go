package rdb

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// entriesReadInvalid is SCG_INVALID_ENTRIES_READ.
const entriesReadInvalid = -1

// decodeStream reads RDB_TYPE_STREAM_LISTPACKS (v1) or _2 (Redis 7.0).
// Beyond Redis's own checks (node keys of 16 bytes, each listpack's
// structure and lp-counts, duplicate groups, consumers and PEL entries,
// consumer PEL entries present in the group's, every group PEL entry
// owned) it refuses what Redis could never have written and quoris could
// not index: entry IDs out of order or outside their node, a length other
// than the live entry count, a last ID below an entry, and a PEL entry
// owned by two consumers.
func decodeStream(r *Reader, v2 bool) (*Value, error) {
	s := &Stream{}
	n, err := r.ReadLen()
	if err != nil {
		return nil, ErrFormat
	}
	for ; n > 0; n-- {
		key, err := r.ReadString()
		if err != nil || len(key) != 16 {
			return nil, ErrFormat
		}
		lp, err := r.ReadString()
		if err != nil {
			return nil, ErrFormat
		}
		node, err := decodeNode(rawID(key), lp)
		if err != nil {
			return nil, err
		}
		s.Nodes = append(s.Nodes, node)
	}
	var ids [8]uint64
	count := 3
	if v2 {
		count = 8
	}
	for i := 0; i < count; i++ {
		if ids[i], err = r.ReadLen(); err != nil {
			return nil, ErrFormat
		}
	}
	s.Length, s.LastID = ids[0], StreamID{ids[1], ids[2]}
	if err := checkStreamEntries(s); err != nil {
		return nil, err
	}
	if v2 {
		s.FirstID, s.MaxDeletedID, s.EntriesAdded = StreamID{ids[3], ids[4]}, StreamID{ids[5], ids[6]}, ids[7]
	} else {
		// As Redis migrates a 6.x stream: every entry counted as added,
		// no tombstone known, the first ID is the first live entry's.
		s.EntriesAdded = s.Length
		s.FirstID = firstLive(s)
	}
	ng, err := r.ReadLen()
	if err != nil {
		return nil, ErrFormat
	}
	seen := map[string]bool{}
	for ; ng > 0; ng-- {
		g, err := decodeGroup(r, s, v2)
		if err != nil {
			return nil, err
		}
		if seen[string(g.Name)] {
			return nil, ErrFormat
		}
		seen[string(g.Name)] = true
		s.Groups = append(s.Groups, g)
	}
	slices.SortFunc(s.Groups, func(a, b StreamGroup) int { return bytes.Compare(a.Name, b.Name) })
	return &Value{Kind: KindStream, Stream: s}, nil
}

func rawID(b []byte) StreamID {
	return StreamID{binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])}
}

// decodeNode walks a node listpack as streamValidateListpackIntegrity
// does (deep) and returns its entries.
func decodeNode(master StreamID, lp []byte) (StreamNode, error) {
	var items [][]byte
	err := ListpackEach(lp, func(s []byte) error {
		items = append(items, bytes.Clone(s))
		return nil
	})
	if err != nil {
		return StreamNode{}, ErrFormat
	}
	node := StreamNode{Master: master, Size: len(lp)}
	p := 0
	next := func() ([]byte, bool) {
		if p >= len(items) {
			return nil, false
		}
		p++
		return items[p-1], true
	}
	nextInt := func() (int64, bool) {
		b, ok := next()
		if !ok {
			return 0, false
		}
		return parseInt(b)
	}
	live, ok1 := nextInt()
	deleted, ok2 := nextInt()
	nf, ok3 := nextInt()
	if !ok1 || !ok2 || !ok3 || live < 0 || deleted < 0 || nf < 0 || nf > int64(len(items)) {
		return StreamNode{}, ErrFormat
	}
	for j := int64(0); j < nf; j++ {
		f, ok := next()
		if !ok {
			return StreamNode{}, ErrFormat
		}
		node.MasterFields = append(node.MasterFields, f)
	}
	if zero, ok := nextInt(); !ok || zero != 0 {
		return StreamNode{}, ErrFormat
	}
	total := live + deleted
	if total > int64(len(items)) {
		return StreamNode{}, ErrFormat
	}
	for ; total > 0; total-- {
		e, err := decodeNodeEntry(&node, nextInt, next)
		if err != nil {
			return StreamNode{}, err
		}
		if e.Deleted {
			deleted--
		} else {
			live--
		}
		node.Entries = append(node.Entries, e)
	}
	if p != len(items) || live != 0 || deleted != 0 {
		return StreamNode{}, ErrFormat
	}
	return node, nil
}

func decodeNodeEntry(node *StreamNode, nextInt func() (int64, bool), next func() ([]byte, bool)) (StreamEntry, error) {
	flags, ok1 := nextInt()
	dms, ok2 := nextInt()
	dseq, ok3 := nextInt()
	if !ok1 || !ok2 || !ok3 {
		return StreamEntry{}, ErrFormat
	}
	e := StreamEntry{
		ID:      StreamID{node.Master.Ms + uint64(dms), node.Master.Seq + uint64(dseq)},
		Deleted: flags&streamFlagDeleted != 0,
	}
	nf, extra := int64(len(node.MasterFields)), int64(3)
	same := flags&streamFlagSameFields != 0
	if !same {
		var ok bool
		if nf, ok = nextInt(); !ok || nf < 0 {
			return StreamEntry{}, ErrFormat
		}
		extra += nf + 1
	}
	// Values alone after the master's names, or field/value pairs.
	for j := int64(0); j < nf; j++ {
		var f []byte
		if same {
			f = node.MasterFields[j]
		} else {
			var ok bool
			if f, ok = next(); !ok {
				return StreamEntry{}, ErrFormat
			}
		}
		val, ok := next()
		if !ok {
			return StreamEntry{}, ErrFormat
		}
		e.Fields = append(e.Fields, f, val)
	}
	if lpCount, ok := nextInt(); !ok || lpCount != nf+extra {
		return StreamEntry{}, ErrFormat
	}
	return e, nil
}

// checkStreamEntries sorts the nodes by master ID (Redis inserts them in a
// radix tree) and checks every entry sits in its node in ID order.
func checkStreamEntries(s *Stream) error {
	slices.SortFunc(s.Nodes, func(a, b StreamNode) int {
		switch {
		case a.Master.less(b.Master):
			return -1
		case b.Master.less(a.Master):
			return 1
		}
		return 0
	})
	var live uint64
	var prev StreamID
	started := false
	for i, n := range s.Nodes {
		if i > 0 && !s.Nodes[i-1].Master.less(n.Master) {
			return ErrFormat // the same key twice
		}
		for _, e := range n.Entries {
			if e.ID.less(n.Master) || (started && !prev.less(e.ID)) ||
				(i+1 < len(s.Nodes) && !e.ID.less(s.Nodes[i+1].Master)) {
				return ErrFormat
			}
			prev, started = e.ID, true
			if !e.Deleted {
				live++
			}
		}
	}
	if live != s.Length || (started && s.LastID.less(prev)) {
		return ErrFormat
	}
	return nil
}

func firstLive(s *Stream) StreamID {
	for _, n := range s.Nodes {
		for _, e := range n.Entries {
			if !e.Deleted {
				return e.ID
			}
		}
	}
	return StreamID{}
}

func (r *Reader) readStreamID() (StreamID, error) {
	ms, err := r.ReadLen()
	if err != nil {
		return StreamID{}, ErrFormat
	}
	seq, err := r.ReadLen()
	if err != nil {
		return StreamID{}, ErrFormat
	}
	return StreamID{ms, seq}, nil
}

func (r *Reader) readRawID() (StreamID, error) {
	b, err := r.take(16)
	if err != nil {
		return StreamID{}, ErrFormat
	}
	return rawID(b), nil
}

func (r *Reader) readMillis() (int64, error) {
	b, err := r.take(8)
	if err != nil {
		return 0, ErrFormat
	}
	return int64(binary.LittleEndian.Uint64(b)), nil
}

func decodeGroup(r *Reader, s *Stream, v2 bool) (StreamGroup, error) {
	var g StreamGroup
	var err error
	if g.Name, err = r.ReadString(); err != nil {
		return g, ErrFormat
	}
	if g.LastID, err = r.readStreamID(); err != nil {
		return g, err
	}
	if v2 {
		read, err := r.ReadLen()
		if err != nil {
			return g, ErrFormat
		}
		g.EntriesRead = int64(read)
	} else {
		g.EntriesRead = estimateEntriesRead(s, g.LastID)
	}
	npel, err := r.ReadLen()
	if err != nil {
		return g, ErrFormat
	}
	owner := map[StreamID]int{} // PEL ID -> owning consumer + 1, 0 while unowned
	for ; npel > 0; npel-- {
		var nk StreamNACK
		if nk.ID, err = r.readRawID(); err != nil {
			return g, err
		}
		if nk.DeliveryTime, err = r.readMillis(); err != nil {
			return g, err
		}
		if nk.DeliveryCount, err = r.ReadLen(); err != nil {
			return g, ErrFormat
		}
		if _, dup := owner[nk.ID]; dup {
			return g, ErrFormat
		}
		owner[nk.ID] = 0
		g.PEL = append(g.PEL, nk)
	}
	nc, err := r.ReadLen()
	if err != nil {
		return g, ErrFormat
	}
	names := map[string]bool{}
	for ; nc > 0; nc-- {
		var c StreamConsumer
		if c.Name, err = r.ReadString(); err != nil {
			return g, ErrFormat
		}
		if names[string(c.Name)] {
			return g, ErrFormat
		}
		names[string(c.Name)] = true
		if c.SeenTime, err = r.readMillis(); err != nil {
			return g, err
		}
		np, err := r.ReadLen()
		if err != nil {
			return g, ErrFormat
		}
		for ; np > 0; np-- {
			id, err := r.readRawID()
			if err != nil {
				return g, err
			}
			if o, ok := owner[id]; !ok || o != 0 {
				return g, ErrFormat
			}
			owner[id] = len(g.Consumers) + 1
			c.Pending = append(c.Pending, id)
		}
		g.Consumers = append(g.Consumers, c)
	}
	for _, o := range owner {
		if o == 0 {
			return g, ErrFormat
		}
	}
	slices.SortFunc(g.PEL, func(a, b StreamNACK) int { return cmpID(a.ID, b.ID) })
	for i := range g.Consumers {
		slices.SortFunc(g.Consumers[i].Pending, cmpID)
	}
	slices.SortFunc(g.Consumers, func(a, b StreamConsumer) int { return bytes.Compare(a.Name, b.Name) })
	return g, nil
}

func cmpID(a, b StreamID) int {
	switch {
	case a.less(b):
		return -1
	case b.less(a):
		return 1
	}
	return 0
}

// estimateEntriesRead is streamEstimateDistanceFromFirstEverEntry, which
// Redis uses for the groups of a stream saved before 7.0.
func estimateEntriesRead(s *Stream, id StreamID) int64 {
	if s.EntriesAdded == 0 {
		return 0
	}
	if s.Length == 0 && cmpID(id, s.LastID) < 1 {
		return int64(s.EntriesAdded)
	}
	switch cmpID(id, s.LastID) {
	case 0:
		return int64(s.EntriesAdded)
	case 1:
		return entriesReadInvalid
	}
	if s.MaxDeletedID == (StreamID{}) || s.MaxDeletedID.less(s.FirstID) {
		switch cmpID(id, s.FirstID) {
		case -1:
			return int64(s.EntriesAdded - s.Length)
		case 0:
			return int64(s.EntriesAdded - s.Length + 1)
		}
	}
	return entriesReadInvalid
}
