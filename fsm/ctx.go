package fsm

import (
	"github.com/tidwall/redcon"
)

// Ctx is what a command handler sees: the database, the deterministic time,
// its arguments, and a RESP reply buffer. On the write path Now is the log
// entry's clamped time and Index its log index; on the read path Index is 0
// and nothing may be changed.
type Ctx struct {
	f       *FSM
	DB      *DB
	DBIndex int
	Now     int64
	Index   uint64
	Pos     uint16 // this command's position within its log entry (KindBatch); see Token
	Write   bool
	Args    [][]byte
	Seed    uint64 // for anything random on the write path: from the entry, never the node
	noTouch bool   // lookups leave the access clock alone (OBJECT)
	out     []byte
	quiet   bool // a replicated read on a node no client asked: counts no hits or misses
	// unblocking: a blocking command retried for a client that waited
	// (QUORIS.UNBLOCK). As in Redis, a key of the wrong type is skipped
	// rather than answered WRONGTYPE: the client stays blocked on it.
	unblocking bool
	// user is the ACL user a script's redis.call is checked for
	// (QUORIS.ASUSER); "" checks nothing.
	user string
	// resp3 is set for a RESP3 caller's script (QUORIS.RESP3): its reply
	// is written in RESP3 (script_resp3.go).
	resp3 bool
	// emptied holds keys whose collection a write emptied and removed:
	// Redis announces "del" after the command's own event (lpop, then
	// del), so Notify sends it after that event, and exec at the end of
	// the command for any left. Only filled when notifications are on.
	emptied []dbKey
	origin  *byte // the entry's data when this node proposed it: see Origin
}

type dbKey struct {
	db  int
	key string
}

// Out returns the reply written so far.
func (c *Ctx) Out() []byte { return c.out }

// FSM gives handlers that span databases (MOVE, FLUSHALL, SWAPDB) access.
func (c *Ctx) FSM() *FSM { return c.f }

// Arg returns argument i as a string (copies).
func (c *Ctx) Arg(i int) string { return string(c.Args[i]) }

// --- keyspace access -------------------------------------------------------

// Lookup returns the live item under key. On the write path an expired key
// found here is removed, as Redis's expireIfNeeded does; the removal is
// deterministic because Now comes from the log entry.
func (c *Ctx) Lookup(key string) (Item, bool) {
	return c.lookupIn(c.DB, key)
}

func (c *Ctx) lookupIn(db *DB, key string) (Item, bool) {
	it, ok := db.raw(key)
	live := ok && alive(it, c.Now)
	if !c.Write && !c.quiet {
		// Redis counts hits and misses on lookups for reading only.
		if live {
			c.f.stats.KeyspaceHits.Add(1)
		} else {
			c.f.stats.KeyspaceMiss.Add(1)
		}
	}
	if !ok {
		return Item{}, false
	}
	if live {
		if !c.noTouch {
			c.f.touch(it.from, c.Now)
		}
		return it, true
	}
	if c.Write {
		// The tombstone carries the last write, not this removal: a key
		// already expired when watched has not changed by being removed.
		db.remove(key, it.Version)
		c.changed(key)
		c.f.stats.ExpiredKeys.Add(1)
		if c.f.settings.notify&NotifyExpired != 0 {
			c.NotifyIn(c.indexOf(db), NotifyExpired, "expired", key)
		}
	}
	return Item{}, false
}

// LookupString returns the string under key, ErrWrongType for another type.
func (c *Ctx) LookupString(key string) ([]byte, Item, bool, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, it, false, nil
	}
	if it.Value != nil {
		return nil, it, true, ErrWrongType
	}
	return it.Str, it, true, nil
}

// Own makes it.Value, a Collection, safe to change in place during this
// entry. A snapshot taken since the value was last owned shares it; then it
// is replaced by an O(1) copy-on-write clone, which the caller must store
// back with Set (it always does, to stamp the version).
func (c *Ctx) Own(it *Item) {
	c.mustWrite()
	if it.Gen == c.f.gen {
		return
	}
	if coll, ok := it.Value.(Collection); ok {
		it.Value = coll.Clone()
	}
	it.Gen = c.f.gen
}

// NewItem wraps a freshly built value as owned by the live keyspace.
func (c *Ctx) NewItem(v any) Item { return Item{Value: v, Gen: c.f.gen} }

