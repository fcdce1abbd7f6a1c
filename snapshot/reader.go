package snapshot

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// readBufSize is the Reader's window on the stream. Decoding straight out
// of one large buffer keeps varints, tags and short strings off io.Reader
// calls (a restore decodes tens of millions of them), and lets the
// checksum run over whole spans instead of byte by byte.
const readBufSize = 1 << 20

// maxLen bounds a single length prefix so a corrupt file cannot make the
// reader allocate absurd buffers.
const maxLen = 1 << 32

// Kind is the kind of record Read decoded.
type Kind uint8

// Record kinds.
const (
	KindNode Kind = iota + 1
	KindKey
	KindDB
	KindTomb
	KindSetting
	KindScript     // Record.Code: a cached script's body
	KindLibrary    // Record.Code: a function library's code
	KindStaged     // Record.Staged: a command staged in chunks, not yet complete
	KindUser       // Record.Strs: an ACL user's name, then its rules
	KindPeerSecret // Record.Setting[1]: the node-to-node secret
)

// Record is one decoded record. Kind says which other field Read set; the
// others keep whatever they held, so one Record can be reused for a whole
// stream without allocating per record.
type Record struct {
	Kind Kind
	Node [2]string // cluster member: id, RESP address
	// Setting is a replicated configuration setting: name, value.
	Setting [2]string
	Key     Key
	DB      DBMeta
	Tomb    Tomb
	Code    []byte   // KindScript, KindLibrary
	Staged  Staged   // KindStaged
	Strs    []string // KindUser
	// Name, and Str when Key.Value is nil (a string value), carry a key
	// record from ReadBorrow in place of Key.Key and Key.Value.
	Name, Str []byte
}

// Reader reads a snapshot written by Writer.
type Reader struct {
	src io.Reader
	buf []byte
	// buf[r:w] is read from src and not yet decoded; buf[sum:r] is decoded
	// and not yet added to crc. Bytes enter the checksum once decoded, so
	// at the trailer crc covers exactly what precedes it.
	r, w, sum int
	crc       uint32
	srcErr    error // what src returned last; reading stops there
	count     uint64
	done      bool
	format    uint64 // the stream's format version
	Head      Header
}

// NewReader reads and checks the header.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{src: r, buf: make([]byte, readBufSize)}
	if !rd.fill(len(magic)) || [8]byte(rd.buf[:8]) != magic {
		return nil, fmt.Errorf("%w: bad magic", ErrCorrupt)
	}
	rd.r = len(magic)
	v, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	if v > Version || v == 0 {
		return nil, fmt.Errorf("%w: %d", ErrVersion, v)
	}
	rd.format = v
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

func (rd *Reader) corrupt(what string) error {
	if rd.srcErr != nil && rd.srcErr != io.EOF {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, what, rd.srcErr)
	}
	return fmt.Errorf("%w: %s", ErrCorrupt, what)
}

// fill tries to make n bytes (n <= len(buf)) available at buf[r:], and
// reports whether it did; short only at the end of the stream.
func (rd *Reader) fill(n int) bool {
	if rd.w-rd.r >= n {
		return true
	}
	rd.crc = crc32.Update(rd.crc, castagnoli, rd.buf[rd.sum:rd.r])
	rd.w = copy(rd.buf, rd.buf[rd.r:rd.w])
	rd.r, rd.sum = 0, 0
	for rd.w < n && rd.srcErr == nil {
		m, err := rd.src.Read(rd.buf[rd.w:])
		rd.w += m
		rd.srcErr = err
	}
	return rd.w >= n
}

func (rd *Reader) byte() (byte, error) {
	if rd.r == rd.w && !rd.fill(1) {
		return 0, rd.corrupt("truncated")
	}
	rd.r++
	return rd.buf[rd.r-1], nil
}

func (rd *Reader) uvarint() (uint64, error) {
	rd.fill(binary.MaxVarintLen64) // may come up short at the very end; Uvarint tells
	v, n := binary.Uvarint(rd.buf[rd.r:rd.w])
	if n <= 0 {
		return 0, rd.corrupt("bad varint")
	}
	rd.r += n
	return v, nil
}

