package fsm

import (
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/raft"
)

// Stats are counters INFO reports. They are node-local observations, not
// replicated state, so they live outside the snapshot.
type Stats struct {
	ExpiredKeys   atomic.Int64
	EvictedKeys   atomic.Int64
	KeyspaceHits  atomic.Int64
	KeyspaceMiss  atomic.Int64
	AppliedCmds   atomic.Int64
	RestoredSnaps atomic.Int64
}

// FSM is quoris's replicated state machine. Apply runs on raft's single
// apply goroutine; reads run concurrently on client goroutines under the
// read lock. Nothing here reads the wall clock: time comes from entries
// (writes) or from the caller (reads).
type FSM struct {
	mu    sync.RWMutex
	dbs   []*DB
	now   int64             // clamped time of the last applied entry
	gen   uint64            // snapshot generation: bumped by Snapshot, see Ctx.Own
	nodes map[string]string // raft server id -> RESP address
	table *Table
	log   *slog.Logger
	stats Stats
	// settings are the replicated configuration (CONFIG SET of encoding
	// thresholds ...): state like the keyspace, changed only by entries.
	settings settings
	// access is node-local: see access.go.
	access accessPolicy

	scripts scriptState              // script cache and function libraries: replicated
	acl     atomic.Pointer[ACLUsers] // ACL users: replicated, see acl.go
	// scriptACL checks a script's redis.call for QUORIS.ASUSER (acl_script.go).
	scriptACL atomic.Pointer[ScriptACLFunc]

	// staged are commands arriving in KindStage chunks, all of term
	// stageTerm (stage.go): replicated state, in snapshots.
	staged    map[uint64]*staged
	stageTerm uint64

	onWrite      atomic.Pointer[func([]Written)] // see OnWrite
	onPublish    atomic.Pointer[PublishFunc]     // see OnPublish
	tracker      atomic.Pointer[Tracker]         // see OnTrack
	quietThrough atomic.Uint64                   // see SetQuietThrough
	written      []Written                       // keys stored by the apply in progress
	// proposedHere tells whether a batch entry was proposed by this node
	// in this run (see SetProposedHere): only there do the reads it carries
	// count as keyspace hits and misses.
	proposedHere atomic.Pointer[func(data []byte) bool]

	argsScratch [][]byte // reused by applyBatch; apply is single-threaded
	// readCtx saves the read path one allocation per command: a Ctx
	// escapes through the handler call, and reads run on many goroutines.
	readCtx sync.Pool

	applied  atomic.Uint64
	logBytes atomic.Uint64 // bytes of command entries applied since start; see AppliedBytes
	notifyMu sync.Mutex
	notify   chan struct{} // closed and replaced whenever applied advances
}

// New returns an empty FSM with the given number of databases.
func New(databases int, logger *slog.Logger) *FSM {
	if logger == nil {
		logger = slog.Default()
	}
	f := &FSM{
		table:    NewTable(),
		log:      logger,
		nodes:    map[string]string{},
		settings: newSettings(),
		notify:   make(chan struct{}),
	}
	f.SetAccessPolicy(false, 10, 1) // Redis's lfu-log-factor and lfu-decay-time
	f.scripts.init()
	f.acl.Store(newACLUsers())
	f.dbs = make([]*DB, databases)
	for i := range f.dbs {
		f.dbs[i] = newDB()
	}
	return f
}

// Written is a key a write stored, or with All every key of database DB
// (SWAPDB): what clients blocked on keys wait for.
type Written struct {
	DB  int
	Key string
	All bool
}

// OnWrite installs fn to be told which keys an apply stored. It is called
// once per ApplyBatch, after every entry of it applied (so a client woken
// by it never sees a transaction or batch half applied), on the apply
// goroutine and under the FSM's lock: fn must not block or call back into
// the FSM, and must not keep the slice. The RESP layer uses it to wake
// clients blocked on a key. This is node-local observation, not replicated
// state.
func (f *FSM) OnWrite(fn func([]Written)) { f.onWrite.Store(&fn) }

// noteWritten records a stored key for the OnWrite hook, if one is set.
func (f *FSM) noteWritten(w Written) {
	if f.onWrite.Load() != nil {
		f.written = append(f.written, w)
	}
}

// signalWritten hands the keys stored by this apply to the hook.
func (f *FSM) signalWritten() {
	if len(f.written) == 0 {
		return
	}
	if fn := f.onWrite.Load(); fn != nil {
		(*fn)(f.written)
	}
	clear(f.written)
	f.written = f.written[:0]
}

// SetProposedHere installs fn, which reports whether a batch entry's data
// is one this node proposed. Replicated reads (KindRead items) are
// evaluated on every node, but are node-local observations only where a
// client asked for them.
func (f *FSM) SetProposedHere(fn func(data []byte) bool) { f.proposedHere.Store(&fn) }

