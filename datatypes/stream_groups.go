package datatypes

import "github.com/tidwall/btree"

// EntriesReadInvalid is a group's entries-read when it is unknown (Redis's
// SCG_INVALID_ENTRIES_READ).
const EntriesReadInvalid = -1

// StreamNACK is a pending entry: delivered to Consumer, not yet acknowledged.
type StreamNACK struct {
	ID            StreamID
	Consumer      string
	DeliveryTime  int64 // ms, from the log entry that delivered it
	DeliveryCount uint64
}

// StreamConsumer is a group's consumer and the IDs pending for it.
type StreamConsumer struct {
	Name     string
	SeenTime int64
	pel      *btree.BTreeG[StreamID]
	own      *owner // the group's owner when created or copied
}

// StreamGroup is a consumer group. Stream clones share groups: a group
// whose owner is not its stream's may be shared, so MutGroup replaces it by
// a copy once, and later changes by the same stream are made in place.
type StreamGroup struct {
	Name        string
	LastID      StreamID
	EntriesRead int64
	pel         *btree.BTreeG[StreamNACK]
	consumers   *btree.BTreeG[*StreamConsumer]
	own         *owner // the stream's owner when created or copied
}

// owner identifies one holder of groups and consumers: a value whose owner
// is its holder's is reachable from that holder only, and may be changed in
// place. Clone gives both streams new owners, so everything they share is
// copied before it changes, once per clone rather than once per command.
type owner struct{ _ byte } // not zero-sized, so every owner is distinct

var btreeOpts = btree.Options{NoLocks: true}

func newIDSet() *btree.BTreeG[StreamID] {
	return btree.NewBTreeGOptions(func(a, b StreamID) bool { return a.Less(b) }, btreeOpts)
}

func newGroup(name string, last StreamID, entriesRead int64, own *owner) *StreamGroup {
	return &StreamGroup{
		Name: name, LastID: last, EntriesRead: entriesRead, own: own,
		pel:       btree.NewBTreeGOptions(func(a, b StreamNACK) bool { return a.ID.Less(b.ID) }, btreeOpts),
		consumers: btree.NewBTreeGOptions(func(a, b *StreamConsumer) bool { return a.Name < b.Name }, btreeOpts),
	}
}

// Group returns the group name, read-only, or nil.
func (s *Stream) Group(name string) *StreamGroup {
	g, _ := s.groups.Get(&StreamGroup{Name: name})
	return g
}

// CreateGroup adds a group; false if the name is taken.
func (s *Stream) CreateGroup(name string, last StreamID, entriesRead int64) bool {
	if s.Group(name) != nil {
		return false
	}
	s.groups.Set(newGroup(name, last, entriesRead, s.own))
	return true
}

// PutGroup adds a group as built (snapshot restore). A detached group has
// no owner, so the stream's first change to it copies it.
func (s *Stream) PutGroup(g *StreamGroup) { s.groups.Set(g) }

// NewStreamGroup returns a detached group for a snapshot restore.
func NewStreamGroup(name string, last StreamID, entriesRead int64) *StreamGroup {
	return newGroup(name, last, entriesRead, nil)
}

// DeleteGroup removes a group; false if there was none.
func (s *Stream) DeleteGroup(name string) bool {
	_, ok := s.groups.Delete(&StreamGroup{Name: name})
	return ok
}

// MutGroup returns the group for the caller to change, copied first (and
// stored in its place) if it may be shared; nil if there is none.
func (s *Stream) MutGroup(name string) *StreamGroup {
	g := s.Group(name)
	if g == nil || g.own == s.own {
		return g
	}
	c := *g
	c.pel = g.pel.Copy()
	c.consumers = g.consumers.Copy()
	c.own = s.own
	s.groups.Set(&c)
	return &c
}

// Groups calls fn for each group in name order.
func (s *Stream) Groups(fn func(g *StreamGroup) bool) { s.groups.Scan(fn) }

// GroupCount is the number of groups.
func (s *Stream) GroupCount() int { return s.groups.Len() }

// PendingLen is the size of the group's PEL.
func (g *StreamGroup) PendingLen() int { return g.pel.Len() }

