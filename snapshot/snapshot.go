// Package snapshot is quoris's snapshot file format: a versioned, streaming,
// checksummed sequence of records. It knows value types (from datatypes and
// plain strings) but nothing of raft or of the FSM's internals.
package snapshot

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"

	"github.com/quoris/quoris/datatypes"
)

// Version is the format version written by this build. Readers accept
// versions up to it. Version 2 added Key.Pos and setting records
// (tagSetting).
const Version = 2

var magic = [8]byte{'Q', 'U', 'O', 'R', 'I', 'S', 'N', 'P'}

// Record tags.
const (
	tagHeader byte = 'H'
	tagNode   byte = 'N'
	tagKey    byte = 'K'
	tagDB     byte = 'D'
	tagTomb   byte = 'T'
	// tagSetting is a replicated configuration setting (CONFIG SET of an
	// encoding threshold ...): name, value. Version 1 snapshots have none.
	tagSetting byte = 'C'
	tagEnd     byte = 'E'
	// Scripting state; version 1 snapshots have none.
	tagScript  byte = 'L' // a cached EVAL script: its body
	tagLibrary byte = 'F' // a FUNCTION library: its code
	// tagStaged is a command being staged in chunks (fsm/stage.go): term,
	// id, total size, the bytes received so far. Added within version 2;
	// an older reader refuses such a snapshot as corrupt.
	tagStaged byte = 'B'
	// ACL state, added within format version 2 (older readers refuse a
	// snapshot holding one as corrupt; older snapshots read unchanged).
	tagUser       byte = 'U' // an ACL user: name, then the rules rebuilding it
	tagPeerSecret byte = 'P' // the cluster's node-to-node secret
)

// Value type tags. To add a type: a tag here, a case in Writer.Key and in
// Reader.key, and the type's encode/decode functions in a file of its own
// (snapshot/<type>.go) that stream elements with w.bytes/w.uvarint/w.float
// and read them back with rd.bytes/rd.uvarint/rd.float.
const (
	typeString byte = 's'
	typeHash   byte = 'h'
	typeSet    byte = 'S'
	typeList   byte = 'l'
	typeZSet   byte = 'z'
	// typeStream was added within format version 2: a reader from before
	// it refuses a snapshot holding a stream as corrupt (unknown type)
	// rather than misreading it; old snapshots read unchanged.
	typeStream byte = 'x'
)

var (
	// ErrCorrupt means the stream is truncated, has a bad checksum or an
	// unknown record: the snapshot must not be restored.
	ErrCorrupt = errors.New("snapshot: corrupt")
	// ErrVersion means the snapshot was written by a newer format.
	ErrVersion = errors.New("snapshot: unsupported version")
	// ErrUnknownValue means Key was given a value type the format lacks.
	ErrUnknownValue = errors.New("snapshot: unknown value type")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Header is the state-wide part of a snapshot.
type Header struct {
	Now       int64 // FSM clock, so time never runs back after a restore
	Databases int
}

// Key is one stored key.
type Key struct {
	DB       int
	Key      string
	ExpireAt int64
	Version  uint64
	Pos      uint16 // position of the last change within its log entry (version 2 on; 0 before)
	Enc      uint8  // the FSM's representation hint (string encodings)
	Value    any
}

// DBMeta is a database's WATCH bookkeeping (see fsm.DB).
type DBMeta struct {
	DB        int
	TombFloor uint64
	Flushed   uint64
}

// Tomb is the index of a removed key's last change.
type Tomb struct {
	DB    int
	Key   string
	Index uint64
}

// Writer streams a snapshot. Call Header once, then Node and Key any number
// of times, then Close, which writes the trailer and checksum.
type Writer struct {
	w     *bufio.Writer
	crc   hash.Hash32
	count uint64
	buf   []byte
	err   error
	// version is written in the header: Version, or an older one a test
	// writes to check that old snapshots stay readable.
	version uint64
}

// NewWriter starts a snapshot on w.
func NewWriter(w io.Writer) *Writer {
	crc := crc32.New(castagnoli)
	return &Writer{w: bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<16), crc: crc, version: Version}
}

func (w *Writer) flushRecord() error {
	if w.err == nil {
		_, w.err = w.w.Write(w.buf)
	}
	w.buf = w.buf[:0]
	w.count++
	return w.err
}

func (w *Writer) bytes(b []byte) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(b)))
	if len(b) <= 1<<20 {
		w.buf = append(w.buf, b...)
		w.spill()
		return
	}
	// A big value goes straight to the stream, in pieces: one long
	// memmove or checksum call cannot be preempted (datatypes.CopyLarge).
	w.writeLarge(b)
}

// writeLarge writes what the record holds so far, then b in pieces.
func (w *Writer) writeLarge(b []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(w.buf)
	}
	w.buf = w.buf[:0]
	for len(b) > 0 && w.err == nil {
		n := min(len(b), 256<<10)
		_, w.err = w.w.Write(b[:n])
		b = b[n:]
	}
}

func (w *Writer) uvarint(n uint64) { w.buf = binary.AppendUvarint(w.buf, n) }

func (w *Writer) float(f float64) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(f))
}

// spill hands the record built so far to the stream once it is large, so a
// value of millions of elements is streamed, never held whole in memory.
// Type encoders call it (through bytes) as they go.
func (w *Writer) spill() {
	if len(w.buf) < 64<<10 || w.err != nil {
		return
	}
	_, w.err = w.w.Write(w.buf)
	w.buf = w.buf[:0]
}