// DBIndex returns the index of db, or -1.
func (f *FSM) dbIndex(db *DB) int {
	for i, d := range f.dbs {
		if d == db {
			return i
		}
	}
	return -1
}

// Table returns the data command table.
func (f *FSM) Table() *Table { return f.table }

// Stats returns the node-local counters.
func (f *FSM) Stats() *Stats { return &f.stats }

// Databases is the number of databases.
func (f *FSM) Databases() int { return len(f.dbs) }

// Apply implements raft.FSM.
func (f *FSM) Apply(l *raft.Log) interface{} {
	return f.ApplyBatch([]*raft.Log{l})[0]
}

// ApplyBatch implements raft.BatchingFSM: one lock acquisition and one
// applied-index notification per batch instead of per entry.
func (f *FSM) ApplyBatch(logs []*raft.Log) []interface{} {
	out := make([]interface{}, len(logs))
	f.mu.Lock()
	for i, l := range logs {
		if l.Type == raft.LogCommand {
			f.observeTerm(l.Term)
			out[i] = f.applyEntry(l.Index, l.Data)
			f.logBytes.Add(uint64(len(l.Data)))
		}
	}
	// Stored under the lock, so a reader always sees the applied index of
	// exactly the state it reads (WATCH relies on it).
	if n := len(logs); n > 0 {
		f.applied.Store(logs[n-1].Index)
	}
	f.signalWritten()
	f.trackApplied()
	f.mu.Unlock()
	f.notifyApplied()
	return out
}

func (f *FSM) setApplied(idx uint64) {
	f.applied.Store(idx)
	f.notifyApplied()
}

func (f *FSM) notifyApplied() {
	f.notifyMu.Lock()
	close(f.notify)
	f.notify = make(chan struct{})
	f.notifyMu.Unlock()
}

// MarkRestored records that a snapshot taken at index idx was restored:
// the state now reflects every entry up to idx.
func (f *FSM) MarkRestored(idx uint64) { f.setApplied(idx) }

// AppliedBytes is the size of the command entries applied since this FSM
// was created: how much log a restart would replay without a newer
// snapshot. Batched entries vary in size, so counting entries alone does
// not bound that.
func (f *FSM) AppliedBytes() uint64 { return f.logBytes.Load() }

// AppliedIndex is the index of the last entry this FSM has applied.
func (f *FSM) AppliedIndex() uint64 { return f.applied.Load() }

// AppliedCh returns a channel closed once AppliedIndex has moved past its
// value at the time of the call. Callers loop: check, wait, check.
func (f *FSM) AppliedCh() <-chan struct{} {
	f.notifyMu.Lock()
	defer f.notifyMu.Unlock()
	return f.notify
}

// BatchReply holds the replies of a KindBatch entry, in command order, in
// one buffer: one allocation per batch rather than one per command.
type BatchReply struct {
	buf  []byte
	ends []int
}

// Len is the number of replies.
func (r *BatchReply) Len() int { return len(r.ends) }

// Reply returns the RESP reply of command i.
func (r *BatchReply) Reply(i int) []byte {
	start := 0
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.buf[start:r.ends[i]:r.ends[i]]
}

// applyEntry applies one log entry: a batch answers *BatchReply, any other
// entry its RESP reply as []byte.
func (f *FSM) applyEntry(index uint64, data []byte) interface{} {
	if len(data) > 0 && data[0] == KindBatch {
		return f.applyBatch(index, data)
	}
	if len(data) > 0 && data[0] == KindStage {
		return f.applyStage(data)
	}
	return f.applyData(index, data)
}

// MaxBatchItems bounds the commands of one KindBatch entry: a command's
// position in its entry is 16 bits of its change tokens (Token). raftnode's
// batcher stays below it.
const MaxBatchItems = 1 << 16

