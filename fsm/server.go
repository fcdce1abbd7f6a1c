package fsm

import (
	"errors"
	"strings"
)

func registerServer(t *Table) {
	server := func(s Spec, run func(*Ctx) error) *Command {
		s.Group = "server"
		return &Command{Spec: s, Run: run}
	}
	t.Add(
		server(Spec{Name: "dbsize", Arity: 1, Flags: []string{"readonly", "fast"},
			Summary: "Return the number of keys in the selected database", Since: "1.0.0", Complexity: "O(1)"},
			cmdDBSize),
		server(Spec{Name: "flushdb", Arity: -1, Flags: []string{"write"},
			Summary: "Remove all keys from the current database", Since: "1.0.0",
			Complexity: "O(N) where N is the number of keys in the selected database"},
			cmdFlushDB),
		server(Spec{Name: "flushall", Arity: -1, Flags: []string{"write"},
			Summary: "Remove all keys from all databases", Since: "1.0.0",
			Complexity: "O(N) where N is the total number of keys in all databases"},
			cmdFlushAll),
		server(Spec{Name: "swapdb", Arity: 3, Flags: []string{"write", "fast"},
			Summary: "Swaps two Redis databases", Since: "4.0.0",
			Complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases."},
			cmdSwapDB),
	)
}

// cmdDBSize counts expired keys not yet removed, as Redis's DBSIZE does.
func cmdDBSize(c *Ctx) error {
	c.Int(int64(c.DB.Len()))
	return nil
}

// flushMode validates FLUSHDB/FLUSHALL's optional ASYNC|SYNC. Both modes
// behave the same here: a fresh B-tree replaces the old one in O(1), and
// the old nodes are garbage once no snapshot shares them.
func flushMode(c *Ctx) error {
	switch len(c.Args) {
	case 1:
		return nil
	case 2:
		if m := string(c.Args[1]); strings.EqualFold(m, "sync") || strings.EqualFold(m, "async") {
			return nil
		}
	}
	return ErrSyntax
}

func cmdFlushDB(c *Ctx) error {
	if err := flushMode(c); err != nil {
		return err
	}
	c.mustWrite()
	c.f.dbs[c.DBIndex] = c.flushed(c.f.dbs[c.DBIndex])
	c.DB = c.f.dbs[c.DBIndex]
	c.f.flushedAll()
	c.OK()
	return nil
}

func cmdFlushAll(c *Ctx) error {
	if err := flushMode(c); err != nil {
		return err
	}
	c.mustWrite()
	for i := range c.f.dbs {
		c.f.dbs[i] = c.flushed(c.f.dbs[i])
	}
	c.DB = c.f.dbs[c.DBIndex]
	c.f.flushedAll()
	c.OK()
	return nil
}

// cmdSwapDB swaps the two database pointers: O(1) for the data, and
// clients selected on either index see the other's data from the next
// command on, as in Redis. WATCH state follows the index, not the data: each
// index keeps its own tombstones, and a key stored in either database
// counts as changed for both (Redis's touchAllWatchedKeysInDb).
func cmdSwapDB(c *Ctx) error {
	a, ok := parseCInt(c.Args[1])
	if !ok {
		return errors.New("ERR invalid first DB index")
	}
	b, ok := parseCInt(c.Args[2])
	if !ok {
		return errors.New("ERR invalid second DB index")
	}
	if c.DBAt(a) == nil || c.DBAt(b) == nil {
		return ErrDBIndex
	}
	c.mustWrite()
	if a == b {
		c.OK() // Redis's dbSwapDatabases does nothing, WATCH included
		return nil
	}
	dbs := c.f.dbs
	oldA, oldB := dbs[a], dbs[b]
	oldA.tombs, oldB.tombs = oldB.tombs, oldA.tombs
	oldA.tombFloor, oldB.tombFloor = oldB.tombFloor, oldA.tombFloor
	dbs[a], dbs[b] = oldB, oldA
	dbs[a].touchKeys(c.Index, oldA, oldB)
	dbs[b].touchKeys(c.Index, oldA, oldB)
	dbs[a].flushed, dbs[b].flushed = c.Index, c.Index
	c.DB = dbs[c.DBIndex]
	c.wakeDB(a)
	c.wakeDB(b)
	c.OK()
	return nil
}

// flushed is an empty database replacing old: it keeps old's tombstones
// and adds one for every key old held, so WATCH sees exactly the keys the
// flush removed as changed.
func (c *Ctx) flushed(old *DB) *DB {
	db := newDB()
	db.hash = old.hash
	db.tombs, db.tombFloor = old.tombs, old.tombFloor
	db.touchKeys(c.Index, old)
	db.flushed = c.Index
	return db
}
