package fsm

import (
	"bytes"
	"errors"
	"slices"
)

// ErrReloadRaced says writes kept arriving while DEBUG RELOAD rebuilt the
// state; nothing was changed.
var ErrReloadRaced = errors.New("ERR DEBUG RELOAD raced with writes being applied; try again")

// Reload is DEBUG RELOAD: it serialises this node's state as a snapshot
// would, decodes it back and swaps the result in, proving the snapshot
// round trip on live data. The swap happens only if nothing changed the
// state meanwhile (same applied index, same databases: a raft Restore
// replaces them), since the rebuilt state would miss that change and this
// node would diverge from the others; otherwise it retries, then gives up.
func (f *FSM) Reload() error {
	for attempt := 0; attempt < 5; attempt++ {
		f.mu.Lock()
		snap := f.snapshotLocked()
		idx, orig := f.applied.Load(), slices.Clone(f.dbs)
		f.mu.Unlock()
		var buf bytes.Buffer
		if err := snap.write(&buf); err != nil {
			return err
		}
		st, err := f.readState(&buf)
		if err != nil {
			return err
		}
		f.mu.Lock()
		if f.applied.Load() != idx || !slices.Equal(orig, f.dbs) {
			f.mu.Unlock()
			continue
		}
		// Same number of databases: the slice header, which Databases
		// reads without the lock, stays as it is.
		copy(f.dbs, st.dbs)
		f.nodes, f.settings = st.nodes, st.settings
		f.now = max(f.now, st.now)
		st.installScripts()
		f.mu.Unlock()
		return nil
	}
	return ErrReloadRaced
}
