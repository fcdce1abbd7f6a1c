package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// RDB file opcodes (rdb.h).
const (
	opFunction2    = 245
	opFunctionPre  = 246
	opModuleAux    = 247
	opIdle         = 248
	opFreq         = 249
	opAux          = 250
	opResizeDB     = 251
	opExpireTimeMs = 252
	opExpireTime   = 253
	opSelectDB     = 254
	opEOF          = 255
)

// ErrModule is a file holding module data, which quoris cannot load.
var ErrModule = errors.New("rdb: the file holds module data (quoris has no modules)")

// FileKey is one key of an RDB file. Payload is a DUMP payload of its
// value (type, value, RDB version, CRC64), which RESTORE takes.
type FileKey struct {
	DB       int
	Key      []byte
	ExpireAt int64 // unix ms, 0 for none
	Payload  []byte
}

// FileHandler receives what ReadFile finds, in file order.
type FileHandler struct {
	Key      func(k FileKey) error
	Function func(code []byte) error // a FUNCTION2 library's code
	Aux      func(name, value []byte)
}

// ReadFile reads a whole RDB file as Redis 7.0's rdbLoad does (versions 1
// to 10): header, AUX fields, SELECTDB and RESIZEDB, per-key EXPIRETIME,
// IDLE and FREQ, values of every type, FUNCTION2 libraries, EOF and the
// CRC64 (not checked when zero, as with rdbchecksum no). Every value is
// decoded and validated as RESTORE would; h sees keys as they come, so a
// caller that must not load half a file collects them first. Module data
// is ErrModule.
func ReadFile(file []byte, h FileHandler) error {
	if len(file) < 9 || string(file[:5]) != "REDIS" {
		return fmt.Errorf("%w: not an RDB file (no REDIS signature)", ErrFormat)
	}
	ver, err := strconv.Atoi(string(file[5:9]))
	if err != nil || ver < 1 {
		return fmt.Errorf("%w: bad RDB version %q", ErrFormat, file[5:9])
	}
	if ver > Version {
		return fmt.Errorf("%w: RDB version %d is newer than Redis 7.0's (%d)", ErrFormat, ver, Version)
	}
	r := NewReader(file)
	r.pos = 9
	db := 0
	var expire int64
	for {
		start := r.pos
		t, err := r.ReadByte()
		if err != nil {
			return fmt.Errorf("%w: file ends without EOF", ErrFormat)
		}
		switch t {
		case opEOF:
			return checkFileCRC(file, r.pos, ver)
		case opSelectDB:
			n, err := r.ReadLen()
			if err != nil {
				return ErrFormat
			}
			db = int(min(n, 1<<31))
			continue
		case opResizeDB:
			if _, err := r.ReadLen(); err != nil {
				return ErrFormat
			}
			if _, err := r.ReadLen(); err != nil {
				return ErrFormat
			}
			continue
		case opAux:
			name, err1 := r.ReadString()
			val, err2 := r.ReadString()
			if err1 != nil || err2 != nil {
				return ErrFormat
			}
			if h.Aux != nil {
				h.Aux(name, val)
			}
			continue
		case opExpireTimeMs:
			b, err := r.take(8)
			if err != nil {
				return ErrFormat
			}
			expire = int64(binary.LittleEndian.Uint64(b))
			continue
		case opExpireTime:
			b, err := r.take(4)
			if err != nil {
				return ErrFormat
			}
			expire = int64(int32(binary.LittleEndian.Uint32(b))) * 1000
			continue
		case opIdle:
			// LRU and LFU hints: quoris keeps no access history.
			if _, err := r.ReadLen(); err != nil {
				return ErrFormat
			}
			continue
		case opFreq:
			if _, err := r.ReadByte(); err != nil {
				return ErrFormat
			}
			continue
		case opFunction2:
			code, err := r.ReadString()
			if err != nil {
				return ErrFormat
			}
			if h.Function != nil {
				if err := h.Function(bytes.Clone(code)); err != nil {
					return err
				}
			}
			continue
		case opFunctionPre:
			return fmt.Errorf("%w: pre-release function format (opcode 246) not supported", ErrFormat)
		case opModuleAux, TypeModule, TypeModule2:
			return fmt.Errorf("%w (at offset %d)", ErrModule, start)
		}
		key, err := r.ReadString()
		if err != nil {
			return fmt.Errorf("%w: bad key at offset %d", ErrFormat, start)
		}
		key = bytes.Clone(key)
		valStart := r.pos
		if _, err := decodeValue(r, t, DefaultLimits); err != nil {
			return fmt.Errorf("%w: value of key %q (type %d)", err, key, t)
		}
		p := append([]byte{t}, file[valStart:r.pos]...)
		p = binary.LittleEndian.AppendUint16(p, Version)
		p = binary.LittleEndian.AppendUint64(p, CRC64(0, p))
		if h.Key != nil {
			if err := h.Key(FileKey{DB: db, Key: key, ExpireAt: expire, Payload: p}); err != nil {
				return err
			}
		}
		expire = 0
	}
}

// checkFileCRC checks the CRC64 that follows EOF from version 5 on; a
// zero checksum means the file was written with rdbchecksum no.
func checkFileCRC(file []byte, end, ver int) error {
	if ver < 5 {
		return nil
	}
	if len(file) < end+8 {
		return fmt.Errorf("%w: file ends inside its checksum", ErrFormat)
	}
	want := binary.LittleEndian.Uint64(file[end:])
	if want != 0 && CRC64(0, file[:end]) != want {
		return fmt.Errorf("%w: RDB file checksum mismatch", ErrChecksum)
	}
	return nil
}
