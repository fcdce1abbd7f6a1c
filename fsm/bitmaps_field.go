package fsm

import (
	"github.com/quoris/quoris/datatypes"
)

type bfOpcode uint8

const (
	bfGet bfOpcode = iota
	bfSet
	bfIncrby
)

type bfOp struct {
	offset uint64
	i64    int64 // SET value or INCRBY increment
	opcode bfOpcode
	ow     datatypes.Overflow
	width  uint
	signed bool
}

func cmdBitfield(c *Ctx) error   { return bitfieldGeneric(c, false) }
func cmdBitfieldRO(c *Ctx) error { return bitfieldGeneric(c, true) }

// bitfieldParse reads the subcommands, all before anything runs, as Redis
// does: a malformed one later in the list fails the whole command.
func bitfieldParse(args [][]byte) (ops []bfOp, readonly bool, highest uint64, err error) {
	readonly = true
	ow := datatypes.OverflowWrap
	for j := 2; j < len(args); j++ {
		rem := len(args) - j - 1
		sub := args[j]
		var opcode bfOpcode
		switch {
		case strOptIs(sub, "get") && rem >= 2:
			opcode = bfGet
		case strOptIs(sub, "set") && rem >= 3:
			opcode = bfSet
		case strOptIs(sub, "incrby") && rem >= 3:
			opcode = bfIncrby
		case strOptIs(sub, "overflow") && rem >= 1:
			j++
			switch name := args[j]; {
			case strOptIs(name, "wrap"):
				ow = datatypes.OverflowWrap
			case strOptIs(name, "sat"):
				ow = datatypes.OverflowSat
			case strOptIs(name, "fail"):
				ow = datatypes.OverflowFail
			default:
				return nil, false, 0, errBitfieldOv
			}
			continue
		default:
			return nil, false, 0, ErrSyntax
		}
		signed, width, err := bitfieldType(args[j+1])
		if err != nil {
			return nil, false, 0, err
		}
		off, err := bitOffset(args[j+2], true, width)
		if err != nil {
			return nil, false, 0, err
		}
		var v int64
		if opcode != bfGet {
			readonly = false
			highest = max(highest, off+uint64(width)-1)
			var ok bool
			if v, ok = datatypes.ParseInt(args[j+3]); !ok {
				return nil, false, 0, ErrNotInteger
			}
			j++
		}
		ops = append(ops, bfOp{offset: off, i64: v, opcode: opcode, ow: ow, width: uint(width), signed: signed})
		j += 2
	}
	return ops, readonly, highest, nil
}

func bitfieldGeneric(c *Ctx, ro bool) error {
	ops, readonly, highest, err := bitfieldParse(c.Args)
	if err != nil {
		return err
	}
	if !readonly && ro {
		return errBitfieldRO
	}
	key := c.Arg(1)
	b, it, found, err := c.LookupString(key)
	if err != nil {
		return err
	}
	grown := false
	if !readonly {
		b, grown = bitGrow(b, found, highest)
	}
	changes, writes := 0, 0
	c.Array(len(ops))
	for _, op := range ops {
		if op.opcode == bfGet {
			if op.signed {
				c.Int(datatypes.BitfieldGetSigned(b, op.offset, op.width))
			} else {
				c.Int(int64(datatypes.BitfieldGetUnsigned(b, op.offset, op.width)))
			}
			continue
		}
		var oldv, newv, reply uint64
		var overflow int
		if op.signed {
			old := datatypes.BitfieldGetSigned(b, op.offset, op.width)
			var val, limit int64
			if op.opcode == bfIncrby {
				limit, overflow = datatypes.BitfieldSignedOverflow(old, op.i64, op.width, op.ow)
				val = old + op.i64
				if overflow != 0 {
					val = limit
				}
				reply = uint64(val)
			} else {
				val = op.i64
				if limit, overflow = datatypes.BitfieldSignedOverflow(val, 0, op.width, op.ow); overflow != 0 {
					val = limit
				}
				reply = uint64(old)
			}
			oldv, newv = uint64(old), uint64(val)
		} else {
			old := datatypes.BitfieldGetUnsigned(b, op.offset, op.width)
			var val, limit uint64
			if op.opcode == bfIncrby {
				limit, overflow = datatypes.BitfieldUnsignedOverflow(old, op.i64, op.width, op.ow)
				val = old + uint64(op.i64)
				if overflow != 0 {
					val = limit
				}
				reply = val
			} else {
				val = uint64(op.i64)
				if limit, overflow = datatypes.BitfieldUnsignedOverflow(val, 0, op.width, op.ow); overflow != 0 {
					val = limit
				}
				reply = old
			}
			oldv, newv = old, val
		}
		if overflow != 0 && op.ow == datatypes.OverflowFail {
			c.Null()
			continue
		}
		c.Int(int64(reply))
		writes++ // Redis 7.0 announces any executed write, changed or not
		datatypes.BitfieldSet(b, op.offset, op.width, newv)
		if grown || oldv != newv {
			changes++
		}
	}
	if !readonly {
		bitStore(c, key, it, found, b, changes > 0)
		if writes > 0 {
			c.Notify(NotifyString, "setbit", key)
		}
	}
	return nil
}
