package fsm

import (
	"errors"

	"github.com/quoris/quoris/datatypes"
)

// HyperLogLogs are strings in Redis's exact byte format (datatypes/hll.go),
// so GET of an HLL key answers what Redis would. Every change works on a
// private copy of the stored bytes (at most 12 KiB), never in place.

var (
	errHLLWrongType = errors.New("WRONGTYPE Key is not a valid HyperLogLog string value.")
	errHLLInvalid   = errors.New("INVALIDOBJ Corrupted HLL object detected")
)

func registerHyperLogLog(t *Table) {
	pf := func(name string, arity int, flags []string, last int, summary, complexity string, run func(*Ctx) error) *Command {
		return &Command{Spec: Spec{
			Name: name, Arity: arity, Flags: flags,
			FirstKey: 1, LastKey: last, Step: 1,
			Group: "hyperloglog", Summary: summary, Since: "2.8.9", Complexity: complexity,
		}, Run: run}
	}
	pfcount := pf("pfcount", -2, []string{"readonly"}, -1,
		"Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
		"O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
		cmdPfcount)
	t.Add(
		pf("pfadd", -2, []string{"write", "denyoom", "fast"}, 1,
			"Adds the specified elements to the specified HyperLogLog.", "O(1) to add every element.", cmdPfadd),
		pfcount,
		pf("pfmerge", -2, []string{"write", "denyoom"}, -1,
			"Merge N different HyperLogLogs into a single one.", "O(N) to merge N HyperLogLogs, but with high constant times.", cmdPfmerge),
	)
	// Redis flags PFCOUNT read-only, yet a single-key PFCOUNT stores the
	// cardinality it computed in the value (and propagates that change).
	// It runs through the log so the stored bytes, and hence GET of an HLL
	// key, stay identical to Redis's on every node; COMMAND still reports
	// Redis's flags.
	pfcount.Write = true
}

// hllLookup is a string lookup plus Redis's isHLLObjectOrReply.
func hllLookup(c *Ctx, key string) ([]byte, Item, bool, error) {
	b, it, found, err := c.LookupString(key)
	if err != nil || !found {
		return nil, it, found, err
	}
	if !datatypes.IsHLL(b) {
		return nil, it, true, errHLLWrongType
	}
	return b, it, true, nil
}

// hllKeepRaw records what Redis's dbUnshareStringValue does to a value a
// command then leaves unchanged: its encoding becomes raw. It is not a
// modification (no new version), as in Redis.
func hllKeepRaw(c *Ctx, key string, it Item) {
	if it.Enc != EncRaw {
		it.Enc = EncRaw
		c.mustWrite()
		c.stamp(c.DB.put(key, it))
	}
}

func cmdPfadd(c *Ctx) error {
	key := c.Arg(1)
	b, it, found, err := hllLookup(c, key)
	if err != nil {
		return err
	}
	updated := 0
	var w []byte
	if found {
		w = datatypes.StringClone(b)
	} else {
		w, updated = datatypes.NewHLL(), 1
		it = Item{}
	}
	for _, ele := range c.Args[2:] {
		var r int
		switch w, r = datatypes.HLLAdd(w, ele, c.Limits().HLLSparseMaxBytes); r {
		case 1:
			updated++
		case -1:
			// Redis edits in place: what earlier elements changed stays,
			// without counting as a modification.
			it.Str, it.Enc = w, EncRaw
			c.mustWrite()
			c.stamp(c.DB.put(key, it))
			return errHLLInvalid
		}
	}
	if updated == 0 {
		hllKeepRaw(c, key, it)
		c.Int(0)
		return nil
	}
	datatypes.HLLInvalidate(w)
	it.Str, it.Enc = w, EncRaw
	c.Set(key, it)
	c.Notify(NotifyString, "pfadd", key)
	c.Int(1)
	return nil
}

func cmdPfcount(c *Ctx) error {
	if len(c.Args) > 2 {
		// The union of several HLLs is counted, never cached.
		var regs [datatypes.HLLRegisters]uint8
		for _, k := range c.Args[1:] {
			b, _, found, err := hllLookup(c, string(k))
			if err != nil {
				return err
			}
			if found && !datatypes.HLLMerge(&regs, b) {
				return errHLLInvalid
			}
		}
		c.Int(int64(datatypes.HLLCountRegisters(&regs)))
		return nil
	}
	key := c.Arg(1)
	b, it, found, err := hllLookup(c, key)
	if err != nil {
		return err
	}
	if !found {
		c.Int(0)
		return nil
	}
	if card, ok := datatypes.HLLCached(b); ok {
		hllKeepRaw(c, key, it)
		c.Int(int64(card))
		return nil
	}
	card, ok := datatypes.HLLCount(b)
	if !ok {
		hllKeepRaw(c, key, it)
		return errHLLInvalid
	}
	w := datatypes.StringClone(b)
	datatypes.HLLSetCached(w, card)
	it.Str, it.Enc = w, EncRaw
	c.Set(key, it)
	c.Int(int64(card))
	return nil
}

func cmdPfmerge(c *Ctx) error {
	var regs [datatypes.HLLRegisters]uint8
	useDense := false
	// The destination is merged too: its registers are kept.
	for _, k := range c.Args[1:] {
		b, _, found, err := hllLookup(c, string(k))
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		useDense = useDense || datatypes.HLLIsDense(b)
		if !datatypes.HLLMerge(&regs, b) {
			return errHLLInvalid
		}
	}
	key := c.Arg(1)
	b, it, found, _ := c.LookupString(key)
	var w []byte
	if found {
		w = datatypes.StringClone(b)
	} else {
		w, it = datatypes.NewHLL(), Item{}
	}
	if useDense {
		// Cannot fail: the destination merged cleanly above.
		w, _ = datatypes.HLLSparseToDense(w)
	}
	for i, v := range regs {
		if v != 0 {
			w, _ = datatypes.HLLSet(w, i, v, c.Limits().HLLSparseMaxBytes)
		}
	}
	datatypes.HLLInvalidate(w)
	it.Str, it.Enc = w, EncRaw
	c.Set(key, it)
	c.Notify(NotifyString, "pfadd", key)
	c.OK()
	return nil
}
