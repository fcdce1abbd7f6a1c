package snapshot

import (
	"fmt"

	"github.com/quoris/quoris/datatypes"
)

// A set is its encoding (so OBJECT ENCODING survives a restore), its
// member count, then the members in encoding order.
const (
	setIntset    = 0
	setHashtable = 1
)

func (w *Writer) set(s *datatypes.Set) {
	if s.IsIntset() {
		w.uvarint(setIntset)
	} else {
		w.uvarint(setHashtable)
	}
	w.uvarint(uint64(s.Len()))
	s.Each(func(m string) bool {
		w.str(m)
		w.spill()
		return w.err == nil
	})
}

func (rd *Reader) set() (*datatypes.Set, error) {
	enc, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	if enc != setIntset && enc != setHashtable {
		return nil, fmt.Errorf("%w: set encoding %d", ErrCorrupt, enc)
	}
	n, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	s := datatypes.NewSetEncoded(enc == setIntset)
	for ; n > 0; n-- {
		m, err := rd.str()
		if err != nil {
			return nil, err
		}
		s.Append(m)
	}
	return s, nil
}
