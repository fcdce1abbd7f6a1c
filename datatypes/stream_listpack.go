package datatypes

import (
	"github.com/quoris/quoris/datatypes/rdb"
)

// Redis decides where a stream node ends by the node listpack's exact
// size (stream-node-max-bytes), so the stream computes the bytes each
// element takes in a listpack: its encoding and data, then its back-length.

// lpBacklen is the back-length's size for an element of l bytes.
func lpBacklen(l int) int { return rdb.BacklenSize(uint64(l)) }

// lpInt is the size of an integer element (lpEncodeIntegerGetType).
func lpInt(v int64) int {
	var enc int
	switch {
	case v >= 0 && v <= 127:
		enc = 1
	case v >= -4096 && v <= 4095:
		enc = 2
	case v >= -32768 && v <= 32767:
		enc = 3
	case v >= -8388608 && v <= 8388607:
		enc = 4
	case v >= -2147483648 && v <= 2147483647:
		enc = 5
	default:
		enc = 9
	}
	return enc + lpBacklen(enc)
}

// lpElem is the size of a string element: an integer if it reads as one
// (lpStringToInt64), else a 6-, 12- or 32-bit length and the bytes.
func lpElem(b []byte) int {
	if v, ok := ParseInt(b); ok {
		return lpInt(v)
	}
	enc := len(b) + 1
	if len(b) >= 4096 {
		enc = len(b) + 5
	} else if len(b) >= 64 {
		enc = len(b) + 2
	}
	return enc + lpBacklen(enc)
}

// lpHeader is a listpack's header (total bytes, element count) and end byte.
const lpHeader = 6 + 1

// newNodeBase is a new node's size without its live and deleted counters:
// header, the master fields (count, fields, zero terminator).
func newNodeBase(fv [][]byte) int {
	n := lpHeader + lpInt(int64(len(fv)/2)) + lpInt(0)
	for i := 0; i < len(fv); i += 2 {
		n += lpElem(fv[i])
	}
	return n
}

// lpEntryBytes is what appending an entry adds to its node's listpack
// (streamAppendItem): flags, ms and seq deltas from the master ID, then
// either the values alone (same fields as the master) or the field count
// and pairs, then lp-count for reverse iteration: the entry's elements but
// lp-count itself (values + 3, or 2 x fields + 4).
func lpEntryBytes(master StreamID, masterFields [][]byte, id StreamID, fv [][]byte) int {
	nf := int64(len(fv) / 2)
	n := lpInt(2) + lpInt(int64(id.Ms-master.Ms)) + lpInt(int64(id.Seq-master.Seq))
	if rdb.SameFields(masterFields, fv) {
		for i := 1; i < len(fv); i += 2 {
			n += lpElem(fv[i])
		}
		return n + lpInt(nf+3)
	}
	n += lpInt(nf)
	for _, b := range fv {
		n += lpElem(b)
	}
	return n + lpInt(2*nf+4)
}

// lpBytes is the node listpack's current size.
func (n *streamNode) lpBytes() int { return n.base + lpInt(int64(n.live)) + lpInt(int64(n.deleted)) }
