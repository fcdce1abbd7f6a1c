package fsm

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

// SORT and SORT_RO, with Redis 7.0's semantics. SORT is flagged "write"
// (COMMAND INFO says so) but changes state only with STORE: Logged sends
// only that form through the log, and the rest runs on the read path.

var (
	errSortScores = errors.New("ERR One or more scores can't be converted into double")
	errSortOnRead = errors.New("ERR internal: SORT STORE on the read path")
)

func registerSort(t *Table) {
	const cx = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N)."
	t.Add(
		&Command{Spec: Spec{Name: "sort", Arity: -2, Flags: []string{"write", "denyoom", "movablekeys"}, FirstKey: 1, LastKey: 1, Step: 1,
			Group: "generic", Summary: "Sort the elements in a list, set or sorted set", Since: "1.0.0", Complexity: cx,
			Keys: sortKeys},
			Logged: func(_ *FSM, args [][]byte) bool {
				o, _ := parseSort(args, false)
				return o.store != nil
			},
			Run: func(c *Ctx) error { return cmdSort(c, false) }},
		&Command{Spec: Spec{Name: "sort_ro", Arity: -2, Flags: []string{"readonly", "movablekeys"}, FirstKey: 1, LastKey: 1, Step: 1,
			Group: "generic", Summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", Since: "7.0.0", Complexity: cx,
			// Flagged movablekeys as in Redis, whose key specs still
			// name just the key: BY and GET patterns are not keys.
			Keys: func(args [][]byte) [][]byte { return args[1:min(2, len(args))] }},
			Run: func(c *Ctx) error { return cmdSort(c, true) }},
	)
}

// sortKeys is Redis's sortGetKeys: the key, plus the argument after the
// last STORE. Like Redis it skips LIMIT's two and GET's and BY's one
// argument, and does not skip STORE's, so a destination named "limit" or
// "get" makes it skip what follows.
func sortKeys(args [][]byte) [][]byte {
	if len(args) < 2 {
		return nil
	}
	keys := [][]byte{args[1]}
	store := -1
	for i := 2; i < len(args); i++ {
		a := string(args[i])
		switch {
		case strings.EqualFold(a, "limit"):
			i += 2
		case strings.EqualFold(a, "get"), strings.EqualFold(a, "by"):
			i++
		case strings.EqualFold(a, "store") && i+1 < len(args):
			store = i + 1
		}
	}
	if store >= 0 {
		keys = append(keys, args[store])
	}
	return keys
}

type sortOpts struct {
	desc, alpha, dontsort  bool
	limitStart, limitCount int64
	by                     []byte
	gets                   [][]byte
	store                  []byte
}

// parseSort parses SORT's options as sortCommandGeneric does; SORT_RO
// (readonly) knows no STORE, so it is a syntax error there.
func parseSort(args [][]byte, readonly bool) (sortOpts, error) {
	o := sortOpts{limitCount: -1}
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch a := string(args[j]); {
		case strings.EqualFold(a, "asc"):
			o.desc = false
		case strings.EqualFold(a, "desc"):
			o.desc = true
		case strings.EqualFold(a, "alpha"):
			o.alpha = true
		case strings.EqualFold(a, "limit") && left >= 2:
			start, ok1 := datatypes.ParseInt(args[j+1])
			count, ok2 := datatypes.ParseInt(args[j+2])
			if !ok1 || !ok2 {
				return o, ErrNotInteger
			}
			o.limitStart, o.limitCount = start, count
			j += 2
		case !readonly && strings.EqualFold(a, "store") && left >= 1:
			o.store = args[j+1]
			j++
		case strings.EqualFold(a, "by") && left >= 1:
			o.by = args[j+1]
			// A pattern without '*' (as a C string) names no per-element
			// key: nothing to sort by. Once set, it stays set.
			if bytes.IndexByte(cString(o.by), '*') < 0 {
				o.dontsort = true
			}
			j++
		case strings.EqualFold(a, "get") && left >= 1:
			o.gets = append(o.gets, args[j+1])
			j++
		default:
			return o, ErrSyntax
		}
	}
	return o, nil
}

