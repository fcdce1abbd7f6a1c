package raftnode

import (
	"sync"

	"github.com/hashicorp/raft"
)

// logCacheBytes holds a few group commits of a busy leader: enough for
// followers that keep up.
const logCacheBytes = 8 << 20

// logCache keeps the most recent log entries in memory so that replication
// to a follower that keeps up, and the FSM, need not read them back from
// bbolt. raft.LogCache bounds the number of entries, but a batched entry
// holds up to thousands of commands: 4096 of them kept a whole 1M-key load
// (140 MB) on the heap. This one is bounded by bytes as well, counting
// the entries' buffers by capacity, which is what they hold on to.
type logCache struct {
	raft.LogStore
	maxEntries int
	maxBytes   int

	mu    sync.RWMutex
	ring  []*raft.Log // oldest at head, len(ring) is the capacity
	head  int
	n     int
	bytes int
}

func newLogCache(store raft.LogStore, maxEntries, maxBytes int) *logCache {
	return &logCache{LogStore: store, maxEntries: maxEntries, maxBytes: maxBytes, ring: make([]*raft.Log, maxEntries)}
}

// IsMonotonic passes the store's answer on, as raft.LogCache does.
func (c *logCache) IsMonotonic() bool {
	m, ok := c.LogStore.(raft.MonotonicLogStore)
	return ok && m.IsMonotonic()
}

func (c *logCache) GetLog(idx uint64, log *raft.Log) error {
	c.mu.RLock()
	if c.n > 0 {
		first := c.ring[c.head].Index
		if idx >= first && idx-first < uint64(c.n) {
			l := c.ring[(c.head+int(idx-first))%len(c.ring)]
			if l.Index == idx {
				*log = *l
				c.mu.RUnlock()
				return nil
			}
		}
	}
	c.mu.RUnlock()
	return c.LogStore.GetLog(idx, log)
}

func (c *logCache) StoreLog(log *raft.Log) error { return c.StoreLogs([]*raft.Log{log}) }

func (c *logCache) StoreLogs(logs []*raft.Log) error {
	if err := c.LogStore.StoreLogs(logs); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range logs {
		if c.n > 0 && c.ring[(c.head+c.n-1)%len(c.ring)].Index+1 != l.Index {
			c.clear() // not contiguous (a truncated and rewritten tail): start over
		}
		if c.n == len(c.ring) {
			c.drop()
		}
		c.ring[(c.head+c.n)%len(c.ring)] = l
		c.n++
		c.bytes += cap(l.Data)
		for c.bytes > c.maxBytes && c.n > 1 {
			c.drop()
		}
	}
	return nil
}

func (c *logCache) drop() {
	c.bytes -= cap(c.ring[c.head].Data)
	c.ring[c.head] = nil
	c.head = (c.head + 1) % len(c.ring)
	c.n--
}

func (c *logCache) clear() {
	clear(c.ring)
	c.head, c.n, c.bytes = 0, 0, 0
}

func (c *logCache) DeleteRange(min, max uint64) error {
	c.mu.Lock()
	c.clear()
	c.mu.Unlock()
	return c.LogStore.DeleteRange(min, max)
}
