package fsm

import (
	"unsafe"

	"github.com/quoris/quoris/datatypes"
)

// memUsager is a collection that can estimate its own footprint.
type memUsager interface {
	MemUsage(samples int) int64
}

// keyOverhead is what every key costs besides its bytes: the 48-byte
// entry and its 16-byte tree slot at two-thirds fill (see DESIGN.md).
const keyOverhead = int64(unsafe.Sizeof(entry{})) + int64(unsafe.Sizeof(slot{}))*3/2

// MemoryUsage is MEMORY USAGE: an estimate of the Go heap bytes key holds
// (its entry, tree slot, key and string bytes, TTL index slot, and the
// collection's own structure), read under the read lock without copying
// the value. ok is false when the key does not exist at time now.
func (f *FSM) MemoryUsage(db int, now int64, key []byte, samples int) (n int64, ok bool, err error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if db < 0 || db >= len(f.dbs) {
		return 0, false, ErrDBIndex
	}
	e := f.dbs[db].find(string(key))
	if e == nil {
		return 0, false, nil
	}
	it := e.item()
	if !alive(it, max(now, f.now)) {
		return 0, false, nil
	}
	n = keyOverhead + datatypes.AllocSize(len(e.kv))
	if it.ExpireAt != 0 {
		n += int64(unsafe.Sizeof(expSlot{}))*3/2 + int64(len(e.key()))
	}
	if e.coll != nil {
		n += int64(unsafe.Sizeof(collVal{}))
		if m, ok := it.Value.(memUsager); ok {
			n += m.MemUsage(samples)
		}
	}
	return n, true, nil
}

// ObjectInfo is what DEBUG OBJECT reports about a live key: its OBJECT
// ENCODING, the number of elements (1 for a string) and the bytes its
// value's elements hold, for serializedlength.
func (f *FSM) ObjectInfo(db int, now int64, key []byte) (enc string, elems int, payload int64, ok bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if db < 0 || db >= len(f.dbs) {
		return "", 0, 0, false
	}
	it, found := f.dbs[db].raw(string(key))
	if !found || !alive(it, max(now, f.now)) {
		return "", 0, 0, false
	}
	if it.Value == nil {
		return encodingName(it), 1, int64(len(it.Str)), true
	}
	c, _ := it.Value.(Collection)
	if c == nil {
		return encodingName(it), 0, 0, true
	}
	return encodingName(it), c.Len(), 0, true
}

// KeyspaceOverhead is MEMORY STATS's per-database "hash table" overhead:
// the fixed cost of keys entries and slots, and of expires deadline slots.
func KeyspaceOverhead(keys, expires int) (main, exp int64) {
	return int64(keys) * keyOverhead, int64(expires) * int64(unsafe.Sizeof(expSlot{})) * 3 / 2
}