func (w *Writer) str(s string) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// Header writes the magic, the version and h.
func (w *Writer) Header(h Header) error {
	w.buf = append(w.buf, magic[:]...)
	w.buf = binary.AppendUvarint(w.buf, w.version)
	w.buf = append(w.buf, tagHeader)
	w.buf = binary.AppendVarint(w.buf, h.Now)
	w.buf = binary.AppendUvarint(w.buf, uint64(h.Databases))
	return w.flushRecord()
}

// Node records a cluster member's RESP address.
func (w *Writer) Node(id, addr string) error {
	w.buf = append(w.buf, tagNode)
	w.str(id)
	w.str(addr)
	return w.flushRecord()
}

// Setting records a replicated configuration setting's value.
func (w *Writer) Setting(name, value string) error {
	w.buf = append(w.buf, tagSetting)
	w.str(name)
	w.str(value)
	return w.flushRecord()
}

// DB records a database's WATCH bookkeeping.
func (w *Writer) DB(m DBMeta) error {
	w.buf = append(w.buf, tagDB)
	w.uvarint(uint64(m.DB))
	w.uvarint(m.TombFloor)
	w.uvarint(m.Flushed)
	return w.flushRecord()
}

// Tomb records a removed key's tombstone.
func (w *Writer) Tomb(t Tomb) error {
	w.buf = append(w.buf, tagTomb)
	w.uvarint(uint64(t.DB))
	w.str(t.Key)
	w.uvarint(t.Index)
	return w.flushRecord()
}

// Script records a cached script's body (its sha1 is recomputed).
func (w *Writer) Script(body []byte) error {
	w.buf = append(w.buf, tagScript)
	w.bytes(body)
	return w.flushRecord()
}

// Library records a function library's code; restoring loads it again.
func (w *Writer) Library(code []byte) error {
	w.buf = append(w.buf, tagLibrary)
	w.bytes(code)
	return w.flushRecord()
}

// Staged is a command whose log chunks have not all applied yet.
type Staged struct {
	Term, ID, Total uint64
	Data            []byte
}

// Staged records a partly received staged command.
func (w *Writer) Staged(st Staged) error {
	w.buf = append(w.buf, tagStaged)
	w.uvarint(st.Term)
	w.uvarint(st.ID)
	w.uvarint(st.Total)
	w.uvarint(uint64(len(st.Data)))
	// Data can be hundreds of MB: written straight to the stream.
	w.writeLarge(st.Data)
	w.count++
	return w.err
}

// User records an ACL user: its name and the rules that rebuild it.
func (w *Writer) User(name string, rules []string) error {
	w.buf = append(w.buf, tagUser)
	w.str(name)
	w.uvarint(uint64(len(rules)))
	for _, r := range rules {
		w.str(r)
	}
	return w.flushRecord()
}

// PeerSecret records the secret nodes authenticate to each other with.
func (w *Writer) PeerSecret(secret string) error {
	w.buf = append(w.buf, tagPeerSecret)
	w.str(secret)
	return w.flushRecord()
}

// Key writes one key. Large values are flushed as they are encoded, so a
// snapshot never holds the whole dataset in memory.
func (w *Writer) Key(k Key) error {
	w.keyHead(k)
	switch v := k.Value.(type) {
	case []byte:
		w.buf = append(w.buf, typeString)
		w.bytes(v)
	case *datatypes.Hash:
		w.buf = append(w.buf, typeHash)
		w.hash(v)
	case *datatypes.Set:
		w.buf = append(w.buf, typeSet)
		w.set(v)
	case *datatypes.List:
		w.buf = append(w.buf, typeList)
		w.list(v)
	case *datatypes.ZSet:
		w.buf = append(w.buf, typeZSet)
		w.zset(v)
	case *datatypes.Stream:
		w.buf = append(w.buf, typeStream)
		w.stream(v)
	default:
		w.buf = w.buf[:0]
		return fmt.Errorf("%w: %T", ErrUnknownValue, k.Value)
	}
	return w.flushRecord()
}

// StringKey is Key for a string value v (k.Value is ignored): a caller
// holding the bytes need not box them in an interface, an allocation per key.
func (w *Writer) StringKey(k Key, v []byte) error {
	w.keyHead(k)
	w.buf = append(w.buf, typeString)
	w.bytes(v)
	return w.flushRecord()
}

func (w *Writer) keyHead(k Key) {
	w.buf = append(w.buf, tagKey)
	w.buf = binary.AppendUvarint(w.buf, uint64(k.DB))
	w.str(k.Key)
	w.buf = binary.AppendVarint(w.buf, k.ExpireAt)
	w.buf = binary.AppendUvarint(w.buf, k.Version)
	if w.version >= 2 {
		w.buf = binary.AppendUvarint(w.buf, uint64(k.Pos))
	}
	w.buf = append(w.buf, k.Enc)
}

// Close writes the trailer (record count and CRC-32C of all preceding
// bytes) and flushes. It does not close the underlying writer.
func (w *Writer) Close() error {
	w.buf = append(w.buf, tagEnd)
	w.buf = binary.AppendUvarint(w.buf, w.count)
	if err := w.flushRecord(); err != nil {
		return err
	}
	if err := w.w.Flush(); err != nil {
		return err
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], w.crc.Sum32())
	_, err := w.w.Write(sum[:])
	if err == nil {
		err = w.w.Flush()
	}
	return err
}
