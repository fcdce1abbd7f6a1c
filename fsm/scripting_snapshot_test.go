package fsm

import (
	"bytes"
	"io"
	"testing"

	"github.com/quoris/quoris/snapshot"
)

// TestScriptingSnapshotRoundTrip persists the script cache and function
// libraries and restores them into a fresh FSM: EVALSHA and FCALL work
// there, and what changed after the snapshot was taken is not in it.
func TestScriptingSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t)
	sha := h.do("SCRIPT", "LOAD", "return redis.call('incr', KEYS[1])")
	h.do("EVAL", "return 'cached by eval'", "0")
	lib := "#!lua name=counters\nredis.register_function('bump', function(k, a) return redis.call('incrby', k[1], a[1]) end)\n" +
		"redis.register_function{function_name='peek', callback=function(k) return redis.call('get', k[1]) end, flags={'no-writes'}, description='read'}"
	if got := h.do("FUNCTION", "LOAD", lib); got != strBulk("counters") {
		t.Fatalf("FUNCTION LOAD: %q", got)
	}
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	h.do("SCRIPT", "LOAD", "return 'after'")
	h.do("FUNCTION", "LOAD", "#!lua name=later\nredis.register_function('late', function() return 1 end)")
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}

	dst := newHarness(t)
	if err := dst.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	shaHex := sha[5:45]
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"EVALSHA", shaHex, "1", "n"}, ":1\r\n"},
		{[]string{"EVALSHA", sha1Hex([]byte("return 'cached by eval'")), "0"}, strBulk("cached by eval")},
		{[]string{"SCRIPT", "EXISTS", sha1Hex([]byte("return 'after'"))}, "*1\r\n:0\r\n"},
		{[]string{"FCALL", "bump", "1", "n", "5"}, ":6\r\n"},
		{[]string{"FCALL_RO", "peek", "1", "n"}, strBulk("6")},
		{[]string{"FCALL", "late", "0"}, "-ERR Function not found\r\n"},
		{[]string{"FUNCTION", "LIST"}, h.do("FUNCTION", "LIST", "LIBRARYNAME", "counters")},
	} {
		if got := dst.do(tc.cmd...); got != tc.want {
			t.Errorf("%q after restore: got %q, want %q", tc.cmd, got, tc.want)
		}
	}

	// The records read back through snapshot.Reader as what was written.
	rd, err := snapshot.NewReader(bytes.NewReader(sink.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[snapshot.Kind]int{}
	for {
		v, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec, ok := v.(snapshot.Record); ok {
			kinds[rec.Kind]++
		}
	}
	if kinds[snapshot.KindScript] != 2 || kinds[snapshot.KindLibrary] != 1 {
		t.Errorf("records: %v, want 2 scripts and 1 library", kinds)
	}
}

// TestScriptingSnapshotRejectsBadLibrary: a library that no longer loads
// makes the snapshot corrupt, and the node keeps its state.
func TestScriptingSnapshotRejectsBadLibrary(t *testing.T) {
	var buf bytes.Buffer
	w := snapshot.NewWriter(&buf)
	if err := w.Header(snapshot.Header{Databases: 16}); err != nil {
		t.Fatal(err)
	}
	if err := w.Library([]byte("#!lua name=x\nreturn 1")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	h.do("SET", "k", "v")
	if err := h.f.Restore(io.NopCloser(&buf)); err == nil {
		t.Fatal("restore of a library without functions succeeded")
	}
	if got := h.do("GET", "k"); got != strBulk("v") {
		t.Errorf("state changed by a failed restore: %q", got)
	}
}