// cString is b as C code sees it: up to the first NUL.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

type sortItem struct {
	elem  string
	score float64
	cmp   []byte // ALPHA BY value; nil when the BY key is missing
}

func cmdSort(c *Ctx, readonly bool) error {
	o, err := parseSort(c.Args, readonly)
	if err != nil {
		return err
	}
	if o.store != nil && !c.Write {
		return errSortOnRead // Logged routes every STORE through the log
	}
	key := c.Arg(1)
	it, found := c.Lookup(key)
	isSet, isList, isZSet := false, false, false
	if found {
		switch it.Value.(type) {
		case setValue:
			isSet = true
		case listValue:
			isList = true
		case zsetValue:
			isZSet = true
		default:
			return ErrWrongType
		}
	} else {
		isList = true // Redis sorts an empty list in its place
	}
	if o.dontsort && isSet && o.store != nil {
		// An unsorted set would store in hash order: force a sort so the
		// result is the same everywhere.
		o.dontsort, o.alpha, o.by = false, true, nil
	}
	if zv, ok := it.Value.(zsetValue); ok && !zv.IsSkiplist() && c.Write {
		// Redis converts the sorted set it sorts to a skiplist; only the
		// log may change state, so quoris does it when SORT STORE runs.
		c.Own(&it)
		it.Value.(zsetValue).ConvertToSkiplist()
		c.DB.put(key, it)
	}
	var vector []sortItem
	if found {
		vector = sortElements(it, o)
	}
	n := int64(len(vector))
	start := min(max(o.limitStart, 0), n)
	count := min(max(o.limitCount, -1), n)
	end := n - 1
	if count >= 0 {
		end = start + count - 1
	}
	if start >= n {
		start, end = n-1, n-2
	}
	end = min(end, n-1)
	if (isList || isZSet) && o.dontsort {
		// Lists and sorted sets keep their order: take the range directly,
		// from the tail when DESC.
		if o.desc {
			slices.Reverse(vector)
		}
		if end >= start {
			vector = vector[start : end+1]
		} else {
			vector = nil
		}
		end -= start
		start = 0
	}
	if !o.dontsort {
		if err := sortVector(c, vector, o); err != nil {
			return err
		}
	}
	outLen := end - start + 1
	if len(o.gets) > 0 {
		outLen *= int64(len(o.gets))
	}
	if o.store == nil {
		c.Array(int(outLen))
		for j := start; j <= end; j++ {
			e := vector[j].elem
			if len(o.gets) == 0 {
				c.BulkString(e)
			}
			for _, g := range o.gets {
				if v, ok := sortLookup(c, g, e); ok {
					c.BulkString(v)
				} else {
					c.Null()
				}
			}
		}
		return nil
	}
	dst := string(o.store)
	if outLen <= 0 {
		if c.Delete(dst) {
			c.Notify(NotifyGeneric, "del", dst)
		}
		c.Int(0)
		return nil
	}
	l := datatypes.NewList()
	for j := start; j <= end; j++ {
		e := vector[j].elem
		if len(o.gets) == 0 {
			l.PushRight([]byte(e))
		}
		for _, g := range o.gets {
			v, _ := sortLookup(c, g, e) // a missing value is stored as ""
			l.PushRight([]byte(v))
		}
	}
	c.Set(dst, c.NewItem(listValue{l}))
	c.Notify(NotifyList, "sortstore", dst)
	c.Int(outLen)
	return nil
}

