package snapshot

import (
	"fmt"

	"github.com/quoris/quoris/datatypes"
)

// A hash is its encoding (so OBJECT ENCODING survives a restore), its
// field count, then field/value pairs in encoding order, which for a
// listpack is the insertion order HGETALL reveals.
const (
	hashListpack  = 0
	hashHashtable = 1
)

func (w *Writer) hash(h *datatypes.Hash) {
	if h.IsListpack() {
		w.uvarint(hashListpack)
	} else {
		w.uvarint(hashHashtable)
	}
	w.uvarint(uint64(h.Len()))
	h.Each(func(f, v string) bool {
		w.str(f)
		w.str(v)
		w.spill()
		return w.err == nil
	})
}

func (rd *Reader) hash() (*datatypes.Hash, error) {
	enc, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	if enc != hashListpack && enc != hashHashtable {
		return nil, fmt.Errorf("%w: hash encoding %d", ErrCorrupt, enc)
	}
	n, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	h := datatypes.NewHashEncoded(enc == hashListpack)
	for ; n > 0; n-- {
		f, err := rd.str()
		if err != nil {
			return nil, err
		}
		v, err := rd.str()
		if err != nil {
			return nil, err
		}
		h.Append(f, v)
	}
	return h, nil
}
