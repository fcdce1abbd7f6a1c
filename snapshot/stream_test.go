package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/quoris/quoris/datatypes"
)

// streamDump renders every field a stream carries.
func streamDump(s *datatypes.Stream) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "last %v maxdel %v first %v added %d\n", s.LastID, s.MaxDeletedID, s.FirstID, s.EntriesAdded)
	s.EachNode(func(n datatypes.StreamNode) bool { fmt.Fprintf(&b, "node %+v\n", n); return true })
	s.EachRaw(func(id datatypes.StreamID, p []byte) bool { fmt.Fprintf(&b, "entry %v %x\n", id, p); return true })
	s.Groups(func(g *datatypes.StreamGroup) bool {
		fmt.Fprintf(&b, "group %s %v %d\n", g.Name, g.LastID, g.EntriesRead)
		g.Consumers(func(c *datatypes.StreamConsumer) bool {
			fmt.Fprintf(&b, " consumer %s %d %d\n", c.Name, c.SeenTime, c.PendingLen())
			c.PendingRange(datatypes.StreamID{}, datatypes.MaxStreamID, func(id datatypes.StreamID) bool {
				fmt.Fprintf(&b, "  pel %v\n", id)
				return true
			})
			return true
		})
		g.PendingRange(datatypes.StreamID{}, datatypes.MaxStreamID, func(n datatypes.StreamNACK) bool {
			fmt.Fprintf(&b, " nack %+v\n", n)
			return true
		})
		return true
	})
	return b.String()
}

func TestStreamRoundTrip(t *testing.T) {
	s := datatypes.NewStream()
	for i := 1; i <= 300; i++ {
		s.Append(datatypes.StreamID{Ms: uint64(i), Seq: 2}, [][]byte{[]byte("f"), []byte(strconv.Itoa(i)), {}, []byte("x\x00y")}, 4096, 100)
	}
	s.Delete(datatypes.StreamID{Ms: 150, Seq: 2})
	s.MaxDeletedID = datatypes.StreamID{Ms: 150, Seq: 2}
	s.CreateGroup("g", datatypes.StreamID{Ms: 10, Seq: 2}, -1)
	s.CreateGroup("h", datatypes.StreamID{}, 3)
	g := s.MutGroup("g")
	g.CreateConsumer("a", -5)
	g.CreateConsumer("b", 1<<40)
	for i := 1; i <= 10; i++ {
		g.SetPending(datatypes.StreamNACK{ID: datatypes.StreamID{Ms: uint64(i), Seq: 2}, Consumer: []string{"a", "b"}[i%2], DeliveryTime: int64(i * 1000), DeliveryCount: uint64(i)})
	}
	empty := datatypes.NewStream()
	empty.LastID = datatypes.MaxStreamID
	keys := []Key{{Key: "s", Value: s}, {Key: "empty", Value: empty}}
	_, got, _, err := readAll(write(t, keys, nil))
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range got {
		if w, g := streamDump(keys[i].Value.(*datatypes.Stream)), streamDump(k.Value.(*datatypes.Stream)); w != g {
			t.Errorf("%s:\n got  %s\n want %s", k.Key, g, w)
		}
	}
	// Every truncation is refused as corrupt, never a panic.
	full := write(t, keys[:1], nil)
	for cut := len(full) - 1; cut > 20; cut -= 97 {
		if _, _, _, err := readAll(full[:cut]); err == nil || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
}
