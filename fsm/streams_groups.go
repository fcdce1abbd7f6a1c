package fsm

import (
	"errors"
	"math"
	"strings"

	"github.com/quoris/quoris/datatypes"
)

var (
	errXgroupNoKey   = errors.New("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	errBusyGroup     = errors.New("BUSYGROUP Consumer Group name already exists")
	errEntriesRead   = errors.New("ERR value for ENTRIESREAD must be positive or -1")
	errAutoclaimCnt  = errors.New("ERR COUNT must be > 0")
	errXclaimMinIdle = errors.New("ERR Invalid min-idle-time argument for XCLAIM")
)

func noGroupFor(group, key string) error {
	return errors.New("NOGROUP No such consumer group '" + group + "' for key name '" + key + "'")
}

func noKeyOrGroup(key, group string) error {
	return errors.New("NOGROUP No such key '" + key + "' or consumer group '" + group + "'")
}

func cmdXgroup(c *Ctx) error {
	sub, err := subcommand(c, "xgroup")
	if err != nil {
		return err
	}
	if sub == "help" {
		help := []string{
			"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"CREATE <key> <groupname> <id|$> [option]",
			"    Create a new consumer group. Options are:",
			"    * MKSTREAM",
			"      Create the empty stream if it does not exist.",
			"    * ENTRIESREAD entries_read",
			"      Set the group's entries_read counter (internal use).",
			"CREATECONSUMER <key> <groupname> <consumer>",
			"    Create a new consumer in the specified group.",
			"DELCONSUMER <key> <groupname> <consumer>",
			"    Remove the specified consumer.",
			"DESTROY <key> <groupname>",
			"    Remove the specified group.",
			"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
			"    Set the current group ID and entries_read counter.",
			"HELP",
			"    Prints this help.",
		}
		c.Array(len(help))
		for _, l := range help {
			c.Simple(l)
		}
		return nil
	}
	mkstream := false
	entriesRead := int64(datatypes.EntriesReadInvalid)
	if sub == "create" || sub == "setid" {
		for i := 5; i < len(c.Args); {
			switch opt := strings.ToLower(c.Arg(i)); {
			case sub == "create" && opt == "mkstream":
				mkstream = true
				i++
			case opt == "entriesread" && i+1 < len(c.Args):
				n, err := parseLL(c.Args[i+1])
				if err != nil {
					return err
				}
				if n < 0 && n != datatypes.EntriesReadInvalid {
					return errEntriesRead
				}
				entriesRead = n
				i += 2
			default:
				return errors.New("ERR unknown subcommand or wrong number of arguments for '" + c.Arg(1) + "'. Try XGROUP HELP.")
			}
		}
		if len(c.Args) > 8 || (sub == "setid" && len(c.Args) != 5 && len(c.Args) != 7) {
			return errors.New("ERR unknown subcommand or wrong number of arguments for '" + c.Arg(1) + "'. Try XGROUP HELP.")
		}
	}
	key, name := c.Arg(2), c.Arg(3)
	s, err := streamRead(c, key)
	if err != nil {
		return err
	}
	if !mkstream && s == nil {
		return errXgroupNoKey
	}
	if sub == "setid" || sub == "createconsumer" || sub == "delconsumer" {
		if s.Group(name) == nil {
			return noGroupFor(name, key)
		}
	}
	var it Item
	switch sub {
	case "create":
		var id datatypes.StreamID
		if c.Arg(4) == "$" {
			if s != nil {
				id = s.LastID
			}
		} else if id, err = parseID(c.Args[4], 0, true); err != nil {
			return err
		}
		if s == nil {
			s = datatypes.NewStream()
			it = c.NewItem(streamValue{s})
		} else {
			s, it, _ = streamWrite(c, key)
		}
		if !s.CreateGroup(name, id, entriesRead) {
			return errBusyGroup
		}
		c.Set(key, it)
		c.Notify(NotifyStream, "xgroup-create", key)
		c.OK()
	case "setid":
		var id datatypes.StreamID
		if c.Arg(4) == "$" {
			id = s.LastID
		} else if id, err = parseID(c.Args[4], 0, false); err != nil {
			return err
		}
		s, it, _ = streamWrite(c, key)
		g := s.MutGroup(name)
		g.LastID, g.EntriesRead = id, entriesRead
		c.Set(key, it)
		c.Notify(NotifyStream, "xgroup-setid", key)
		c.OK()
	case "destroy":
		if s.Group(name) == nil {
			c.Int(0)
			return nil
		}
		s, it, _ = streamWrite(c, key)
		s.DeleteGroup(name)
		c.Set(key, it)
		c.Notify(NotifyStream, "xgroup-destroy", key)
		c.Int(1)
	case "createconsumer":
		s, it, _ = streamWrite(c, key)
		created := s.MutGroup(name).CreateConsumer(c.Arg(4), c.Now)
		c.Set(key, it)
		if created {
			c.Notify(NotifyStream, "xgroup-createconsumer", key)
		}
		c.Bool(created)
	case "delconsumer":
		if s.Group(name).Consumer(c.Arg(4)) == nil {
			c.Int(0)
			return nil
		}
		s, it, _ = streamWrite(c, key)
		n := s.MutGroup(name).DeleteConsumer(c.Arg(4))
		c.Set(key, it)
		c.Notify(NotifyStream, "xgroup-delconsumer", key)
		c.Int(int64(n))
	}
	return nil
}

func cmdXack(c *Ctx) error {
	key := c.Arg(1)
	s, err := streamRead(c, key)
	if err != nil {
		return err
	}
	if s == nil || s.Group(c.Arg(2)) == nil {
		c.Int(0)
		return nil
	}
	ids := make([]datatypes.StreamID, 0, len(c.Args)-3)
	for _, a := range c.Args[3:] {
		id, err := parseID(a, 0, true)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	s, it, _ := streamWrite(c, key)
	g := s.MutGroup(c.Arg(2))
	var acked int64
	for _, id := range ids {
		if g.Ack(id) {
			acked++
		}
	}
	c.Set(key, it)
	c.Int(acked)
	return nil
}

func cmdXpending(c *Ctx) error {
	n := len(c.Args)
	if n != 3 && (n < 6 || n > 9) {
		return ErrSyntax
	}
	var (
		start, end datatypes.StreamID
		count      int64
		minIdle    int64
		consumer   string
		byConsumer bool
	)
	if n >= 6 {
		at := 3
		if strings.EqualFold(c.Arg(3), "idle") {
			var err error
			if minIdle, err = parseLL(c.Args[4]); err != nil {
				return err
			}
			if n < 8 {
				return ErrSyntax
			}
			at += 2
		}
		var err error
		if count, err = parseLL(c.Args[at+2]); err != nil {
			return err
		}
		count = max(count, 0)
		var ex bool
		if start, ex, err = parseIntervalID(c.Args[at], 0); err != nil {
			return err
		}
		if ex {
			if start, ex = start.Incr(); !ex {
				return errStartInterval
			}
		}
		if end, ex, err = parseIntervalID(c.Args[at+1], ^uint64(0)); err != nil {
			return err
		}
		if ex {
			if end, ex = end.Decr(); !ex {
				return errEndInterval
			}
		}
		if at+3 < n {
			consumer, byConsumer = c.Arg(at+3), true
		}
	}
	key, group := c.Arg(1), c.Arg(2)
	s, err := streamRead(c, key)
	if err != nil {
		return err
	}
	var g *datatypes.StreamGroup
	if s != nil {
		g = s.Group(group)
	}
	if g == nil {
		return noKeyOrGroup(key, group)
	}
	if n == 3 {
		c.Array(4)
		c.Int(int64(g.PendingLen()))
		if g.PendingLen() == 0 {
			c.Null()
			c.Null()
			c.NullArray()
			return nil
		}
		lo, hi := g.PendingEdges()
		c.streamID(lo)
		c.streamID(hi)
		var names []*datatypes.StreamConsumer
		g.Consumers(func(cons *datatypes.StreamConsumer) bool {
			if cons.PendingLen() > 0 {
				names = append(names, cons)
			}
			return true
		})
		c.Array(len(names))
		for _, cons := range names {
			c.Array(2)
			c.BulkString(cons.Name)
			c.BulkInt(int64(cons.PendingLen()))
		}
		return nil
	}
	var nacks []datatypes.StreamNACK
	visit := func(nk datatypes.StreamNACK) bool {
		if count == 0 {
			return false
		}
		if minIdle != 0 && c.Now-nk.DeliveryTime < minIdle {
			return true
		}
		nacks = append(nacks, nk)
		count--
		return true
	}
	if byConsumer {
		cons := g.Consumer(consumer)
		if cons == nil {
			c.Array(0)
			return nil
		}
		cons.PendingRange(start, end, func(id datatypes.StreamID) bool {
			nk, _ := g.Pending(id)
			return visit(nk)
		})
	} else {
		g.PendingRange(start, end, visit)
	}
	c.Array(len(nacks))
	for _, nk := range nacks {
		c.Array(4)
		c.streamID(nk.ID)
		c.BulkString(nk.Consumer)
		c.Int(max(c.Now-nk.DeliveryTime, 0))
		c.Int(int64(nk.DeliveryCount))
	}
	return nil
}

// claimTo moves a pending entry to consumer (creating the consumer on first
// use, refreshing its seen time) with a new delivery time and count.
func claimTo(c *Ctx, g *datatypes.StreamGroup, consumer string, nk datatypes.StreamNACK, at int64, count uint64, created *bool) {
	if !*created {
		useConsumer(c, g, consumer, c.Arg(1))
		*created = true
	}
	nk.Consumer, nk.DeliveryTime, nk.DeliveryCount = consumer, at, count
	g.SetPending(nk)
}

// useConsumer creates consumer in g, announcing it as Redis's
// streamCreateConsumer does, or refreshes its seen time.
func useConsumer(c *Ctx, g *datatypes.StreamGroup, consumer, key string) {
	if g.CreateConsumer(consumer, c.Now) {
		c.Notify(NotifyStream, "xgroup-createconsumer", key)
		return
	}
	g.MutConsumer(consumer).Touch(c.Now)
}

func cmdXclaim(c *Ctx) error {
	key, group, consumer := c.Arg(1), c.Arg(2), c.Arg(3)
	s, err := streamRead(c, key)
	if err != nil {
		return err
	}
	if s == nil || s.Group(group) == nil {
		return noKeyOrGroup(key, group)
	}
	minIdle, ok := datatypes.ParseInt(c.Args[4])
	if !ok {
		return errXclaimMinIdle
	}
	minIdle = max(minIdle, 0)
	j := 5
	var ids []datatypes.StreamID
	for ; j < len(c.Args); j++ {
		id, err := parseID(c.Args[j], 0, true)
		if err != nil {
			break
		}
		ids = append(ids, id)
	}
	var (
		force, justid bool
		retry         int64 = -1
		delivery      int64 = -1
		lastID        datatypes.StreamID
	)
	now := c.Now
	for ; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		switch opt := strings.ToLower(c.Arg(j)); {
		case opt == "force":
			force = true
		case opt == "justid":
			justid = true
		case (opt == "idle" || opt == "time" || opt == "retrycount") && more > 0:
			j++
			v, ok := datatypes.ParseInt(c.Args[j])
			if !ok {
				return errors.New("ERR Invalid " + strings.ToUpper(opt) + " option argument for XCLAIM")
			}
			switch opt {
			case "idle":
				delivery = now - v
			case "time":
				delivery = v
			default:
				retry = v
			}
		case opt == "lastid" && more > 0:
			j++
			if lastID, err = parseID(c.Args[j], 0, true); err != nil {
				return err
			}
		default:
			return errors.New("ERR Unrecognized XCLAIM option '" + c.Arg(j) + "'")
		}
	}
	s, it, _ := streamWrite(c, key)
	g := s.MutGroup(group)
	if g.LastID.Less(lastID) {
		g.LastID = lastID
	}
	if delivery < 0 || delivery > now {
		delivery = now
	}
	created := false
	c.Array(0)
	body := c.Mark()
	claimed := 0
	for _, id := range ids {
		nk, pending := g.Pending(id)
		if !s.Has(id) {
			if pending {
				g.Ack(id)
			}
			continue
		}
		fresh := false
		if force && !pending {
			nk, pending, fresh = datatypes.StreamNACK{ID: id, DeliveryTime: now, DeliveryCount: 1}, true, true
		}
		if !pending {
			continue
		}
		if !fresh && minIdle != 0 && now-nk.DeliveryTime < minIdle {
			continue
		}
		cnt := nk.DeliveryCount
		if retry >= 0 {
			cnt = uint64(retry)
		} else if !justid {
			cnt++
		}
		claimTo(c, g, consumer, nk, delivery, cnt, &created)
		if justid {
			c.streamID(id)
		} else {
			fv, _ := s.Get(id)
			c.streamEntry(id, fv)
		}
		claimed++
	}
	rest := append([]byte(nil), c.Out()[body:]...)
	c.Rewind(body - len("*0\r\n"))
	c.Array(claimed)
	c.Raw(rest)
	c.Set(key, it)
	return nil
}

func cmdXautoclaim(c *Ctx) error {
	key, group, consumer := c.Arg(1), c.Arg(2), c.Arg(3)
	minIdle, ok := datatypes.ParseInt(c.Args[4])
	if !ok {
		return errors.New("ERR Invalid min-idle-time argument for XAUTOCLAIM")
	}
	minIdle = max(minIdle, 0)
	start, ex, err := parseIntervalID(c.Args[5], 0)
	if err != nil {
		return err
	}
	if ex {
		if start, ex = start.Incr(); !ex {
			return errStartInterval
		}
	}
	count := int64(100)
	justid := false
	for j := 6; j < len(c.Args); j++ {
		switch opt := strings.ToLower(c.Arg(j)); {
		case opt == "count" && j+1 < len(c.Args):
			n, ok := datatypes.ParseInt(c.Args[j+1])
			if !ok {
				return ErrNotInteger
			}
			if n < 1 || n > math.MaxInt64/16 {
				return errAutoclaimCnt
			}
			count = n
			j++
		case opt == "justid":
			justid = true
		default:
			return ErrSyntax
		}
	}
	s, err := streamRead(c, key)
	if err != nil {
		return err
	}
	if s == nil || s.Group(group) == nil {
		return noKeyOrGroup(key, group)
	}
	s, it, _ := streamWrite(c, key)
	g := s.MutGroup(group)
	attempts := count * 10
	var examined []datatypes.StreamNACK
	g.PendingRange(start, datatypes.MaxStreamID, func(nk datatypes.StreamNACK) bool {
		if attempts == 0 || count == 0 {
			return false
		}
		attempts--
		examined = append(examined, nk)
		if !s.Has(nk.ID) {
			count--
		} else if minIdle == 0 || c.Now-nk.DeliveryTime >= minIdle {
			count--
		}
		return true
	})
	next := datatypes.StreamID{}
	if len(examined) > 0 {
		last := examined[len(examined)-1].ID
		if after, ok := last.Incr(); ok {
			g.PendingRange(after, datatypes.MaxStreamID, func(nk datatypes.StreamNACK) bool {
				next = nk.ID
				return false
			})
		}
	}
	var deleted []datatypes.StreamID
	created := false
	c.Array(3)
	c.streamID(next)
	c.Array(0)
	body := c.Mark()
	claimed := 0
	for _, nk := range examined {
		if !s.Has(nk.ID) {
			g.Ack(nk.ID)
			deleted = append(deleted, nk.ID)
			continue
		}
		if minIdle != 0 && c.Now-nk.DeliveryTime < minIdle {
			continue
		}
		cnt := nk.DeliveryCount
		if !justid {
			cnt++
		}
		claimTo(c, g, consumer, nk, c.Now, cnt, &created)
		if justid {
			c.streamID(nk.ID)
		} else {
			fv, _ := s.Get(nk.ID)
			c.streamEntry(nk.ID, fv)
		}
		claimed++
	}
	rest := append([]byte(nil), c.Out()[body:]...)
	c.Rewind(body - len("*0\r\n"))
	c.Array(claimed)
	c.Raw(rest)
	c.Array(len(deleted))
	for _, id := range deleted {
		c.streamID(id)
	}
	c.Set(key, it)
	return nil
}
