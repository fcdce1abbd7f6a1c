package raftnode

import (
	"encoding/binary"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/fsm"
)

// Batch limits: a batch is sealed when it holds this many commands or
// bytes, so one log entry stays small enough to replicate in one message.
const (
	maxBatchCmds  = 4096
	maxBatchBytes = 1 << 20
	// maxSizeHint bounds the room a new batch starts with (see sizeHint).
	maxSizeHint = 64 << 10
)

// A command's position in its batch is part of its change token
// (fsm.Token): this fails to compile if a batch could hold more.
var _ [fsm.MaxBatchItems - maxBatchCmds]struct{}

// batcher turns concurrent client commands into few raft entries. Commands
// accumulate while earlier batches are in flight; when fewer than
// maxInflight batches are in raft, everything accumulated goes out as one
// KindBatch entry. So an idle node proposes a lone command at once, and a
// busy one proposes one entry per group commit instead of one per command,
// which is where raft's per-entry costs (future, msgpack, bbolt key,
// replication) went. One goroutine calls raft.Apply, so batches enter the
// log in the order they were sealed: a client's pipeline keeps its order.
type batcher struct {
	raft        *raft.Raft
	timeout     time.Duration // raft.Apply's enqueue timeout
	maxInflight int
	maxItem     int // largest command item a batch may take; 0: no limit

	mu       sync.Mutex
	cur      *batch   // accumulating; nil when empty
	sealed   []*batch // full batches waiting for an in-flight slot, in order
	inflight int
	flying   []*batch // handed to raft, not yet answered; see owns
	// sizeHint is the capacity a new batch starts with: about the last
	// batch's size, since a steady load fills each batch alike and
	// growing one by doubling allocates twice what it ends with.
	sizeHint int
	closed   bool
	kick     chan struct{}
	exited   chan struct{} // closed when run has returned
}

// batch is one KindBatch entry and, once applied, its replies.
type batch struct {
	buf   []byte // header room, then the items
	count int
	done  chan struct{}
	reply *fsm.BatchReply
	err   error
	// start is the entry's first byte once sealed (finish): what the FSM
	// names as a change's origin (fsm.Origin), read by Ticket.Made from
	// the apply goroutine while the batch may still be filling.
	start atomic.Pointer[byte]
}

// Ticket is one command's place in a proposed batch.
type Ticket struct {
	b *batch
	i int
}

// Valid reports whether t refers to a proposed command.
func (t Ticket) Valid() bool { return t.b != nil }

// Result waits for the batch holding t and returns the command's RESP
// reply, or the batch's error classified as for Result.
func (t Ticket) Result() ([]byte, error) {
	<-t.b.done
	if t.b.err != nil {
		return nil, t.b.err
	}
	if t.b.reply == nil || t.i >= t.b.reply.Len() {
		return nil, ErrUncertain
	}
	return t.b.reply.Reply(t.i), nil
}

func newBatcher(n *Node, maxInflight int) *batcher {
	if maxInflight < 1 {
		maxInflight = 1
	}
	b := &batcher{raft: n.raft, timeout: n.cfg.ApplyTimeout, maxInflight: maxInflight, kick: make(chan struct{}, 1), exited: make(chan struct{})}
	if n.maxEntry > 0 {
		// A batch is sealed once it reaches maxBatchBytes, so it holds
		// less than that before its last item: limiting an item to the
		// rest keeps every batch within the log's entry limit.
		b.maxItem = n.maxEntry - maxBatchBytes - fsm.BatchHeaderRoom
	}
	return b
}

// itemBound is at least the size of args' batch item (length prefix,
// kind, db, time, count, then each argument with its length), so a
// command can be refused before it is copied.
func itemBound(args [][]byte) int {
	n := 5 * binary.MaxVarintLen64
	for _, a := range args {
		n += binary.MaxVarintLen64 + len(a)
	}
	return n
}

func failedTicket(err error) Ticket {
	bt := &batch{done: make(chan struct{}), err: err}
	close(bt.done)
	return Ticket{b: bt}
}

// Submit queues one command and returns its ticket. It never blocks on raft.
func (b *batcher) Submit(db int, now int64, args [][]byte) Ticket {
	return b.submit(fsm.KindCommand, db, now, args)
}

// submit queues a KindCommand or KindRead item.
func (b *batcher) submit(kind byte, db int, now int64, args [][]byte) Ticket {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return failedTicket(ErrNotApplied)
	}
	if b.cur == nil {
		b.cur = &batch{buf: make([]byte, fsm.BatchHeaderRoom, max(512, b.sizeHint)), done: make(chan struct{})}
	}
	if b.maxItem > 0 && itemBound(args) > b.maxItem {
		b.mu.Unlock()
		return failedTicket(ErrEntryTooLarge)
	}
	cur := b.cur
	cur.buf = fsm.AppendBatchItemKind(cur.buf, kind, db, now, args)
	t := Ticket{b: cur, i: cur.count}
	cur.count++
	if cur.count >= maxBatchCmds || len(cur.buf) >= maxBatchBytes {
		b.sealed = append(b.sealed, cur)
		b.cur = nil
	}
	wake := b.inflight < b.maxInflight
	b.mu.Unlock()
	if wake {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
	return t
}

