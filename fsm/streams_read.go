package fsm

import (
	"errors"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

var (
	errXreadGroupOpt = errors.New("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
	errXreadNoack    = errors.New("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
	errXreadNoGroup  = errors.New("ERR Missing GROUP option for XREADGROUP")
	errXreadDollar   = errors.New("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
	errXreadGT       = errors.New("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
)

// StreamBlocks reports whether a blocking-flagged command invocation may
// wait: XREAD and XREADGROUP wait only with BLOCK, the others always.
func StreamBlocks(c *Command, args [][]byte) bool {
	if c == nil || !c.Has("blocking") {
		return false
	}
	if c.Name != "xread" && c.Name != "xreadgroup" {
		return true
	}
	for i := 1; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "block":
			return true
		case "count":
			i++
		case "group":
			i += 2
		case "noack":
		default:
			return false
		}
	}
	return false
}

// BlockingTimeoutMs is a blocking command's timeout in milliseconds (0:
// forever); ok is false when the arguments carry none the command accepts
// (it then answers the error itself). XREAD and XREADGROUP take BLOCK in
// milliseconds, the list and sorted-set pops seconds.
func BlockingTimeoutMs(c *Command, args [][]byte) (int64, bool) {
	if c != nil && (c.Name == "xread" || c.Name == "xreadgroup") {
		for i := 1; i+1 < len(args); i++ {
			switch strings.ToLower(string(args[i])) {
			case "block":
				ms, err := BlockTimeoutMillis(args[i+1])
				return ms, err == nil
			case "count":
				i++
			case "group":
				i += 2
			case "noack":
			default:
				return 0, false
			}
		}
		return 0, false
	}
	ms, err := BlockTimeout(BlockingTimeoutArg(c, args))
	return ms, err == nil
}

// xreadGeneric is Redis 7.0's xreadCommand as one non-blocking attempt: it
// serves what it can and answers a null array otherwise; with BLOCK the
// RESP layer then waits on the keys and retries through the log (see
// lists_blocking.go). A retry cannot know what "$" meant at the first
// attempt, so XREAD BLOCK with "$" and nothing to serve is refused with a
// clear error: pass the last ID seen instead.
func xreadGeneric(c *Ctx, group bool) error {
	var (
		count      int64
		block      bool
		noack      bool
		streamsArg int
		nstreams   int
		groupName  string
		consumer   string
		haveGroup  bool
		dollar     bool
	)
	args := c.Args
	for i := 1; i < len(args); i++ {
		more := len(args) - i - 1
		switch o := strings.ToLower(string(args[i])); {
		case o == "block" && more > 0:
			i++
			if _, err := BlockTimeoutMillis(args[i]); err != nil {
				return err
			}
			block = true
		case o == "count" && more > 0:
			i++
			n, err := parseLL(args[i])
			if err != nil {
				return err
			}
			count = max(n, 0)
		case o == "streams" && more > 0:
			streamsArg = i + 1
			nstreams = len(args) - streamsArg
			if nstreams%2 != 0 {
				name, sym := "xread", "$"
				if group {
					name, sym = "xreadgroup", ">"
				}
				return errors.New("ERR Unbalanced '" + name + "' list of streams: for each stream key an ID or '" + sym + "' must be specified.")
			}
			nstreams /= 2
			i = len(args)
		case o == "group" && more >= 2:
			if !group {
				return errXreadGroupOpt
			}
			groupName, consumer, haveGroup = string(args[i+1]), string(args[i+2]), true
			i += 2
		case o == "noack":
			if !group {
				return errXreadNoack
			}
			noack = true
		default:
			return ErrSyntax
		}
	}
	if streamsArg == 0 {
		return ErrSyntax
	}
	if group && !haveGroup {
		return errXreadNoGroup
	}
	ids := make([]datatypes.StreamID, nstreams)
	newOnly := make([]bool, nstreams)
	for i := range ids {
		key := string(args[streamsArg+i])
		idArg := args[streamsArg+nstreams+i]
		s, err := streamRead(c, key)
		if errors.Is(err, ErrWrongType) && c.unblocking {
			// As Redis serves blocked clients: a key that now holds
			// another type keeps the client waiting.
			continue
		}
		if err != nil {
			return err
		}
		if haveGroup && (s == nil || s.Group(groupName) == nil) {
			return errors.New("NOGROUP No such key '" + key + "' or consumer group '" + groupName + "' in XREADGROUP with GROUP option")
		}
		switch string(idArg) {
		case "$":
			if group {
				return errXreadDollar
			}
			dollar = true
			if s != nil {
				ids[i] = s.LastID
			}
			continue
		case ">":
			if !group {
				return errXreadGT
			}
			newOnly[i] = true
			continue
		}
		if ids[i], err = parseID(idArg, 0, true); err != nil {
			return err
		}
		// Redis encodes ">" as the largest ID: given explicitly, it
		// means the same.
		newOnly[i] = group && ids[i] == datatypes.MaxStreamID
	}
	mark := c.Mark()
	served := 0
	c.Array(nstreams) // rewritten below with the served count
	body := c.Mark()
	for i := range ids {
		key := string(args[streamsArg+i])
		s, _ := streamRead(c, key)
		if s == nil {
			continue
		}
		gt := ids[i]
		history := false
		serve := false
		if group {
			if !newOnly[i] {
				serve, history = true, true
			} else if last, ok := s.Edge(true); ok {
				g := s.Group(groupName)
				if g.LastID.Less(last) {
					serve, gt = true, g.LastID
				}
			}
		} else if last, ok := s.Edge(true); ok && gt.Less(last) {
			serve = true
		}
		if !serve {
			continue
		}
		served++
		start, ok := gt.Incr()
		c.Array(2)
		c.BulkString(key)
		if !group {
			if !ok {
				c.Array(0)
				continue
			}
			replyRange(c, s, start, datatypes.MaxStreamID, count, false)
			continue
		}
		s, it, _ := streamWrite(c, key)
		g := s.MutGroup(groupName)
		useConsumer(c, g, consumer, key)
		if history {
			replyConsumerHistory(c, s, g, consumer, start, ok, count)
		} else {
			replyGroupNew(c, s, g, consumer, start, count, noack)
		}
		c.Set(key, it)
	}
	if served == 0 {
		c.Rewind(mark)
		if block && dollar {
			return errStreamBlock
		}
		c.NullArray()
		return nil
	}
	if served != nstreams {
		rest := append([]byte(nil), c.Out()[body:]...)
		c.Rewind(mark)
		c.Array(served)
		c.Raw(rest)
	}
	return nil
}

// replyGroupNew delivers entries after start to consumer: the group's
// last-delivered ID and entries-read advance, and each entry enters the
// PEL (unless NOACK), taken from another consumer if it was pending there.
func replyGroupNew(c *Ctx, s *datatypes.Stream, g *datatypes.StreamGroup, consumer string, start datatypes.StreamID, count int64, noack bool) {
	var ids []datatypes.StreamID
	var fvs [][][]byte
	s.Range(start, datatypes.MaxStreamID, false, func(id datatypes.StreamID, fv [][]byte) bool {
		ids = append(ids, id)
		fvs = append(fvs, fv)
		return count <= 0 || int64(len(ids)) < count
	})
	c.Array(len(ids))
	for i, id := range ids {
		if g.LastID.Less(id) {
			if g.EntriesRead != datatypes.EntriesReadInvalid && !rangeHasTombstones(s, id, datatypes.MaxStreamID) {
				g.EntriesRead++
			} else if s.EntriesAdded > 0 {
				g.EntriesRead = estimateEntriesRead(s, id)
			}
			g.LastID = id
		}
		c.streamEntry(id, fvs[i])
		if !noack {
			g.SetPending(datatypes.StreamNACK{ID: id, Consumer: consumer, DeliveryTime: c.Now, DeliveryCount: 1})
		}
	}
}

// replyConsumerHistory serves a consumer's own pending entries from start
// (streamReplyWithRangeFromConsumerPEL): a deleted entry shows as its ID
// and a null; a served one counts one more delivery.
func replyConsumerHistory(c *Ctx, s *datatypes.Stream, g *datatypes.StreamGroup, consumer string, start datatypes.StreamID, ok bool, count int64) {
	var ids []datatypes.StreamID
	if cons := g.Consumer(consumer); cons != nil && ok {
		cons.PendingRange(start, datatypes.MaxStreamID, func(id datatypes.StreamID) bool {
			ids = append(ids, id)
			return count <= 0 || int64(len(ids)) < count
		})
	}
	c.Array(len(ids))
	for _, id := range ids {
		fv, found := s.Get(id)
		if !found {
			c.Array(2)
			c.streamID(id)
			c.NullArray()
			continue
		}
		c.streamEntry(id, fv)
		n, _ := g.Pending(id)
		n.DeliveryTime = c.Now
		n.DeliveryCount++
		g.SetPending(n)
	}
}

// rangeHasTombstones is streamRangeHasTombstones: whether an entry between
// start and end may have been deleted.
func rangeHasTombstones(s *datatypes.Stream, start, end datatypes.StreamID) bool {
	if s.Len() == 0 || s.MaxDeletedID.IsZero() {
		return false
	}
	if s.MaxDeletedID.Less(s.FirstID) {
		return false
	}
	return !s.MaxDeletedID.Less(start) && !end.Less(s.MaxDeletedID)
}

// estimateEntriesRead is streamEstimateDistanceFromFirstEverEntry: id's
// logical read counter when it can be known, else EntriesReadInvalid.
func estimateEntriesRead(s *datatypes.Stream, id datatypes.StreamID) int64 {
	if s.EntriesAdded == 0 {
		return 0
	}
	if s.Len() == 0 && id.Cmp(s.LastID) < 1 {
		return int64(s.EntriesAdded)
	}
	switch id.Cmp(s.LastID) {
	case 0:
		return int64(s.EntriesAdded)
	case 1:
		return datatypes.EntriesReadInvalid
	}
	if s.MaxDeletedID.IsZero() || s.MaxDeletedID.Less(s.FirstID) {
		switch id.Cmp(s.FirstID) {
		case -1:
			return int64(s.EntriesAdded) - int64(s.Len())
		case 0:
			return int64(s.EntriesAdded) - int64(s.Len()) + 1
		}
	}
	return datatypes.EntriesReadInvalid
}

var errTimeoutInt = errors.New("ERR timeout is not an integer or out of range")

// BlockTimeoutMillis is getTimeoutFromObjectOrReply in milliseconds
// (XREAD's and XREADGROUP's BLOCK): an integer, not negative.
func BlockTimeoutMillis(arg []byte) (int64, error) {
	n, ok := datatypes.ParseInt(arg)
	if !ok {
		return 0, errTimeoutInt
	}
	if n < 0 {
		return 0, errTimeoutNegative
	}
	return n, nil
}
