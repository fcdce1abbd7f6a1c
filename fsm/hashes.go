package fsm

import (
	"errors"
	"strconv"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

// hashValue is how a hash is stored in the keyspace: datatypes cannot
// import fsm, so the O(1) clone is adapted to the Collection interface here.
type hashValue struct{ *datatypes.Hash }

func (v hashValue) Clone() Collection { return hashValue{v.Hash.Clone()} }

const scanComplexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.."

func registerHashes(t *Table) {
	hash := func(name string, arity int, flags []string, since, summary, complexity string, run func(*Ctx) error) *Command {
		return &Command{Spec: Spec{
			Name: name, Arity: arity, Flags: flags, FirstKey: 1, LastKey: 1, Step: 1,
			Group: "hash", Summary: summary, Since: since, Complexity: complexity,
		}, Run: run}
	}
	var (
		read      = []string{"readonly"}
		readFast  = []string{"readonly", "fast"}
		writeFast = []string{"write", "fast"}
		writeOOMF = []string{"write", "denyoom", "fast"}
		sizeN     = "O(N) where N is the size of the hash."
	)
	t.Add(
		hash("hset", -4, writeOOMF, "2.0.0", "Set the string value of a hash field", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", func(c *Ctx) error { return hashSetGeneric(c, false) }),
		hash("hmset", -4, writeOOMF, "2.0.0", "Set multiple hash fields to multiple values", "O(N) where N is the number of fields being set.", func(c *Ctx) error { return hashSetGeneric(c, true) }),
		hash("hsetnx", 4, writeOOMF, "2.0.0", "Set the value of a hash field, only if the field does not exist", "O(1)", cmdHsetnx),
		hash("hget", 3, readFast, "2.0.0", "Get the value of a hash field", "O(1)", cmdHget),
		hash("hmget", -3, readFast, "2.0.0", "Get the values of all the given hash fields", "O(N) where N is the number of fields being requested.", cmdHmget),
		hash("hgetall", 2, read, "2.0.0", "Get all the fields and values in a hash", sizeN, hashAllCmd(true, true)),
		hash("hkeys", 2, read, "2.0.0", "Get all the fields in a hash", sizeN, hashAllCmd(true, false)),
		hash("hvals", 2, read, "2.0.0", "Get all the values in a hash", sizeN, hashAllCmd(false, true)),
		hash("hdel", -3, writeFast, "2.0.0", "Delete one or more hash fields", "O(N) where N is the number of fields to be removed.", cmdHdel),
		hash("hexists", 3, readFast, "2.0.0", "Determine if a hash field exists", "O(1)", cmdHexists),
		hash("hlen", 2, readFast, "2.0.0", "Get the number of fields in a hash", "O(1)", cmdHlen),
		hash("hstrlen", 3, readFast, "3.2.0", "Get the length of the value of a hash field", "O(1)", cmdHstrlen),
		hash("hincrby", 4, writeOOMF, "2.0.0", "Increment the integer value of a hash field by the given number", "O(1)", cmdHincrby),
		hash("hincrbyfloat", 4, writeOOMF, "2.6.0", "Increment the float value of a hash field by the given amount", "O(1)", cmdHincrbyfloat),
		hash("hrandfield", -2, read, "6.2.0", "Get one or multiple random fields from a hash", "O(N) where N is the number of fields returned", cmdHrandfield),
		hash("hscan", -3, read, "2.8.0", "Incrementally iterate hash fields and associated values", scanComplexity, cmdHscan),
	)
}

// hashRead looks key up for reading; a missing key gives a nil hash.
func hashRead(c *Ctx, key string) (*datatypes.Hash, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, nil
	}
	v, isHash := it.Value.(hashValue)
	if !isHash {
		return nil, ErrWrongType
	}
	return v.Hash, nil
}

// hashWrite returns key's hash ready to be changed in place (Redis's
// hashTypeLookupWriteOrCreate): an existing one owned through Ctx.Own, or
// a new empty one. The caller stores it back with c.Set(key, it).
func hashWrite(c *Ctx, key string) (*datatypes.Hash, Item, error) {
	it, ok := c.Lookup(key)
	if !ok {
		h := datatypes.NewHash()
		return h, c.NewItem(hashValue{h}), nil
	}
	if _, isHash := it.Value.(hashValue); !isHash {
		return nil, it, ErrWrongType
	}
	c.Own(&it)
	return it.Value.(hashValue).Hash, it, nil
}

// errArity is Redis's addReplyErrorArity, for commands that check their
// argument count beyond what the table's arity expresses.
func errArity(c *Ctx) error {
	return errors.New("ERR wrong number of arguments for '" + strings.ToLower(string(c.Args[0])) + "' command")
}

func hashSetGeneric(c *Ctx, hmset bool) error {
	if len(c.Args)%2 == 1 {
		return errArity(c)
	}
	key := c.Arg(1)
	h, it, err := hashWrite(c, key)
	if err != nil {
		return err
	}
	h.TryConversion(c.Args[2:], c.Limits())
	var created int64
	for i := 2; i < len(c.Args); i += 2 {
		if h.Set(string(c.Args[i]), string(c.Args[i+1]), c.Limits()) {
			created++
		}
	}
	c.Set(key, it)
	c.Notify(NotifyHash, "hset", key)
	if hmset {
		c.OK()
	} else {
		c.Int(created)
	}
	return nil
}

func cmdHsetnx(c *Ctx) error {
	key, field := c.Arg(1), c.Arg(2)
	h, err := hashRead(c, key)
	if err != nil {
		return err
	}
	if h != nil {
		if _, exists := h.Get(field); exists {
			c.Int(0)
			return nil
		}
	}
	h, it, _ := hashWrite(c, key)
	h.TryConversion(c.Args[2:4], c.Limits())
	h.Set(field, c.Arg(3), c.Limits())
	c.Set(key, it)
	c.Notify(NotifyHash, "hset", key)
	c.Int(1)
	return nil
}

func cmdHget(c *Ctx) error {
	h, err := hashRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if h != nil {
		if v, ok := h.Get(c.Arg(2)); ok {
			c.BulkString(v)
			return nil
		}
	}
	c.Null()
	return nil
}

func cmdHmget(c *Ctx) error {
	h, err := hashRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	c.Array(len(c.Args) - 2)
	for _, f := range c.Args[2:] {
		if h != nil {
			if v, ok := h.Get(string(f)); ok {
				c.BulkString(v)
				continue
			}
		}
		c.Null()
	}
	return nil
}

// hashAllCmd builds HGETALL, HKEYS and HVALS. A listpack hash answers in
// insertion order, as Redis's does.
func hashAllCmd(fields, values bool) func(*Ctx) error {
	return func(c *Ctx) error {
		h, err := hashRead(c, c.Arg(1))
		if err != nil {
			return err
		}
		if h == nil {
			c.Array(0)
			return nil
		}
		n := h.Len()
		if fields && values {
			n *= 2
		}
		c.Array(n)
		h.Each(func(f, v string) bool {
			if fields {
				c.BulkString(f)
			}
			if values {
				c.BulkString(v)
			}
			return true
		})
		return nil
	}
}

func cmdHdel(c *Ctx) error {
	key := c.Arg(1)
	h, err := hashRead(c, key)
	if err != nil || h == nil {
		if err == nil {
			c.Int(0)
		}
		return err
	}
	h, it, _ := hashWrite(c, key)
	var deleted int64
	for _, f := range c.Args[2:] {
		if h.Delete(string(f)) {
			deleted++
			if h.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		c.Set(key, it)
		c.Notify(NotifyHash, "hdel", key)
	}
	c.Int(deleted)
	return nil
}

func cmdHexists(c *Ctx) error {
	h, err := hashRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	ok := false
	if h != nil {
		_, ok = h.Get(c.Arg(2))
	}
	c.Bool(ok)
	return nil
}

func cmdHlen(c *Ctx) error {
	h, err := hashRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if h == nil {
		c.Int(0)
		return nil
	}
	c.Int(int64(h.Len()))
	return nil
}

func cmdHstrlen(c *Ctx) error {
	h, err := hashRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	var n int
	if h != nil {
		v, _ := h.Get(c.Arg(2))
		n = len(v)
	}
	c.Int(int64(n))
	return nil
}

func cmdHincrby(c *Ctx) error {
	incr, ok := datatypes.ParseInt(c.Args[3])
	if !ok {
		return ErrNotInteger
	}
	key, field := c.Arg(1), c.Arg(2)
	h, err := hashRead(c, key)
	if err != nil {
		return err
	}
	var cur int64
	if h != nil {
		if v, exists := h.Get(field); exists {
			if cur, ok = datatypes.ParseInt([]byte(v)); !ok {
				return errors.New("ERR hash value is not an integer")
			}
		}
	}
	sum, ok := datatypes.AddInt64(cur, incr)
	if !ok {
		return ErrOverflow
	}
	h, it, _ := hashWrite(c, key)
	h.Set(field, strconv.FormatInt(sum, 10), c.Limits())
	c.Set(key, it)
	c.Notify(NotifyHash, "hincrby", key)
	c.Int(sum)
	return nil
}

func cmdHincrbyfloat(c *Ctx) error {
	incr, ok := datatypes.ParseLongDouble(c.Args[3])
	if !ok {
		return ErrNotFloat
	}
	if incr.IsInf() {
		return errors.New("ERR value is NaN or Infinity")
	}
	key, field := c.Arg(1), c.Arg(2)
	h, err := hashRead(c, key)
	if err != nil {
		return err
	}
	var cur datatypes.LongDouble
	if h != nil {
		if v, exists := h.Get(field); exists {
			if cur, ok = datatypes.ParseLongDouble([]byte(v)); !ok {
				return errors.New("ERR hash value is not a float")
			}
		}
	}
	sum, ok := cur.Add(incr)
	if !ok {
		return errors.New("ERR increment would produce NaN or Infinity")
	}
	nv := string(sum.AppendHuman(nil))
	h, it, _ := hashWrite(c, key)
	h.Set(field, nv, c.Limits())
	c.Set(key, it)
	c.Notify(NotifyHash, "hincrbyfloat", key)
	c.BulkString(nv)
	return nil
}
