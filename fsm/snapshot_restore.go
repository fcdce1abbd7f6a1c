package fsm

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unsafe"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/snapshot"
)

// Restore implements raft.FSM: it replaces all state with the snapshot's.
// The new state is built aside and swapped in only once the whole stream
// has been read and its checksum verified, so a corrupt snapshot leaves the
// node's state untouched.
func (f *FSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	st, err := f.readState(rc)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.dbs, f.nodes, f.settings = st.dbs, st.nodes, st.settings
	f.staged, f.stageTerm = restoreStaged(st.staged)
	f.now = max(f.now, st.now)
	st.installScripts()
	f.flushedAll()
	f.acl.Store(st.acl)
	f.mu.Unlock()
	f.stats.RestoredSnaps.Add(1)
	return nil
}

// restored is the state a snapshot stream decodes to.
type restored struct {
	dbs      []*DB
	nodes    map[string]string
	settings settings
	acl      *ACLUsers
	now      int64
	staged   []snapshot.Staged
	// installScripts puts the script cache and libraries in place.
	installScripts func()
}

// readState decodes a snapshot stream, without touching the FSM's state.
func (f *FSM) readState(r io.Reader) (*restored, error) {
	rd, err := snapshot.NewReader(r)
	if err != nil {
		return nil, err
	}
	loads := make([]dbLoader, len(f.dbs))
	for i := range loads {
		loads[i].db = newDB()
	}
	nodes := map[string]string{}
	conf := newSettings()
	var scripts, libs [][]byte
	var staged []snapshot.Staged
	var acl aclLoader
	var rec snapshot.Record
	for {
		err := rd.ReadBorrow(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if rec.Kind == snapshot.KindSetting {
			if err := conf.restore(rec.Setting[0], rec.Setting[1]); err != nil {
				return nil, err
			}
			continue
		}
		switch rec.Kind {
		case snapshot.KindScript:
			scripts = append(scripts, rec.Code)
			continue
		case snapshot.KindLibrary:
			libs = append(libs, rec.Code)
			continue
		case snapshot.KindStaged:
			staged = append(staged, rec.Staged)
			continue
		case snapshot.KindUser, snapshot.KindPeerSecret:
			if err := acl.add(&rec); err != nil {
				return nil, err
			}
			continue
		}
		if err := restoreRecord(&rec, loads, nodes); err != nil {
			return nil, err
		}
	}
	dbs := make([]*DB, len(loads))
	for i := range loads {
		dbs[i] = loads[i].finish()
	}
	install, err := f.restoreScripts(scripts, libs)
	if err != nil {
		return nil, err
	}
	return &restored{dbs: dbs, nodes: nodes, settings: conf, acl: acl.finish(), now: rd.Head.Now, staged: staged, installScripts: install}, nil
}

// restoreScripts rebuilds the script cache and the libraries: scripts are
// compiled, libraries loaded again (loading is deterministic, so they
// register the same functions as when they were first loaded).
// It runs before the swap, so a bad snapshot changes nothing; install
// puts the result in place.
func (f *FSM) restoreScripts(bodies, codes [][]byte) (install func(), err error) {
	scripts := map[string]*luaScript{}
	for _, b := range bodies {
		sc, err := compileScript(b)
		if err != nil {
			return nil, fmt.Errorf("%w: cached script: %v", snapshot.ErrCorrupt, err)
		}
		scripts[sc.sha] = sc
	}
	c := &Ctx{f: f, Write: true}
	libs := make([]*luaLibrary, 0, len(codes))
	for _, code := range codes {
		lib, err := compileLibrary(c, code)
		if err != nil {
			return nil, fmt.Errorf("%w: function library: %v", snapshot.ErrCorrupt, err)
		}
		libs = append(libs, lib)
	}
	// Check for collisions on a scratch state, then swap maps in.
	var fresh scriptState
	fresh.init()
	if err := fresh.addLibraries(libs, false); err != nil {
		return nil, fmt.Errorf("%w: function libraries: %v", snapshot.ErrCorrupt, err)
	}
	return func() {
		s := &f.scripts
		s.mu.Lock()
		s.scripts, s.libs, s.funcs = scripts, fresh.libs, fresh.funcs
		s.mu.Unlock()
	}, nil
}

func restoreRecord(rec *snapshot.Record, loads []dbLoader, nodes map[string]string) error {
	db := -1
	switch rec.Kind {
	case snapshot.KindNode:
		nodes[rec.Node[0]] = rec.Node[1]
		return nil
	case snapshot.KindDB:
		db = rec.DB.DB
	case snapshot.KindTomb:
		db = rec.Tomb.DB
	case snapshot.KindKey:
		db = rec.Key.DB
	}
	if db < 0 || db >= len(loads) {
		return fmt.Errorf("%w: record for db %d but this node has %d databases", snapshot.ErrCorrupt, db, len(loads))
	}
	l := &loads[db]
	switch rec.Kind {
	case snapshot.KindDB:
		l.db.tombFloor, l.db.flushed = rec.DB.TombFloor, rec.DB.Flushed
	case snapshot.KindTomb:
		l.db.tombs.Load(rec.Tomb.Key, rec.Tomb.Index)
	case snapshot.KindKey:
		k := &rec.Key
		it := Item{ExpireAt: k.ExpireAt, Version: k.Version, Pos: k.Pos, Enc: k.Enc}
		var key string
		switch v := k.Value.(type) {
		case nil:
			// newEntry copies the name next to the value: a view of
			// the reader's buffer is enough, and costs no allocation.
			it.Str = rec.Str
			key = unsafe.String(unsafe.SliceData(rec.Name), len(rec.Name))
		case *datatypes.Hash:
			it.Value, key = hashValue{v}, string(rec.Name)
		case *datatypes.Set:
			it.Value, key = setValue{v}, string(rec.Name)
		case *datatypes.List:
			it.Value, key = listValue{v}, string(rec.Name)
		case *datatypes.ZSet:
			it.Value, key = zsetValue{v}, string(rec.Name)
		case *datatypes.Stream:
			it.Value, key = streamValue{v}, string(rec.Name)
		default:
			return fmt.Errorf("%w: value of type %T", snapshot.ErrCorrupt, v)
		}
		k.Value = nil // the record is reused: do not pin the value from it
		if !l.add(newEntry(key, it)) {
			return fmt.Errorf("%w: key %q twice in db %d", snapshot.ErrCorrupt, rec.Name, db)
		}
	}
	return nil
}

// dbLoader builds a database from a snapshot. Persist writes keys in
// keyspace order, so each one goes after the last: btree's Load appends to
// the rightmost leaf, far cheaper than a Set that searches and shifts a
// leaf's items for every key. Keys whose hashes collide come one after the
// other, in key order, and go into a bucket as DB.put would put them. (A
// key out of order, which Persist never writes, still loads through Load's
// fallback to Set; but one colliding with a key other than the previous
// one is refused as corrupt.) The expiry index is ordered by deadline, not
// by key, so its entries are sorted once at the end and loaded in order.
type dbLoader struct {
	db   *DB
	last slot // the slot added last; its hash is the largest so far
	exp  []expSlot
}

// add stores e and reports false if its key was already there.
func (l *dbLoader) add(e *entry) bool {
	key := e.key()
	s := slot{h: l.db.hash(key), e: e}
	if l.db.n > 0 && s.h == l.last.h {
		bucket := []*entry{l.last.e}
		if l.last.e == nil {
			bucket, _ = l.db.buckets.Get(s.h)
		}
		bucket, prev := bucketPut(bucket, e)
		if prev != nil {
			return false
		}
		l.db.buckets.Set(s.h, bucket)
		s.e = nil
		l.db.keys.Set(s)
	} else if _, dup := l.db.keys.Load(s); dup {
		return false
	}
	l.last = s
	l.db.n++
	if e.coll != nil {
		e.coll.size = collSize(e.coll.v)
	}
	l.db.used += datasetSize(e)
	if e.exp != 0 {
		// A copy: key shares the entry's key+value buffer, and the index
		// keeps its key while a rewrite keeps the deadline (SET KEEPTTL),
		// which would pin the old value.
		l.exp = append(l.exp, expSlot{at: e.exp, key: strings.Clone(key)})
	}
	return true
}

func (l *dbLoader) finish() *DB {
	slices.SortFunc(l.exp, func(a, b expSlot) int {
		switch {
		case expLess(a, b):
			return -1
		case expLess(b, a):
			return 1
		}
		return 0
	})
	for _, e := range l.exp {
		l.db.expires.Load(e)
	}
	l.exp = nil
	return l.db
}
