package rdb

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

// RDB object types (rdb.h). Redis 7.0 writes 0, 2, 4, 5, 11, 16, 17, 18
// and 19, and reads every one of them.
const (
	TypeString            = 0
	TypeList              = 1
	TypeSet               = 2
	TypeZSet              = 3
	TypeHash              = 4
	TypeZSet2             = 5
	TypeModule            = 6
	TypeModule2           = 7
	TypeHashZipmap        = 9
	TypeListZiplist       = 10
	TypeSetIntset         = 11
	TypeZSetZiplist       = 12
	TypeHashZiplist       = 13
	TypeListQuicklist     = 14
	TypeStreamListpacks   = 15
	TypeHashListpack      = 16
	TypeZSetListpack      = 17
	TypeListQuicklist2    = 18
	TypeStreamListpacks2  = 19
	quicklistNodePlain    = 1
	quicklistNodePacked   = 2
	quicklistFillBytes    = 8192    // list-max-listpack-size -2
	quicklistLargeElement = 1 << 30 // packed_threshold
)

// Version is the RDB version Redis 7.0 writes (and the newest it reads).
const Version = 10

// ErrChecksum is a DUMP payload whose RDB version or CRC is wrong.
var ErrChecksum = errors.New("rdb: payload version or checksum are wrong")

// ErrUnsupported is a well-formed value of a type this codec does not
// hold (module values).
var ErrUnsupported = errors.New("rdb: unsupported value type")

// Kind is a value's Redis type.
type Kind uint8

const (
	KindString Kind = iota
	KindList
	KindSet
	KindZSet
	KindHash
	KindStream
)

// ZEntry is one sorted-set member.
type ZEntry struct {
	Member []byte
	Score  float64
}

// Value is a decoded (or to be encoded) Redis value.
type Value struct {
	Kind    Kind
	Str     []byte   // KindString
	Elems   [][]byte // KindList: head to tail; KindSet: members
	Pairs   [][]byte // KindHash: field, value, field, value... in encoding order
	ZSet    []ZEntry // KindZSet: ascending by score then member
	Compact bool     // intset (sets) or listpack (hashes, sorted sets)
	Stream  *Stream  // KindStream
}

// Limits are the encoding thresholds a loaded value is converted by, as
// Redis's configuration sets them.
type Limits struct {
	SetMaxIntsetEntries  int
	HashMaxListpackEntry int
	HashMaxListpackValue int
	ZSetMaxListpackEntry int
	ZSetMaxListpackValue int
}

// DefaultLimits are Redis 7.0's compiled-in defaults.
var DefaultLimits = Limits{512, 512, 64, 128, 64}

// --- encoding ------------------------------------------------------------------

// Dump returns v's DUMP payload: type, value, RDB version, CRC64.
func Dump(v *Value) []byte {
	b := AppendValue(nil, v)
	b = binary.LittleEndian.AppendUint16(b, Version)
	return binary.LittleEndian.AppendUint64(b, CRC64(0, b))
}

// AppendValue appends v's type byte and serialised value as Redis 7.0's
// rdbSaveObjectType and rdbSaveObject write them.
func AppendValue(dst []byte, v *Value) []byte {
	switch v.Kind {
	case KindString:
		return AppendString(append(dst, TypeString), v.Str)
	case KindList:
		dst = append(dst, TypeListQuicklist2)
		nodes := quicklistNodes(v.Elems)
		dst = AppendLen(dst, uint64(len(nodes)))
		for _, n := range nodes {
			if n.plain != nil {
				dst = AppendString(AppendLen(dst, quicklistNodePlain), n.plain)
				continue
			}
			dst = AppendString(AppendLen(dst, quicklistNodePacked), n.lp)
		}
		return dst
	case KindStream:
		return appendStream(dst, v.Stream)
	case KindSet:
		if vals, ok := sortedInts(v.Elems); ok && v.Compact {
			return AppendString(append(dst, TypeSetIntset), AppendIntset(nil, vals))
		}
		dst = AppendLen(append(dst, TypeSet), uint64(len(v.Elems)))
		for _, m := range v.Elems {
			dst = AppendString(dst, m)
		}
		return dst
	case KindZSet:
		if v.Compact {
			lp := NewListpack()
			var num []byte
			for _, e := range v.ZSet {
				lp.Append(e.Member)
				num = appendListpackScore(num[:0], e.Score)
				lp.Append(num)
			}
			return AppendString(append(dst, TypeZSetListpack), lp.Bytes())
		}
		// From the greatest to the smallest, so loading inserts at the head.
		dst = AppendLen(append(dst, TypeZSet2), uint64(len(v.ZSet)))
		for i := len(v.ZSet) - 1; i >= 0; i-- {
			dst = AppendBinaryDouble(AppendString(dst, v.ZSet[i].Member), v.ZSet[i].Score)
		}
		return dst
	default: // KindHash
		if v.Compact {
			lp := NewListpack()
			for _, s := range v.Pairs {
				lp.Append(s)
			}
			return AppendString(append(dst, TypeHashListpack), lp.Bytes())
		}
		dst = AppendLen(append(dst, TypeHash), uint64(len(v.Pairs)/2))
		for _, s := range v.Pairs {
			dst = AppendString(dst, s)
		}
		return dst
	}
}

// appendListpackScore is the text zzlInsertAt stores: an integer when
// double2ll accepts the score, else "%.17g" (inf as "inf").
func appendListpackScore(dst []byte, f float64) []byte {
	const lim = float64(math.MaxInt64 / 2)
	if f >= -lim && f <= lim && float64(int64(f)) == f {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

type qlNode struct {
	lp    []byte
	plain []byte
}

// quicklistNodes packs elements as RPUSH fills a Redis 7.0 quicklist with
// list-max-listpack-size -2: an element joins the tail node while the
// node's size plus the element's length plus 8 stays within 8 KB
// (_quicklistNodeAllowInsert); a huge element gets a plain node.
func quicklistNodes(elems [][]byte) []qlNode {
	var nodes []qlNode
	var cur *Listpack
	flush := func() {
		if cur != nil {
			nodes = append(nodes, qlNode{lp: cur.Bytes()})
			cur = nil
		}
	}
	for _, e := range elems {
		sz := len(e)
		if sz >= quicklistLargeElement {
			flush()
			nodes = append(nodes, qlNode{plain: e})
			continue
		}
		// SIZE_ESTIMATE_OVERHEAD: 8 bytes per entry, an overestimate.
		if cur != nil && cur.Size()+sz+8 > quicklistFillBytes {
			flush()
		}
		if cur == nil {
			cur = NewListpack()
		}
		cur.Append(e)
	}
	flush()
	return nodes
}