func (rd *Reader) varint() (int64, error) {
	rd.fill(binary.MaxVarintLen64)
	v, n := binary.Varint(rd.buf[rd.r:rd.w])
	if n <= 0 {
		return 0, rd.corrupt("bad varint")
	}
	rd.r += n
	return v, nil
}

func (rd *Reader) float() (float64, error) {
	if !rd.fill(8) {
		return 0, rd.corrupt("truncated")
	}
	rd.r += 8
	return math.Float64frombits(binary.LittleEndian.Uint64(rd.buf[rd.r-8:])), nil
}

func (rd *Reader) length() (int, error) {
	n, err := rd.uvarint()
	if err != nil {
		return 0, err
	}
	if n > maxLen {
		return 0, fmt.Errorf("%w: length %d", ErrCorrupt, n)
	}
	return int(n), nil
}

// readInto fills b from the stream, through the buffer so the checksum
// sees every byte in order.
func (rd *Reader) readInto(b []byte) error {
	for len(b) > 0 {
		if rd.r == rd.w && !rd.fill(1) {
			return rd.corrupt("truncated")
		}
		c := copy(b, rd.buf[rd.r:rd.w])
		rd.r += c
		b = b[c:]
	}
	return nil
}

func (rd *Reader) bytes() ([]byte, error) {
	n, err := rd.length()
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	return b, rd.readInto(b)
}

// str is bytes for a value kept as a string: one allocation, not two.
func (rd *Reader) str() (string, error) {
	n, err := rd.length()
	if err != nil {
		return "", err
	}
	if n <= len(rd.buf) {
		if !rd.fill(n) {
			return "", rd.corrupt("truncated")
		}
		rd.r += n
		return string(rd.buf[rd.r-n : rd.r]), nil
	}
	b := make([]byte, n)
	return string(b), rd.readInto(b)
}

// Setting is a replicated configuration setting as Next returns it.
type Setting struct{ Name, Value string }

// Next is Read returning a fresh record: a *Key, a *DBMeta, a *Tomb, a
// Setting, a [2]string node (id, addr), a *Staged, or a Record of
// KindScript or KindLibrary. It allocates per record; a restore uses Read.
func (rd *Reader) Next() (any, error) {
	var rec Record
	if err := rd.Read(&rec); err != nil {
		return nil, err
	}
	switch rec.Kind {
	case KindNode:
		return rec.Node, nil
	case KindSetting:
		return Setting{Name: rec.Setting[0], Value: rec.Setting[1]}, nil
	case KindDB:
		return &rec.DB, nil
	case KindTomb:
		return &rec.Tomb, nil
	case KindScript, KindLibrary, KindUser, KindPeerSecret:
		return rec, nil
	case KindStaged:
		return &rec.Staged, nil
	default:
		return &rec.Key, nil
	}
}

// Read decodes the next record into rec. At the end of a valid snapshot
// it returns io.EOF after checking the record count and checksum. Strings
// and values in rec are freshly allocated: the caller may keep them.
func (rd *Reader) Read(rec *Record) error { return rd.read(rec, false) }

// ReadBorrow is Read for a caller that copies a key's name and a string
// value anyway (a restore building its own entries): a key record comes as
// rec.Name and, for a string, rec.Str (Key.Value nil), usually views into
// the reader's buffer, valid only until the next call. That spares two
// allocations and copies per key. Other values are in Key.Value as usual.
func (rd *Reader) ReadBorrow(rec *Record) error { return rd.read(rec, true) }

