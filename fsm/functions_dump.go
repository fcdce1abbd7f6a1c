package fsm

import (
	"encoding/binary"
	"errors"
	"hash/crc64"
	"strings"
)

// FUNCTION DUMP's payload is Redis's: per library the RDB opcode FUNCTION2
// (245) and the code as an RDB string, then the RDB version (2 bytes, LE)
// and a CRC-64/Jones of everything before (8 bytes, LE). quoris writes
// strings uncompressed (valid RDB); it reads LZF-compressed ones too, so a
// dump from redis-server restores here and the other way round.

const (
	rdbOpFunction2 = 245
	rdbVersion     = 10
)

// crcJones is Redis's crc64: reflected polynomial 0xad93d23594c935a9,
// initial value 0, no final xor. Go's crc64 inverts on the way in and out,
// which Update(^0) ... ^ undoes.
var crcJones = crc64.MakeTable(0x95ac9329ac4bc9b5)

func redisCRC64(b []byte) uint64 { return ^crc64.Update(^uint64(0), crcJones, b) }

func (s *scriptState) dump() []byte {
	var out []byte
	for _, l := range s.sortedLibs() {
		out = append(out, rdbOpFunction2)
		out = appendRDBLen(out, uint64(len(l.code)))
		out = append(out, l.code...)
	}
	out = binary.LittleEndian.AppendUint16(out, rdbVersion)
	return binary.LittleEndian.AppendUint64(out, redisCRC64(out))
}

func appendRDBLen(out []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(out, byte(n))
	case n < 1<<14:
		return append(out, byte(n>>8)|0x40, byte(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(out, 0x80), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(out, 0x81), n)
}

// rdbReader reads RDB strings from a payload.
type rdbReader struct {
	b   []byte
	bad bool
}

func (r *rdbReader) take(n uint64) []byte {
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// length reads an RDB length; enc is the special encoding for 0b11.
func (r *rdbReader) length() (n uint64, enc int) {
	h := r.take(1)
	if r.bad {
		return 0, -1
	}
	switch h[0] >> 6 {
	case 0:
		return uint64(h[0] & 0x3f), -1
	case 1:
		lo := r.take(1)
		if r.bad {
			return 0, -1
		}
		return uint64(h[0]&0x3f)<<8 | uint64(lo[0]), -1
	case 2:
		switch h[0] {
		case 0x80:
			if b := r.take(4); !r.bad {
				return uint64(binary.BigEndian.Uint32(b)), -1
			}
		case 0x81:
			if b := r.take(8); !r.bad {
				return binary.BigEndian.Uint64(b), -1
			}
		}
		r.bad = true
		return 0, -1
	}
	return 0, int(h[0] & 0x3f)
}

func (r *rdbReader) str() []byte {
	n, enc := r.length()
	switch enc {
	case -1:
		return r.take(n)
	case 0, 1, 2: // integers of 1, 2, 4 bytes
		b := r.take(1 << enc)
		if r.bad {
			return nil
		}
		var v int64
		switch enc {
		case 0:
			v = int64(int8(b[0]))
		case 1:
			v = int64(int16(binary.LittleEndian.Uint16(b)))
		default:
			v = int64(int32(binary.LittleEndian.Uint32(b)))
		}
		return FormatInt(v)
	case 3: // LZF
		clen, _ := r.length()
		ulen, _ := r.length()
		data := r.take(clen)
		if r.bad || ulen > 512<<20 {
			r.bad = true
			return nil
		}
		out, ok := lzfDecompress(data, int(ulen))
		if !ok {
			r.bad = true
		}
		return out
	}
	r.bad = true
	return nil
}

// lzfDecompress is liblzf's lzf_decompress.
func lzfDecompress(in []byte, ulen int) ([]byte, bool) {
	out := make([]byte, 0, ulen)
	for i := 0; i < len(in); {
		ctrl := int(in[i])
		i++
		if ctrl < 32 {
			n := ctrl + 1
			if i+n > len(in) || len(out)+n > ulen {
				return nil, false
			}
			out = append(out, in[i:i+n]...)
			i += n
			continue
		}
		n := ctrl >> 5
		if n == 7 {
			if i >= len(in) {
				return nil, false
			}
			n += int(in[i])
			i++
		}
		if i >= len(in) {
			return nil, false
		}
		ref := len(out) - (ctrl&0x1f)<<8 - int(in[i]) - 1
		i++
		n += 2
		if ref < 0 || len(out)+n > ulen {
			return nil, false
		}
		for k := 0; k < n; k++ {
			out = append(out, out[ref+k])
		}
	}
	return out, len(out) == ulen
}

// parseFunctionDump checks the trailer and returns each library's code.
func parseFunctionDump(p []byte) ([][]byte, error) {
	if len(p) < 10 {
		return nil, errDumpPayload
	}
	body, sum := p[:len(p)-8], binary.LittleEndian.Uint64(p[len(p)-8:])
	if ver := binary.LittleEndian.Uint16(body[len(body)-2:]); ver > rdbVersion || redisCRC64(body) != sum {
		return nil, errDumpPayload
	}
	r := &rdbReader{b: body[:len(body)-2]}
	var codes [][]byte
	for len(r.b) > 0 {
		op := r.take(1)
		if op[0] != rdbOpFunction2 {
			return nil, errors.New("ERR given type is not a function")
		}
		code := r.str()
		if r.bad {
			return nil, errors.New("ERR failed loading the given functions payload")
		}
		codes = append(codes, code)
	}
	return codes, nil
}

func functionRestore(c *Ctx) error {
	policy := "append"
	if len(c.Args) > 4 {
		return errors.New("ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.")
	}
	if len(c.Args) == 4 {
		policy = strings.ToLower(string(c.Args[3]))
		if policy != "flush" && policy != "append" && policy != "replace" {
			return errRestorePolicy
		}
	}
	codes, err := parseFunctionDump(c.Args[2])
	if err != nil {
		return err
	}
	if !c.Write {
		return errReadPathWrite
	}
	libs := make([]*luaLibrary, 0, len(codes))
	names := map[string]bool{}
	for _, code := range codes {
		lib, err := compileLibrary(c, code)
		if err != nil {
			return err
		}
		if names[lib.name] {
			return errors.New("ERR Library '" + lib.name + "' already exists")
		}
		names[lib.name] = true
		libs = append(libs, lib)
	}
	s := &c.f.scripts
	if policy == "flush" {
		s.mu.Lock()
		s.libs, s.funcs = map[string]*luaLibrary{}, map[string]*luaFunction{}
		s.mu.Unlock()
	}
	if err := s.addLibraries(libs, policy == "replace"); err != nil {
		return err
	}
	c.OK()
	return nil
}
