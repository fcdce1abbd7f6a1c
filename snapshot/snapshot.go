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
// versions up to it.
const Version = 1

var magic = [8]byte{'Q', 'U', 'O', 'R', 'I', 'S', 'N', 'P'}

// Record tags.
const (
	tagHeader byte = 'H'
	tagNode   byte = 'N'
	tagKey    byte = 'K'
	tagDB     byte = 'D'
	tagTomb   byte = 'T'
	tagEnd    byte = 'E'
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
	Enc      uint8 // the FSM's representation hint (string encodings)
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
}

// NewWriter starts a snapshot on w.
func NewWriter(w io.Writer) *Writer {
	crc := crc32.New(castagnoli)
	return &Writer{w: bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<16), crc: crc}
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
	w.buf = append(w.buf, b...)
	w.spill()
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
	w.buf = binary.AppendUvarint(w.buf, Version)
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

// Key writes one key. Large values are flushed as they are encoded, so a
// snapshot never holds the whole dataset in memory.
func (w *Writer) Key(k Key) error {
	w.buf = append(w.buf, tagKey)
	w.buf = binary.AppendUvarint(w.buf, uint64(k.DB))
	w.str(k.Key)
	w.buf = binary.AppendVarint(w.buf, k.ExpireAt)
	w.buf = binary.AppendUvarint(w.buf, k.Version)
	w.buf = append(w.buf, k.Enc)
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
	default:
		w.buf = w.buf[:0]
		return fmt.Errorf("%w: %T", ErrUnknownValue, k.Value)
	}
	return w.flushRecord()
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

// Reader reads a snapshot written by Writer.
type Reader struct {
	r     *bufio.Reader
	crc   hash.Hash32
	count uint64
	done  bool
	Head  Header
}

// NewReader reads and checks the header.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{r: bufio.NewReaderSize(r, 1<<16), crc: crc32.New(castagnoli)}
	var m [8]byte
	if err := rd.full(m[:]); err != nil || m != magic {
		return nil, fmt.Errorf("%w: bad magic", ErrCorrupt)
	}
	v, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	if v > Version || v == 0 {
		return nil, fmt.Errorf("%w: %d", ErrVersion, v)
	}
	tag, err := rd.byte()
	if err != nil || tag != tagHeader {
		return nil, fmt.Errorf("%w: missing header", ErrCorrupt)
	}
	if rd.Head.Now, err = rd.varint(); err != nil {
		return nil, err
	}
	dbs, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	rd.Head.Databases = int(dbs)
	rd.count = 1
	return rd, nil
}

func (rd *Reader) full(b []byte) error {
	if _, err := io.ReadFull(rd.r, b); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	rd.crc.Write(b)
	return nil
}

func (rd *Reader) byte() (byte, error) {
	var b [1]byte
	err := rd.full(b[:])
	return b[0], err
}

// ReadByte lets binary.ReadUvarint pull bytes through the checksum.
func (rd *Reader) ReadByte() (byte, error) { return rd.byte() }

func (rd *Reader) uvarint() (uint64, error) {
	v, err := binary.ReadUvarint(rd)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return v, nil
}

func (rd *Reader) varint() (int64, error) {
	v, err := binary.ReadVarint(rd)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return v, nil
}

// maxLen bounds a single length prefix so a corrupt file cannot make the
// reader allocate absurd buffers.
const maxLen = 1 << 32

func (rd *Reader) float() (float64, error) {
	var b [8]byte
	if err := rd.full(b[:]); err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b[:])), nil
}

func (rd *Reader) bytes() ([]byte, error) {
	n, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	if n > maxLen {
		return nil, fmt.Errorf("%w: length %d", ErrCorrupt, n)
	}
	b := make([]byte, n)
	return b, rd.full(b)
}

// Next returns the next record: a *Key, a *DBMeta, a *Tomb, or a [2]string
// node (id, addr).
// At the end of a valid snapshot it returns io.EOF after checking the
// record count and checksum.
func (rd *Reader) Next() (any, error) {
	if rd.done {
		return nil, io.EOF
	}
	tag, err := rd.byte()
	if err != nil {
		return nil, err
	}
	switch tag {
	case tagNode:
		id, err := rd.bytes()
		if err != nil {
			return nil, err
		}
		addr, err := rd.bytes()
		if err != nil {
			return nil, err
		}
		rd.count++
		return [2]string{string(id), string(addr)}, nil
	case tagDB:
		var m DBMeta
		db, err := rd.uvarint()
		if err != nil {
			return nil, err
		}
		m.DB = int(db)
		if m.TombFloor, err = rd.uvarint(); err != nil {
			return nil, err
		}
		if m.Flushed, err = rd.uvarint(); err != nil {
			return nil, err
		}
		rd.count++
		return &m, nil
	case tagTomb:
		db, err := rd.uvarint()
		if err != nil {
			return nil, err
		}
		key, err := rd.bytes()
		if err != nil {
			return nil, err
		}
		idx, err := rd.uvarint()
		if err != nil {
			return nil, err
		}
		rd.count++
		return &Tomb{DB: int(db), Key: string(key), Index: idx}, nil
	case tagKey:
		k, err := rd.key()
		if err != nil {
			return nil, err
		}
		rd.count++
		return k, nil
	case tagEnd:
		n, err := rd.uvarint()
		if err != nil {
			return nil, err
		}
		want := rd.crc.Sum32()
		var sum [4]byte
		if _, err := io.ReadFull(rd.r, sum[:]); err != nil {
			return nil, fmt.Errorf("%w: missing checksum", ErrCorrupt)
		}
		if n != rd.count || binary.LittleEndian.Uint32(sum[:]) != want {
			return nil, fmt.Errorf("%w: checksum or record count mismatch", ErrCorrupt)
		}
		rd.done = true
		return nil, io.EOF
	default:
		return nil, fmt.Errorf("%w: unknown record tag %q", ErrCorrupt, tag)
	}
}

func (rd *Reader) key() (*Key, error) {
	db, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	name, err := rd.bytes()
	if err != nil {
		return nil, err
	}
	k := &Key{DB: int(db), Key: string(name)}
	if k.ExpireAt, err = rd.varint(); err != nil {
		return nil, err
	}
	if k.Version, err = rd.uvarint(); err != nil {
		return nil, err
	}
	if k.Enc, err = rd.byte(); err != nil {
		return nil, err
	}
	typ, err := rd.byte()
	if err != nil {
		return nil, err
	}
	switch typ {
	case typeString:
		if k.Value, err = rd.bytes(); err != nil {
			return nil, err
		}
	case typeHash:
		if k.Value, err = rd.hash(); err != nil {
			return nil, err
		}
	case typeSet:
		if k.Value, err = rd.set(); err != nil {
			return nil, err
		}
	case typeList:
		if k.Value, err = rd.list(); err != nil {
			return nil, err
		}
	case typeZSet:
		if k.Value, err = rd.zset(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: unknown value type %q", ErrCorrupt, typ)
	}
	return k, nil
}
