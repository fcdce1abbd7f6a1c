package fsm

import (
	"strconv"
)

// Transactions. MULTI/EXEC/WATCH state lives in the RESP layer; EXEC sends
// the whole transaction as one QUORIS.TX command, so it is one log entry and
// atomic on every node. WATCH reads versions with QUORIS.WATCH; QUORIS.TX
// carries them and aborts (null reply) if any watched key changed since.
// Both are internal commands, but harmless for a client to call: they only
// do what MULTI/EXEC/WATCH would.

func registerMulti(t *Table) {
	t.Add(
		&Command{Spec: Spec{Name: "quoris.watch", Arity: -2, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: -1, Step: 1,
			Group: "transactions", Summary: "Internal: the applied index and each key's version, for WATCH.", Since: "0.1.0", Complexity: "O(N)"},
			Run: cmdQuorisWatch},
		&Command{Spec: Spec{Name: "quoris.tx", Arity: -3, Flags: []string{"write"},
			Group: "transactions", Summary: "Internal: an EXEC'd transaction with its WATCHed versions.", Since: "0.1.0", Complexity: "Depends on the commands"},
			Run: cmdQuorisTx},
		&Command{Spec: Spec{Name: "quoris.unblock", Arity: -3, Flags: []string{"write"},
			Group: "list", Summary: "Internal: retries a blocking pop for a client that waited; keys of another type are skipped.", Since: "0.1.0", Complexity: "As the blocking command"},
			Run: cmdQuorisUnblock},
	)
}

// cmdQuorisUnblock runs QUORIS.UNBLOCK <blocking command...>: the RESP
// layer's retry of a blocked client's command once a key it waits on was
// written. It differs from the command itself as Redis's serving of a
// blocked client differs from a first attempt: a key that now holds
// another type does not end the wait with WRONGTYPE.
func cmdQuorisUnblock(c *Ctx) error {
	inner := c.f.table.Lookup(c.Args[1])
	if inner == nil || !inner.Has("blocking") || !inner.Write {
		return ErrSyntax
	}
	saveArgs := c.Args
	c.Args, c.unblocking = c.Args[1:], true
	c.f.exec(c, true)
	c.Args, c.unblocking = saveArgs, false
	return nil
}

// cmdQuorisWatch replies [applied index, version of each key (0: missing)].
func cmdQuorisWatch(c *Ctx) error {
	c.Array(len(c.Args))
	c.Int(int64(c.f.applied.Load()))
	for _, k := range c.Args[1:] {
		it, ok := c.Lookup(string(k))
		if !ok {
			c.Int(0)
			continue
		}
		c.Int(int64(it.Version))
	}
	return nil
}

// txReader walks QUORIS.TX's arguments:
// nwatch (db key version since)*nwatch ncmds (db argc arg*)*ncmds
type txReader struct {
	args [][]byte
	pos  int
	bad  bool
}

func (r *txReader) next() []byte {
	if r.pos >= len(r.args) {
		r.bad = true
		return nil
	}
	a := r.args[r.pos]
	r.pos++
	return a
}

func (r *txReader) uint() uint64 {
	n, err := strconv.ParseUint(string(r.next()), 10, 64)
	if err != nil {
		r.bad = true
	}
	return n
}

type txWatch struct {
	db             int
	key            string
	version, since uint64
}

type txCmd struct {
	db   int
	argv [][]byte
}

// ParseTx decodes QUORIS.TX's arguments (after the name).
func parseTx(args [][]byte) ([]txWatch, []txCmd, bool) {
	r := &txReader{args: args}
	nw := r.uint()
	if r.bad || nw > uint64(len(args)) {
		return nil, nil, false
	}
	watches := make([]txWatch, 0, nw)
	for i := uint64(0); i < nw && !r.bad; i++ {
		w := txWatch{db: int(r.uint())}
		w.key = string(r.next())
		w.version, w.since = r.uint(), r.uint()
		watches = append(watches, w)
	}
	nc := r.uint()
	if r.bad || nc > uint64(len(args)) {
		return nil, nil, false
	}
	cmds := make([]txCmd, 0, nc)
	for i := uint64(0); i < nc && !r.bad; i++ {
		cmd := txCmd{db: int(r.uint())}
		argc := r.uint()
		if argc == 0 || argc > uint64(len(args)) {
			return nil, nil, false
		}
		for j := uint64(0); j < argc && !r.bad; j++ {
			cmd.argv = append(cmd.argv, r.next())
		}
		cmds = append(cmds, cmd)
	}
	return watches, cmds, !r.bad && r.pos == len(args)
}

// AppendTx encodes a transaction as QUORIS.TX's arguments.
func AppendTx(dst [][]byte, watches []TxWatch, cmds []TxCmd) [][]byte {
	num := func(n uint64) []byte { return strconv.AppendUint(nil, n, 10) }
	dst = append(dst, []byte("QUORIS.TX"), num(uint64(len(watches))))
	for _, w := range watches {
		dst = append(dst, num(uint64(w.DB)), []byte(w.Key), num(w.Version), num(w.Since))
	}
	dst = append(dst, num(uint64(len(cmds))))
	for _, c := range cmds {
		dst = append(dst, num(uint64(c.DB)), num(uint64(len(c.Args))))
		dst = append(dst, c.Args...)
	}
	return dst
}

// TxWatch is one WATCHed key as the RESP layer recorded it.
type TxWatch struct {
	DB             int
	Key            string
	Version, Since uint64
}

// TxCmd is one queued command and the database it was queued in.
type TxCmd struct {
	DB   int
	Args [][]byte
}

func cmdQuorisTx(c *Ctx) error {
	watches, cmds, ok := parseTx(c.Args[1:])
	if !ok {
		return ErrSyntax
	}
	for _, w := range watches {
		db := c.DBAt(w.db)
		if db == nil {
			return ErrDBIndex
		}
		it, live := c.lookupIn(db, w.key)
		if db.changedSince(w.key, w.version, w.since, live, it.Version) {
			c.NullArray()
			return nil
		}
	}
	for _, cmd := range cmds {
		if c.DBAt(cmd.db) == nil {
			return ErrDBIndex
		}
		if t := c.f.table.Lookup(cmd.argv[0]); t != nil && t.Name == "quoris.tx" {
			return ErrSyntax
		}
	}
	// Redis refuses EXEC as a whole when the transaction holds a denyoom
	// command and memory is over maxmemory.
	for _, cmd := range cmds {
		if t := c.f.table.Lookup(cmd.argv[0]); t != nil && t.DenyOOM && c.f.refuseOOM() {
			return ErrOOM
		}
	}
	saveDB, saveIdx, saveArgs, saveSeed := c.DB, c.DBIndex, c.Args, c.Seed
	c.Array(len(cmds))
	for i, cmd := range cmds {
		c.DB, c.DBIndex, c.Args = c.f.dbs[cmd.db], cmd.db, cmd.argv
		c.Seed = saveSeed<<8 | uint64(i&0xff)
		c.f.exec(c, true)
	}
	c.DB, c.DBIndex, c.Args, c.Seed = saveDB, saveIdx, saveArgs, saveSeed
	return nil
}
