package fsm

import (
	"errors"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

// PFDEBUG: Redis's HLL inspection command. GETREG and TODENSE turn a
// sparse HLL dense, a change that goes through the log like any write.

func registerPfdebug(t *Table) {
	t.Add(&Command{Spec: Spec{Name: "pfdebug", Arity: 3, Flags: []string{"write", "denyoom", "admin"},
		FirstKey: 2, LastKey: 2, Step: 1, Group: "hyperloglog",
		Summary: "Internal commands for debugging HyperLogLog values", Since: "2.8.9", Complexity: "N/A"},
		Run: cmdPfdebug})
}

func cmdPfdebug(c *Ctx) error {
	sub, key := strings.ToLower(c.Arg(1)), c.Arg(2)
	b, it, found, err := hllLookup(c, key)
	if err != nil {
		return err
	}
	if !found {
		return errors.New("ERR The specified key does not exist")
	}
	// toDense stores the dense form when b is sparse, as Redis's
	// hllSparseToDense does to the value in place.
	toDense := func() ([]byte, bool, error) {
		if datatypes.HLLIsDense(b) {
			hllKeepRaw(c, key, it)
			return b, false, nil
		}
		d, ok := datatypes.HLLSparseToDense(datatypes.StringClone(b))
		if !ok {
			hllKeepRaw(c, key, it)
			return nil, false, errHLLInvalid
		}
		it.Str, it.Enc = d, EncRaw
		c.Set(key, it)
		return d, true, nil
	}
	switch sub {
	case "getreg":
		d, _, err := toDense()
		if err != nil {
			return err
		}
		regs := datatypes.HLLDenseRegisters(d)
		c.Array(len(regs))
		for _, v := range regs {
			c.Int(int64(v))
		}
	case "decode":
		hllKeepRaw(c, key, it)
		if datatypes.HLLIsDense(b) {
			return errors.New("ERR HLL encoding is not sparse")
		}
		c.Bulk([]byte(datatypes.HLLSparseDecode(b)))
	case "encoding":
		hllKeepRaw(c, key, it)
		if datatypes.HLLIsDense(b) {
			c.Simple("dense")
		} else {
			c.Simple("sparse")
		}
	case "todense":
		_, conv, err := toDense()
		if err != nil {
			return err
		}
		c.Bool(conv)
	default:
		hllKeepRaw(c, key, it)
		return errors.New("ERR Unknown PFDEBUG subcommand '" + string(cString(c.Args[1])) + "'")
	}
	return nil
}
