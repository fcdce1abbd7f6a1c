package rdb

import (
	"errors"
	"testing"
)

func testStream() *Stream {
	fv := func(s ...string) [][]byte {
		out := make([][]byte, len(s))
		for i, x := range s {
			out[i] = []byte(x)
		}
		return out
	}
	return &Stream{
		Nodes: []StreamNode{
			{Master: StreamID{1, 1}, MasterFields: fv("a", "b"), Entries: []StreamEntry{
				{ID: StreamID{1, 1}, Fields: fv("a", "1", "b", "hello")},
				{ID: StreamID{1, 2}, Deleted: true, Fields: fv("a", "2", "b", "x")},
				{ID: StreamID{2, 0}, Fields: fv("c", "3")},
			}},
			{Master: StreamID{5, 0}, MasterFields: fv("z"), Entries: []StreamEntry{
				{ID: StreamID{5, 0}, Fields: fv("z", "-70000")},
			}},
		},
		Length: 3, LastID: StreamID{5, 0}, FirstID: StreamID{1, 1}, MaxDeletedID: StreamID{1, 2}, EntriesAdded: 4,
		Groups: []StreamGroup{
			{Name: []byte("g"), LastID: StreamID{2, 0}, EntriesRead: -1,
				PEL:       []StreamNACK{{ID: StreamID{1, 1}, DeliveryTime: 1700000000000, DeliveryCount: 2}, {ID: StreamID{2, 0}, DeliveryTime: -5, DeliveryCount: 1}},
				Consumers: []StreamConsumer{{Name: []byte("alice"), SeenTime: 1700000000001, Pending: []StreamID{{1, 1}}}, {Name: []byte("bob"), Pending: []StreamID{{2, 0}}}}},
			{Name: []byte("h"), EntriesRead: 3},
		},
	}
}

func TestStreamRoundTrip(t *testing.T) {
	v := &Value{Kind: KindStream, Stream: testStream()}
	got, err := DecodeDump(Dump(v), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if render(got) != render(v) {
		t.Fatalf("round trip:\n %s\n %s", render(v), render(got))
	}
	if n := got.Stream.Nodes[0].Size; n != len(NodeListpack(&v.Stream.Nodes[0])) {
		t.Errorf("node size %d", n)
	}
}

// TestStreamRefused: payloads Redis refuses (or could not have written)
// are ErrFormat.
func TestStreamRefused(t *testing.T) {
	mut := map[string]func(s *Stream){
		"length":             func(s *Stream) { s.Length = 4 },
		"last id below":      func(s *Stream) { s.LastID = StreamID{4, 0} },
		"entry before node":  func(s *Stream) { s.Nodes[1].Entries[0].ID = StreamID{4, 9} },
		"entry past next":    func(s *Stream) { s.Nodes[0].Entries[2].ID = StreamID{6, 0} },
		"ids out of order":   func(s *Stream) { s.Nodes[0].Entries[1].ID = StreamID{1, 0} },
		"duplicate node":     func(s *Stream) { s.Nodes[1].Master = s.Nodes[0].Master },
		"duplicate group":    func(s *Stream) { s.Groups[1].Name = []byte("g") },
		"duplicate consumer": func(s *Stream) { s.Groups[0].Consumers[1].Name = []byte("alice") },
		"pel unowned":        func(s *Stream) { s.Groups[0].Consumers[1].Pending = nil },
		"pel twice owned":    func(s *Stream) { s.Groups[0].Consumers[1].Pending = []StreamID{{1, 1}, {2, 0}} },
		"consumer pel extra": func(s *Stream) { s.Groups[0].Consumers[1].Pending = []StreamID{{2, 0}, {3, 0}} },
		"duplicate nack":     func(s *Stream) { s.Groups[0].PEL[1].ID = StreamID{1, 1} },
	}
	for name, m := range mut {
		s := testStream()
		m(s)
		if _, err := DecodeDump(Dump(&Value{Kind: KindStream, Stream: s}), DefaultLimits); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
