package snapshot

import "github.com/quoris/quoris/datatypes"

// A list is its length, then its elements from head to tail. Redis 7.0
// has one list encoding (quicklist), so there is nothing more to keep.

func (w *Writer) list(l *datatypes.List) {
	w.uvarint(uint64(l.Len()))
	l.Ascend(0, func(_ int, v []byte) bool {
		w.bytes(v)
		return w.err == nil
	})
}

func (rd *Reader) list() (*datatypes.List, error) {
	n, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	l := datatypes.NewList()
	for ; n > 0; n-- {
		v, err := rd.bytes()
		if err != nil {
			return nil, err
		}
		l.PushRight(v)
	}
	return l, nil
}
