package fsm

import (
	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/datatypes/rdb"
)

// A stream crosses DUMP/RESTORE node by node, so the restored stream has
// Redis's node boundaries (approximate trimming and XINFO's
// radix-tree-keys depend on them). quoris keeps no deleted entry's fields,
// so its DUMP writes a node's live entries only: the node restores without
// tombstones and with a smaller listpack than the original had.

func rdbID(id datatypes.StreamID) rdb.StreamID { return rdb.StreamID{Ms: id.Ms, Seq: id.Seq} }

func streamID(id rdb.StreamID) datatypes.StreamID { return datatypes.StreamID{Ms: id.Ms, Seq: id.Seq} }

func streamToRDB(s *datatypes.Stream) *rdb.Stream {
	out := &rdb.Stream{
		Length: uint64(s.Len()), LastID: rdbID(s.LastID), FirstID: rdbID(s.FirstID),
		MaxDeletedID: rdbID(s.MaxDeletedID), EntriesAdded: s.EntriesAdded,
	}
	s.EachNode(func(n datatypes.StreamNode) bool {
		node := rdb.StreamNode{Master: rdbID(n.Master), MasterFields: n.Fields}
		s.Range(n.Master, n.Last, false, func(id datatypes.StreamID, fv [][]byte) bool {
			node.Entries = append(node.Entries, rdb.StreamEntry{ID: rdbID(id), Fields: fv})
			return true
		})
		out.Nodes = append(out.Nodes, node)
		return true
	})
	s.Groups(func(g *datatypes.StreamGroup) bool {
		rg := rdb.StreamGroup{Name: []byte(g.Name), LastID: rdbID(g.LastID), EntriesRead: g.EntriesRead}
		g.PendingRange(datatypes.StreamID{}, datatypes.MaxStreamID, func(n datatypes.StreamNACK) bool {
			rg.PEL = append(rg.PEL, rdb.StreamNACK{ID: rdbID(n.ID), DeliveryTime: n.DeliveryTime, DeliveryCount: n.DeliveryCount})
			return true
		})
		g.Consumers(func(c *datatypes.StreamConsumer) bool {
			rc := rdb.StreamConsumer{Name: []byte(c.Name), SeenTime: c.SeenTime}
			c.PendingRange(datatypes.StreamID{}, datatypes.MaxStreamID, func(id datatypes.StreamID) bool {
				rc.Pending = append(rc.Pending, rdbID(id))
				return true
			})
			rg.Consumers = append(rg.Consumers, rc)
			return true
		})
		out.Groups = append(out.Groups, rg)
		return true
	})
	return out
}

// streamFromRDB builds a stream from a decoded payload, which the decoder
// has checked is consistent (IDs ordered within their nodes, every PEL
// entry owned by exactly one consumer).
func streamFromRDB(in *rdb.Stream) *datatypes.Stream {
	s := datatypes.NewStream()
	for _, n := range in.Nodes {
		nd := datatypes.StreamNode{Master: streamID(n.Master), Last: streamID(n.Master), Fields: cloneAll(n.MasterFields)}
		for _, e := range n.Entries {
			nd.Last = streamID(e.ID)
			if e.Deleted {
				nd.Deleted++
				continue
			}
			nd.Live++
			s.PutEntry(streamID(e.ID), e.Fields)
		}
		nd.Base = n.Size - rdb.ListpackIntSize(int64(nd.Live)) - rdb.ListpackIntSize(int64(nd.Deleted))
		s.PutNode(nd)
	}
	s.LastID, s.FirstID, s.MaxDeletedID = streamID(in.LastID), streamID(in.FirstID), streamID(in.MaxDeletedID)
	s.EntriesAdded = in.EntriesAdded
	for _, g := range in.Groups {
		sg := datatypes.NewStreamGroup(string(g.Name), streamID(g.LastID), g.EntriesRead)
		owner := map[rdb.StreamID]string{}
		for _, c := range g.Consumers {
			sg.CreateConsumer(string(c.Name), c.SeenTime)
			for _, id := range c.Pending {
				owner[id] = string(c.Name)
			}
		}
		for _, nk := range g.PEL {
			sg.RestorePending(datatypes.StreamNACK{ID: streamID(nk.ID), Consumer: owner[nk.ID], DeliveryTime: nk.DeliveryTime, DeliveryCount: nk.DeliveryCount})
		}
		s.PutGroup(sg)
	}
	return s
}

func cloneAll(bs [][]byte) [][]byte {
	out := make([][]byte, len(bs))
	for i, b := range bs {
		out[i] = append([]byte(nil), b...)
	}
	return out
}
