package fsm

import (
	"strings"

	"github.com/quoris/quoris/datatypes"
)

func cmdXinfo(c *Ctx) error {
	sub, err := subcommand(c, "xinfo")
	if err != nil {
		return err
	}
	if sub == "help" {
		help := []string{
			"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"CONSUMERS <key> <groupname>",
			"    Show consumers of <groupname>.",
			"GROUPS <key>",
			"    Show the stream consumer groups.",
			"STREAM <key> [FULL [COUNT <count>]",
			"    Show information about the stream.",
			"HELP",
			"    Prints this help.",
		}
		c.Array(len(help))
		for _, l := range help {
			c.Simple(l)
		}
		return nil
	}
	key := c.Arg(2)
	s, err := streamRead(c, key)
	if err != nil {
		return err
	}
	if s == nil {
		return ErrNoSuchKey
	}
	switch sub {
	case "consumers":
		g := s.Group(c.Arg(3))
		if g == nil {
			return noGroupFor(c.Arg(3), key)
		}
		c.Array(g.ConsumerCount())
		g.Consumers(func(cons *datatypes.StreamConsumer) bool {
			c.Array(6)
			c.BulkString("name")
			c.BulkString(cons.Name)
			c.BulkString("pending")
			c.Int(int64(cons.PendingLen()))
			c.BulkString("idle")
			c.Int(max(c.Now-cons.SeenTime, 0))
			return true
		})
	case "groups":
		c.Array(s.GroupCount())
		s.Groups(func(g *datatypes.StreamGroup) bool {
			c.Array(12)
			c.BulkString("name")
			c.BulkString(g.Name)
			c.BulkString("consumers")
			c.Int(int64(g.ConsumerCount()))
			c.BulkString("pending")
			c.Int(int64(g.PendingLen()))
			c.BulkString("last-delivered-id")
			c.streamID(g.LastID)
			replyEntriesReadAndLag(c, s, g)
			return true
		})
	case "stream":
		return xinfoStream(c, s)
	}
	return nil
}

// replyEntriesReadAndLag is XINFO's entries-read and lag (streamReplyWithCGLag).
func replyEntriesReadAndLag(c *Ctx, s *datatypes.Stream, g *datatypes.StreamGroup) {
	c.BulkString("entries-read")
	if g.EntriesRead != datatypes.EntriesReadInvalid {
		c.Int(g.EntriesRead)
	} else {
		c.Null()
	}
	c.BulkString("lag")
	switch {
	case s.EntriesAdded == 0:
		c.Int(0)
	case g.EntriesRead != datatypes.EntriesReadInvalid && !rangeHasTombstones(s, g.LastID, datatypes.MaxStreamID):
		c.Int(int64(s.EntriesAdded) - g.EntriesRead)
	default:
		if read := estimateEntriesRead(s, g.LastID); read != datatypes.EntriesReadInvalid {
			c.Int(int64(s.EntriesAdded) - read)
		} else {
			c.Null()
		}
	}
}

// radixTreeNodes estimates the rax node count Redis reports, which depends
// on its radix tree's internal layout: quoris reports one per listpack key
// plus the root.
func radixTreeNodes(s *datatypes.Stream) int64 { return int64(s.Nodes()) + 1 }

func xinfoStream(c *Ctx, s *datatypes.Stream) error {
	full := false
	count := int64(10)
	switch rest := c.Args[3:]; len(rest) {
	case 0:
	case 1, 3:
		if !strings.EqualFold(string(rest[0]), "full") {
			return ErrSyntax
		}
		full = true
		if len(rest) == 3 {
			if !strings.EqualFold(string(rest[1]), "count") {
				return ErrSyntax
			}
			n, err := parseLL(rest[2])
			if err != nil {
				return err
			}
			if n < 0 {
				n = 10
			}
			count = n
		}
	default:
		return ErrSyntax
	}
	if full {
		c.Array(18)
	} else {
		c.Array(20)
	}
	c.BulkString("length")
	c.Int(int64(s.Len()))
	c.BulkString("radix-tree-keys")
	c.Int(int64(s.Nodes()))
	c.BulkString("radix-tree-nodes")
	c.Int(radixTreeNodes(s))
	c.BulkString("last-generated-id")
	c.streamID(s.LastID)
	c.BulkString("max-deleted-entry-id")
	c.streamID(s.MaxDeletedID)
	c.BulkString("entries-added")
	c.Int(int64(s.EntriesAdded))
	c.BulkString("recorded-first-entry-id")
	c.streamID(s.FirstID)
	if !full {
		c.BulkString("groups")
		c.Int(int64(s.GroupCount()))
		for _, last := range []bool{false, true} {
			if last {
				c.BulkString("last-entry")
			} else {
				c.BulkString("first-entry")
			}
			id, ok := s.Edge(last)
			if !ok {
				c.Null()
				continue
			}
			fv, _ := s.Get(id)
			c.streamEntry(id, fv)
		}
		return nil
	}
	c.BulkString("entries")
	replyRange(c, s, datatypes.StreamID{}, datatypes.MaxStreamID, count, false)
	c.BulkString("groups")
	c.Array(s.GroupCount())
	s.Groups(func(g *datatypes.StreamGroup) bool {
		c.Array(14)
		c.BulkString("name")
		c.BulkString(g.Name)
		c.BulkString("last-delivered-id")
		c.streamID(g.LastID)
		replyEntriesReadAndLag(c, s, g)
		c.BulkString("pel-count")
		c.Int(int64(g.PendingLen()))
		c.BulkString("pending")
		var nacks []datatypes.StreamNACK
		g.PendingRange(datatypes.StreamID{}, datatypes.MaxStreamID, func(nk datatypes.StreamNACK) bool {
			nacks = append(nacks, nk)
			return count == 0 || int64(len(nacks)) < count
		})
		c.Array(len(nacks))
		for _, nk := range nacks {
			c.Array(4)
			c.streamID(nk.ID)
			c.BulkString(nk.Consumer)
			c.Int(nk.DeliveryTime)
			c.Int(int64(nk.DeliveryCount))
		}
		c.BulkString("consumers")
		c.Array(g.ConsumerCount())
		g.Consumers(func(cons *datatypes.StreamConsumer) bool {
			c.Array(8)
			c.BulkString("name")
			c.BulkString(cons.Name)
			c.BulkString("seen-time")
			c.Int(cons.SeenTime)
			c.BulkString("pel-count")
			c.Int(int64(cons.PendingLen()))
			c.BulkString("pending")
			var ids []datatypes.StreamID
			cons.PendingRange(datatypes.StreamID{}, datatypes.MaxStreamID, func(id datatypes.StreamID) bool {
				ids = append(ids, id)
				return count == 0 || int64(len(ids)) < count
			})
			c.Array(len(ids))
			for _, id := range ids {
				nk, _ := g.Pending(id)
				c.Array(3)
				c.streamID(id)
				c.Int(nk.DeliveryTime)
				c.Int(int64(nk.DeliveryCount))
			}
			return true
		})
		return true
	})
	return nil
}