// Pending returns the NACK for id.
func (g *StreamGroup) Pending(id StreamID) (StreamNACK, bool) {
	return g.pel.Get(StreamNACK{ID: id})
}

// PendingRange calls fn for NACKs with start <= ID <= end in ID order.
func (g *StreamGroup) PendingRange(start, end StreamID, fn func(n StreamNACK) bool) {
	if end.Less(start) {
		return
	}
	g.pel.Ascend(StreamNACK{ID: start}, func(n StreamNACK) bool {
		if end.Less(n.ID) {
			return false
		}
		return fn(n)
	})
}

// PendingEdges returns the smallest and largest pending IDs.
func (g *StreamGroup) PendingEdges() (StreamID, StreamID) {
	lo, _ := g.pel.Min()
	hi, _ := g.pel.Max()
	return lo.ID, hi.ID
}

// SetPending stores n in the group's PEL and in its consumer's, moving it
// from the consumer that held it. The consumer must exist.
func (g *StreamGroup) SetPending(n StreamNACK) {
	if old, ok := g.pel.Get(StreamNACK{ID: n.ID}); ok && old.Consumer != n.Consumer {
		if c := g.MutConsumer(old.Consumer); c != nil {
			c.pel.Delete(n.ID)
		}
	}
	g.pel.Set(n)
	if c := g.MutConsumer(n.Consumer); c != nil {
		c.pel.Set(n.ID)
	}
}

// Ack removes id from the PEL; false if it was not pending.
func (g *StreamGroup) Ack(id StreamID) bool {
	n, ok := g.pel.Delete(StreamNACK{ID: id})
	if !ok {
		return false
	}
	if c := g.MutConsumer(n.Consumer); c != nil {
		c.pel.Delete(id)
	}
	return true
}

// Consumer returns the consumer name, read-only, or nil.
func (g *StreamGroup) Consumer(name string) *StreamConsumer {
	c, _ := g.consumers.Get(&StreamConsumer{Name: name})
	return c
}

// MutConsumer returns the consumer for the caller to change, copied first
// (and stored in its place) if it may be shared. g must come from MutGroup.
func (g *StreamGroup) MutConsumer(name string) *StreamConsumer {
	c := g.Consumer(name)
	if c == nil || c.own == g.own {
		return c
	}
	m := *c
	m.pel = c.pel.Copy()
	m.own = g.own
	g.consumers.Set(&m)
	return &m
}

// CreateConsumer adds a consumer seen at now; false if it exists.
func (g *StreamGroup) CreateConsumer(name string, now int64) bool {
	if g.Consumer(name) != nil {
		return false
	}
	g.consumers.Set(&StreamConsumer{Name: name, SeenTime: now, pel: newIDSet(), own: g.own})
	return true
}

// DeleteConsumer removes a consumer and its pending entries from the
// group's PEL, returning how many it had pending.
func (g *StreamGroup) DeleteConsumer(name string) int {
	c := g.Consumer(name)
	if c == nil {
		return 0
	}
	n := c.pel.Len()
	c.pel.Scan(func(id StreamID) bool {
		g.pel.Delete(StreamNACK{ID: id})
		return true
	})
	g.consumers.Delete(c)
	return n
}

// Consumers calls fn for each consumer in name order.
func (g *StreamGroup) Consumers(fn func(c *StreamConsumer) bool) { g.consumers.Scan(fn) }

// ConsumerCount is the number of consumers.
func (g *StreamGroup) ConsumerCount() int { return g.consumers.Len() }

// PendingLen is the size of the consumer's PEL.
func (c *StreamConsumer) PendingLen() int { return c.pel.Len() }

// PendingRange calls fn for the consumer's pending IDs in [start, end].
func (c *StreamConsumer) PendingRange(start, end StreamID, fn func(id StreamID) bool) {
	if end.Less(start) {
		return
	}
	c.pel.Ascend(start, func(id StreamID) bool {
		if end.Less(id) {
			return false
		}
		return fn(id)
	})
}

// Touch sets the consumer's seen time.
func (c *StreamConsumer) Touch(now int64) { c.SeenTime = now }
