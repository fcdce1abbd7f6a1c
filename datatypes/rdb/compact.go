package rdb

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
)

// --- intset ----------------------------------------------------------------

// AppendIntset appends the intset holding vals (sorted ascending, no
// duplicates) in the narrowest encoding that fits them all, as a set built
// by SADD has unless a wider member was removed since.
func AppendIntset(dst []byte, vals []int64) []byte {
	w := 2
	for _, v := range vals {
		switch {
		case v < math.MinInt32 || v > math.MaxInt32:
			w = 8
		case (v < math.MinInt16 || v > math.MaxInt16) && w < 4:
			w = 4
		}
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(w))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(vals)))
	for _, v := range vals {
		switch w {
		case 2:
			dst = binary.LittleEndian.AppendUint16(dst, uint16(v))
		case 4:
			dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
		default:
			dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
		}
	}
	return dst
}

// IntsetValues validates an intset (header, size, non-empty, strictly
// ascending) and returns its members.
func IntsetValues(b []byte) ([]int64, error) {
	if len(b) < 8 {
		return nil, ErrFormat
	}
	w := binary.LittleEndian.Uint32(b)
	n := binary.LittleEndian.Uint32(b[4:])
	if (w != 2 && w != 4 && w != 8) || n == 0 || uint64(len(b)) != 8+uint64(n)*uint64(w) {
		return nil, ErrFormat
	}
	vals := make([]int64, n)
	for i := range vals {
		p := b[8+i*int(w):]
		switch w {
		case 2:
			vals[i] = int64(int16(binary.LittleEndian.Uint16(p)))
		case 4:
			vals[i] = int64(int32(binary.LittleEndian.Uint32(p)))
		default:
			vals[i] = int64(binary.LittleEndian.Uint64(p))
		}
		if i > 0 && vals[i] <= vals[i-1] {
			return nil, ErrFormat
		}
	}
	return vals, nil
}

// --- ziplist (RDB types before 7.0) ------------------------------------------

// ZiplistEach validates a ziplist completely and calls fn with each
// entry's text.
func ZiplistEach(zl []byte, fn func(s []byte) error) error {
	const hdr = 10
	if len(zl) < hdr+1 || int(binary.LittleEndian.Uint32(zl)) != len(zl) || zl[len(zl)-1] != 0xFF {
		return ErrFormat
	}
	tail := int(binary.LittleEndian.Uint32(zl[4:]))
	want := int(binary.LittleEndian.Uint16(zl[8:]))
	var num [20]byte
	p, count, prevLen, last := hdr, 0, 0, hdr
	for zl[p] != 0xFF {
		start := p
		plen := int(zl[p])
		p++
		if plen == 254 {
			if p+4 > len(zl) {
				return ErrFormat
			}
			plen = int(binary.LittleEndian.Uint32(zl[p:]))
			p += 4
		}
		if plen != prevLen || p >= len(zl) {
			return ErrFormat
		}
		e := zl[p]
		var s []byte
		var ival int64
		isInt, w := true, 0
		switch {
		case e>>6 == 0, e>>6 == 1, e == 0x80:
			var n, h int
			switch {
			case e>>6 == 0:
				n, h = int(e&0x3F), 1
			case e>>6 == 1:
				if p+2 > len(zl) {
					return ErrFormat
				}
				n, h = int(e&0x3F)<<8|int(zl[p+1]), 2
			default:
				if p+5 > len(zl) {
					return ErrFormat
				}
				n, h = int(binary.BigEndian.Uint32(zl[p+1:])), 5
			}
			if n < 0 || p+h+n >= len(zl) {
				return ErrFormat
			}
			s, isInt = zl[p+h:p+h+n], false
			p += h + n
		case e == 0xC0:
			w = 2
		case e == 0xD0:
			w = 4
		case e == 0xE0:
			w = 8
		case e == 0xF0:
			w = 3
		case e == 0xFE:
			w = 1
		case e >= 0xF1 && e <= 0xFD:
			ival = int64(e&0x0F) - 1
			p++
		default:
			return ErrFormat
		}
		if w > 0 {
			if p+1+w >= len(zl) {
				return ErrFormat
			}
			var u uint64
			for k := w - 1; k >= 0; k-- {
				u = u<<8 | uint64(zl[p+1+k])
			}
			shift := uint(64 - 8*w)
			ival = int64(u<<shift) >> shift
			p += 1 + w
		}
		if p >= len(zl) {
			return ErrFormat
		}
		if isInt {
			s = strconv.AppendInt(num[:0], ival, 10)
		}
		if err := fn(s); err != nil {
			return err
		}
		prevLen, last = p-start, start
		count++
	}
	if p != len(zl)-1 || tail != last || (want != 0xFFFF && want != count) {
		return ErrFormat
	}
	return nil
}

// --- zipmap (hashes in RDB files of Redis 2.4 and earlier) -------------------

// ZipmapEach validates a zipmap and calls fn with each field and value.
func ZipmapEach(zm []byte, fn func(field, value []byte) error) error {
	if len(zm) < 2 || zm[len(zm)-1] != 0xFF {
		return ErrFormat
	}
	want := int(zm[0])
	p, count := 1, 0
	readLen := func() (int, bool) {
		if p >= len(zm) {
			return 0, false
		}
		b := zm[p]
		if b < 254 {
			p++
			return int(b), true
		}
		if b == 254 && p+5 <= len(zm) {
			n := binary.LittleEndian.Uint32(zm[p+1:])
			p += 5
			return int(n), uint64(n) < uint64(len(zm))
		}
		return 0, false
	}
	for p < len(zm) && zm[p] != 0xFF {
		fl, ok := readLen()
		if !ok || p+fl > len(zm) {
			return ErrFormat
		}
		field := zm[p : p+fl]
		p += fl
		vl, ok := readLen()
		if !ok || p >= len(zm) {
			return ErrFormat
		}
		free := int(zm[p])
		p++
		if p+vl+free > len(zm)-1 {
			return ErrFormat
		}
		value := zm[p : p+vl]
		p += vl + free
		if err := fn(field, value); err != nil {
			return err
		}
		count++
	}
	if p != len(zm)-1 || (want < 254 && want != count) {
		return ErrFormat
	}
	return nil
}

// sortedInts reports whether every member is a strict decimal integer and
// returns them sorted, for choosing an intset.
func sortedInts(members [][]byte) ([]int64, bool) {
	vals := make([]int64, len(members))
	for i, m := range members {
		v, ok := parseInt(m)
		if !ok {
			return nil, false
		}
		vals[i] = v
	}
	slices.Sort(vals)
	return vals, true
}
