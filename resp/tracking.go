package resp

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// Client-side caching (CLIENT TRACKING), Redis 7.0's tracking.c on top of
// the FSM's Tracker hook. Tracking is node-local connection state; key
// changes come from this node's apply, so a client hears of every change
// in log order whichever node it is connected to. The tables follow
// Redis's: key name -> ids of the clients that read it (databases are not
// told apart, as in Redis), and prefix -> BCAST clients plus the keys
// changed since the last broadcast. Delivery never blocks the apply: a
// frame is appended to the target's push queue (a subscriber of its own,
// see pubsub.go) and its pusher writes it between command batches.

// invalidateChannel is where RESP2 redirect targets get invalidations.
const invalidateChannel = "__redis__:invalidate"

type tracker struct {
	s *Server

	mu        sync.Mutex
	clients   map[int64]*trackClient        // clients with tracking on
	keys      map[string]map[int64]struct{} // default mode: key -> reader ids
	items     int                           // sum of the reader sets: tracking_total_items
	prefixes  map[string]*bcastState        // BCAST prefixes
	queues    map[*client]*subscriber       // push queues of targets
	installed bool                          // the FSM hook is set
	maxKeys   atomic.Int64                  // tracking-table-max-keys (0: no limit)
}

// bcastState is one prefix: its clients and the keys changed since the
// last broadcast, each with the NOLOOP client that changed it (or nil).
type bcastState struct {
	clients map[*trackClient]struct{}
	keys    map[string]*trackClient
}

// trackClient is one client's tracking mode. A new one replaces it at
// each CLIENT TRACKING on, so the modes are fixed once published; the
// mutable fields are guarded by tracker.mu.
type trackClient struct {
	cl                           *client
	bcast, optin, optout, noloop bool
	redirect                     int64
	broken                       atomic.Bool       // redirect target gone: CLIENT LIST flag R
	prefixes                     []string          // sorted
	caching                      bool              // CLIENT CACHING given for the next command
	keep                         bool              // the last command keeps caching (CLIENT, MULTI)
	tickets                      []raftnode.Ticket // NOLOOP: own writes proposed here, not answered
}

func newTracker(s *Server) *tracker {
	return &tracker{s: s, clients: map[int64]*trackClient{}, keys: map[string]map[int64]struct{}{},
		prefixes: map[string]*bcastState{}, queues: map[*client]*subscriber{}}
}

// install sets or clears the FSM hook: it is set while anything is
// tracked, so an idle tracker costs the apply one atomic load per change.
func (t *tracker) install() {
	want := len(t.clients) > 0 || len(t.keys) > 0 || len(t.prefixes) > 0
	if want == t.installed {
		return
	}
	t.installed = want
	if want {
		t.s.fsm.OnTrack(t)
	} else {
		t.s.fsm.OnTrack(nil)
	}
}

// --- the FSM hook -----------------------------------------------------------

// Changed is trackingInvalidateKey: the readers of key get one
// invalidation and are forgotten; BCAST prefixes collect it.
func (t *tracker) Changed(key string, from fsm.Origin) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for p, bs := range t.prefixes {
		if strings.HasPrefix(key, p) {
			bs.keys[key] = madeBy(bs.clients, from)
		}
	}
	t.invalidate(key, from)
	t.install()
}

// invalidate sends key's readers one invalidation and forgets them.
func (t *tracker) invalidate(key string, from fsm.Origin) {
	ids, ok := t.keys[key]
	if !ok {
		return
	}
	var msg []byte
	for id := range ids {
		tc := t.clients[id]
		if tc == nil || tc.bcast || (tc.noloop && tc.made(from)) {
			continue
		}
		if msg == nil {
			msg = redcon.AppendBulkString(redcon.AppendArray(nil, 1), key)
		}
		t.send(tc, msg)
	}
	t.items -= len(ids)
	delete(t.keys, key)
}

// Flushed is trackingInvalidateKeysOnFlush: every tracking client gets a
// null ("everything"), in its own protocol, and the key table empties.
func (t *tracker) Flushed() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tc := range t.clients {
		t.send(tc, appendNull(nil, tc.cl.proto.Load()))
	}
	t.keys = map[string]map[int64]struct{}{}
	t.items = 0
	t.install()
}