// Set stores it under key, stamped with this entry's index and the
// command's position in it.
func (c *Ctx) Set(key string, it Item) {
	c.SetIn(c.DB, key, it)
}

// SetIn is Set on another database of this FSM.
func (c *Ctx) SetIn(db *DB, key string, it Item) {
	c.mustWrite()
	it.Version, it.Pos = c.Index, c.Pos
	if coll, ok := it.Value.(Collection); ok && coll.Len() == 0 && !keepsEmpty(coll) {
		// Redis never keeps an empty collection: removing the last
		// element removes the key.
		if _, ok := db.remove(key, c.Index); ok {
			c.changed(key)
			if c.f.settings.notify&NotifyGeneric != 0 {
				c.emptied = append(c.emptied, dbKey{c.indexOf(db), key})
			}
		}
		return
	}
	e, prev := db.put(key, it)
	c.f.stamp(e, prev, c.Now)
	c.changed(key)
	if c.f.settings.notify&NotifyNew != 0 && (prev == nil || (prev.exp != 0 && prev.exp <= c.Now)) {
		// Redis's dbAdd: a key that did not exist (or had expired).
		c.NotifyIn(c.indexOf(db), NotifyNew, "new", key)
	}
	if c.f.onWrite.Load() != nil {
		idx := c.DBIndex
		if db != c.DB {
			idx = c.f.dbIndex(db)
		}
		c.f.noteWritten(Written{DB: idx, Key: key})
	}
}

// indexOf is the index of db, c.DB's without a search.
func (c *Ctx) indexOf(db *DB) int {
	if db == c.DB {
		return c.DBIndex
	}
	return c.f.dbIndex(db)
}

// wakeDB tells clients blocked on any key of database i that it may now
// hold what they wait for (SWAPDB replaced its contents).
func (c *Ctx) wakeDB(i int) { c.f.noteWritten(Written{DB: i, All: true}) }

// Delete removes key; it reports whether a live key was removed.
func (c *Ctx) Delete(key string) bool {
	return c.DeleteIn(c.DB, key)
}

// DeleteIn is Delete on another database of this FSM.
func (c *Ctx) DeleteIn(db *DB, key string) bool {
	c.mustWrite()
	if _, ok := c.lookupIn(db, key); !ok {
		return false
	}
	db.remove(key, c.Index)
	c.changed(key)
	return true
}

// DBAt returns database i, or nil when i is out of range.
func (c *Ctx) DBAt(i int) *DB {
	if i < 0 || i >= len(c.f.dbs) {
		return nil
	}
	return c.f.dbs[i]
}

func (c *Ctx) mustWrite() {
	if !c.Write {
		panic("fsm: write attempted on the read path")
	}
}

// --- replies -----------------------------------------------------------------

func (c *Ctx) OK()                  { c.out = redcon.AppendOK(c.out) }
func (c *Ctx) Simple(s string)      { c.out = redcon.AppendString(c.out, s) }
func (c *Ctx) Int(n int64)          { c.out = redcon.AppendInt(c.out, n) }
func (c *Ctx) Bulk(b []byte)        { c.out = redcon.AppendBulk(c.out, b) }
func (c *Ctx) BulkString(s string)  { c.out = redcon.AppendBulkString(c.out, s) }
func (c *Ctx) Null()                { c.out = redcon.AppendNull(c.out) }
func (c *Ctx) NullArray()           { c.out = append(c.out, "*-1\r\n"...) }
func (c *Ctx) Array(n int)          { c.out = redcon.AppendArray(c.out, n) }
func (c *Ctx) Error(err error)      { c.out = redcon.AppendError(c.out, err.Error()) }
func (c *Ctx) Raw(b []byte)         { c.out = append(c.out, b...) }
func (c *Ctx) BulkInt(n int64)      { c.out = redcon.AppendBulkInt(c.out, n) }
func (c *Ctx) ErrorString(s string) { c.out = redcon.AppendError(c.out, s) }
func (c *Ctx) Mark() int            { return len(c.out) }
func (c *Ctx) Rewind(mark int)      { c.out = c.out[:mark] }

// Bool replies :1 or :0.
func (c *Ctx) Bool(b bool) {
	if b {
		c.Int(1)
	} else {
		c.Int(0)
	}
}
