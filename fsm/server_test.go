package fsm

import "testing"

func TestDBSize(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "a", "1", 0)
	keysPut(h, "b", "2", h.now+10)
	keysPut(h, "dead", "3", h.now) // counted until something removes it, as in Redis
	h.db = 1
	keysPut(h, "other", "4", 0)
	h.db = 0
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"DBSIZE"}, ":3\r\n"},
		{[]string{"DEL", "dead"}, ":0\r\n"},
		{[]string{"DBSIZE"}, ":2\r\n"},
		{[]string{"dbsize", "x"}, "-ERR wrong number of arguments for 'dbsize' command\r\n"},
	})
	h.db = 1
	if got := h.do("DBSIZE"); got != ":1\r\n" {
		t.Fatalf("db1 DBSIZE = %q", got)
	}
}

func TestFlushDB(t *testing.T) {
	h := newHarness(t)
	h.db = 3
	keysPut(h, "a", "1", 0)
	keysPut(h, "b", "2", h.now+1000)
	h.db = 0
	keysPut(h, "keep", "v", 0)
	h.db = 3
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"FLUSHDB", "foo"}, "-ERR syntax error\r\n"},
		{[]string{"FLUSHDB", "ASYNC", "SYNC"}, "-ERR syntax error\r\n"},
		{[]string{"FLUSHDB", "async", "async"}, "-ERR syntax error\r\n"},
		{[]string{"DBSIZE"}, ":2\r\n"},
		{[]string{"FLUSHDB"}, "+OK\r\n"},
		{[]string{"DBSIZE"}, ":0\r\n"},
		{[]string{"EXISTS", "a", "b"}, ":0\r\n"},
	})
	for _, mode := range []string{"ASYNC", "sync", "Async"} {
		keysPut(h, "x", "1", 0)
		if got := h.do("FLUSHDB", mode); got != "+OK\r\n" {
			t.Fatalf("FLUSHDB %s = %q", mode, got)
		}
		if h.f.dbs[3].Len() != 0 {
			t.Fatalf("FLUSHDB %s left keys", mode)
		}
	}
	if h.f.dbs[3].ExpiresLen() != 0 {
		t.Fatal("FLUSHDB left deadlines indexed")
	}
	if _, ok := h.f.dbs[0].raw("keep"); !ok {
		t.Fatal("FLUSHDB touched another database")
	}
}

func TestFlushAll(t *testing.T) {
	h := newHarness(t)
	for db := range h.f.Databases() {
		h.db = db
		keysPut(h, "k", "v", h.now+1000)
	}
	h.db = 5
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"FLUSHALL", "foo"}, "-ERR syntax error\r\n"},
		{[]string{"FLUSHALL", "sync", "async"}, "-ERR syntax error\r\n"},
		{[]string{"FLUSHALL", "SYNC"}, "+OK\r\n"},
		{[]string{"DBSIZE"}, ":0\r\n"},
	})
	keys, expires := h.f.KeyspaceInfo()
	for db := range keys {
		if keys[db] != 0 || expires[db] != 0 {
			t.Fatalf("db%d: %d keys, %d expires after FLUSHALL", db, keys[db], expires[db])
		}
	}
	keysPut(h, "k", "v", 0)
	if got := h.do("FLUSHALL", "async"); got != "+OK\r\n" || h.f.dbs[5].Len() != 0 {
		t.Fatalf("FLUSHALL ASYNC = %q, %d keys left", got, h.f.dbs[5].Len())
	}
}

// A snapshot taken before a flush must still see the old data: the flush
// swaps in new trees rather than clearing the shared ones.
func TestFlushKeepsSnapshotIntact(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "k", "v", 0)
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	h.do("FLUSHALL")
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	f2 := New(16, nil)
	if err := f2.Restore(&sink); err != nil {
		t.Fatal(err)
	}
	if _, ok := f2.dbs[0].raw("k"); !ok {
		t.Fatal("the snapshot lost a key flushed after it was taken")
	}
	if h.f.dbs[0].Len() != 0 {
		t.Fatal("flush did not empty the live database")
	}
}

func TestSwapDB(t *testing.T) {
	h := newHarness(t)
	keysPut(h, "zero", "0", h.now+1000)
	h.db = 1
	keysPut(h, "one", "1", 0)
	h.db = 0
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"SWAPDB", "abc", "0"}, "-ERR invalid first DB index\r\n"},
		{[]string{"SWAPDB", "abc", "def"}, "-ERR invalid first DB index\r\n"},
		{[]string{"SWAPDB", "0", "abc"}, "-ERR invalid second DB index\r\n"},
		{[]string{"SWAPDB", "4294967296", "0"}, "-ERR invalid first DB index\r\n"},
		{[]string{"SWAPDB", "0", "-2147483649"}, "-ERR invalid second DB index\r\n"},
		{[]string{"SWAPDB", "1.0", "0"}, "-ERR invalid first DB index\r\n"},
		{[]string{"SWAPDB", "00", "1"}, "-ERR invalid first DB index\r\n"},
		{[]string{"SWAPDB", "16", "0"}, "-ERR DB index is out of range\r\n"},
		{[]string{"SWAPDB", "0", "16"}, "-ERR DB index is out of range\r\n"},
		{[]string{"SWAPDB", "-1", "0"}, "-ERR DB index is out of range\r\n"},
		{[]string{"SWAPDB", "0"}, "-ERR wrong number of arguments for 'swapdb' command\r\n"},
		{[]string{"SWAPDB", "0", "0"}, "+OK\r\n"},
		{[]string{"EXISTS", "zero"}, ":1\r\n"},
		{[]string{"SWAPDB", "1", "0"}, "+OK\r\n"},
		{[]string{"EXISTS", "zero", "one"}, ":1\r\n"},
		{[]string{"TYPE", "one"}, "+string\r\n"},
		{[]string{"DEL", "one"}, ":1\r\n"}, // writes land in the swapped-in database
		{[]string{"SWAPDB", "0", "1"}, "+OK\r\n"},
		{[]string{"DBSIZE"}, ":1\r\n"},
		{[]string{"PTTL", "zero"}, ":1000\r\n"}, // TTLs travel with their database
	})
	if h.f.dbs[1].Len() != 0 || h.f.dbs[0].ExpiresLen() != 1 {
		t.Fatalf("db0=%d keys/%d expires, db1=%d keys", h.f.dbs[0].Len(), h.f.dbs[0].ExpiresLen(), h.f.dbs[1].Len())
	}
}
