package datatypes

import (
	"strconv"
	"testing"

	"github.com/quoris/quoris/datatypes/rdb"
)

// TestStreamNodeSizeMatchesListpack: the node size the stream tracks is
// the size of the listpack Redis would hold, for field counts around the
// listpack integer encoding thresholds of lp-count (62, 125, 2046 pairs).
func TestStreamNodeSizeMatchesListpack(t *testing.T) {
	for _, nf := range []int{1, 61, 62, 63, 124, 125, 126, 127, 2045, 2046} {
		s := NewStream()
		fv := func(prefix string) [][]byte {
			var out [][]byte
			for i := 0; i < nf; i++ {
				out = append(out, []byte(prefix+strconv.Itoa(i)), []byte("v"))
			}
			return out
		}
		s.Append(StreamID{1, 0}, fv("f"), 1<<30, 100)
		s.Append(StreamID{1, 1}, fv("f"), 1<<30, 100) // same fields
		s.Append(StreamID{2, 0}, fv("g"), 1<<30, 100) // other fields
		s.EachNode(func(n StreamNode) bool {
			node := rdb.StreamNode{Master: rdb.StreamID{Ms: n.Master.Ms, Seq: n.Master.Seq}, MasterFields: n.Fields}
			s.Range(n.Master, n.Last, false, func(id StreamID, f [][]byte) bool {
				node.Entries = append(node.Entries, rdb.StreamEntry{ID: rdb.StreamID{Ms: id.Ms, Seq: id.Seq}, Fields: f})
				return true
			})
			want := len(rdb.NodeListpack(&node))
			if got := n.Base + lpInt(int64(n.Live)) + lpInt(int64(n.Deleted)); got != want {
				t.Errorf("%d fields: tracked node size %d, listpack %d", nf, got, want)
			}
			return true
		})
	}
}
