package fsm

import (
	"errors"
	"strconv"
)

var errPublishOnRead = errors.New("ERR PUBLISH is not allowed from read-only scripts in quoris: messages go through the log")

// Pub/sub through the log. PUBLISH and SPUBLISH are log entries (Command.
// Logged), so every node applies them in the same order; the apply hands
// the message to the node-local OnPublish hook, which delivers it to this
// node's subscribers. Keyspace notifications take the same path: a write
// calls Ctx.Notify, which publishes at apply time. Nothing here is state:
// messages are not in snapshots, and a node that restores a snapshot does
// not replay what it skipped (as a Redis subscriber that was disconnected).

// PublishFunc delivers one message to this node's subscribers and answers
// how many received it. shard marks SPUBLISH (shard channels).
type PublishFunc func(channel, message []byte, shard bool) int

// OnPublish installs the delivery hook. It runs on the apply goroutine
// under the FSM's lock: it must not block or call back into the FSM.
func (f *FSM) OnPublish(fn PublishFunc) { f.onPublish.Store(&fn) }

// publish hands a message of the entry at index to the hook. The count it
// returns is a node-local observation: it may go into a reply, never into
// state. An entry this process found in its log at start was applied, and
// its messages delivered, before the restart: replaying it delivers
// nothing, or a subscriber of a restarted node would get old messages.
func (f *FSM) publish(index uint64, channel, message []byte, shard bool) int {
	fn := f.onPublish.Load()
	if fn == nil || f.replayed(index) {
		return 0
	}
	return (*fn)(channel, message, shard)
}

// SetQuietThrough marks the log entries up to index, found on disk when
// the node starts, as replayed: their pub/sub messages and keyspace events
// are not delivered again.
func (f *FSM) SetQuietThrough(index uint64) { f.quietThrough.Store(index) }

func (f *FSM) replayed(index uint64) bool {
	q := f.quietThrough.Load()
	return q > 0 && index <= q
}

// cmdPublish is PUBLISH and SPUBLISH. The reply counts the receivers on
// the node that applied the entry for the client: the leader (a follower
// proxies writes to it). Every other node delivers too but its count is
// nobody's reply.
func cmdPublish(shard bool) func(c *Ctx) error {
	return func(c *Ctx) error {
		if !c.Write {
			// Only a read-only script reaches this: its message would be
			// seen by this node's subscribers alone.
			return errPublishOnRead
		}
		c.Int(int64(c.f.publish(c.Index, c.Args[1], c.Args[2], shard)))
		return nil
	}
}

// alwaysLogged routes every call through the log: every node must
// deliver the message, in log order.
func alwaysLogged(*FSM, [][]byte) bool { return true }

func registerPubSub(t *Table) {
	t.Add(
		&Command{Spec: Spec{Name: "publish", Arity: 3, Flags: []string{"pubsub", "loading", "stale", "fast"}, Group: "pubsub",
			Summary: "Post a message to a channel", Since: "2.0.0",
			Complexity: "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client)."},
			Logged: alwaysLogged, Run: cmdPublish(false)},
		&Command{Spec: Spec{Name: "spublish", Arity: 3, Flags: []string{"pubsub", "loading", "stale", "fast"}, Group: "pubsub",
			FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Post a message to a shard channel", Since: "7.0.0",
			Complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel."},
			Logged: alwaysLogged, Run: cmdPublish(true)},
	)
}

// NotifyClass is a keyspace notification class: Redis's NOTIFY_* bits.
type NotifyClass uint16

const (
	NotifyKeyspace NotifyClass = 1 << iota // K
	NotifyKeyevent                         // E
	NotifyGeneric                          // g
	NotifyString                           // $
	NotifyList                             // l
	NotifySet                              // s
	NotifyHash                             // h
	NotifyZset                             // z
	NotifyExpired                          // x
	NotifyEvicted                          // e
	NotifyStream                           // t
	NotifyKeyMiss                          // m
	NotifyLoaded                           // (module only)
	NotifyModule                           // d
	NotifyNew                              // n
	NotifyAll      = NotifyGeneric | NotifyString | NotifyList | NotifySet | NotifyHash | NotifyZset |
		NotifyExpired | NotifyEvicted | NotifyStream | NotifyModule
)

// parseNotify is Redis's keyspaceEventsStringToFlags for an already
// validated value.
func parseNotify(v string) NotifyClass {
	var f NotifyClass
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case 'A':
			f |= NotifyAll
		case 'g':
			f |= NotifyGeneric
		case '$':
			f |= NotifyString
		case 'l':
			f |= NotifyList
		case 's':
			f |= NotifySet
		case 'h':
			f |= NotifyHash
		case 'z':
			f |= NotifyZset
		case 'x':
			f |= NotifyExpired
		case 'e':
			f |= NotifyEvicted
		case 'K':
			f |= NotifyKeyspace
		case 'E':
			f |= NotifyKeyevent
		case 't':
			f |= NotifyStream
		case 'm':
			f |= NotifyKeyMiss
		case 'd':
			f |= NotifyModule
		case 'n':
			f |= NotifyNew
		}
	}
	return f
}

// Notify is Redis's notifyKeyspaceEvent for a key of this command's
// database. It costs one test of the cached flags when notifications are
// off; it does nothing on the read path.
func (c *Ctx) Notify(class NotifyClass, event, key string) {
	if c.f.settings.notify == 0 || !c.Write {
		return
	}
	c.notifyIn(c.DBIndex, class, event, key)
}

// NotifyIn is Notify for a key of database db (MOVE, COPY ... DB).
func (c *Ctx) NotifyIn(db int, class NotifyClass, event, key string) {
	if c.f.settings.notify == 0 || !c.Write {
		return
	}
	c.notifyIn(db, class, event, key)
}

// flushEmptied announces the removals of emptied collections that no
// event of their command announced (see Ctx.emptied).
func (c *Ctx) flushEmptied() {
	for len(c.emptied) > 0 {
		k := c.emptied[0]
		c.emptied = c.emptied[1:]
		c.notifyIn(k.db, NotifyGeneric, "del", k.key)
	}
	c.emptied = nil
}

func (c *Ctx) notifyIn(db int, class NotifyClass, event, key string) {
	flags := c.f.settings.notify
	if flags&class != 0 {
		c.publishEvent(flags, db, event, key)
	}
	// The removal of a collection this event emptied comes right after it.
	for i, k := range c.emptied {
		if k.db == db && k.key == key {
			c.emptied = append(c.emptied[:i:i], c.emptied[i+1:]...)
			if flags&NotifyGeneric != 0 {
				c.publishEvent(flags, db, "del", key)
			}
			break
		}
	}
}

func (c *Ctx) publishEvent(flags NotifyClass, db int, event, key string) {
	if flags&(NotifyKeyspace|NotifyKeyevent) == 0 || c.f.onPublish.Load() == nil || c.f.replayed(c.Index) {
		return
	}
	var buf [64]byte
	if flags&NotifyKeyspace != 0 {
		ch := append(buf[:0], "__keyspace@"...)
		ch = strconv.AppendInt(ch, int64(db), 10)
		ch = append(append(ch, "__:"...), key...)
		c.f.publish(c.Index, ch, []byte(event), false)
	}
	if flags&NotifyKeyevent != 0 {
		ch := append(buf[:0], "__keyevent@"...)
		ch = strconv.AppendInt(ch, int64(db), 10)
		ch = append(append(ch, "__:"...), event...)
		c.f.publish(c.Index, ch, []byte(key), false)
	}
}
