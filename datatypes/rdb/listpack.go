package rdb

import (
	"encoding/binary"
	"strconv"
)

// Listpack layout: 4-byte total size and 2-byte element count (65535 when
// unknown), little endian, then entries, then 0xFF. An entry is its
// encoding and data followed by a "backlen", the size of both, so the
// listpack can be walked from either end.
const (
	lpHeaderSize  = 6
	lpEOF         = 0xFF
	lpCountUnknow = 65535
)

// Listpack builds a listpack the way Redis's lpAppend does: a string that
// is a strict decimal integer is stored in the smallest integer encoding.
type Listpack struct {
	buf []byte
	n   int
}

// NewListpack returns an empty listpack.
func NewListpack() *Listpack { return &Listpack{buf: make([]byte, lpHeaderSize, 64)} }

// Len is the number of entries.
func (l *Listpack) Len() int { return l.n }

// Size is the listpack's byte size once finished (with its terminator).
func (l *Listpack) Size() int { return len(l.buf) + 1 }

// Append adds s.
func (l *Listpack) Append(s []byte) {
	start := len(l.buf)
	if v, ok := parseInt(s); ok {
		l.buf = appendLpInt(l.buf, v)
	} else {
		n := len(s)
		switch {
		case n < 64:
			l.buf = append(l.buf, 0x80|byte(n))
		case n < 4096:
			l.buf = append(l.buf, 0xE0|byte(n>>8), byte(n))
		default:
			l.buf = binary.LittleEndian.AppendUint32(append(l.buf, 0xF0), uint32(n))
		}
		l.buf = append(l.buf, s...)
	}
	l.buf = appendBacklen(l.buf, uint64(len(l.buf)-start))
	l.n++
}

func appendLpInt(dst []byte, v int64) []byte {
	switch {
	case v >= 0 && v <= 127:
		return append(dst, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint64(v) & 0x1FFF
		return append(dst, 0xC0|byte(u>>8), byte(u))
	case v >= -32768 && v <= 32767:
		return binary.LittleEndian.AppendUint16(append(dst, 0xF1), uint16(v))
	case v >= -8388608 && v <= 8388607:
		u := uint32(v)
		return append(dst, 0xF2, byte(u), byte(u>>8), byte(u>>16))
	case v >= -2147483648 && v <= 2147483647:
		return binary.LittleEndian.AppendUint32(append(dst, 0xF3), uint32(v))
	}
	return binary.LittleEndian.AppendUint64(append(dst, 0xF4), uint64(v))
}

// appendBacklen is lpEncodeBacklen, thresholds included.
func appendBacklen(dst []byte, l uint64) []byte {
	switch {
	case l <= 127:
		return append(dst, byte(l))
	case l < 16383:
		return append(dst, byte(l>>7), byte(l&127)|128)
	case l < 2097151:
		return append(dst, byte(l>>14), byte((l>>7)&127)|128, byte(l&127)|128)
	case l < 268435455:
		return append(dst, byte(l>>21), byte((l>>14)&127)|128, byte((l>>7)&127)|128, byte(l&127)|128)
	}
	return append(dst, byte(l>>28), byte((l>>21)&127)|128, byte((l>>14)&127)|128, byte((l>>7)&127)|128, byte(l&127)|128)
}

// BacklenSize is how many bytes a listpack element's back-length takes for
// an element of l bytes (encoding and data).
func BacklenSize(l uint64) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// Bytes finishes the listpack and returns it; the builder must not be used
// afterwards.
func (l *Listpack) Bytes() []byte {
	b := append(l.buf, lpEOF)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	c := l.n
	if c >= lpCountUnknow {
		c = lpCountUnknow
	}
	binary.LittleEndian.PutUint16(b[4:], uint16(c))
	return b
}

// ListpackEach validates lp completely (as Redis's deep sanitization does)
// and calls fn with each entry's text (integers formatted in decimal). The
// slice passed to fn may alias lp or be reused; fn copies what it keeps.
func ListpackEach(lp []byte, fn func(s []byte) error) error {
	if len(lp) < lpHeaderSize+1 || int(binary.LittleEndian.Uint32(lp)) != len(lp) || lp[len(lp)-1] != lpEOF {
		return ErrFormat
	}
	want := int(binary.LittleEndian.Uint16(lp[4:]))
	var num [20]byte
	p, count := lpHeaderSize, 0
	for lp[p] != lpEOF {
		b := lp[p]
		var hdr, dlen int
		var ival int64
		isInt := true
		switch {
		case b&0x80 == 0:
			hdr, ival = 1, int64(b)
		case b&0xC0 == 0x80:
			hdr, dlen, isInt = 1, int(b&0x3F), false
		case b&0xE0 == 0xC0:
			if p+1 >= len(lp) {
				return ErrFormat
			}
			u := uint64(b&0x1F)<<8 | uint64(lp[p+1])
			hdr, ival = 2, int64(u<<51)>>51
		case b&0xF0 == 0xE0:
			if p+1 >= len(lp) {
				return ErrFormat
			}
			hdr, dlen, isInt = 2, int(b&0x0F)<<8|int(lp[p+1]), false
		case b == 0xF0:
			if p+5 > len(lp) {
				return ErrFormat
			}
			n := binary.LittleEndian.Uint32(lp[p+1:])
			if uint64(n) > uint64(len(lp)) {
				return ErrFormat
			}
			hdr, dlen, isInt = 5, int(n), false
		case b == 0xF1, b == 0xF2, b == 0xF3, b == 0xF4:
			w := int(b-0xF1) + 2 // 16, 24, 32 bits
			if b == 0xF4 {
				w = 8
			}
			if p+1+w > len(lp) {
				return ErrFormat
			}
			var u uint64
			for k := w - 1; k >= 0; k-- {
				u = u<<8 | uint64(lp[p+1+k])
			}
			shift := uint(64 - 8*w)
			hdr, ival = 1+w, int64(u<<shift)>>shift
		default:
			return ErrFormat
		}
		entry := hdr + dlen
		if isInt {
			entry = hdr
		}
		end := p + entry + BacklenSize(uint64(entry))
		if end >= len(lp) {
			return ErrFormat
		}
		if got, ok := readBacklen(lp[p+entry : end]); !ok || got != uint64(entry) {
			return ErrFormat
		}
		var s []byte
		if isInt {
			s = strconv.AppendInt(num[:0], ival, 10)
		} else {
			s = lp[p+hdr : p+hdr+dlen]
		}
		if err := fn(s); err != nil {
			return err
		}
		count++
		p = end
	}
	if p != len(lp)-1 || (want != lpCountUnknow && want != count) {
		return ErrFormat
	}
	return nil
}

// readBacklen decodes a backlen written left to right by appendBacklen.
func readBacklen(b []byte) (uint64, bool) {
	var v uint64
	for i, c := range b {
		if i > 0 && c&128 == 0 {
			return 0, false
		}
		v = v<<7 | uint64(c&127)
	}
	return v, len(b) > 0 && b[0]&128 == 0
}
