package fsm

import (
	"bytes"
	"errors"

	"github.com/quoris/quoris/datatypes"
)

// listValue is how a list is stored in the keyspace: the datatypes value
// plus the Clone that the Collection interface needs, which datatypes
// cannot declare without importing fsm.
type listValue struct{ *datatypes.List }

func (v listValue) Clone() Collection { return listValue{v.List.Clone()} }

// Reply texts of Redis's list commands.
var (
	errListIndexRange = errors.New("ERR index out of range")
	// getPositiveLongFromObjectOrReply uses its message for unparsable
	// input too, so "LPOP k abc" reads "out of range, must be positive".
	errListPositive = errors.New("ERR value is out of range, must be positive")
	errListRankZero = errors.New("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
	errListCountNeg = errors.New("ERR COUNT can't be negative")
	errListMaxlen   = errors.New("ERR MAXLEN can't be negative")
	errListNumkeys  = errors.New("ERR numkeys should be greater than 0")
	errListCount    = errors.New("ERR count should be greater than 0")
)

func registerLists(t *Table) {
	list := func(name string, arity int, flags []string, first, last, step int, since, summary, complexity string, run func(*Ctx) error) *Command {
		return &Command{Spec: Spec{
			Name: name, Arity: arity, Flags: flags,
			FirstKey: first, LastKey: last, Step: step,
			Group: "list", Summary: summary, Since: since, Complexity: complexity,
		}, Run: run}
	}
	const (
		pushO = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."
		popO  = "O(N) where N is the number of elements returned"
		mpopO = "O(N+M) where N is the number of provided keys and M is the number of elements returned."
		bpopO = "O(N) where N is the number of provided keys."
	)
	var (
		writeOOMF = []string{"write", "denyoom", "fast"}
		writeOOM  = []string{"write", "denyoom"}
		writeFast = []string{"write", "fast"}
		write     = []string{"write"}
		readFast  = []string{"readonly", "fast"}
		read      = []string{"readonly"}
		blocking  = []string{"write", "noscript", "blocking"}
		blockOOM  = []string{"write", "denyoom", "noscript", "blocking"}
	)
	t.Add(
		list("lpush", -3, writeOOMF, 1, 1, 1, "1.0.0", "Prepend one or multiple elements to a list", pushO,
			func(c *Ctx) error { return listPush(c, true, false) }),
		list("rpush", -3, writeOOMF, 1, 1, 1, "1.0.0", "Append one or multiple elements to a list", pushO,
			func(c *Ctx) error { return listPush(c, false, false) }),
		list("lpushx", -3, writeOOMF, 1, 1, 1, "2.2.0", "Prepend an element to a list, only if the list exists", pushO,
			func(c *Ctx) error { return listPush(c, true, true) }),
		list("rpushx", -3, writeOOMF, 1, 1, 1, "2.2.0", "Append an element to a list, only if the list exists", pushO,
			func(c *Ctx) error { return listPush(c, false, true) }),
		list("lpop", -2, writeFast, 1, 1, 1, "1.0.0", "Remove and get the first elements in a list", popO,
			func(c *Ctx) error { return listPop(c, true) }),
		list("rpop", -2, writeFast, 1, 1, 1, "1.0.0", "Remove and get the last elements in a list", popO,
			func(c *Ctx) error { return listPop(c, false) }),
		list("llen", 2, readFast, 1, 1, 1, "1.0.0", "Get the length of a list", "O(1)", cmdLlen),
		list("lrange", 4, read, 1, 1, 1, "1.0.0", "Get a range of elements from a list",
			"O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
			cmdLrange),
		list("lindex", 3, read, 1, 1, 1, "1.0.0", "Get an element from a list by its index",
			"O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
			cmdLindex),
		list("lset", 4, writeOOM, 1, 1, 1, "1.0.0", "Set the value of an element in a list by its index",
			"O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
			cmdLset),
		list("linsert", 5, writeOOM, 1, 1, 1, "2.2.0", "Insert an element before or after another element in a list",
			"O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
			cmdLinsert),
		list("lrem", 4, write, 1, 1, 1, "1.0.0", "Remove elements from a list",
			"O(N+M) where N is the length of the list and M is the number of elements removed.", cmdLrem),
		list("ltrim", 4, write, 1, 1, 1, "1.0.0", "Trim a list to the specified range",
			"O(N) where N is the number of elements to be removed by the operation.", cmdLtrim),
		list("lpos", -3, read, 1, 1, 1, "6.0.6", "Return the index of matching elements on a list",
			"O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
			cmdLpos),
		list("lmove", 5, writeOOM, 1, 2, 1, "6.2.0", "Pop an element from a list, push it to another list and return it", "O(1)",
			cmdLmove),
		list("rpoplpush", 3, writeOOM, 1, 2, 1, "1.2.0", "Remove the last element in a list, prepend it to another list and return it", "O(1)",
			func(c *Ctx) error { return listMove(c, false, true) }),
		withNumKeys(list("lmpop", -4, []string{"write", "movablekeys"}, 0, 0, 0, "7.0.0", "Pop elements from a list", mpopO,
			func(c *Ctx) error { return listMpop(c, 1, false) }), 1, false),
		list("blpop", -3, blocking, 1, -2, 1, "2.0.0", "Remove and get the first element in a list, or block until one is available", bpopO,
			func(c *Ctx) error { return cmdBpop(c, true) }),
		list("brpop", -3, blocking, 1, -2, 1, "2.0.0", "Remove and get the last element in a list, or block until one is available", bpopO,
			func(c *Ctx) error { return cmdBpop(c, false) }),
		list("blmove", 6, blockOOM, 1, 2, 1, "6.2.0", "Pop an element from a list, push it to another list and return it; or block until one is available", "O(1)",
			cmdBlmove),
		list("brpoplpush", 4, blockOOM, 1, 2, 1, "2.2.0", "Pop an element from a list, push it to another list and return it; or block until one is available", "O(1)",
			cmdBrpoplpush),
		withNumKeys(list("blmpop", -5, []string{"write", "blocking", "movablekeys"}, 0, 0, 0, "7.0.0", "Pop elements from a list, or block until one is available", mpopO,
			func(c *Ctx) error { return listMpop(c, 2, true) }), 2, false),
	)
}

// --- helpers -----------------------------------------------------------------

// listRead returns the list at key for reading; nil when there is none.
func listRead(c *Ctx, key string) (*datatypes.List, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, nil
	}
	lv, isList := it.Value.(listValue)
	if !isList {
		return nil, ErrWrongType
	}
	return lv.List, nil
}

