package fsm

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/quoris/quoris/datatypes"
)

// Entry kinds. The first byte of every raft log entry written by quoris.
const (
	KindCommand byte = 1 // one client command: db, time, argv
	KindExpire  byte = 2 // active-expiry deletions proposed by the leader
	KindMeta    byte = 3 // cluster metadata: node id -> RESP address
	KindBatch   byte = 4 // many KindCommand entries proposed together, see AppendBatch
	// KindRead is a read-only command inside a batch: a read pipelined
	// behind writes of the same client. It is evaluated in log order, so
	// it sees exactly the writes before it, and changes nothing.
	KindRead byte = 5
	// KindEvict is maxmemory eviction proposed by the leader: keys of one
	// database to remove while the dataset is over maxmemory (evict.go).
	KindEvict byte = 6
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
		dst = datatypes.AppendLarge(dst, a)
	}
	return dst
}

// A batch entry is kind | uvarint count | (uvarint len, command entry)*.
// Batching many client commands into one log entry is what lets a group
// commit cost one raft entry (one msgpack encoding, one bbolt key, one
// replication slot) instead of one per command.

// BatchHeaderRoom is the room AppendBatchHeader needs at most.
const BatchHeaderRoom = 1 + binary.MaxVarintLen64

// AppendBatchHeader writes the batch header for count commands.
func AppendBatchHeader(dst []byte, count int) []byte {
	dst = append(dst, KindBatch)
	return binary.AppendUvarint(dst, uint64(count))
}

// AppendBatchItem appends one command entry, length-prefixed, to a batch
// body. Args are copied.
func AppendBatchItem(dst []byte, db int, now int64, args [][]byte) []byte {
	return AppendBatchItemKind(dst, KindCommand, db, now, args)
}

// AppendBatchItemKind is AppendBatchItem for a KindCommand or KindRead item.
func AppendBatchItemKind(dst []byte, kind byte, db int, now int64, args [][]byte) []byte {
	size := 1 + binary.MaxVarintLen64*3
	for _, a := range args {
		size += binary.MaxVarintLen64 + len(a)
	}
	// Encode after a maximal length prefix, then close the gap: one pass
	// over the arguments and no temporary buffer.
	dst = slices.Grow(dst, size)
	start := len(dst)
	dst = append(dst, make([]byte, binary.MaxVarintLen64)...)
	dst = AppendEntry(dst, kind, db, now, args)
	n := len(dst) - start - binary.MaxVarintLen64
	var pre [binary.MaxVarintLen64]byte
	pl := binary.PutUvarint(pre[:], uint64(n))
	copy(dst[start:], pre[:pl])
	copy(dst[start+pl:], dst[start+binary.MaxVarintLen64:])
	return dst[:start+pl+n]
}

// batchItems calls fn with each command entry of a batch body (b without
// its kind byte). It stops at the first malformed item.
func batchItems(b []byte, fn func(i int, item []byte)) error {
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return fmt.Errorf("%w: batch count", ErrBadEntry)
	}
	p := n
	for i := 0; i < int(count); i++ {
		l, n := binary.Uvarint(b[p:])
		if n <= 0 || l > uint64(len(b)-p-n) {
			return fmt.Errorf("%w: batch item %d", ErrBadEntry, i)
		}
		p += n
		fn(i, b[p:p+int(l):p+int(l)])
		p += int(l)
	}
	if p != len(b) {
		return fmt.Errorf("%w: batch trailing bytes", ErrBadEntry)
	}
	return nil
}

// BatchCount returns the number of commands in a batch entry.
func BatchCount(b []byte) int {
	if len(b) < 2 || b[0] != KindBatch {
		return 0
	}
	c, n := binary.Uvarint(b[1:])
	if n <= 0 || c > uint64(len(b)) {
		return 0 // damaged: every item takes at least one byte
	}
	return int(c)
}

// DecodeEntry parses b. The returned Args alias b: raft never reuses a log's
// Data while it is being applied, and the FSM copies what it keeps.
func DecodeEntry(b []byte) (Entry, error) {
	return decodeEntryInto(b, nil)
}

// decodeEntryInto is DecodeEntry reusing scratch for Args when it is large
// enough, for the apply loop of a batch.
func decodeEntryInto(b []byte, scratch [][]byte) (Entry, error) {
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
	if uint64(cap(scratch)) >= argc {
		e.Args = scratch[:argc]
	} else {
		e.Args = make([][]byte, argc)
	}
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
