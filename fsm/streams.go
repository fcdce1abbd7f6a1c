package fsm

import (
	"errors"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

// streamValue is how a stream is stored in the keyspace (see hashValue).
// Unlike the other collections an empty stream is kept: XDEL of the last
// entry and XGROUP CREATE MKSTREAM leave one, as in Redis.
type streamValue struct{ *datatypes.Stream }

func (v streamValue) Clone() Collection { return streamValue{v.Stream.Clone()} }

func (v streamValue) keepsEmpty() bool { return true }

// keepsEmpty reports whether Set stores coll even when it is empty: only a
// stream, whose IDs, groups and counters outlive its entries.
func keepsEmpty(coll Collection) bool {
	k, ok := coll.(interface{ keepsEmpty() bool })
	return ok && k.keepsEmpty()
}

// Reply texts of Redis 7.0's stream commands.
var (
	errStreamID         = errors.New("ERR Invalid stream ID specified as stream command argument")
	errXaddZero         = errors.New("ERR The ID specified in XADD must be greater than 0-0")
	errXaddSmall        = errors.New("ERR The ID specified in XADD is equal or smaller than the target stream top item")
	errStreamExhausted  = errors.New("ERR The stream has exhausted the last possible ID, unable to add more items")
	errStartInterval    = errors.New("ERR invalid start ID for the interval")
	errEndInterval      = errors.New("ERR invalid end ID for the interval")
	errTrimBoth         = errors.New("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
	errMaxlenNeg        = errors.New("ERR The MAXLEN argument must be >= 0.")
	errLimitNeg         = errors.New("ERR The LIMIT argument must be >= 0.")
	errLimitNoStrategy  = errors.New("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
	errXtrimNoStrategy  = errors.New("ERR syntax error, XTRIM must be called with a trimming strategy")
	errLimitNoApprox    = errors.New("ERR syntax error, LIMIT cannot be used without the special ~ option")
	errStreamBlock      = errors.New("ERR XREAD BLOCK with the $ ID is not supported by quoris: pass the last ID you have seen instead of $")
	errXsetidEntries    = errors.New("ERR entries_added must be positive")
	errXsetidMaxDel     = errors.New("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
	errXsetidTop        = errors.New("ERR The ID specified in XSETID is smaller than the target stream top item")
	errXsetidEntriesLen = errors.New("ERR The entries_added specified in XSETID is smaller than the target stream length")
)

func registerStreams(t *Table) {
	stream := func(s Spec, run func(*Ctx) error) *Command {
		s.Group = "stream"
		if s.FirstKey == 0 && s.Keys == nil {
			s.FirstKey, s.LastKey, s.Step = 1, 1, 1
		}
		return &Command{Spec: s, Run: run}
	}
	const rangeCx = "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1)."
	xreadgroup := stream(Spec{Name: "xreadgroup", Arity: -7, Flags: []string{"write", "blocking", "movablekeys"}, Keys: xreadKeys,
		Summary: "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.", Since: "5.0.0",
		Complexity: "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data."},
		func(c *Ctx) error { return xreadGeneric(c, true) })
	xgroup := stream(Spec{Name: "xgroup", Arity: -2, Keys: subcommandKeys(containerArity["xgroup"]),
		Summary: "A container for consumer groups commands", Since: "5.0.0", Complexity: "Depends on subcommand."}, cmdXgroup)
	t.Add(
		stream(Spec{Name: "xadd", Arity: -5, Flags: []string{"write", "denyoom", "fast"},
			Summary: "Appends a new entry to a stream", Since: "5.0.0",
			Complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted."}, cmdXadd),
		stream(Spec{Name: "xrange", Arity: -4, Flags: []string{"readonly"},
			Summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval", Since: "5.0.0", Complexity: rangeCx},
			func(c *Ctx) error { return xrangeGeneric(c, false) }),
		stream(Spec{Name: "xrevrange", Arity: -4, Flags: []string{"readonly"},
			Summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE", Since: "5.0.0",
			Complexity: "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1)."},
			func(c *Ctx) error { return xrangeGeneric(c, true) }),
		stream(Spec{Name: "xlen", Arity: 2, Flags: []string{"readonly", "fast"},
			Summary: "Return the number of entries in a stream", Since: "5.0.0", Complexity: "O(1)"}, cmdXlen),
		stream(Spec{Name: "xdel", Arity: -3, Flags: []string{"write", "fast"},
			Summary: "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.", Since: "5.0.0",
			Complexity: "O(1) for each single item to delete in the stream, regardless of the stream size."}, cmdXdel),
		stream(Spec{Name: "xtrim", Arity: -4, Flags: []string{"write"},
			Summary: "Trims the stream to (approximately if '~' is passed) a certain size", Since: "5.0.0",
			Complexity: "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation."}, cmdXtrim),
		stream(Spec{Name: "xread", Arity: -4, Flags: []string{"readonly", "blocking", "movablekeys"}, Keys: xreadKeys,
			Summary: "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.", Since: "5.0.0",
			Complexity: "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data."},
			func(c *Ctx) error { return xreadGeneric(c, false) }),
		stream(Spec{Name: "xsetid", Arity: -3, Flags: []string{"write", "denyoom", "fast"},
			Summary: "An internal command for replicating stream values", Since: "5.0.0", Complexity: "O(1)"}, cmdXsetid),
		xgroup, xreadgroup,
		stream(Spec{Name: "xack", Arity: -4, Flags: []string{"write", "fast"},
			Summary: "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.", Since: "5.0.0",
			Complexity: "O(1) for each message ID processed."}, cmdXack),
		stream(Spec{Name: "xpending", Arity: -3, Flags: []string{"readonly"},
			Summary: "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.", Since: "5.0.0",
			Complexity: "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer."}, cmdXpending),
		stream(Spec{Name: "xclaim", Arity: -6, Flags: []string{"write", "fast"},
			Summary: "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.", Since: "5.0.0",
			Complexity: "O(log N) with N being the number of messages in the PEL of the consumer group."}, cmdXclaim),
		stream(Spec{Name: "xautoclaim", Arity: -6, Flags: []string{"write", "fast"},
			Summary: "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.", Since: "6.2.0",
			Complexity: "O(1) if COUNT is small."}, cmdXautoclaim),
		stream(Spec{Name: "xinfo", Arity: -2, Keys: subcommandKeys(containerArity["xinfo"]),
			Summary: "A container for stream introspection commands", Since: "5.0.0", Complexity: "Depends on subcommand."}, cmdXinfo),
	)
	// XGROUP's subcommands but HELP write; XREADGROUP changes the PEL and
	// the group's position, so it goes through the log like any write.
	// XREAD BLOCK waits on the leader and retries through the log, as the
	// blocking pops do; without BLOCK it is an ordinary read.
	xread := t.cmds["xread"]
	xread.Write = true
	xread.Logged = func(_ *FSM, args [][]byte) bool { return StreamBlocks(xread, args) }
	xgroup.Write = true
	xgroup.Logged = func(_ *FSM, args [][]byte) bool { return len(args) < 2 || !strings.EqualFold(string(args[1]), "help") }
	// The containers' key flags are their subcommands' (xgroup|destroy
	// deletes, xgroup|setid updates ...).
	for _, name := range []string{"xgroup", "xinfo"} {
		c := t.cmds[name]
		c.KeySpecs = t.keySpecs[name+"|"+map[string]string{"xgroup": "create", "xinfo": "stream"}[name]]
		c.KeyFlagsOf = func(args [][]byte, i int) []string {
			if len(args) < 2 {
				return nil
			}
			if ks := t.keySpecs[name+"|"+strings.ToLower(string(args[1]))]; i < len(ks) {
				return ks[i].Flags
			}
			return nil
		}
	}
}

// subcommandKeys is the key of a container's subcommand (argument 2) when
// the subcommand exists, has a key and is called with a valid count.
func subcommandKeys(arity map[string]int) func(args [][]byte) [][]byte {
	return func(args [][]byte) [][]byte {
		if len(args) < 3 {
			return nil
		}
		sub := strings.ToLower(string(args[1]))
		a := arity[sub]
		if a == 0 || sub == "help" || (a > 0 && len(args) != a) || (a < 0 && len(args) < -a) {
			return nil
		}
		return args[2:3]
	}
}

// xreadKeys is Redis's xreadGetKeys: the keys after STREAMS, half of
// what follows it.
func xreadKeys(args [][]byte) [][]byte {
	pos := -1
	for i := 1; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "block", "count":
			i++
			continue
		case "group":
			i += 2
			continue
		case "noack":
			continue
		case "streams":
			pos = i
		}
		break
	}
	if pos < 0 {
		return nil
	}
	n := len(args) - pos - 1
	if n == 0 || n%2 != 0 {
		return nil
	}
	return args[pos+1 : pos+1+n/2]
}

// streamRead looks key up for reading; a missing key gives nil.
func streamRead(c *Ctx, key string) (*datatypes.Stream, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, nil
	}
	v, is := it.Value.(streamValue)
	if !is {
		return nil, ErrWrongType
	}
	return v.Stream, nil
}

// streamWrite returns key's stream owned for changing, or nil when the key
// is missing (the caller decides whether to create one).
func streamWrite(c *Ctx, key string) (*datatypes.Stream, Item, error) {
	it, ok := c.Lookup(key)
	if !ok {
		return nil, it, nil
	}
	if _, is := it.Value.(streamValue); !is {
		return nil, it, ErrWrongType
	}
	c.Own(&it)
	return it.Value.(streamValue).Stream, it, nil
}

// parseID is streamParseIDOrReply (strict: streamParseStrictIDOrReply).
func parseID(b []byte, missingSeq uint64, strict bool) (datatypes.StreamID, error) {
	id, _, ok := datatypes.ParseStreamID(b, missingSeq, strict, false)
	if !ok {
		return id, errStreamID
	}
	return id, nil
}

// parseIntervalID is streamParseIntervalIDOrReply: "(" makes it exclusive.
func parseIntervalID(b []byte, missingSeq uint64) (datatypes.StreamID, bool, error) {
	if len(b) > 1 && b[0] == '(' {
		id, err := parseID(b[1:], missingSeq, true)
		return id, true, err
	}
	id, err := parseID(b, missingSeq, false)
	return id, false, err
}

func parseLL(b []byte) (int64, error) {
	n, ok := datatypes.ParseInt(b)
	if !ok {
		return 0, ErrNotInteger
	}
	return n, nil
}

func (c *Ctx) streamID(id datatypes.StreamID) {
	var buf [48]byte
	c.Bulk(id.Append(buf[:0]))
}

// streamEntry replies [id, [field, value ...]].
func (c *Ctx) streamEntry(id datatypes.StreamID, fv [][]byte) {
	c.Array(2)
	c.streamID(id)
	c.Array(len(fv))
	for _, b := range fv {
		c.Bulk(b)
	}
}

// trimParse is streamParseAddOrTrimArgsOrReply. It returns the trim
// arguments, whether any trimming was asked, and for XADD the position of
// the ID argument, the explicit ID and NOMKSTREAM.
type addArgs struct {
	trim      datatypes.TrimArgs
	trimming  bool
	idPos     int
	id        datatypes.StreamID
	idGiven   bool
	seqGiven  bool
	noMkStrem bool
}

func parseAddTrim(c *Ctx, xadd bool) (addArgs, error) {
	var a addArgs
	args := c.Args
	limitGiven := false
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := strings.ToLower(string(args[i]))
		switch {
		case xadd && opt == "*":
		case (opt == "maxlen" || opt == "minid") && more > 0:
			if a.trimming {
				return a, errTrimBoth
			}
			a.trim.Approx = false
			if next := string(args[i+1]); more >= 2 && (next == "~" || next == "=") {
				a.trim.Approx = next == "~"
				i++
			}
			if opt == "maxlen" {
				n, err := parseLL(args[i+1])
				if err != nil {
					return a, err
				}
				if n < 0 {
					return a, errMaxlenNeg
				}
				a.trim.MaxLen, a.trim.Len = true, n
			} else {
				id, err := parseID(args[i+1], 0, true)
				if err != nil {
					return a, err
				}
				a.trim.MaxLen, a.trim.MinID = false, id
			}
			i++
			a.trimming = true
			continue
		case opt == "limit" && more > 0:
			n, err := parseLL(args[i+1])
			if err != nil {
				return a, err
			}
			if n < 0 {
				return a, errLimitNeg
			}
			a.trim.Limit, limitGiven = n, true
			i++
			continue
		case xadd && opt == "nomkstream":
			a.noMkStrem = true
			continue
		case xadd:
			id, seqGiven, ok := datatypes.ParseStreamID(args[i], 0, true, true)
			if !ok {
				return a, errStreamID
			}
			a.id, a.seqGiven, a.idGiven = id, seqGiven, true
		default:
			return a, ErrSyntax
		}
		break
	}
	a.idPos = i
	if a.trim.Limit != 0 && !a.trimming {
		return a, errLimitNoStrategy
	}
	if !xadd && !a.trimming {
		return a, errXtrimNoStrategy
	}
	if limitGiven {
		if !a.trim.Approx {
			return a, errLimitNoApprox
		}
	} else if a.trim.Approx {
		a.trim.Limit = 100 * c.SettingInt("stream-node-max-entries")
		if a.trim.Limit <= 0 || a.trim.Limit > 1<<30 {
			a.trim.Limit = 10000
		}
	}
	return a, nil
}

func cmdXadd(c *Ctx) error {
	a, err := parseAddTrim(c, true)
	if err != nil {
		return err
	}
	fieldPos := a.idPos + 1
	if n := len(c.Args) - fieldPos; n < 2 || n%2 == 1 {
		return errArity(c)
	}
	if a.idGiven && a.seqGiven && a.id.IsZero() {
		return errXaddZero
	}
	key := c.Arg(1)
	s, it, err := streamWrite(c, key)
	if err != nil {
		return err
	}
	if s == nil {
		if a.noMkStrem {
			c.Null()
			return nil
		}
		s = datatypes.NewStream()
		it = c.NewItem(streamValue{s})
	}
	if s.LastID == datatypes.MaxStreamID {
		return errStreamExhausted
	}
	var id datatypes.StreamID
	switch {
	case !a.idGiven:
		id, _ = s.NextID(c.Now)
	case a.seqGiven:
		id = a.id
	default:
		id = datatypes.StreamID{Ms: a.id.Ms}
		if a.id.Ms == s.LastID.Ms {
			if s.LastID.Seq == ^uint64(0) {
				return errXaddSmall
			}
			id.Seq = s.LastID.Seq + 1
		}
	}
	if !s.LastID.Less(id) {
		return errXaddSmall
	}
	s.Append(id, c.Args[fieldPos:], c.SettingInt("stream-node-max-bytes"), c.SettingInt("stream-node-max-entries"))
	trimmed := int64(0)
	if a.trimming {
		trimmed = s.Trim(a.trim)
	}
	c.Set(key, it)
	c.streamID(id)
	// Redis announces the append, then the trim it caused.
	c.Notify(NotifyStream, "xadd", key)
	if trimmed > 0 {
		c.Notify(NotifyStream, "xtrim", key)
	}
	return nil
}

func xrangeGeneric(c *Ctx, rev bool) error {
	startArg, endArg := c.Args[2], c.Args[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	// Redis checks the start completely, exclusive bound included,
	// before it looks at the end.
	start, startEx, err := parseIntervalID(startArg, 0)
	if err != nil {
		return err
	}
	if startEx {
		var ok bool
		if start, ok = start.Incr(); !ok {
			return errStartInterval
		}
	}
	end, endEx, err := parseIntervalID(endArg, ^uint64(0))
	if err != nil {
		return err
	}
	if endEx {
		var ok bool
		if end, ok = end.Decr(); !ok {
			return errEndInterval
		}
	}
	count := int64(-1)
	for j := 4; j < len(c.Args); j++ {
		if strings.EqualFold(string(c.Args[j]), "count") && j+1 < len(c.Args) {
			n, err := parseLL(c.Args[j+1])
			if err != nil {
				return err
			}
			count = max(n, 0)
			j++
			continue
		}
		return ErrSyntax
	}
	s, err := streamRead(c, c.Arg(1))
	if err != nil {
		return err
	}
	if s == nil {
		c.Array(0)
		return nil
	}
	if count == 0 {
		c.NullArray()
		return nil
	}
	replyRange(c, s, start, end, count, rev)
	return nil
}

// replyRange replies with the entries in [start, end], at most count (all
// when count <= 0).
func replyRange(c *Ctx, s *datatypes.Stream, start, end datatypes.StreamID, count int64, rev bool) {
	var ids []datatypes.StreamID
	var fvs [][][]byte
	s.Range(start, end, rev, func(id datatypes.StreamID, fv [][]byte) bool {
		ids = append(ids, id)
		fvs = append(fvs, fv)
		return count <= 0 || int64(len(ids)) < count
	})
	c.Array(len(ids))
	for i, id := range ids {
		c.streamEntry(id, fvs[i])
	}
}

func cmdXlen(c *Ctx) error {
	s, err := streamRead(c, c.Arg(1))
	if err != nil || s == nil {
		if err == nil {
			c.Int(0)
		}
		return err
	}
	c.Int(int64(s.Len()))
	return nil
}

func cmdXdel(c *Ctx) error {
	key := c.Arg(1)
	s, err := streamRead(c, key)
	if err != nil || s == nil {
		if err == nil {
			c.Int(0)
		}
		return err
	}
	ids := make([]datatypes.StreamID, 0, len(c.Args)-2)
	for _, a := range c.Args[2:] {
		id, err := parseID(a, 0, true)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	s, it, _ := streamWrite(c, key)
	var deleted int64
	first := false
	for _, id := range ids {
		if s.Delete(id) {
			if s.MaxDeletedID.Less(id) {
				s.MaxDeletedID = id
			}
			if id == s.FirstID {
				first = true
			}
			deleted++
		}
	}
	if deleted > 0 {
		if s.Len() == 0 {
			s.FirstID = datatypes.StreamID{}
		} else if first {
			s.FirstID, _ = s.Edge(false)
		}
		c.Set(key, it)
		c.Notify(NotifyStream, "xdel", key)
	}
	c.Int(deleted)
	return nil
}

func cmdXtrim(c *Ctx) error {
	a, err := parseAddTrim(c, false)
	if err != nil {
		return err
	}
	key := c.Arg(1)
	s, err := streamRead(c, key)
	if err != nil || s == nil {
		if err == nil {
			c.Int(0)
		}
		return err
	}
	s, it, _ := streamWrite(c, key)
	n := s.Trim(a.trim)
	if n > 0 {
		c.Set(key, it)
		c.Notify(NotifyStream, "xtrim", key)
	}
	c.Int(n)
	return nil
}

func cmdXsetid(c *Ctx) error {
	id, err := parseID(c.Args[2], 0, true)
	if err != nil {
		return err
	}
	entriesAdded := int64(-1)
	var maxDel datatypes.StreamID
	for i := 3; i < len(c.Args); i += 2 {
		opt := strings.ToLower(c.Arg(i))
		if i+1 >= len(c.Args) {
			return ErrSyntax
		}
		switch opt {
		case "entriesadded":
			if entriesAdded, err = parseLL(c.Args[i+1]); err != nil {
				return err
			}
			if entriesAdded < 0 {
				return errXsetidEntries
			}
		case "maxdeletedid":
			if maxDel, err = parseID(c.Args[i+1], 0, true); err != nil {
				return err
			}
			if id.Less(maxDel) {
				return errXsetidMaxDel
			}
		default:
			return ErrSyntax
		}
	}
	key := c.Arg(1)
	s, err := streamRead(c, key)
	if err != nil {
		return err
	}
	if s == nil {
		return ErrNoSuchKey
	}
	if s.Len() > 0 {
		if top, _ := s.Edge(true); id.Less(top) {
			return errXsetidTop
		}
		if entriesAdded != -1 && int64(s.Len()) > entriesAdded {
			return errXsetidEntriesLen
		}
	}
	s, it, _ := streamWrite(c, key)
	s.LastID = id
	if entriesAdded != -1 {
		s.EntriesAdded = uint64(entriesAdded)
	}
	if !maxDel.IsZero() {
		s.MaxDeletedID = maxDel
	}
	c.Set(key, it)
	c.Notify(NotifyStream, "xsetid", key)
	c.OK()
	return nil
}
