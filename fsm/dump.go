package fsm

import (
	"errors"
	"strings"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/datatypes/rdb"
)

// DUMP and RESTORE speak Redis 7.0's own payload format (datatypes/rdb),
// so values move between Redis and quoris in both directions.

var (
	errBusyKey       = errors.New("BUSYKEY Target key name already exists.")
	errDumpPayload   = errors.New("ERR DUMP payload version or checksum are wrong")
	errBadDataFormat = errors.New("ERR Bad data format")
	errRestoreTTL    = errors.New("ERR Invalid TTL value, must be >= 0")
	errRestoreIdle   = errors.New("ERR Invalid IDLETIME value, must be >= 0")
	errRestoreFreq   = errors.New("ERR Invalid FREQ value, must be >= 0 and <= 255")
)

func registerDump(t *Table) {
	t.Add(
		&Command{Spec: Spec{Name: "dump", Arity: 2, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, Step: 1,
			Group: "generic", Summary: "Return a serialized version of the value stored at the specified key.", Since: "2.6.0",
			Complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1)."},
			Run: cmdDump},
		&Command{Spec: Spec{Name: "restore", Arity: -4, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: 1, Step: 1,
			Group: "generic", Summary: "Create a key using the provided serialized value, previously obtained using DUMP.", Since: "2.6.0",
			Complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N))."},
			Run: cmdRestore},
		// RESTORE-ASKING is what a cluster's MIGRATE sends; quoris is one
		// shard, so ASKING changes nothing and it is RESTORE.
		&Command{Spec: Spec{Name: "restore-asking", Arity: -4, Flags: []string{"write", "denyoom", "asking"}, FirstKey: 1, LastKey: 1, Step: 1,
			Group: "server", Summary: "An internal command for migrating keys in a cluster.", Since: "3.0.0",
			Complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N))."},
			Run: cmdRestore},
	)
}

func cmdDump(c *Ctx) error {
	it, ok := c.Lookup(c.Arg(1))
	if !ok {
		c.Null()
		return nil
	}
	c.Bulk(rdb.Dump(rdbValue(it)))
	return nil
}

// rdbValue describes a stored value for the RDB encoder, in the encoding
// OBJECT ENCODING reports for it.
func rdbValue(it Item) *rdb.Value {
	switch v := it.Value.(type) {
	case listValue:
		out := &rdb.Value{Kind: rdb.KindList, Elems: make([][]byte, 0, v.Len())}
		v.Ascend(0, func(_ int, e []byte) bool {
			out.Elems = append(out.Elems, e)
			return true
		})
		return out
	case setValue:
		out := &rdb.Value{Kind: rdb.KindSet, Compact: v.IsIntset(), Elems: make([][]byte, 0, v.Len())}
		v.Each(func(m string) bool {
			out.Elems = append(out.Elems, []byte(m))
			return true
		})
		return out
	case hashValue:
		out := &rdb.Value{Kind: rdb.KindHash, Compact: v.IsListpack(), Pairs: make([][]byte, 0, 2*v.Len())}
		v.Each(func(f, val string) bool {
			out.Pairs = append(out.Pairs, []byte(f), []byte(val))
			return true
		})
		return out
	case streamValue:
		return &rdb.Value{Kind: rdb.KindStream, Stream: streamToRDB(v.Stream)}
	case zsetValue:
		out := &rdb.Value{Kind: rdb.KindZSet, Compact: !v.IsSkiplist(), ZSet: make([]rdb.ZEntry, 0, v.Len())}
		v.Each(func(z datatypes.ZItem) bool {
			out.ZSet = append(out.ZSet, rdb.ZEntry{Member: []byte(z.Member), Score: z.Score})
			return true
		})
		return out
	}
	return &rdb.Value{Kind: rdb.KindString, Str: it.Str}
}

// restoreOpts are RESTORE's options after the payload.
type restoreOpts struct {
	replace, absTTL bool
	idle, freq      int64
}

