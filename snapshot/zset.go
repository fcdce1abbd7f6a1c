package snapshot

import (
	"fmt"

	"github.com/quoris/quoris/datatypes"
)

// A sorted set is its encoding (so OBJECT ENCODING survives a restore),
// its member count, then (member, score) pairs in score order. Scores are
// raw float64 bits: a skiplist's -0 must come back as -0.
const (
	zsetListpack = 0
	zsetSkiplist = 1
)

func (w *Writer) zset(z *datatypes.ZSet) {
	if z.IsSkiplist() {
		w.uvarint(zsetSkiplist)
	} else {
		w.uvarint(zsetListpack)
	}
	w.uvarint(uint64(z.Len()))
	z.Each(func(e datatypes.ZItem) bool {
		w.str(e.Member)
		w.float(e.Score)
		w.spill()
		return w.err == nil
	})
}

func (rd *Reader) zset() (*datatypes.ZSet, error) {
	enc, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	if enc != zsetListpack && enc != zsetSkiplist {
		return nil, fmt.Errorf("%w: zset encoding %d", ErrCorrupt, enc)
	}
	n, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	z := datatypes.NewZSetEncoded(enc == zsetSkiplist)
	var prev datatypes.ZItem
	for i := uint64(0); i < n; i++ {
		m, err := rd.str()
		if err != nil {
			return nil, err
		}
		score, err := rd.float()
		if err != nil {
			return nil, err
		}
		e := datatypes.ZItem{Score: score, Member: m}
		// Append relies on the order; a stream out of order (or with a
		// NaN) would corrupt the set's invariants.
		if score != score || (i > 0 && !datatypes.ZLess(prev, e)) {
			return nil, fmt.Errorf("%w: zset members out of order", ErrCorrupt)
		}
		if !z.Append(e.Member, e.Score) {
			return nil, fmt.Errorf("%w: duplicate zset member", ErrCorrupt)
		}
		prev = e
	}
	return z, nil
}