// Applied is trackingBroadcastInvalidationMessages: per prefix, one array
// of the changed keys (sorted, as Redis's radix tree) to each client, less
// the keys a NOLOOP client changed itself.
func (t *tracker) Applied() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range sortedPrefixes(t.prefixes) {
		bs := t.prefixes[p]
		if len(bs.keys) == 0 {
			continue
		}
		keys := make([]string, 0, len(bs.keys))
		for k := range bs.keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		all := appendKeys(nil, keys, bs.keys, nil)
		for tc := range bs.clients {
			if !tc.noloop {
				t.send(tc, all)
			} else if own := appendKeys(nil, keys, bs.keys, tc); own != nil {
				t.send(tc, own)
			}
		}
		clear(bs.keys)
	}
}

// appendKeys writes keys as an array, without those changed by skip
// (nil: none); nil when nothing is left.
func appendKeys(out []byte, keys []string, by map[string]*trackClient, skip *trackClient) []byte {
	n := 0
	for _, k := range keys {
		if skip == nil || by[k] != skip {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out = redcon.AppendArray(out, n)
	for _, k := range keys {
		if skip == nil || by[k] != skip {
			out = redcon.AppendBulkString(out, k)
		}
	}
	return out
}

// madeBy is the NOLOOP client among set whose own write made a change.
func madeBy(set map[*trackClient]struct{}, from fsm.Origin) *trackClient {
	if from.Entry == nil {
		return nil
	}
	for tc := range set {
		if tc.noloop && tc.made(from) {
			return tc
		}
	}
	return nil
}

// made reports whether the change at from is one of tc's own writes.
func (tc *trackClient) made(from fsm.Origin) bool {
	if from.Entry == nil {
		return false
	}
	for _, tk := range tc.tickets {
		if tk.Made(from.Entry, from.Pos) {
			return true
		}
	}
	return false
}

// send is sendTrackingMessage: value is the RESP of the keys part (an
// array of keys, or a null for a flush).
func (t *tracker) send(tc *trackClient, value []byte) {
	target, redirected := tc.cl, false
	if tc.redirect != 0 {
		rc := t.s.clientByID(tc.redirect)
		if rc == nil {
			tc.broken.Store(true)
			if tc.cl.proto.Load() == 3 {
				id := tc.redirect
				t.queueOf(tc.cl).enqueue(func(b []byte) []byte {
					b = appendPushFrame(b, 2)
					b = redcon.AppendBulkString(b, "tracking-redir-broken")
					return redcon.AppendInt(b, id)
				})
			}
			return
		}
		target, redirected = rc, true
	}
	switch {
	case target.proto.Load() == 3:
		t.queueOf(target).enqueue(func(b []byte) []byte {
			b = appendPushFrame(b, 2)
			b = redcon.AppendBulkString(b, "invalidate")
			return append(b, value...)
		})
	case redirected && target.subscribed():
		t.queueOf(target).enqueue(func(b []byte) []byte {
			b = redcon.AppendArray(b, 3)
			b = redcon.AppendBulkString(b, "message")
			b = redcon.AppendBulkString(b, invalidateChannel)
			return append(b, value...)
		})
	}
	// Otherwise a RESP2 client without a subscribed redirect target: Redis
	// has no way to tell it either.
}

// subscribed is Redis's CLIENT_PUBSUB: any channel, pattern or shard
// channel subscription.
func (c *client) subscribed() bool {
	return c.subs[kindChannel].Load()+c.subs[kindPattern].Load()+c.subs[kindShard].Load() > 0
}

// queueOf is target's push queue for invalidations, started on first use.
func (t *tracker) queueOf(target *client) *subscriber {
	q := t.queues[target]
	if q == nil {
		q = &subscriber{cl: target, kick: make(chan struct{}, 1), done: make(chan struct{}), limits: t.s.clientLimits}
		t.queues[target] = q
		go q.push()
	}
	return q
}

func (s *Server) clientByID(id int64) *client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clients[id]
}

// --- connection side ----------------------------------------------------------

// trackCommand runs before each command of a tracking client: it ends
// the CLIENT CACHING window of the previous command and remembers the
// keys this one reads (an EXEC: its queued reads). Keys are remembered
// before the read runs, wherever it runs (locally, in the log, or on the
// leader): a change applied here after that is announced, and one applied
// before is in what the read sees.
func (s *Server) trackCommand(cl *client, args [][]byte) {
	tc := cl.trk.Load()
	if tc == nil {
		return
	}
	t := s.track
	t.mu.Lock()
	defer t.mu.Unlock()
	if !tc.keep {
		tc.caching = false
	}
	lc := s.lookupLocal(args[0])
	switch {
	case lc != nil && lc.Name == "exec" && cl.tx.active && !cl.tx.failed:
		for _, q := range cl.tx.queue {
			if q.local == nil {
				t.remember(tc, s.table.Lookup(q.args[0]), q.args)
			}
		}
	case lc == nil && !cl.tx.active:
		if c := s.table.Lookup(args[0]); c != nil && c.ArityOK(len(args)) {
			t.remember(tc, c, args)
		}
	}
	// Redis resets the CACHING flag after every command but CLIENT, and
	// not inside MULTI (EXEC, DISCARD and RESET end it).
	switch {
	case lc != nil && lc.Name == "client":
		tc.keep = true
	case lc != nil && (lc.Name == "exec" || lc.Name == "discard" || lc.Name == "reset"):
		tc.keep = false
	default:
		tc.keep = cl.tx.active || (lc != nil && lc.Name == "multi")
	}
}

// remember is trackingRememberKeys for one read-only command.
func (t *tracker) remember(tc *trackClient, c *fsm.Command, args [][]byte) {
	if c == nil || tc.bcast || (tc.optin && !tc.caching) || (tc.optout && tc.caching) {
		return
	}
	if !trackedRead(c) {
		return
	}
	for _, k := range c.KeyArgs(args) {
		ids := t.keys[string(k)]
		if ids == nil {
			ids = map[int64]struct{}{}
			t.keys[string(k)] = ids
		}
		if _, ok := ids[tc.cl.id]; !ok {
			ids[tc.cl.id] = struct{}{}
			t.items++
		}
	}
	t.limit()
	t.install()
}

// limit is trackingLimitUsedSlots: past tracking-table-max-keys, keys
// chosen at random (map order) are invalidated as if they had changed,
// so that their readers do not keep values nobody watches any more.
func (t *tracker) limit() {
	max := int(t.maxKeys.Load())
	if max <= 0 {
		return
	}
	for key := range t.keys {
		if len(t.keys) <= max {
			return
		}
		t.invalidate(key, fsm.Origin{})
	}
}

// trackedRead reports whether c's keys are remembered: read-only commands
// (not pub/sub ones) as in Redis. Redis tracks what a script's read-only
// calls read; quoris runs scripts in the FSM and remembers the keys a
// script declares instead.
func trackedRead(c *fsm.Command) bool {
	switch c.Name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return true
	}
	return c.Has("readonly") && !c.Has("pubsub")
}