// listWrite returns the list at key made safe to change (Ctx.Own); the
// caller stores it back with c.Set(key, it) after changing it.
func listWrite(c *Ctx, key string) (Item, *datatypes.List, bool, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return it, nil, false, nil
	}
	if _, isList := it.Value.(listValue); !isList {
		return it, nil, true, ErrWrongType
	}
	c.Own(&it)
	return it, it.Value.(listValue).List, true, nil
}

// listIsList reports whether it (if found) holds a list, the checkType test.
func listIsList(it Item, found bool) bool {
	if !found {
		return true
	}
	_, ok := it.Value.(listValue)
	return ok
}

// listOptIs compares an argument with a lower-case keyword in ASCII only,
// as Redis's strcasecmp does (strings.EqualFold would also fold "ſ" and
// the Kelvin sign).
func listOptIs(b []byte, word string) bool {
	if len(b) != len(word) {
		return false
	}
	for i := range b {
		ch := b[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != word[i] {
			return false
		}
	}
	return true
}

// listWhere is getListPositionFromObjectOrReply: LEFT is the head.
func listWhere(b []byte) (left bool, err error) {
	switch {
	case listOptIs(b, "left"):
		return true, nil
	case listOptIs(b, "right"):
		return false, nil
	}
	return false, ErrSyntax
}

func listParseInt(b []byte) (int64, error) {
	n, ok := datatypes.ParseInt(b)
	if !ok {
		return 0, ErrNotInteger
	}
	return n, nil
}

func listPushOne(l *datatypes.List, v []byte, left bool) {
	if left {
		l.PushLeft(v)
	} else {
		l.PushRight(v)
	}
}

func listPopOne(l *datatypes.List, left bool) []byte {
	if left {
		v, _ := l.PopLeft()
		return v
	}
	v, _ := l.PopRight()
	return v
}

// listPopReply pops up to count elements from one end and replies with
// them in pop order, which is what LPOP/RPOP with a count and LMPOP show.
func listPopReply(c *Ctx, l *datatypes.List, left bool, count int64) {
	n := int64(l.Len())
	if count > n {
		count = n
	}
	c.Array(int(count))
	for ; count > 0; count-- {
		c.Bulk(listPopOne(l, left))
	}
}

// listRange converts LRANGE/LTRIM arguments into a 0-based inclusive range
// like addListRangeReply; ok is false for an empty range.
func listRange(llen, start, end int64) (s, e int64, ok bool) {
	if start < 0 {
		start += llen
	}
	if end < 0 {
		end += llen
	}
	if start < 0 {
		start = 0
	}
	if start > end || start >= llen {
		return 0, 0, false
	}
	if end >= llen {
		end = llen - 1
	}
	return start, end, true
}

// --- commands ----------------------------------------------------------------

func listPush(c *Ctx, left, xx bool) error {
	key := c.Arg(1)
	it, l, found, err := listWrite(c, key)
	if err != nil {
		return err
	}
	if !found {
		if xx {
			c.Int(0)
			return nil
		}
		l = datatypes.NewList()
		it = c.NewItem(listValue{l})
	}
	for _, v := range c.Args[2:] {
		listPushOne(l, bytes.Clone(v), left)
	}
	c.Set(key, it)
	c.Notify(NotifyList, listEvent("push", left), key)
	c.Int(int64(l.Len()))
	return nil
}

func listPop(c *Ctx, left bool) error {
	if len(c.Args) > 3 {
		name := "rpop"
		if left {
			name = "lpop"
		}
		return errors.New("ERR wrong number of arguments for '" + name + "' command")
	}
	hasCount := len(c.Args) == 3
	var count int64
	if hasCount {
		n, ok := datatypes.ParseInt(c.Args[2])
		if !ok || n < 0 {
			return errListPositive
		}
		count = n
	}
	key := c.Arg(1)
	it, l, found, err := listWrite(c, key)
	switch {
	case err != nil:
		return err
	case !found && hasCount:
		c.NullArray()
		return nil
	case !found:
		c.Null()
		return nil
	case hasCount && count == 0:
		c.Array(0)
		return nil
	}
	if hasCount {
		listPopReply(c, l, left, count)
	} else {
		c.Bulk(listPopOne(l, left))
	}
	c.Set(key, it)
	c.Notify(NotifyList, listEvent("pop", left), key)
	return nil
}

// listEvent is "lpush", "rpop" ...: the event names of list ends.
func listEvent(op string, left bool) string {
	if left {
		return "l" + op
	}
	return "r" + op
}

func cmdLlen(c *Ctx) error {
	l, err := listRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if l == nil {
		c.Int(0)
		return nil
	}
	c.Int(int64(l.Len()))
	return nil
}

func cmdLrange(c *Ctx) error {
	start, err := listParseInt(c.Args[2])
	if err != nil {
		return err
	}
	end, err := listParseInt(c.Args[3])
	if err != nil {
		return err
	}
	l, err := listRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if l == nil {
		c.Array(0)
		return nil
	}
	s, e, ok := listRange(int64(l.Len()), start, end)
	if !ok {
		c.Array(0)
		return nil
	}
	c.Array(int(e - s + 1))
	l.Ascend(int(s), func(i int, v []byte) bool {
		c.Bulk(v)
		return int64(i) < e
	})
	return nil
}

// listIndex resolves a possibly negative index; ok is false when out of range.
func listIndex(llen int, idx int64) (int, bool) {
	if idx < 0 {
		idx += int64(llen)
	}
	if idx < 0 || idx >= int64(llen) {
		return 0, false
	}
	return int(idx), true
}

func cmdLindex(c *Ctx) error {
	// Redis looks the key up before it parses the index.
	l, err := listRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if l == nil {
		c.Null()
		return nil
	}
	idx, err := listParseInt(c.Args[2])
	if err != nil {
		return err
	}
	i, ok := listIndex(l.Len(), idx)
	if !ok {
		c.Null()
		return nil
	}
	v, _ := l.Index(i)
	c.Bulk(v)
	return nil
}

func cmdLset(c *Ctx) error {
	key := c.Arg(1)
	it, found := c.Lookup(key)
	if !found {
		return ErrNoSuchKey
	}
	if !listIsList(it, found) {
		return ErrWrongType
	}
	idx, err := listParseInt(c.Args[2])
	if err != nil {
		return err
	}
	i, ok := listIndex(it.Value.(listValue).Len(), idx)
	if !ok {
		return errListIndexRange
	}
	c.Own(&it)
	it.Value.(listValue).Set(i, bytes.Clone(c.Args[3]))
	c.Set(key, it)
	c.Notify(NotifyList, "lset", key)
	c.OK()
	return nil
}
