package resp

import (
	"bytes"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// Blocking pops (BLPOP, BZPOPMIN, BLMOVE ...). A blocked client waits on
// the leader (a follower proxies the command and waits for the reply).
// Every attempt to pop is a log entry: the FSM runs the command as one
// non-blocking try and answers a null array when there is nothing, so
// exactly one client gets each element, on every node alike. Waiters queue
// per key; a write to the key wakes only the head of its queue, which
// retries through the log, so clients are served in FIFO order. See
// docs/consistency.md for what happens on leader change and disconnect.

var (
	nullArray = []byte("*-1\r\n")
	nullBulk  = []byte("$-1\r\n")
)

type waitKey struct {
	db  int
	key string
}

type waiter struct {
	wake chan struct{} // buffered 1: a write happened to one of its keys
}

type blockers struct {
	n      atomic.Int64 // waiters registered, so the FSM hook is free when 0
	mu     sync.Mutex
	queues map[waitKey][]*waiter
}

func newBlockers() *blockers { return &blockers{queues: map[waitKey][]*waiter{}} }

func (b *blockers) add(w *waiter, keys []waitKey) {
	b.mu.Lock()
	for _, k := range keys {
		b.queues[k] = append(b.queues[k], w)
	}
	b.mu.Unlock()
	b.n.Add(1)
}

// remove takes w out of its queues and wakes each key's new head: the data
// w did not take (or that remains) is theirs to try for.
func (b *blockers) remove(w *waiter, keys []waitKey) {
	b.mu.Lock()
	for _, k := range keys {
		q := b.queues[k]
		for i, x := range q {
			if x == w {
				q = append(q[:i:i], q[i+1:]...)
				break
			}
		}
		if len(q) == 0 {
			delete(b.queues, k)
			continue
		}
		b.queues[k] = q
		signal(q[0])
	}
	b.mu.Unlock()
	b.n.Add(-1)
}

// written is the FSM's write hook, called once an apply is complete: it
// wakes the head waiter of each key stored, and of every key of a database
// SWAPDB replaced.
func (b *blockers) written(keys []fsm.Written) {
	if b.n.Load() == 0 {
		return
	}
	b.mu.Lock()
	for _, w := range keys {
		if w.All {
			for k, q := range b.queues {
				if k.db == w.DB && len(q) > 0 {
					signal(q[0])
				}
			}
			continue
		}
		if q := b.queues[waitKey{w.DB, w.Key}]; len(q) > 0 {
			signal(q[0])
		}
	}
	b.mu.Unlock()
}

func signal(w *waiter) {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

const errBlockedLeaderChange = "TRYAGAIN leadership changed while the client was blocked; nothing was popped"

// block serves a blocking command on the leader: try once through the log,
// then wait for writes to its keys and retry until data or timeout.
func (s *Server) block(cl *client, c *fsm.Command, args [][]byte, db int) []byte {
	keys := fsm.BlockingKeys(c, args)
	var deadline time.Time
	if ms, ok := fsm.BlockingTimeoutMs(c, args); ok && ms > 0 {
		deadline = time.Now().Add(time.Duration(ms) * time.Millisecond)
	}
	term := s.node.Raft().CurrentTerm()
	w := &waiter{wake: make(chan struct{}, 1)}
	wkeys := make([]waitKey, len(keys))
	for i, k := range keys {
		wkeys[i] = waitKey{db, string(k)}
	}
	// Register before the first try, so a write landing between the try
	// and the wait still wakes us.
	s.blocked.add(w, wkeys)
	defer s.blocked.remove(w, wkeys)
	ub := cl.enterBlock()
	defer cl.leaveBlock()

	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	try := args
	for {
		entry := fsm.AppendEntry(nil, fsm.KindCommand, db, s.node.Now(), try)
		// Every later try serves a client that waited, as Redis does: a key
		// that meanwhile holds another type keeps it waiting.
		try = unblockArgs(args)
		reply, err := raftnode.Result(s.node.Propose(entry))
		if err != nil {
			if err == raftnode.ErrNotLeader {
				return []byte("-" + errBlockedLeaderChange + "\r\n")
			}
			return []byte("-" + err.Error() + "\r\n")
		}
		// Nothing to pop yet: a null array, or a null bulk from BLMOVE and
		// BRPOPLPUSH (what they answer when they cannot block).
		if !bytes.Equal(reply, nullArray) && !bytes.Equal(reply, nullBulk) {
			if connGone(cl) {
				s.giveBack(c.Name, args, reply, db)
			}
			return reply
		}
		flushOut(cl)
		for waiting := true; waiting; {
			select {
			case <-w.wake:
				waiting = false
			case <-tick.C:
			case asErr := <-ub:
				return unblockedReply(asErr)
			}
			switch {
			case !deadline.IsZero() && time.Now().After(deadline):
				return nullArray
			case !s.node.IsLeader() || s.node.Raft().CurrentTerm() != term:
				return []byte("-" + errBlockedLeaderChange + "\r\n")
			case connGone(cl) || s.closing.Load():
				return nil
			}
		}
	}
}

// unblockedReply is what CLIENT UNBLOCK leaves a blocked command with:
// its timeout reply, or Redis's UNBLOCKED error.
func unblockedReply(asErr bool) []byte {
	if asErr {
		return []byte("-" + errUnblocked + "\r\n")
	}
	return nullArray
}

func unblockArgs(args [][]byte) [][]byte {
	return append([][]byte{[]byte("QUORIS.UNBLOCK")}, args...)
}

// giveBack returns what a pop took when its client vanished before the
// reply could be written: the pop is committed, so the elements go back
// where they came from (a moved element is already safe at its
// destination). This is best effort: another client may have written in
// between, so the order relative to newer elements can differ.
func (s *Server) giveBack(name string, args [][]byte, reply []byte, db int) {
	top, err := splitArray(reply)
	if err != nil || len(top) < 2 {
		return
	}
	key := bulkValue(top[0])
	var cmd [][]byte
	switch name {
	case "blpop", "brpop":
		cmd = [][]byte{[]byte("LPUSH"), key, bulkValue(top[1])}
		if name == "brpop" {
			cmd[0] = []byte("RPUSH")
		}
	case "blmpop":
		elems, err := splitArray(top[1])
		if err != nil {
			return
		}
		// LPUSH a b c leaves c b a: push in reverse to restore the order.
		cmd = [][]byte{[]byte("LPUSH"), key}
		for i := len(elems) - 1; i >= 0; i-- {
			cmd = append(cmd, bulkValue(elems[i]))
		}
		for _, a := range args {
			if strings.EqualFold(string(a), "right") {
				cmd[0] = []byte("RPUSH")
			}
		}
	case "bzpopmin", "bzpopmax":
		if len(top) != 3 {
			return
		}
		cmd = [][]byte{[]byte("ZADD"), key, bulkValue(top[2]), bulkValue(top[1])}
	case "bzmpop":
		pairs, err := splitArray(top[1])
		if err != nil {
			return
		}
		cmd = [][]byte{[]byte("ZADD"), key}
		for _, p := range pairs {
			ms, err := splitArray(p)
			if err != nil || len(ms) != 2 {
				return
			}
			cmd = append(cmd, bulkValue(ms[1]), bulkValue(ms[0]))
		}
	default:
		return // BLMOVE, BRPOPLPUSH: the element sits in the destination
	}
	entry := fsm.AppendEntry(nil, fsm.KindCommand, db, s.node.Now(), cmd)
	if _, err := raftnode.Result(s.node.Propose(entry)); err != nil {
		s.log.Warn("could not give back a pop whose client left", "cmd", name, "err", err)
	}
}

// bulkValue returns a raw bulk reply's payload ($3\r\nabc\r\n -> abc).
func bulkValue(raw []byte) []byte {
	i := bytes.IndexByte(raw, '\n')
	if i < 0 || len(raw) < i+3 {
		return nil
	}
	return raw[i+1 : len(raw)-2]
}

// connGone reports whether the client closed its connection, without
// consuming anything it may have sent.
func connGone(cl *client) bool {
	nc := cl.conn.NetConn()
	if cc, ok := nc.(*countConn); ok {
		nc = cc.Conn // the byte counter wraps every client socket
	}
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return false
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return true
	}
	gone := false
	_ = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		gone = (n == 0 && err == nil) || (err != nil && err != syscall.EAGAIN && err != syscall.EWOULDBLOCK)
		return true
	})
	return gone
}