// submit proposes a write; a NOLOOP client keeps its ticket until it is
// answered, so that the apply can tell its own changes (fsm.Origin).
func (s *Server) submit(cl *client, db int, args [][]byte) raftnode.Ticket {
	tk := s.node.Submit(db, s.node.Now(), args)
	if tc := cl.trk.Load(); tc != nil && tc.noloop {
		s.track.mu.Lock()
		tc.tickets = slices.DeleteFunc(tc.tickets, raftnode.Ticket.Done)
		tc.tickets = append(tc.tickets, tk)
		s.track.mu.Unlock()
	}
	return tk
}

// disable is disableTracking: the client leaves the prefixes; keys it
// read stay in the table until they change, as in Redis.
func (t *tracker) disable(cl *client) {
	tc := cl.trk.Load()
	if tc == nil {
		return
	}
	t.mu.Lock()
	t.disableLocked(tc)
	t.install()
	t.mu.Unlock()
	cl.trk.Store(nil)
}

func (t *tracker) disableLocked(tc *trackClient) {
	for _, p := range tc.prefixes {
		if bs := t.prefixes[p]; bs != nil {
			delete(bs.clients, tc)
			if len(bs.clients) == 0 {
				delete(t.prefixes, p)
			}
		}
	}
	delete(t.clients, tc.cl.id)
}

// dropClient forgets a closed connection.
func (t *tracker) dropClient(cl *client) {
	t.disable(cl)
	t.mu.Lock()
	q := t.queues[cl]
	delete(t.queues, cl)
	t.mu.Unlock()
	if q != nil {
		q.qmu.Lock()
		q.closed, q.queue = true, nil
		q.qmu.Unlock()
		close(q.done)
	}
}

// stats are INFO's tracking_* figures.
func (t *tracker) stats() (clients, keys, items, prefixes int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.clients), len(t.keys), t.items, len(t.prefixes)
}

func sortedPrefixes(m map[string]*bcastState) []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// clientFlags is the tracking part of CLIENT LIST's flags: t, R, B.
func (c *client) trackingFlags() string {
	tc := c.trk.Load()
	if tc == nil {
		return ""
	}
	f := "t"
	if tc.broken.Load() {
		f += "R"
	}
	if tc.bcast {
		f += "B"
	}
	return f
}

// trackingRedir is CLIENT LIST's redir=: -1 when not tracking.
func (c *client) trackingRedir() int64 {
	if tc := c.trk.Load(); tc != nil {
		return tc.redirect
	}
	return -1
}
