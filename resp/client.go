package resp

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/raftnode"
)

// client is one connection's state. Fields read by other connections
// (CLIENT LIST/KILL) are guarded by mu or atomic; the rest belong to the
// connection's own goroutine.
type client struct {
	out     outputTracker // client-output-buffer-limit normal
	id      int64
	conn    redcon.Conn
	addr    string
	laddr   string
	created time.Time

	mu      sync.Mutex
	name    string
	db      int
	lastCmd string
	noEvict bool   // CLIENT NO-EVICT: shown in CLIENT LIST; quoris never evicts clients
	noTouch bool   // CLIENT NO-TOUCH: shown in CLIENT LIST; quoris keeps no LRU/LFU
	user    string // ACL user ("" is default); written under mu by the connection's goroutine
	authed  bool   // authenticated (Redis's c->authenticated)

	lastActive   atomic.Int64 // unix ms
	busy         atomic.Bool  // executing commands: exempt from the idle timeout
	peerSeen     atomic.Bool  // peer, readable by other goroutines (the idle timeout)
	consumed     atomic.Int64 // bytes of commands taken from the connection: qbuf is read minus consumed
	blocked      atomic.Bool  // in a blocking command: CLIENT LIST flag b
	multiLen     atomic.Int32 // commands queued in MULTI, -1 outside: CLIENT LIST multi=
	multiMem     atomic.Int64 // bytes of the queued commands' arguments: multi-mem=
	argvMem      atomic.Int64 // bytes of the running command's arguments: argv-mem=
	outMem       atomic.Int64 // capacity of the reply buffer: part of tot-mem=
	readonlyFlag atomic.Bool  // readonly, published for CLIENT LIST (flag r)
	proto        atomic.Int32 // RESP version from HELLO: 0 or 2 is RESP2, 3 is RESP3
	r3           []byte       // the RESP3 form of the reply being written
	in           *countConn   // byte counts of the socket
	readonly     bool         // READONLY: serve reads from local state
	peer         bool         // a follower's proxy connection: never re-proxy
	tx           txState      // MULTI/WATCH state
	ps           *subscriber  // pub/sub state, nil until the first (P|S)SUBSCRIBE
	// subs counts channels, patterns and shard channels (subKind order)
	// for CLIENT LIST, which other connections run.
	subs    [3]atomic.Int32
	pending []pending // replies not yet written, in command order
	// proxyPending: pending holds commands for another node, so a read
	// may not be put in this node's log ahead of them.
	proxyPending bool
	buf          []byte
	cmdBuf       []redcon.Command

	monitor     bool        // in MONITOR mode (connection goroutine)
	inExec      bool        // the local command running is EXEC
	monitorFlag atomic.Bool // monitor, for CLIENT LIST (flag O) and close
	reply       replyCtl    // CLIENT REPLY
	blockMu     sync.Mutex
	unblockCh   chan bool // set while in a wait CLIENT UNBLOCK may end

	// trk is the CLIENT TRACKING mode, nil when off (tracking.go).
	trk atomic.Pointer[trackClient]
}

// pending is a reply slot: either bytes ready now, or a raft future whose
// FSM reply is written when it resolves.
type pending struct {
	reply []byte
	tk    raftnode.Ticket
	args  [][]byte // kept for a safe re-route when raft says "not leader"
	err   error
	st    *cmdStat  // where the command's call is counted once answered
	start time.Time // when the command was read, for its duration
	read  bool      // a read-only command put in the log behind this pipeline's writes
}

// writeReply writes reply, the RESP2 answer to args, in the client's
// protocol. RESP2 clients get the bytes as they are.
func (c *client) writeReply(args [][]byte, reply []byte) {
	if c.proto.Load() != 3 {
		c.conn.WriteRaw(reply)
		return
	}
	c.r3 = appendRESP3(c.r3[:0], args, reply)
	c.conn.WriteRaw(c.r3)
}

// resp is the protocol version CLIENT LIST shows.
func (c *client) resp() int {
	if c.proto.Load() == 3 {
		return 3
	}
	return 2
}

// writesPending reports whether this pipeline has writes submitted to this
// node's log whose replies are not written yet, and nothing proxied.
func (c *client) writesPending() bool {
	n := len(c.pending)
	return n > 0 && !c.proxyPending && c.pending[n-1].tk.Valid()
}

func (c *client) DB() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.db
}

func (c *client) setDB(db int) {
	c.mu.Lock()
	c.db = db
	c.mu.Unlock()
}

// last is the name of the command the client ran last ("config|set").
func (c *client) last() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastCmd
}

// qbuf is how many bytes the client sent that no command has consumed
// yet, the command being executed included, as Redis's query buffer.
func (c *client) qbuf() int64 {
	if c.in == nil {
		return 0
	}
	return max(c.in.in.Load()-c.consumed.Load(), 0)
}