func (rd *Reader) read(rec *Record, borrow bool) error {
	if rd.done {
		return io.EOF
	}
	tag, err := rd.byte()
	if err != nil {
		return err
	}
	switch tag {
	case tagNode:
		rec.Kind = KindNode
		if rec.Node[0], err = rd.str(); err != nil {
			return err
		}
		if rec.Node[1], err = rd.str(); err != nil {
			return err
		}
	case tagSetting:
		rec.Kind = KindSetting
		if rec.Setting[0], err = rd.str(); err != nil {
			return err
		}
		if rec.Setting[1], err = rd.str(); err != nil {
			return err
		}
	case tagDB:
		rec.Kind = KindDB
		db, err := rd.uvarint()
		if err != nil {
			return err
		}
		rec.DB.DB = int(db)
		if rec.DB.TombFloor, err = rd.uvarint(); err != nil {
			return err
		}
		if rec.DB.Flushed, err = rd.uvarint(); err != nil {
			return err
		}
	case tagTomb:
		rec.Kind = KindTomb
		db, err := rd.uvarint()
		if err != nil {
			return err
		}
		rec.Tomb.DB = int(db)
		if rec.Tomb.Key, err = rd.str(); err != nil {
			return err
		}
		if rec.Tomb.Index, err = rd.uvarint(); err != nil {
			return err
		}
	case tagUser:
		rec.Kind = KindUser
		name, err := rd.str()
		if err != nil {
			return err
		}
		n, err := rd.uvarint()
		if err != nil {
			return err
		}
		if n > 1<<20 {
			return fmt.Errorf("%w: user with %d rules", ErrCorrupt, n)
		}
		rec.Strs = append(make([]string, 0, n+1), name)
		for i := uint64(0); i < n; i++ {
			s, err := rd.str()
			if err != nil {
				return err
			}
			rec.Strs = append(rec.Strs, s)
		}
	case tagPeerSecret:
		rec.Kind = KindPeerSecret
		if rec.Setting[1], err = rd.str(); err != nil {
			return err
		}
	case tagScript, tagLibrary:
		rec.Kind = KindScript
		if tag == tagLibrary {
			rec.Kind = KindLibrary
		}
		n, err := rd.uvarint()
		if err != nil {
			return err
		}
		if n > 1<<30 {
			return fmt.Errorf("%w: script of %d bytes", ErrCorrupt, n)
		}
		rec.Code = make([]byte, n)
		if err := rd.readInto(rec.Code); err != nil {
			return err
		}
	case tagStaged:
		rec.Kind = KindStaged
		if err := rd.staged(&rec.Staged); err != nil {
			return err
		}
	case tagKey:
		rec.Kind = KindKey
		if borrow && rd.borrowString(rec) {
			break
		}
		if err := rd.key(rec, borrow); err != nil {
			return err
		}
	case tagEnd:
		return rd.trailer()
	default:
		return fmt.Errorf("%w: unknown record tag %q", ErrCorrupt, tag)
	}
	rd.count++
	return nil
}

func (rd *Reader) staged(st *Staged) error {
	var err error
	if st.Term, err = rd.uvarint(); err != nil {
		return err
	}
	if st.ID, err = rd.uvarint(); err != nil {
		return err
	}
	if st.Total, err = rd.uvarint(); err != nil {
		return err
	}
	n, err := rd.length()
	if err != nil {
		return err
	}
	if uint64(n) > st.Total {
		return fmt.Errorf("%w: staged command holds %d of %d bytes", ErrCorrupt, n, st.Total)
	}
	st.Data = make([]byte, n)
	return rd.readInto(st.Data)
}

// trailer checks the record count and the checksum of every byte before it.
func (rd *Reader) trailer() error {
	n, err := rd.uvarint()
	if err != nil {
		return err
	}
	rd.crc = crc32.Update(rd.crc, castagnoli, rd.buf[rd.sum:rd.r])
	rd.sum = rd.r
	if !rd.fill(4) {
		return fmt.Errorf("%w: missing checksum", ErrCorrupt)
	}
	got := binary.LittleEndian.Uint32(rd.buf[rd.r:])
	rd.r += 4
	rd.sum = rd.r
	if n != rd.count || got != rd.crc {
		return fmt.Errorf("%w: checksum or record count mismatch", ErrCorrupt)
	}
	rd.done = true
	return io.EOF
}

