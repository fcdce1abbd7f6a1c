package resp

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/datatypes"
)

// Pub/sub. Subscriptions are node-local connection state; messages come
// from the FSM's apply (fsm.OnPublish), so every node delivers every
// PUBLISH, SPUBLISH and keyspace notification in log order. The hook runs
// under the FSM's lock and must not block: it appends the frame to the
// subscriber's queue, and the subscriber's pusher goroutine writes it to
// the socket between the connection's own command batches (netConn.wmu).

type subSet map[*subscriber]struct{}

// hub indexes every subscription of this node.
type hub struct {
	mu       sync.RWMutex
	channels map[string]subSet
	patterns map[string]subSet
	shards   map[string]subSet
	n        atomic.Int64 // subscriptions of any kind: the hook is free when 0
}

func newHub() *hub {
	return &hub{channels: map[string]subSet{}, patterns: map[string]subSet{}, shards: map[string]subSet{}}
}

// subscriber is one client's pub/sub state. The lists are in
// subscription order and belong to the connection goroutine; the queue is
// shared with the apply hook.
type subscriber struct {
	cl       *client
	channels []string
	patterns []string
	shards   []string

	qmu   sync.Mutex
	queue []byte
	// limits gives client-output-buffer-limit pubsub: a subscriber that
	// falls that far behind is disconnected, as Redis does, rather than
	// let the node's memory grow without bound.
	limits func() *clientLimits
	out    outputTracker
	kick   chan struct{}
	done   chan struct{}
	closed bool
}

// count is what (UN)SUBSCRIBE replies carry: channels and patterns;
// shard channels are counted apart, as Redis 7.0 does.
func (p *subscriber) count() int { return len(p.channels) + len(p.patterns) }

func (p *subscriber) active() bool { return p != nil && p.count()+len(p.shards) > 0 }

// appendPushHeader starts a pub/sub frame (message, pmessage, smessage,
// and the (un)subscribe confirmations): a RESP2 array, or a RESP3 push.
func appendPushHeader(out []byte, cl *client, n int) []byte {
	if cl.proto.Load() == 3 {
		return appendPushFrame(out, n)
	}
	return redcon.AppendArray(out, n)
}

// enqueue adds a frame for the pusher; a subscriber over the output
// limit is disconnected, as Redis does.
func (p *subscriber) enqueue(frame func([]byte) []byte) {
	p.qmu.Lock()
	if p.closed {
		p.qmu.Unlock()
		return
	}
	p.queue = frame(p.queue)
	over := p.out.over(p.limits().pubsub, counted(len(p.queue)), time.Now().Unix())
	if over {
		p.closed = true
		p.queue = nil
	}
	p.qmu.Unlock()
	if over {
		_ = p.cl.conn.NetConn().Close()
		return
	}
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// take empties the queue: what the connection must write before its next
// pub/sub reply, so confirmations never overtake earlier messages.
func (p *subscriber) take(out []byte) []byte {
	if p == nil {
		return out
	}
	p.qmu.Lock()
	out = append(out, p.queue...)
	p.queue = p.queue[:0]
	p.qmu.Unlock()
	return out
}

// pushWriter is the connection side the pusher needs: write and flush
// outside the command loop, serialized with it.
type pushWriter interface {
	pushWith(fill func([]byte) []byte) error
}

func (p *subscriber) push() {
	w, ok := p.cl.conn.(pushWriter)
	if !ok {
		return
	}
	for {
		select {
		case <-p.done:
			return
		case <-p.kick:
		}
		if err := w.pushWith(p.take); err != nil {
			return
		}
	}
}

func (h *hub) add(m map[string]subSet, name string, p *subscriber) bool {
	set := m[name]
	if set == nil {
		set = subSet{}
		m[name] = set
	}
	if _, ok := set[p]; ok {
		return false
	}
	set[p] = struct{}{}
	h.n.Add(1)
	return true
}

func (h *hub) del(m map[string]subSet, name string, p *subscriber) bool {
	set := m[name]
	if _, ok := set[p]; !ok {
		return false
	}
	delete(set, p)
	if len(set) == 0 {
		delete(m, name)
	}
	h.n.Add(-1)
	return true
}

// publish is the FSM hook: it queues the message for every subscriber of
// the channel and every matching pattern, and counts the deliveries as
// Redis does (a client matching twice counts twice).
func (h *hub) publish(channel, message []byte, shard bool) int {
	if h.n.Load() == 0 {
		return 0
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	if shard {
		for p := range h.shards[string(channel)] {
			p.enqueue(func(b []byte) []byte { return appendMessage(b, p.cl, "smessage", nil, channel, message) })
			n++
		}
		return n
	}
	for p := range h.channels[string(channel)] {
		p.enqueue(func(b []byte) []byte { return appendMessage(b, p.cl, "message", nil, channel, message) })
		n++
	}
	for pat, set := range h.patterns {
		if !datatypes.Match(pat, string(channel), false) {
			continue
		}
		for p := range set {
			p.enqueue(func(b []byte) []byte {
				return appendMessage(b, p.cl, "pmessage", []byte(pat), channel, message)
			})
			n++
		}
	}
	return n
}

// appendMessage writes a message frame; pattern is nil except for
// pmessage.
func appendMessage(out []byte, cl *client, kind string, pattern, channel, message []byte) []byte {
	n := 3
	if pattern != nil {
		n = 4
	}
	out = appendPushHeader(out, cl, n)
	out = redcon.AppendBulkString(out, kind)
	if pattern != nil {
		out = redcon.AppendBulk(out, pattern)
	}
	out = redcon.AppendBulk(out, channel)
	return redcon.AppendBulk(out, message)
}

// appendConfirm writes a (un)subscribe confirmation; a nil name is the
// null bulk of an unsubscribe-all with nothing subscribed.
func appendConfirm(out []byte, cl *client, kind string, name []byte, count int) []byte {
	out = appendPushHeader(out, cl, 3)
	out = redcon.AppendBulkString(out, kind)
	if name == nil {
		out = redcon.AppendNull(out)
	} else {
		out = redcon.AppendBulk(out, name)
	}
	return redcon.AppendInt(out, int64(count))
}

// unsubscribeAll removes every subscription of p without confirmations,
// as RESET does; p keeps delivering what is already queued.
func (h *hub) unsubscribeAll(p *subscriber) {
	if p == nil {
		return
	}
	h.mu.Lock()
	for _, c := range p.channels {
		h.del(h.channels, c, p)
	}
	for _, c := range p.patterns {
		h.del(h.patterns, c, p)
	}
	for _, c := range p.shards {
		h.del(h.shards, c, p)
	}
	h.mu.Unlock()
	p.channels, p.patterns, p.shards = nil, nil, nil
}

// dropClient removes every subscription of a closed connection.
func (h *hub) dropClient(p *subscriber) {
	if p == nil {
		return
	}
	h.unsubscribeAll(p)
	p.qmu.Lock()
	p.closed = true
	p.queue = nil
	p.qmu.Unlock()
	close(p.done)
}

// names lists the keys of m matching pattern (all when pattern is nil),
// sorted so replies are stable.
func (h *hub) names(m map[string]subSet, pattern []byte) []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []string
	for name := range m {
		if pattern == nil || datatypes.Match(string(pattern), name, false) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (h *hub) numsub(m map[string]subSet, name []byte) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(m[string(name)])
}

func (h *hub) numpat() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.patterns)
}