// applyBatch applies each command of a batch entry as if it were an entry
// of its own at the same index. A malformed item answers an error in its
// slot; the rest still apply, identically on every node.
func (f *FSM) applyBatch(index uint64, data []byte) *BatchReply {
	n := BatchCount(data)
	// Room for a short reply ("+OK", a small bulk) per command: one
	// allocation instead of the log2(n) that growing from nil takes.
	r := &BatchReply{ends: make([]int, 0, n), buf: make([]byte, 0, min(n, 4096)*16)}
	c := new(Ctx) // one per batch, reset for each command
	local := false
	if fn := f.proposedHere.Load(); fn != nil {
		local = (*fn)(data)
	}
	var origin *byte // for the tracker: see Origin
	if local {
		origin = &data[0]
	}
	err := batchItems(data[1:], func(i int, item []byte) {
		e, err := decodeEntryInto(item, f.argsScratch)
		if cap(e.Args) > cap(f.argsScratch) {
			f.argsScratch = e.Args
		}
		switch {
		case err != nil:
			f.log.Error("undecodable batch item", "index", index, "item", i, "err", err)
			r.buf = appendErr(r.buf, err)
		case e.Kind == KindStaged:
			if s, err := f.takeStaged(e.Args); err != nil {
				r.buf = appendErr(r.buf, err)
			} else if s.DB < 0 || s.DB >= len(f.dbs) {
				r.buf = appendErr(r.buf, ErrDBIndex)
			} else {
				e.DB, e.Args = s.DB, s.Args
				r.buf = f.execBatchWrite(c, index, i, e, r.buf, origin)
			}
		case e.Kind != KindCommand && e.Kind != KindRead:
			r.buf = appendErr(r.buf, fmt.Errorf("%w: kind %d in a batch", ErrBadEntry, e.Kind))
		case e.DB < 0 || e.DB >= len(f.dbs):
			r.buf = appendErr(r.buf, ErrDBIndex)
		case e.Kind == KindRead && !f.routedLate(e.Args):
			if e.Time > f.now {
				f.now = e.Time
			}
			// As on the read path: Write false, so nothing can change
			// and an expired key is only hidden, not removed.
			*c = Ctx{f: f, DB: f.dbs[e.DB], DBIndex: e.DB, Now: f.now, Index: index, Args: e.Args, out: r.buf, quiet: !local}
			f.execRead(c)
			r.buf = c.out
		default:
			r.buf = f.execBatchWrite(c, index, i, e, r.buf, origin)
		}
		clear(e.Args)
		r.ends = append(r.ends, len(r.buf))
	})
	if err != nil {
		f.log.Error("undecodable batch entry", "index", index, "err", err)
		// Commands before the damage have applied; the rest get an error
		// each, so every proposer is answered.
		for len(r.ends) < cap(r.ends) {
			r.buf = appendErr(r.buf, err)
			r.ends = append(r.ends, len(r.buf))
		}
	}
	return r
}

// execBatchWrite runs write command e, item i of the batch at index,
// appending its reply to out.
func (f *FSM) execBatchWrite(c *Ctx, index uint64, i int, e Entry, out []byte, origin *byte) []byte {
	if e.Time > f.now {
		f.now = e.Time
	}
	// Seeds differ per item so two SPOPs in one batch do not draw
	// the same numbers.
	// Pos tells apart changes made by different commands of the
	// batch (Token); a batch never has more than MaxBatchItems.
	pos := uint16(min(i, MaxBatchItems-1))
	*c = Ctx{f: f, DB: f.dbs[e.DB], DBIndex: e.DB, Now: f.now, Index: index, Pos: pos, Write: true, Args: e.Args, Seed: index<<16 | uint64(pos), out: out, origin: origin}
	f.stats.AppliedCmds.Add(1)
	f.exec(c, true)
	return c.out
}

// applyData applies one entry; the reply is RESP bytes. Errors are replies
// too: every node must reach the same state and the same answer.
func (f *FSM) applyData(index uint64, data []byte) []byte {
	e, err := DecodeEntry(data)
	if err != nil {
		f.log.Error("undecodable log entry", "index", index, "err", err)
		return appendErr(nil, err)
	}
	if e.Time > f.now {
		f.now = e.Time
	}
	if e.DB < 0 || e.DB >= len(f.dbs) {
		return appendErr(nil, ErrDBIndex)
	}
	c := &Ctx{f: f, DB: f.dbs[e.DB], DBIndex: e.DB, Now: f.now, Index: index, Write: true, Args: e.Args, Seed: index}
	switch e.Kind {
	case KindCommand:
		f.stats.AppliedCmds.Add(1)
		f.exec(c, true)
	case KindExpire:
		for _, k := range e.Args {
			// Lookup removes the key only if it is expired at this entry's
			// time, so a TTL extended after the proposal is respected.
			c.Lookup(string(k))
		}
	case KindEvict:
		f.applyEvict(c)
	case KindMeta:
		if len(e.Args) == 2 {
			if len(e.Args[1]) == 0 {
				delete(f.nodes, string(e.Args[0]))
			} else {
				f.nodes[string(e.Args[0])] = string(e.Args[1])
			}
		}
		c.OK()
	default:
		return appendErr(nil, fmt.Errorf("%w: kind %d", ErrBadEntry, e.Kind))
	}
	return c.out
}