// key decodes a key record; with borrow, its name goes to rec.Name and a
// string value to rec.Str, as ReadBorrow documents (here always owned).
func (rd *Reader) key(rec *Record, borrow bool) error {
	k := &rec.Key
	db, err := rd.uvarint()
	if err != nil {
		return err
	}
	k.DB = int(db)
	if borrow {
		k.Key = ""
		if rec.Name, err = rd.bytes(); err != nil {
			return err
		}
	} else if k.Key, err = rd.str(); err != nil {
		return err
	}
	if k.ExpireAt, err = rd.varint(); err != nil {
		return err
	}
	if k.Version, err = rd.uvarint(); err != nil {
		return err
	}
	k.Pos = 0
	if rd.format >= 2 {
		pos, err := rd.uvarint()
		if err != nil {
			return err
		}
		if pos > math.MaxUint16 {
			return rd.corrupt("key position out of range")
		}
		k.Pos = uint16(pos)
	}
	if k.Enc, err = rd.byte(); err != nil {
		return err
	}
	typ, err := rd.byte()
	if err != nil {
		return err
	}
	k.Value, rec.Str = nil, nil
	switch typ {
	case typeString:
		b, err := rd.bytes()
		if err != nil {
			return err
		}
		if borrow {
			rec.Str = b
		} else {
			k.Value = b
		}
	case typeHash:
		h, err := rd.hash()
		if err != nil {
			return err
		}
		k.Value = h
	case typeSet:
		s, err := rd.set()
		if err != nil {
			return err
		}
		k.Value = s
	case typeList:
		l, err := rd.list()
		if err != nil {
			return err
		}
		k.Value = l
	case typeZSet:
		z, err := rd.zset()
		if err != nil {
			return err
		}
		k.Value = z
	case typeStream:
		x, err := rd.stream()
		if err != nil {
			return err
		}
		k.Value = x
	default:
		return fmt.Errorf("%w: unknown value type %q", ErrCorrupt, typ)
	}
	return nil
}

// borrowString decodes a string key whose whole record is in the buffer,
// taking its name and value as views of the buffer; it reports false,
// consuming nothing, for any other record, which key then decodes (and
// checks) the ordinary way. A record cut by the end of the buffer gets one
// refill first, so only records longer than the buffer miss this path.
func (rd *Reader) borrowString(rec *Record) bool {
	if rd.peekString(rec) {
		return true
	}
	if rd.r > 0 && rd.w-rd.r < len(rd.buf)/2 {
		rd.fill(len(rd.buf))
		return rd.peekString(rec)
	}
	return false
}

func (rd *Reader) peekString(rec *Record) bool {
	p := rd.buf[rd.r:rd.w]
	i := 0
	uv := func() (uint64, bool) {
		v, n := binary.Uvarint(p[i:])
		i += max(n, 0)
		return v, n > 0
	}
	view := func() ([]byte, bool) {
		n, ok := uv()
		if !ok || n > uint64(len(p)-i) {
			return nil, false
		}
		b := p[i : i+int(n) : i+int(n)]
		i += int(n)
		return b, true
	}
	db, ok := uv()
	if !ok {
		return false
	}
	name, ok := view()
	if !ok {
		return false
	}
	exp, n := binary.Varint(p[i:])
	if n <= 0 {
		return false
	}
	i += n
	ver, ok := uv()
	if !ok {
		return false
	}
	var pos uint64
	if rd.format >= 2 {
		if pos, ok = uv(); !ok || pos > math.MaxUint16 {
			return false
		}
	}
	if len(p)-i < 2 || p[i+1] != typeString {
		return false
	}
	enc := p[i]
	i += 2
	val, ok := view()
	if !ok {
		return false
	}
	rd.r += i
	rec.Key = Key{DB: int(db), ExpireAt: exp, Version: ver, Pos: uint16(pos), Enc: enc}
	rec.Name, rec.Str = name, val
	return true
}
