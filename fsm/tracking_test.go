package fsm

import (
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/raft"
)

// recTracker records what the FSM tells a tracker.
type recTracker struct {
	events []string
}

func (r *recTracker) Changed(key string, _ Origin) { r.events = append(r.events, "changed "+key) }
func (r *recTracker) Flushed()                     { r.events = append(r.events, "flushed") }
func (r *recTracker) Applied()                     { r.events = append(r.events, "applied") }

// TestTrackerHearsEveryChange checks that each kind of key change reaches
// the tracker (writes, deletions, emptied collections, expiry, flushes),
// that writes changing nothing and reads are silent, and that removing the
// tracker stops the calls.
func TestTrackerHearsEveryChange(t *testing.T) {
	h := newHarness(t)
	rec := &recTracker{}
	h.f.OnTrack(rec)
	tests := []struct {
		cmd  []string
		want []string
	}{
		{[]string{"SET", "a", "1"}, []string{"changed a", "applied"}},
		{[]string{"GET", "a"}, nil},
		{[]string{"MSET", "b", "1", "c", "2"}, []string{"changed b", "changed c", "applied"}},
		{[]string{"DEL", "a", "nope"}, []string{"changed a", "applied"}},
		{[]string{"DEL", "nope"}, []string{"applied"}},
		{[]string{"RPUSH", "l", "x"}, []string{"changed l", "applied"}},
		{[]string{"LPOP", "l"}, []string{"changed l", "applied"}},
		{[]string{"RENAME", "b", "b2"}, []string{"changed b2", "changed b", "applied"}},
		{[]string{"PEXPIRE", "c", "10"}, []string{"changed c", "applied"}},
		{[]string{"FLUSHDB"}, []string{"flushed", "applied"}},
		{[]string{"FLUSHALL"}, []string{"flushed", "applied"}},
	}
	for _, tc := range tests {
		rec.events = nil
		h.do(tc.cmd...)
		if !slices.Equal(rec.events, tc.want) {
			t.Errorf("%q: tracker heard %q, want %q", tc.cmd, rec.events, tc.want)
		}
	}

	// Expiry: a write that finds the key expired removes it.
	h.do("SET", "e", "1", "PX", "5")
	h.advance(10)
	rec.events = nil
	h.do("SET", "e", "2")
	if want := []string{"changed e", "changed e", "applied"}; !slices.Equal(rec.events, want) {
		t.Errorf("expired then set: heard %q, want %q", rec.events, want)
	}

	h.f.OnTrack(nil)
	rec.events = nil
	h.do("SET", "a", "1")
	if len(rec.events) != 0 {
		t.Errorf("after OnTrack(nil): heard %q", rec.events)
	}
}

type nopTracker struct{}

func (nopTracker) Changed(string, Origin) {}
func (nopTracker) Flushed()               {}
func (nopTracker) Applied()               {}

// BenchmarkApplySet measures a SET's apply with no tracker (one atomic
// load per change) and with one installed.
func BenchmarkApplySet(b *testing.B) {
	for _, tracked := range []bool{false, true} {
		name := "untracked"
		if tracked {
			name = "tracked"
		}
		b.Run(name, func(b *testing.B) {
			f := New(16, nil)
			if tracked {
				f.OnTrack(nopTracker{})
			}
			keys := make([][]byte, 1024)
			for i := range keys {
				keys[i] = []byte("key:" + strconv.Itoa(i))
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				data := AppendEntry(nil, KindCommand, 0, 1, [][]byte{[]byte("SET"), keys[i%len(keys)], []byte("v")})
				f.Apply(&raft.Log{Index: uint64(i + 1), Type: raft.LogCommand, Data: data})
			}
		})
	}
}