// run proposes batches until stop is closed.
// Node.Shutdown waits for it to return before stopping raft: an entry
// handed to a stopped raft may be queued and never answered.
func (b *batcher) run(stop <-chan struct{}) {
	defer close(b.exited)
	for {
		select {
		case <-stop:
			b.failAll()
			return
		case <-b.kick:
		}
		select {
		case <-stop: // both were ready: stopping wins
			b.failAll()
			return
		default:
		}
		for {
			b.mu.Lock()
			next := b.take()
			b.mu.Unlock()
			if next == nil {
				break
			}
			data := next.finish()
			b.mu.Lock()
			b.flying = append(b.flying, next)
			b.mu.Unlock()
			fut := b.raft.Apply(data, b.timeout)
			go b.await(next, fut)
		}
	}
}

// take removes the next batch to propose and counts it in flight, or
// returns nil if there is none or no slot. Callers hold mu.
func (b *batcher) take() *batch {
	if b.inflight >= b.maxInflight {
		return nil
	}
	var next *batch
	switch {
	case len(b.sealed) > 0:
		next = b.sealed[0]
		b.sealed[0] = nil
		b.sealed = b.sealed[1:]
	case b.cur != nil:
		next, b.cur = b.cur, nil
		// A little over the last size, so a batch as large does not
		// grow; capped, since one burst should not size every batch.
		b.sizeHint = min(len(next.buf)+len(next.buf)/8, maxSizeHint)
	default:
		return nil
	}
	b.inflight++
	return next
}

// finish writes the header in front of the items and returns the entry.
func (bt *batch) finish() []byte {
	var hdr [fsm.BatchHeaderRoom]byte
	h := fsm.AppendBatchHeader(hdr[:0], bt.count)
	start := fsm.BatchHeaderRoom - len(h)
	copy(bt.buf[start:], h)
	bt.buf = bt.buf[start:]
	if cap(bt.buf) > 4096 && cap(bt.buf) > 2*len(bt.buf) {
		// Sized for a larger batch than came: the log cache keeps the
		// entry, and would keep the unused room with it.
		bt.buf = slices.Clone(bt.buf)
	}
	bt.start.Store(&bt.buf[0])
	return bt.buf
}

// Made reports whether t is the command the FSM names as origin: position
// pos of the entry whose data starts at entry. Only this node's own
// proposals have an origin (fsm.Origin), so a proxied command never
// matches.
func (t Ticket) Made(entry *byte, pos int) bool {
	return t.b != nil && entry != nil && t.i == pos && t.b.start.Load() == entry
}

// Done reports whether t's batch has been answered (applied or failed).
func (t Ticket) Done() bool {
	if t.b == nil {
		return true
	}
	select {
	case <-t.b.done:
		return true
	default:
		return false
	}
}

func (b *batcher) await(bt *batch, fut raft.ApplyFuture) {
	if err := fut.Error(); err != nil {
		bt.err = classify(err)
	} else {
		bt.reply, _ = fut.Response().(*fsm.BatchReply)
	}
	close(bt.done)
	b.mu.Lock()
	b.inflight--
	if i := slices.Index(b.flying, bt); i >= 0 {
		b.flying = slices.Delete(b.flying, i, i+1)
	}
	more := b.cur != nil || len(b.sealed) > 0
	b.mu.Unlock()
	if more {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
}

// owns reports whether data is the entry of a batch this node handed to
// raft and is still waiting for. On the leader raft gives the FSM the very
// slice it was given; a follower, or a replay after a restart, decodes
// its own copy. The FSM uses it to count replicated reads' keyspace hits
// only where a client asked for them.
func (b *batcher) owns(data []byte) bool {
	if len(data) == 0 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, bt := range b.flying {
		if len(bt.buf) > 0 && &bt.buf[0] == &data[0] {
			return true
		}
	}
	return false
}

// failAll answers every queued command at shutdown. They never reached
// raft, so they were not applied and may be retried elsewhere.
func (b *batcher) failAll() {
	b.mu.Lock()
	pending := append(b.sealed, b.cur)
	b.sealed, b.cur, b.closed = nil, nil, true
	b.mu.Unlock()
	for _, bt := range pending {
		if bt != nil {
			bt.err = ErrNotApplied
			close(bt.done)
		}
	}
}
