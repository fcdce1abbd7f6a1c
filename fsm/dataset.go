package fsm

import (
	"unsafe"

	"github.com/quoris/quoris/datatypes"
)

// Dataset accounting: the memory maxmemory compares with its limit. It is
// not the Go heap of one process (which differs between nodes and with
// garbage-collector timing) but a sum kept at apply of a size per stored
// entry that depends only on the entry's content, so every node — one
// restored from a snapshot too — holds the same number at the same log
// index and decides OOM replies identically. See DESIGN.md "Dataset
// accounting".

// datasetSamples is how many elements of a collection are measured when it
// is stored; the rest are extrapolated from their average, as MEMORY USAGE
// samples. It keeps a write O(1) in the collection's size.
const datasetSamples = 8

// expiryOverhead is what a TTL costs: the deadline's slot in the expires
// tree and the key string it holds.
var expiryOverhead = int64(unsafe.Sizeof(expSlot{})) * 3 / 2

// datasetSize is e's share of its database's used bytes.
func datasetSize(e *entry) int64 {
	n := keyOverhead + datatypes.AllocSize(len(e.kv))
	if e.exp != 0 {
		n += expiryOverhead + int64(len(e.key()))
	}
	if e.coll != nil {
		n += int64(unsafe.Sizeof(collVal{})) + e.coll.size
	}
	return n
}

// datasetSizer is a collection that reports a content-only size estimate.
type datasetSizer interface {
	DatasetSize(samples int) int64
}

// collSize is a collection value's own estimate, 0 for a type without one.
func collSize(v any) int64 {
	if s, ok := v.(datasetSizer); ok {
		return s.DatasetSize(datasetSamples)
	}
	return 0
}

// Used is the database's accounted bytes.
func (db *DB) Used() int64 { return db.used }

// UsedDataset is the accounted bytes of every database: the number
// maxmemory is compared with (INFO memory's used_memory_dataset).
func (f *FSM) UsedDataset() int64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.usedDataset()
}

func (f *FSM) usedDataset() int64 {
	var n int64
	for _, db := range f.dbs {
		n += db.used
	}
	return n
}