// sortElements loads the elements to sort in the collection's order.
func sortElements(it Item, o sortOpts) []sortItem {
	var out []sortItem
	switch v := it.Value.(type) {
	case listValue:
		out = make([]sortItem, 0, v.Len())
		v.Ascend(0, func(_ int, e []byte) bool {
			out = append(out, sortItem{elem: string(e)})
			return true
		})
	case setValue:
		out = make([]sortItem, 0, v.Len())
		v.Each(func(m string) bool {
			out = append(out, sortItem{elem: m})
			return true
		})
	case zsetValue:
		out = make([]sortItem, 0, v.Len())
		v.Each(func(z datatypes.ZItem) bool {
			out = append(out, sortItem{elem: z.Member})
			return true
		})
	}
	return out
}

// sortVector computes each element's weight and sorts, as sortCompare
// orders: numeric by weight then element bytes; ALPHA by the BY value
// (missing first) or the element. glibc's qsort is a stable merge sort, so
// equal ALPHA keys keep the collection's order.
func sortVector(c *Ctx, vector []sortItem, o sortOpts) error {
	convErr := false
	for i := range vector {
		w := []byte(vector[i].elem)
		if o.by != nil {
			v, ok := sortLookup(c, o.by, vector[i].elem)
			if !ok {
				continue
			}
			w = []byte(v)
		}
		if o.alpha {
			if o.by != nil {
				vector[i].cmp = w
			}
			continue
		}
		f, ok := datatypes.ParseSortWeight(w)
		if !ok {
			convErr = true
		}
		vector[i].score = f
	}
	store := o.store != nil
	// Without STORE Redis compares with strcoll (C strings, up to a NUL;
	// byte order in the C locale); with STORE, whole strings byte by byte.
	collate := func(a, b []byte) int {
		if store {
			return bytes.Compare(a, b)
		}
		return bytes.Compare(cString(a), cString(b))
	}
	cmp := func(a, b sortItem) int {
		var r int
		switch {
		case !o.alpha:
			switch {
			case a.score > b.score:
				r = 1
			case a.score < b.score:
				r = -1
			default:
				r = strings.Compare(a.elem, b.elem)
			}
		case o.by != nil:
			switch {
			case a.cmp == nil && b.cmp == nil:
				r = 0
			case a.cmp == nil:
				r = -1
			case b.cmp == nil:
				r = 1
			default:
				r = collate(a.cmp, b.cmp)
			}
		default:
			r = collate([]byte(a.elem), []byte(b.elem))
		}
		if o.desc {
			return -r
		}
		return r
	}
	if o.alpha {
		slices.SortStableFunc(vector, cmp)
	} else {
		// Numeric order is total (equal weights fall back to the elements'
		// bytes, and equal elements are interchangeable): no need for the
		// slower stable sort.
		slices.SortFunc(vector, cmp)
	}
	if convErr {
		return errSortScores
	}
	return nil
}

// sortLookup is lookupKeyByPattern: "#" is the element itself; otherwise
// the first '*' is replaced by the element and the key's string value is
// read, or with "->field" after the '*', that field of the key's hash.
// Anything missing or of another type is (_, false).
func sortLookup(c *Ctx, pattern []byte, subst string) (string, bool) {
	if len(pattern) > 0 && pattern[0] == '#' && (len(pattern) == 1 || pattern[1] == 0) {
		return subst, true
	}
	cpat := cString(pattern)
	star := bytes.IndexByte(cpat, '*')
	if star < 0 {
		return "", false
	}
	var field []byte
	fieldLen := 0
	if f := bytes.Index(cpat[star+1:], []byte("->")); f >= 0 {
		at := star + 1 + f
		if at+2 < len(cpat) {
			field = pattern[at+2:]
			fieldLen = len(field)
		}
	}
	post := len(pattern) - (star + 1)
	if fieldLen > 0 {
		post -= fieldLen + 2
	}
	key := string(pattern[:star]) + subst + string(pattern[star+1:star+1+post])
	it, ok := c.Lookup(key)
	if !ok {
		return "", false
	}
	if field != nil {
		h, ok := it.Value.(hashValue)
		if !ok {
			return "", false
		}
		return h.Get(string(field))
	}
	if it.Value != nil {
		return "", false
	}
	return string(it.Str), true
}