func parseRestoreOpts(args [][]byte) (restoreOpts, error) {
	o := restoreOpts{idle: -1, freq: -1}
	for j := 0; j < len(args); j++ {
		more := len(args) - j - 1
		switch opt := string(args[j]); {
		case strings.EqualFold(opt, "replace"):
			o.replace = true
		case strings.EqualFold(opt, "absttl"):
			o.absTTL = true
		case strings.EqualFold(opt, "idletime") && more >= 1 && o.freq == -1:
			n, ok := datatypes.ParseInt(args[j+1])
			if !ok {
				return o, ErrNotInteger
			}
			if n < 0 {
				return o, errRestoreIdle
			}
			o.idle = n
			j++
		case strings.EqualFold(opt, "freq") && more >= 1 && o.idle == -1:
			n, ok := datatypes.ParseInt(args[j+1])
			if !ok {
				return o, ErrNotInteger
			}
			if n < 0 || n > 255 {
				return o, errRestoreFreq
			}
			o.freq = n
			j++
		default:
			return o, ErrSyntax
		}
	}
	return o, nil
}

// cmdRestore checks in Redis's order: options, BUSYKEY, TTL, payload. The
// value is decoded completely before the keyspace is touched, so a bad
// payload changes nothing. IDLETIME and FREQ are validated and accepted;
// quoris tracks no access times or frequencies to set.
func cmdRestore(c *Ctx) error {
	o, err := parseRestoreOpts(c.Args[4:])
	if err != nil {
		return err
	}
	key := c.Arg(1)
	if _, exists := c.Lookup(key); exists && !o.replace {
		return errBusyKey
	}
	ttl, ok := datatypes.ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	if ttl < 0 {
		return errRestoreTTL
	}
	v, err := rdb.DecodeDump(c.Args[3], restoreLimits(c.Limits()))
	switch {
	case errors.Is(err, rdb.ErrChecksum):
		return errDumpPayload
	case err != nil:
		// Module values (rdb.ErrUnsupported) included: Redis answers the
		// same to a module type it does not have.
		return errBadDataFormat
	}
	if ttl != 0 && !o.absTTL {
		ttl += c.Now // wraps like Redis's long long addition
	}
	if ttl != 0 && ttl <= c.Now {
		// Already expired: the old value (REPLACE) goes, nothing is added.
		if o.replace && c.Delete(key) {
			c.Notify(NotifyGeneric, "del", key)
		}
		c.OK()
		return nil
	}
	it := restoredItem(c, v)
	it.ExpireAt = ttl
	if o.replace {
		c.Delete(key) // as Redis: deleted, then added anew ("new")
	}
	c.Set(key, it)
	c.Notify(NotifyGeneric, "restore", key)
	c.OK()
	return nil
}

// restoredItem builds the keyspace value for a decoded payload, in the
// encoding Redis gives the loaded object.
func restoredItem(c *Ctx, v *rdb.Value) Item {
	switch v.Kind {
	case rdb.KindString:
		return Item{Str: v.Str, Enc: EncAuto}
	case rdb.KindList:
		l := datatypes.NewList()
		for _, e := range v.Elems {
			l.PushRight([]byte(string(e)))
		}
		return c.NewItem(listValue{l})
	case rdb.KindSet:
		s := datatypes.NewSetEncoded(v.Compact)
		for _, m := range v.Elems {
			s.Append(string(m))
		}
		return c.NewItem(setValue{s})
	case rdb.KindStream:
		return c.NewItem(streamValue{streamFromRDB(v.Stream)})
	case rdb.KindZSet:
		z := datatypes.NewZSetEncoded(!v.Compact)
		for _, e := range v.ZSet {
			z.Append(string(e.Member), e.Score)
		}
		return c.NewItem(zsetValue{z})
	default:
		h := datatypes.NewHashEncoded(v.Compact)
		for i := 0; i < len(v.Pairs); i += 2 {
			h.Append(string(v.Pairs[i]), string(v.Pairs[i+1]))
		}
		return c.NewItem(hashValue{h})
	}
}

// restoreLimits are the replicated encoding thresholds (CONFIG SET) in the
// form the payload decoder takes: a loaded value gets the encoding Redis
// would give it under the same settings, identically on every node.
func restoreLimits(l datatypes.Limits) rdb.Limits {
	return rdb.Limits{
		SetMaxIntsetEntries:  int(l.SetMaxIntsetEntries),
		HashMaxListpackEntry: int(l.HashMaxListpackEntries),
		HashMaxListpackValue: int(l.HashMaxListpackValue),
		ZSetMaxListpackEntry: int(l.ZSetMaxListpackEntries),
		ZSetMaxListpackValue: int(l.ZSetMaxListpackValue),
	}
}
