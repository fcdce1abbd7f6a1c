package fsm

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

func registerKeys(t *Table) {
	generic := func(s Spec, run func(*Ctx) error) *Command {
		s.Group = "generic"
		return &Command{Spec: s, Run: run}
	}
	rw, ro := "write", "readonly"
	t.Add(
		generic(Spec{Name: "del", Arity: -2, Flags: []string{rw}, FirstKey: 1, LastKey: -1, Step: 1,
			Summary: "Delete a key", Since: "1.0.0",
			Complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1)."},
			cmdDel),
		generic(Spec{Name: "unlink", Arity: -2, Flags: []string{rw, "fast"}, FirstKey: 1, LastKey: -1, Step: 1,
			Summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", Since: "4.0.0",
			Complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of."},
			cmdDel),
		generic(Spec{Name: "exists", Arity: -2, Flags: []string{ro, "fast"}, FirstKey: 1, LastKey: -1, Step: 1,
			Summary: "Determine if a key exists", Since: "1.0.0",
			Complexity: "O(N) where N is the number of keys to check."},
			cmdExists),
		generic(Spec{Name: "touch", Arity: -2, Flags: []string{ro, "fast"}, FirstKey: 1, LastKey: -1, Step: 1,
			Summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.", Since: "3.2.1",
			Complexity: "O(N) where N is the number of keys that will be touched."},
			cmdExists),
		generic(Spec{Name: "type", Arity: 2, Flags: []string{ro, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Determine the type stored at key", Since: "1.0.0", Complexity: "O(1)"},
			cmdType),
		generic(Spec{Name: "keys", Arity: 2, Flags: []string{ro},
			Summary: "Find all keys matching the given pattern", Since: "1.0.0",
			Complexity: "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length."},
			cmdKeys),
		generic(Spec{Name: "scan", Arity: -2, Flags: []string{ro},
			Summary: "Incrementally iterate the keys space", Since: "2.8.0",
			Complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection."},
			cmdScan),
		generic(Spec{Name: "randomkey", Arity: 1, Flags: []string{ro},
			Summary: "Return a random key from the keyspace", Since: "1.0.0", Complexity: "O(1)"},
			cmdRandomKey),
		generic(Spec{Name: "rename", Arity: 3, Flags: []string{rw}, FirstKey: 1, LastKey: 2, Step: 1,
			Summary: "Rename a key", Since: "1.0.0", Complexity: "O(1)"},
			func(c *Ctx) error { return renameGeneric(c, false) }),
		generic(Spec{Name: "renamenx", Arity: 3, Flags: []string{rw, "fast"}, FirstKey: 1, LastKey: 2, Step: 1,
			Summary: "Rename a key, only if the new key does not exist", Since: "1.0.0", Complexity: "O(1)"},
			func(c *Ctx) error { return renameGeneric(c, true) }),
		generic(Spec{Name: "copy", Arity: -3, Flags: []string{rw, "denyoom"}, FirstKey: 1, LastKey: 2, Step: 1,
			Summary: "Copy a key", Since: "6.2.0",
			Complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values."},
			cmdCopy),
		generic(Spec{Name: "move", Arity: 3, Flags: []string{rw, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Move a key to another database", Since: "1.0.0", Complexity: "O(1)"},
			cmdMove),
		generic(Spec{Name: "expire", Arity: -3, Flags: []string{rw, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Set a key's time to live in seconds", Since: "1.0.0", Complexity: "O(1)"},
			expireCmd("expire", true, true)),
		generic(Spec{Name: "pexpire", Arity: -3, Flags: []string{rw, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Set a key's time to live in milliseconds", Since: "2.6.0", Complexity: "O(1)"},
			expireCmd("pexpire", true, false)),
		generic(Spec{Name: "expireat", Arity: -3, Flags: []string{rw, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Set the expiration for a key as a UNIX timestamp", Since: "1.2.0", Complexity: "O(1)"},
			expireCmd("expireat", false, true)),
		generic(Spec{Name: "pexpireat", Arity: -3, Flags: []string{rw, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds", Since: "2.6.0", Complexity: "O(1)"},
			expireCmd("pexpireat", false, false)),
		generic(Spec{Name: "ttl", Arity: 2, Flags: []string{ro, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Get the time to live for a key in seconds", Since: "1.0.0", Complexity: "O(1)"},
			ttlCmd(false, false)),
		generic(Spec{Name: "pttl", Arity: 2, Flags: []string{ro, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Get the time to live for a key in milliseconds", Since: "2.6.0", Complexity: "O(1)"},
			ttlCmd(true, false)),
		generic(Spec{Name: "expiretime", Arity: 2, Flags: []string{ro, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Get the expiration Unix timestamp for a key", Since: "7.0.0", Complexity: "O(1)"},
			ttlCmd(false, true)),
		generic(Spec{Name: "pexpiretime", Arity: 2, Flags: []string{ro, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Get the expiration Unix timestamp for a key in milliseconds", Since: "7.0.0", Complexity: "O(1)"},
			ttlCmd(true, true)),
		generic(Spec{Name: "persist", Arity: 2, Flags: []string{rw, "fast"}, FirstKey: 1, LastKey: 1, Step: 1,
			Summary: "Remove the expiration from a key", Since: "2.2.0", Complexity: "O(1)"},
			cmdPersist),
		// OBJECT is a container in Redis 7: the container itself has no
		// flags and no key positions; its subcommands are read-only with the
		// key at position 2. Without subcommand specs here, the container
		// spec is what COMMAND INFO object reports anyway.
		generic(Spec{Name: "object", Arity: -2,
			Summary: "A container for object introspection commands", Since: "2.2.3", Complexity: "Depends on subcommand.",
			Keys: objectKeys, KeySpecs: []KeySpec{{Flags: []string{"RO"}}}},
			cmdObject),
	)
}

// typeName is what TYPE and SCAN's TYPE filter report for a stored value.
// Each data type adds its case here.
func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "string"
	case Collection:
		return v.TypeName()
	default:
		return "unknown"
	}
}

// encodingName is OBJECT ENCODING's answer. quoris has one representation
// per type, so it reports the encoding Redis would have chosen for the same
// value, which is what clients and tests compare against.
func encodingName(it Item) string {
	switch v := it.Value.(type) {
	case nil:
		switch it.Enc {
		case EncRaw:
			return "raw"
		case EncAuto:
			// tryObjectEncoding: integers of up to 20 bytes that string2ll
			// accepts become "int".
			if _, ok := datatypes.ParseInt(it.Str); ok {
				return "int"
			}
		}
		if len(it.Str) <= 44 {
			return "embstr"
		}
		return "raw"
	case Collection:
		return v.EncodingName()
	default:
		return "unknown"
	}
}

func cmdDel(c *Ctx) error {
	var n int64
	for _, k := range c.Args[1:] {
		if c.Delete(string(k)) {
			c.Notify(NotifyGeneric, "del", string(k))
			n++
		}
	}
	c.Int(n)
	return nil
}

// cmdExists serves EXISTS and TOUCH: quoris keeps no access times, so TOUCH
// only has to count, and a repeated key counts each time as in Redis.
func cmdExists(c *Ctx) error {
	var n int64
	for _, k := range c.Args[1:] {
		if _, ok := c.Lookup(string(k)); ok {
			n++
		}
	}
	c.Int(n)
	return nil
}

func cmdType(c *Ctx) error {
	it, ok := c.Lookup(c.Arg(1))
	if !ok {
		c.Simple("none")
		return nil
	}
	c.Simple(typeName(it.Value))
	return nil
}

func cmdKeys(c *Ctx) error {
	pattern := c.Arg(1)
	// Redis skips the matcher for a lone "*", which is not only faster but
	// also the only way the empty key is listed: stringmatchlen("*", "") is 0.
	all := pattern == "*"
	var keys []string
	c.DB.Ascend(0, func(k string, _ uint64, it Item) bool {
		if alive(it, c.Now) && (all || datatypes.Match(pattern, k, false)) {
			keys = append(keys, k)
		}
		return true
	})
	c.Array(len(keys))
	for _, k := range keys {
		c.BulkString(k)
	}
	return nil
}

// cmdScan walks the keyspace in KeyHash order; the cursor is the hash to
// resume from. A key present for the whole iteration is returned at least
// once whatever is added or removed between calls, because its position
// depends only on its own name. After COUNT entries the walk still finishes
// the current hash, so the next cursor is strictly greater than every hash
// returned: even many keys sharing one hash cannot stall the iteration.
func cmdScan(c *Ctx) error {
	cursor, ok := parseScanCursor(c.Args[1])
	if !ok {
		return ErrInvalidCursor
	}
	count := int64(10)
	var pattern, typ string
	usePattern, useType := false, false
	for i := 2; i < len(c.Args); i += 2 {
		hasValue := len(c.Args)-i >= 2
		switch opt := c.Args[i]; {
		case hasValue && strings.EqualFold(string(opt), "count"):
			n, ok := datatypes.ParseInt(c.Args[i+1])
			if !ok {
				return ErrNotInteger
			}
			if n < 1 {
				return ErrSyntax
			}
			count = n
		case hasValue && strings.EqualFold(string(opt), "match"):
			pattern = c.Arg(i + 1)
			usePattern = pattern != "*"
		case hasValue && strings.EqualFold(string(opt), "type"):
			typ, useType = c.Arg(i+1), true
		default:
			return ErrSyntax
		}
	}

	var keys []string
	var next, last uint64
	var visited int64
	c.DB.Ascend(cursor, func(k string, h uint64, it Item) bool {
		if visited >= count && h != last {
			next = h
			return false
		}
		visited++
		last = h
		if !alive(it, c.Now) ||
			(usePattern && !datatypes.Match(pattern, k, false)) ||
			(useType && !strings.EqualFold(typ, typeName(it.Value))) {
			return true
		}
		keys = append(keys, k)
		return true
	})
	c.Array(2)
	c.BulkString(strconv.FormatUint(next, 10))
	c.Array(len(keys))
	for _, k := range keys {
		c.BulkString(k)
	}
	return nil
}

// parseScanCursor is Redis's parseScanCursorOrReply: strtoul in base 10,
// so a leading sign is accepted ("-1" wraps to 2^64-1), an empty string is
// cursor 0, and leading whitespace, trailing bytes or overflow are errors.
func parseScanCursor(b []byte) (uint64, bool) {
	neg := false
	digits := b
	if len(digits) > 0 && (digits[0] == '+' || digits[0] == '-') {
		neg = digits[0] == '-'
		digits = digits[1:]
		if len(digits) == 0 {
			return 0, false
		}
	}
	var v uint64
	for _, d := range digits {
		if d < '0' || d > '9' {
			return 0, false
		}
		if v > (math.MaxUint64-uint64(d-'0'))/10 {
			return 0, false
		}
		v = v*10 + uint64(d-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// cmdRandomKey seeks to a random hash and takes the first live key from
// there, wrapping around. It is a read, so the randomness is per node and
// per call on purpose; nothing here is replicated.
func cmdRandomKey(c *Ctx) error {
	start := rand.Uint64()
	var key string
	found := false
	c.DB.Ascend(start, func(k string, _ uint64, it Item) bool {
		if alive(it, c.Now) {
			key, found = k, true
		}
		return !found
	})
	if !found {
		c.DB.Ascend(0, func(k string, h uint64, it Item) bool {
			if h >= start {
				return false
			}
			if alive(it, c.Now) {
				key, found = k, true
			}
			return !found
		})
	}
	if !found {
		c.Null()
		return nil
	}
	c.BulkString(key)
	return nil
}

func renameGeneric(c *Ctx, nx bool) error {
	src, dst := c.Arg(1), c.Arg(2)
	it, ok := c.Lookup(src)
	if !ok {
		return ErrNoSuchKey
	}
	if src == dst {
		if nx {
			c.Int(0)
		} else {
			c.OK()
		}
		return nil
	}
	_, exists := c.Lookup(dst)
	if exists && nx {
		c.Int(0)
		return nil
	}
	if exists {
		// Redis deletes the destination and adds the key anew: a
		// "new" event either way.
		c.Delete(dst)
	}
	// The item carries its deadline along.
	c.Set(dst, it)
	c.Delete(src)
	c.Notify(NotifyGeneric, "rename_from", src)
	c.Notify(NotifyGeneric, "rename_to", dst)
	if nx {
		c.Int(1)
	} else {
		c.OK()
	}
	return nil
}

func cmdCopy(c *Ctx) error {
	dst := c.DB
	replace := false
	for i := 3; i < len(c.Args); i++ {
		switch opt := c.Args[i]; {
		case strings.EqualFold(string(opt), "replace"):
			replace = true
		case strings.EqualFold(string(opt), "db") && i+1 < len(c.Args):
			i++
			db, err := dbArg(c, c.Args[i])
			if err != nil {
				return err
			}
			dst = db
		default:
			return ErrSyntax
		}
	}
	src, newKey := c.Arg(1), c.Arg(2)
	if dst == c.DB && src == newKey {
		return ErrSameObject
	}
	it, ok := c.Lookup(src)
	if !ok {
		c.Int(0)
		return nil
	}
	_, exists := c.lookupIn(dst, newKey)
	if exists && !replace {
		c.Int(0)
		return nil
	}
	if exists {
		c.DeleteIn(dst, newKey) // as Redis: deleted, then added anew
	}
	// Strings are immutable once stored, so the copy may share one; a
	// collection is changed in place, so the copy gets its own (O(1) COW).
	v := it.Value
	if coll, ok := v.(Collection); ok {
		v = coll.Clone()
	}
	c.SetIn(dst, newKey, Item{Value: v, Str: it.Str, ExpireAt: it.ExpireAt, Enc: it.Enc, Gen: c.f.gen})
	c.NotifyIn(c.indexOf(dst), NotifyGeneric, "copy_to", newKey)
	c.Int(1)
	return nil
}

func cmdMove(c *Ctx) error {
	dst, err := dbArg(c, c.Args[2])
	if err != nil {
		return err
	}
	if dst == c.DB {
		return ErrSameObject
	}
	key := c.Arg(1)
	it, ok := c.Lookup(key)
	if !ok {
		c.Int(0)
		return nil
	}
	if _, exists := c.lookupIn(dst, key); exists {
		c.Int(0)
		return nil
	}
	c.SetIn(dst, key, it)
	c.Delete(key)
	c.Notify(NotifyGeneric, "move_from", key)
	c.NotifyIn(c.indexOf(dst), NotifyGeneric, "move_to", key)
	c.Int(1)
	return nil
}

// dbArg resolves a database index argument the way COPY and MOVE do:
// getIntFromObjectOrReply (so it must fit a C int) and then selectDb.
func dbArg(c *Ctx, b []byte) (*DB, error) {
	n, ok := datatypes.ParseInt(b)
	if !ok {
		return nil, ErrNotInteger
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return nil, ErrIntRange
	}
	db := c.DBAt(int(n))
	if db == nil {
		return nil, ErrDBIndex
	}
	return db, nil
}

// parseCInt is getIntFromObject: string2ll, then the C int range.
func parseCInt(b []byte) (int, bool) {
	n, ok := datatypes.ParseInt(b)
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return int(n), true
}

// expireCmd builds EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT, following
// expireGenericCommand step by step: options first, then the number, the
// overflow checks, the key lookup, the NX/XX/GT/LT conditions, and finally
// either deletion (deadline already passed) or the new TTL.
func expireCmd(name string, relative, seconds bool) func(*Ctx) error {
	invalid := errors.New("ERR invalid expire time in '" + name + "' command")
	return func(c *Ctx) error {
		var nx, xx, gt, lt bool
		for _, opt := range c.Args[3:] {
			switch strings.ToLower(string(opt)) {
			case "nx":
				nx = true
			case "xx":
				xx = true
			case "gt":
				gt = true
			case "lt":
				lt = true
			default:
				return errors.New("ERR Unsupported option " + string(opt))
			}
		}
		if nx && (xx || gt || lt) {
			return errors.New("ERR NX and XX, GT or LT options at the same time are not compatible")
		}
		if gt && lt {
			return errors.New("ERR GT and LT options at the same time are not compatible")
		}

		when, ok := datatypes.ParseInt(c.Args[2])
		if !ok {
			return ErrNotInteger
		}
		if seconds {
			if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
				return invalid
			}
			when *= 1000
		}
		if relative {
			if when > math.MaxInt64-c.Now {
				return invalid
			}
			when += c.Now
		}

		key := c.Arg(1)
		it, ok := c.Lookup(key)
		if !ok {
			c.Int(0)
			return nil
		}
		// Redis's "no TTL" is -1 and counts as infinite for GT and LT.
		cur := it.ExpireAt
		if cur == 0 {
			cur = -1
		}
		if (nx && cur != -1) ||
			(xx && cur == -1) ||
			(gt && (cur == -1 || when <= cur)) ||
			(lt && cur != -1 && when >= cur) {
			c.Int(0)
			return nil
		}

		if when <= c.Now {
			c.Delete(key)
			c.Notify(NotifyGeneric, "del", key)
		} else {
			it.ExpireAt = when
			c.Set(key, it)
			c.Notify(NotifyGeneric, "expire", key)
		}
		c.Int(1)
		return nil
	}
}

// ttlCmd builds TTL, PTTL, EXPIRETIME and PEXPIRETIME (ttlGenericCommand).
func ttlCmd(ms, abs bool) func(*Ctx) error {
	return func(c *Ctx) error {
		it, ok := c.Lookup(c.Arg(1))
		if !ok {
			c.Int(-2)
			return nil
		}
		if it.ExpireAt == 0 {
			c.Int(-1)
			return nil
		}
		ttl := it.ExpireAt
		if !abs {
			ttl -= c.Now
		}
		ttl = max(ttl, 0)
		if !ms {
			// Unsigned so that rounding a deadline near MaxInt64 does not
			// wrap; Redis's compiled code gives the mathematically right
			// answer there too.
			ttl = int64((uint64(ttl) + 500) / 1000)
		}
		c.Int(ttl)
		return nil
	}
}

func cmdPersist(c *Ctx) error {
	key := c.Arg(1)
	it, ok := c.Lookup(key)
	if !ok || it.ExpireAt == 0 {
		c.Int(0)
		return nil
	}
	it.ExpireAt = 0
	c.Set(key, it)
	c.Notify(NotifyGeneric, "persist", key)
	c.Int(1)
	return nil
}

// sharedRefcount is OBJ_SHARED_REFCOUNT, which Redis reports for the
// shared integer objects 0..9999.
const sharedRefcount = math.MaxInt32

func cmdObject(c *Ctx) error {
	sub, err := subcommand(c, "object")
	if err != nil {
		return err
	}
	if sub == "help" {
		help := objectHelp()
		c.Array(len(help))
		for _, line := range help {
			c.Simple(line)
		}
		return nil
	}

	// OBJECT looks without touching, as Redis's LOOKUP_NOTOUCH.
	c.noTouch = true
	it, ok := c.Lookup(c.Arg(2))
	c.noTouch = false
	if !ok {
		c.Null()
		return nil
	}
	switch sub {
	case "encoding":
		c.BulkString(encodingName(it))
	case "freq":
		// Node-local access tracking (access.go): the answer is this
		// node's view, as each Redis replica has its own.
		if !c.f.AccessLFU() {
			return errors.New("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		}
		c.Int(int64(c.f.lfuDecr(it.from.accessClock(), c.Now)))
	case "idletime":
		if c.f.AccessLFU() {
			return errors.New("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		}
		c.Int(idleSeconds(it.from.accessClock(), c.Now))
	case "refcount":
		if it.Value == nil && it.Enc == EncAuto {
			if n, ok := datatypes.ParseInt(it.Str); ok && n >= 0 && n < 10000 {
				c.Int(sharedRefcount)
				return nil
			}
		}
		c.Int(1)
	}
	return nil
}

// objectHelp is OBJECT HELP's text, line for line as Redis 7.0 prints it.
func objectHelp() []string {
	return []string{
		"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"ENCODING <key>",
		"    Return the kind of internal representation used in order to store the value",
		"    associated with a <key>.",
		"FREQ <key>",
		"    Return the access frequency index of the <key>. The returned integer is",
		"    proportional to the logarithm of the recent access frequency of the key.",
		"IDLETIME <key>",
		"    Return the idle time of the <key>, that is the approximated number of",
		"    seconds elapsed since the last access to the key.",
		"REFCOUNT <key>",
		"    Return the number of references of the value associated with the specified",
		"    <key>.",
		"HELP",
		"    Prints this help.",
	}
}

// objectKeys is the key of OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT key, the
// subcommands Redis gives key specs.
func objectKeys(args [][]byte) [][]byte {
	if len(args) != 3 {
		return nil
	}
	switch strings.ToLower(string(args[1])) {
	case "encoding", "freq", "idletime", "refcount":
		return args[2:3]
	}
	return nil
}
