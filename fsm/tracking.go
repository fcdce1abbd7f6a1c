package fsm

// Client-side caching (CLIENT TRACKING) is node-local connection state in
// the RESP layer; what it needs from the FSM is to hear of every key change
// where the change is applied, in log order, on every node. Redis calls
// trackingInvalidateKey from signalModifiedKey (writes), expiry and
// eviction, and trackingInvalidateKeysOnFlush from FLUSHDB/FLUSHALL: the
// same points here. Nothing of it is state: a node that restores a
// snapshot announces a flush instead of the changes it skipped.

// Tracker hears of key changes. Its methods run on the apply goroutine
// under the FSM's lock: they must not block or call back into the FSM.
type Tracker interface {
	// Changed: key was modified, deleted, expired or evicted. Redis's
	// tracking ignores the database, so no index is given.
	Changed(key string, from Origin)
	// Flushed: FLUSHDB, FLUSHALL, or a snapshot replaced the state.
	Flushed()
	// Applied ends an ApplyBatch: changes heard since the last call are
	// complete (BCAST mode announces them together, as Redis does once
	// per event loop iteration).
	Applied()
}

// Origin names the command that made a change, for NOLOOP: the entry's
// data when this node proposed it (nil otherwise, or for changes no
// client made: expiry, eviction) and the command's position in it.
type Origin struct {
	Entry *byte
	Pos   int
}

// OnTrack installs t, or with nil removes it. The RESP layer installs it
// only while some client tracks, so that the apply path pays one atomic
// load per change otherwise.
func (f *FSM) OnTrack(t Tracker) {
	if t == nil {
		f.tracker.Store(nil)
		return
	}
	f.tracker.Store(&t)
}

// changed tells the tracker, if any, that key changed.
func (c *Ctx) changed(key string) {
	if t := c.f.tracker.Load(); t != nil {
		(*t).Changed(key, Origin{Entry: c.origin, Pos: int(c.Pos)})
	}
}

// flushedAll tells the tracker, if any, that every key may have changed.
func (f *FSM) flushedAll() {
	if t := f.tracker.Load(); t != nil {
		(*t).Flushed()
	}
}

// trackApplied ends a batch for the tracker, if any.
func (f *FSM) trackApplied() {
	if t := f.tracker.Load(); t != nil {
		(*t).Applied()
	}
}
