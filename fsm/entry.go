package fsm

import (
	"encoding/binary"
	"fmt"
)

// Entry kinds. The first byte of every raft log entry written by quoris.
const (
	KindCommand byte = 1 // one client command: db, time, argv
	KindExpire  byte = 2 // active-expiry deletions proposed by the leader
	KindMeta    byte = 3 // cluster metadata: node id -> RESP address
)

// Entry is the decoded form of a log entry. Time is the proposer's wall
// clock in unix milliseconds; the FSM clamps it so its clock never runs back.
type Entry struct {
	Kind byte
	DB   int
	Time int64
	Args [][]byte
}

// AppendEntry encodes e after dst. The layout is
// kind | uvarint db | varint time | uvarint argc | (uvarint len, bytes)*.
// Args are copied, so callers may pass buffers that are reused afterwards.
func AppendEntry(dst []byte, kind byte, db int, now int64, args [][]byte) []byte {
	dst = append(dst, kind)
	dst = binary.AppendUvarint(dst, uint64(db))
	dst = binary.AppendVarint(dst, now)
	dst = binary.AppendUvarint(dst, uint64(len(args)))
	for _, a := range args {
		dst = binary.AppendUvarint(dst, uint64(len(a)))
		dst = append(dst, a...)
	}
	return dst
}

// DecodeEntry parses b. The returned Args alias b: raft never reuses a log's
// Data while it is being applied, and the FSM copies what it keeps.
func DecodeEntry(b []byte) (Entry, error) {
	var e Entry
	if len(b) < 1 {
		return e, fmt.Errorf("%w: empty", ErrBadEntry)
	}
	e.Kind = b[0]
	p := 1
	db, n := binary.Uvarint(b[p:])
	if n <= 0 {
		return e, fmt.Errorf("%w: db", ErrBadEntry)
	}
	p += n
	t, n := binary.Varint(b[p:])
	if n <= 0 {
		return e, fmt.Errorf("%w: time", ErrBadEntry)
	}
	p += n
	argc, n := binary.Uvarint(b[p:])
	if n <= 0 || argc > uint64(len(b)) {
		return e, fmt.Errorf("%w: argc", ErrBadEntry)
	}
	p += n
	e.DB, e.Time = int(db), t
	e.Args = make([][]byte, argc)
	for i := range e.Args {
		l, n := binary.Uvarint(b[p:])
		if n <= 0 || l > uint64(len(b)-p-n) {
			return e, fmt.Errorf("%w: arg %d", ErrBadEntry, i)
		}
		p += n
		e.Args[i] = b[p : p+int(l) : p+int(l)]
		p += int(l)
	}
	if p != len(b) {
		return e, fmt.Errorf("%w: trailing bytes", ErrBadEntry)
	}
	return e, nil
}