// exec runs c.Args as a command; write says whether state may change.
func (f *FSM) exec(c *Ctx, write bool) {
	if len(c.Args) == 0 {
		c.Error(ErrBadEntry)
		return
	}
	cmd := f.table.Lookup(c.Args[0])
	switch {
	case cmd == nil:
		c.ErrorString("ERR unknown command '" + string(c.Args[0]) + "'")
	case !cmd.ArityOK(len(c.Args)):
		c.ErrorString("ERR wrong number of arguments for '" + cmd.Name + "' command")
	case !write && cmd.NeedsLog(f, c.Args):
		c.Error(errReadPathWrite)
	case write && cmd.DenyOOM && f.refuseOOM():
		c.Error(ErrOOM)
	default:
		mark := c.Mark()
		if err := cmd.Run(c); err != nil {
			c.Rewind(mark)
			c.Error(err)
		}
		if len(c.emptied) > 0 {
			c.flushEmptied()
		}
	}
}

// execRead runs a replicated read. A write command answers an error, and
// a read handler that tried to write would panic in mustWrite before
// touching anything: that panic is answered as an error here instead of
// stopping the apply loop on every node at once.
func (f *FSM) execRead(c *Ctx) {
	mark := c.Mark()
	defer func() {
		if p := recover(); p != nil {
			f.log.Error("replicated read panicked", "cmd", string(c.Args[0]), "panic", p)
			c.Rewind(mark)
			c.ErrorString("ERR internal error in a read-only command")
		}
	}()
	f.exec(c, false)
}

// routedLate reports whether a read item of a batch has become a write
// since it was routed: its command decides per call (Logged) and state
// applied in between, such as a SCRIPT LOAD for an EVALSHA, now says it
// may write. The log fixes that state, so every node agrees and runs it
// as a write. A command that always writes stays refused in a read slot.
func (f *FSM) routedLate(args [][]byte) bool {
	if len(args) == 0 {
		return false
	}
	cmd := f.table.Lookup(args[0])
	return cmd != nil && cmd.Logged != nil && cmd.ArityOK(len(args)) && cmd.Logged(f, args)
}

// Read executes a read-only command against local state at time now (the
// caller's clock; never earlier than the last applied entry's time). It
// appends the reply to out.
func (f *FSM) Read(db int, now int64, args [][]byte, out []byte) []byte {
	if out, ok := f.TryRead(db, now, args, out); ok {
		return out
	}
	return appendErr(out, errReadPathWrite)
}

// TryRead is Read for a command routed to the read path before the state
// it was routed by changed: if the command needs the log now (an EVALSHA
// whose script a SCRIPT LOAD applied since), it runs nothing and returns
// false, and the caller proposes it instead.
func (f *FSM) TryRead(db int, now int64, args [][]byte, out []byte) ([]byte, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.routedLate(args) {
		return out, false
	}
	return f.read(db, now, args, out), true
}

func (f *FSM) read(db int, now int64, args [][]byte, out []byte) []byte {
	if now < f.now {
		now = f.now
	}
	if db < 0 || db >= len(f.dbs) {
		return appendErr(out, ErrDBIndex)
	}
	c, _ := f.readCtx.Get().(*Ctx)
	if c == nil {
		c = new(Ctx)
	}
	*c = Ctx{f: f, DB: f.dbs[db], DBIndex: db, Now: now, Args: args, out: out}
	f.exec(c, false)
	out = c.out
	*c = Ctx{}
	f.readCtx.Put(c)
	return out
}

// Now returns the clamped time of the last applied entry.
func (f *FSM) Now() int64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.now
}

// Nodes returns a copy of the replicated node-id -> RESP address map.
func (f *FSM) Nodes() map[string]string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	m := make(map[string]string, len(f.nodes))
	for k, v := range f.nodes {
		m[k] = v
	}
	return m
}

// NodeAddr returns one node's RESP address ("" if unknown) without copying
// the whole map, for the per-command leader lookup of proxying followers.
func (f *FSM) NodeAddr(id string) string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.nodes[id]
}

// KeyspaceInfo returns, per non-empty database, its key count and the
// number of keys with a TTL.
func (f *FSM) KeyspaceInfo() (keys, expires []int) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, db := range f.dbs {
		keys = append(keys, db.Len())
		expires = append(expires, db.ExpiresLen())
	}
	return keys, expires
}

// ExpiredKeys collects up to limit keys in db that are expired at now, for
// the leader's active expiry cycle. It reports whether more may remain.
func (f *FSM) ExpiredKeys(db int, now int64, limit int) (keys [][]byte, more bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	f.dbs[db].Expired(now, func(key string, _ int64) bool {
		if len(keys) == limit {
			more = true
			return false
		}
		keys = append(keys, []byte(key))
		return true
	})
	return keys, more
}

func appendErr(b []byte, err error) []byte {
	return append(append(append(b, '-'), err.Error()...), '\r', '\n')
}

// FormatInt is strconv.AppendInt for callers building bulk replies.
func FormatInt(n int64) []byte { return strconv.AppendInt(nil, n, 10) }

var _ raft.BatchingFSM = (*FSM)(nil)
