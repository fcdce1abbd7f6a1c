package rdb

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

// ErrFormat reports a payload that is not a well-formed RDB value.
var ErrFormat = errors.New("rdb: bad data format")

// Length encodings: the top two bits of the first byte.
const (
	len6Bit  = 0
	len14Bit = 1
	len32Bit = 0x80
	len64Bit = 0x81
	encVal   = 3 // the remaining 6 bits say which special string encoding
	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// AppendLen appends n in RDB's variable length encoding (rdbSaveLen).
func AppendLen(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n)|len6Bit<<6)
	case n < 1<<14:
		return append(dst, byte(n>>8)|len14Bit<<6, byte(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, len32Bit), uint32(n))
	default:
		return binary.BigEndian.AppendUint64(append(dst, len64Bit), n)
	}
}

// AppendString appends s as rdbSaveRawString does with rdbcompression on:
// a short decimal integer that fits 32 bits as an integer encoding, a
// string over 20 bytes LZF-compressed when that saves more than 4 bytes,
// otherwise length and bytes.
func AppendString(dst, s []byte) []byte {
	if len(s) <= 11 {
		if v, ok := parseInt(s); ok {
			if b, ok := appendIntEncoding(dst, v); ok {
				return b
			}
		}
	}
	if len(s) > 20 {
		if c := lzfCompress(s, len(s)-4); c != nil {
			dst = append(dst, encVal<<6|encLZF)
			dst = AppendLen(dst, uint64(len(c)))
			dst = AppendLen(dst, uint64(len(s)))
			return append(dst, c...)
		}
	}
	return append(AppendLen(dst, uint64(len(s))), s...)
}

func appendIntEncoding(dst []byte, v int64) ([]byte, bool) {
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(dst, encVal<<6|encInt8, byte(v)), true
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return binary.LittleEndian.AppendUint16(append(dst, encVal<<6|encInt16), uint16(v)), true
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return binary.LittleEndian.AppendUint32(append(dst, encVal<<6|encInt32), uint32(v)), true
	}
	return dst, false
}

// AppendBinaryDouble appends f as 8 little-endian IEEE 754 bytes.
func AppendBinaryDouble(dst []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
}

// parseInt is Redis's string2ll: the strict decimal form whose text
// round-trips (no '+', no leading zeros, no "-0", at most 20 bytes).
func parseInt(b []byte) (int64, bool) {
	n := len(b)
	if n == 0 || n > 20 {
		return 0, false
	}
	if n == 1 && b[0] == '0' {
		return 0, true
	}
	i := 0
	if b[0] == '-' {
		i++
	}
	if i == n || b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	for _, c := range b[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	return v, err == nil
}

// Reader reads RDB encodings from a byte slice. Every read checks bounds;
// a short or malformed input yields ErrFormat, never a panic.
type Reader struct {
	b   []byte
	pos int
}

// NewReader reads from b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Pos is the number of bytes consumed.
func (r *Reader) Pos() int { return r.pos }

func (r *Reader) take(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)-r.pos) {
		return nil, ErrFormat
	}
	s := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, nil
}

// ReadByte reads one byte.
func (r *Reader) ReadByte() (byte, error) {
	s, err := r.take(1)
	if err != nil {
		return 0, err
	}
	return s[0], nil
}

// readLen reads a length; enc reports a special string encoding instead
// (its number is returned).
func (r *Reader) readLen() (n uint64, enc bool, err error) {
	b, err := r.ReadByte()
	if err != nil {
		return 0, false, err
	}
	switch {
	case b>>6 == encVal:
		return uint64(b & 0x3f), true, nil
	case b>>6 == len6Bit:
		return uint64(b & 0x3f), false, nil
	case b>>6 == len14Bit:
		c, err := r.ReadByte()
		return uint64(b&0x3f)<<8 | uint64(c), false, err
	case b == len32Bit:
		s, err := r.take(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(s)), false, nil
	case b == len64Bit:
		s, err := r.take(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(s), false, nil
	}
	return 0, false, ErrFormat
}

// ReadLen reads a length. Like rdbLoadLen(rdb, NULL), a special-encoding
// byte where a length is expected is not an error: its 6-bit number is
// the length.
func (r *Reader) ReadLen() (uint64, error) {
	n, _, err := r.readLen()
	return n, err
}

// ReadString reads a string in any of its encodings. The result may alias
// the input.
func (r *Reader) ReadString() ([]byte, error) {
	n, enc, err := r.readLen()
	if err != nil {
		return nil, err
	}
	if !enc {
		return r.take(n)
	}
	var v int64
	switch n {
	case encInt8:
		b, err := r.take(1)
		if err != nil {
			return nil, err
		}
		v = int64(int8(b[0]))
	case encInt16:
		b, err := r.take(2)
		if err != nil {
			return nil, err
		}
		v = int64(int16(binary.LittleEndian.Uint16(b)))
	case encInt32:
		b, err := r.take(4)
		if err != nil {
			return nil, err
		}
		v = int64(int32(binary.LittleEndian.Uint32(b)))
	case encLZF:
		clen, err := r.ReadLen()
		if err != nil {
			return nil, err
		}
		ulen, err := r.ReadLen()
		if err != nil {
			return nil, err
		}
		c, err := r.take(clen)
		if err != nil {
			return nil, err
		}
		if ulen == 0 {
			// lzf_decompress answers 0 on any error, which Redis takes for
			// the expected length: whatever the data, the string is empty.
			return []byte{}, nil
		}
		// LZF expands at most about 256/3 times; a larger claimed size is
		// corrupt, and refusing it avoids allocating for it.
		if ulen > uint64(len(c))*100+64 {
			return nil, ErrFormat
		}
		out, err := LZFDecompress(c, int(ulen))
		if err != nil {
			return nil, ErrFormat
		}
		return out, nil
	default:
		return nil, ErrFormat
	}
	return strconv.AppendInt(nil, v, 10), nil
}

// ReadBinaryDouble reads 8 little-endian IEEE 754 bytes.
func (r *Reader) ReadBinaryDouble() (float64, error) {
	b, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
}

// ReadDouble reads the old text double of RDB_TYPE_ZSET: a length byte
// (253 NaN, 254 +inf, 255 -inf) then that many characters, which sscanf
// "%lg" reads.
func (r *Reader) ReadDouble() (float64, error) {
	n, err := r.ReadByte()
	if err != nil {
		return 0, err
	}
	switch n {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	b, err := r.take(uint64(n))
	if err != nil {
		return 0, err
	}
	f, ok := scanDouble(b)
	if !ok {
		return 0, ErrFormat
	}
	return f, nil
}

// scanDouble is sscanf("%lg"): leading whitespace, then the longest
// prefix that is a number; the text ends at a NUL as a C string does.
func scanDouble(b []byte) (float64, bool) {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	for len(b) > 0 && (b[0] == ' ' || (b[0] >= '\t' && b[0] <= '\r')) {
		b = b[1:]
	}
	for n := len(b); n > 0; n-- {
		s := string(b[:n])
		if containsByte(s, '_') {
			continue
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
			return f, true
		}
		// C reads a hex float without a binary exponent; Go wants one.
		if f, err := strconv.ParseFloat(s+"p0", 64); (err == nil || errors.Is(err, strconv.ErrRange)) && len(s) > 2 && (s[1]|0x20 == 'x' || s[2]|0x20 == 'x') {
			return f, true
		}
	}
	return 0, false
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}
