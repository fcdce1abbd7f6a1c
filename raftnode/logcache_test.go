package raftnode

import (
	"testing"

	"github.com/hashicorp/raft"
)

func TestLogCacheBounds(t *testing.T) {
	store := raft.NewInmemStore()
	c := newLogCache(store, 4, 100)
	put := func(idx uint64, size int) {
		t.Helper()
		if err := c.StoreLogs([]*raft.Log{{Index: idx, Data: make([]byte, size)}}); err != nil {
			t.Fatal(err)
		}
	}
	cached := func() (idx []uint64) {
		for i := uint64(1); i <= 20; i++ {
			var l raft.Log
			c.mu.RLock()
			hit := false
			for j := 0; j < c.n; j++ {
				if c.ring[(c.head+j)%len(c.ring)].Index == i {
					hit = true
				}
			}
			c.mu.RUnlock()
			if err := c.GetLog(i, &l); err == nil && hit {
				idx = append(idx, i)
			}
		}
		return idx
	}
	for i := uint64(1); i <= 6; i++ {
		put(i, 10)
	}
	if got := cached(); len(got) != 4 || got[0] != 3 {
		t.Fatalf("by count: cached %v, want 3..6", got)
	}
	put(7, 90) // 10+10+90 > 100 once 7 is in: only 6 and 7 fit
	if got := cached(); len(got) != 2 || got[0] != 6 || c.bytes != 100 {
		t.Fatalf("by bytes: cached %v (%d bytes), want 6, 7", got, c.bytes)
	}
	put(8, 500) // larger than the budget alone: kept, as the newest
	if got := cached(); len(got) != 1 || got[0] != 8 {
		t.Fatalf("huge entry: cached %v", got)
	}
	for i := uint64(1); i <= 8; i++ { // evicted ones come from the store
		var l raft.Log
		if err := c.GetLog(i, &l); err != nil || l.Index != i {
			t.Fatalf("GetLog(%d) = %v, %v", i, l.Index, err)
		}
	}
	if err := c.DeleteRange(1, 8); err != nil || c.n != 0 || c.bytes != 0 {
		t.Fatalf("DeleteRange left %d entries, %d bytes (%v)", c.n, c.bytes, err)
	}
}
