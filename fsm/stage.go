package fsm

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/quoris/quoris/snapshot"
)

// Staged commands: a command too large for one log entry is sent as
// KindStage chunks and run by a KindStaged batch item naming it. Until
// then the chunks are only bytes in f.staged, invisible to every command,
// so other clients' entries interleave with them and a big value never
// holds up the log as one huge entry. See DESIGN.md "Staged commands".
const (
	// KindStage is one chunk of a staged command:
	// kind | uvarint id | uvarint total | uvarint offset | bytes.
	// total 0 aborts the staging of id.
	KindStage byte = 7
	// KindStaged is a batch item running the staged command whose id is
	// its only argument (decimal).
	KindStaged byte = 8
)

// MaxStagedBytes bounds a staged command's total size.
const MaxStagedBytes = 1 << 30

// ErrStagedLost answers a staged command whose chunks were discarded
// because leadership changed while they were sent.
var ErrStagedLost = errors.New("TRYAGAIN the command's data was discarded by a leader change while it was sent; nothing was applied")

// staged is a command being received in chunks.
type staged struct {
	total uint64
	buf   []byte
}

// AppendStageChunk encodes the chunk of staged command id holding
// payload at offset of its total bytes.
func AppendStageChunk(dst []byte, id, total, offset uint64, payload []byte) []byte {
	dst = append(dst, KindStage)
	dst = binary.AppendUvarint(dst, id)
	dst = binary.AppendUvarint(dst, total)
	dst = binary.AppendUvarint(dst, offset)
	return append(dst, payload...)
}

// AppendStageAbort encodes the entry that discards staged command id.
func AppendStageAbort(dst []byte, id uint64) []byte {
	return AppendStageChunk(dst, id, 0, 0, nil)
}

// StagedArgs are the arguments of the KindStaged item running id.
func StagedArgs(id uint64) [][]byte {
	return [][]byte{strconv.AppendUint(nil, id, 10)}
}

// observeTerm drops every staged command of an earlier term when an entry
// of a later one applies: its proposer lost leadership, so its remaining
// chunks and the command itself never come. Every node sees the same
// entries with the same terms, so every node drops at the same index.
func (f *FSM) observeTerm(term uint64) {
	if term <= f.stageTerm {
		return
	}
	if len(f.staged) > 0 {
		f.log.Info("discarding staged commands of an earlier term", "count", len(f.staged), "term", f.stageTerm, "now", term)
		clear(f.staged)
	}
	f.stageTerm = term
}

// applyStage applies a KindStage entry: nil, or an error reply.
func (f *FSM) applyStage(data []byte) []byte {
	id, total, offset, payload, err := decodeStage(data)
	if err != nil {
		return appendErr(nil, err)
	}
	if total == 0 {
		delete(f.staged, id)
		return nil
	}
	st := f.staged[id]
	if st == nil {
		if offset != 0 {
			return appendErr(nil, fmt.Errorf("%w: stage %d starts at %d", ErrBadEntry, id, offset))
		}
		// Preallocate only what chunks of this size could plausibly fill,
		// so a bogus total cannot reserve a gigabyte.
		prealloc := min(total, uint64(len(payload))*256)
		st = &staged{total: total, buf: make([]byte, 0, prealloc)}
		if f.staged == nil {
			f.staged = map[uint64]*staged{}
		}
		f.staged[id] = st
	}
	if st.total != total || offset != uint64(len(st.buf)) || uint64(len(payload)) > total-offset {
		delete(f.staged, id)
		return appendErr(nil, fmt.Errorf("%w: stage %d chunk at %d of %d does not follow %d of %d", ErrBadEntry, id, offset, total, len(st.buf), st.total))
	}
	st.buf = append(st.buf, payload...)
	return nil
}

func decodeStage(data []byte) (id, total, offset uint64, payload []byte, err error) {
	p := 1
	var vals [3]uint64
	for i := range vals {
		v, n := binary.Uvarint(data[p:])
		if n <= 0 {
			return 0, 0, 0, nil, fmt.Errorf("%w: stage header", ErrBadEntry)
		}
		vals[i], p = v, p+n
	}
	id, total, offset = vals[0], vals[1], vals[2]
	if total > MaxStagedBytes {
		return 0, 0, 0, nil, fmt.Errorf("%w: staged command of %d bytes", ErrBadEntry, total)
	}
	return id, total, offset, data[p:], nil
}

// takeStaged removes staged command args[0] and decodes it; the entry's
// Args alias the staged buffer, which nothing else references any more.
func (f *FSM) takeStaged(args [][]byte) (Entry, error) {
	if len(args) != 1 {
		return Entry{}, fmt.Errorf("%w: staged item", ErrBadEntry)
	}
	id, err := strconv.ParseUint(string(args[0]), 10, 64)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: staged id", ErrBadEntry)
	}
	st := f.staged[id]
	if st == nil || uint64(len(st.buf)) != st.total {
		// Incomplete means chunks were lost with a leader change too: the
		// proposer sends the item only after every chunk committed.
		delete(f.staged, id)
		return Entry{}, ErrStagedLost
	}
	delete(f.staged, id)
	e, err := DecodeEntry(st.buf)
	if err == nil && e.Kind != KindCommand {
		err = fmt.Errorf("%w: staged kind %d", ErrBadEntry, e.Kind)
	}
	return e, err
}

// stagedSnapshot lists the staged commands for a snapshot. Chunks only
// ever append past len, so the slices shared here never change.
func (f *FSM) stagedSnapshot() []snapshot.Staged {
	out := make([]snapshot.Staged, 0, len(f.staged))
	for id, st := range f.staged {
		out = append(out, snapshot.Staged{Term: f.stageTerm, ID: id, Total: st.total, Data: st.buf[:len(st.buf):len(st.buf)]})
	}
	slices.SortFunc(out, func(a, b snapshot.Staged) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// restoreStaged rebuilds f.staged from a snapshot's records.
func restoreStaged(recs []snapshot.Staged) (map[uint64]*staged, uint64) {
	m := make(map[uint64]*staged, len(recs))
	var term uint64
	for _, r := range recs {
		m[r.ID] = &staged{total: r.Total, buf: r.Data}
		term = max(term, r.Term)
	}
	return m, term
}
