package fsm

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

// TestBitmapHLLSnapshotRoundTrip checks that bitmaps and HLLs (plain
// strings) survive a snapshot exactly: bytes, TTL and OBJECT ENCODING, and
// that a restored HLL keeps working (cache, promotion) like the original.
func TestBitmapHLLSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t)
	h.do("SETBIT", "bits", "100", "1")
	h.do("PEXPIRE", "bits", "50000")
	h.do("SET", "n", "12")
	h.do("BITFIELD", "n", "GET", "u8", "0") // a read: stays "int"
	h.do("PFADD", "sparse", "a", "b", "c")
	h.do("PFCOUNT", "sparse")
	args := []string{"PFADD", "dense"}
	for i := 0; i < 3000; i++ {
		args = append(args, "x"+strconv.Itoa(i))
	}
	h.do(args...)

	keys := []string{"bits", "n", "sparse", "dense"}
	probe := func(h *harness) []string {
		var out []string
		for _, k := range keys {
			out = append(out, h.do("GET", k), h.do("OBJECT", "ENCODING", k), h.do("PTTL", k))
		}
		return out
	}
	want := probe(h)

	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// A write after the snapshot must not reach the persisted view.
	h.do("PFADD", "sparse", "late")
	h.do("SETBIT", "bits", "0", "1")
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	r := newHarness(t)
	r.now = h.now
	if err := r.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	got := probe(r)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s after restore: got %q, want %q", keys[i/3], got[i], want[i])
		}
	}
	// The restored values keep behaving like the originals.
	if a, b := r.do("PFCOUNT", "dense"), h.do("PFCOUNT", "dense"); a != b {
		t.Errorf("PFCOUNT dense: restored %q, original %q", a, b)
	}
	r.cases([]strCase{
		{strCmd("PFCOUNT", "sparse"), strInt(3)},
		{strCmd("PFADD", "sparse", "zz"), strInt(1)},
		{strCmd("PFCOUNT", "sparse"), strInt(4)},
		{strCmd("GETBIT", "bits", "0"), strInt(0)},
		{strCmd("GETBIT", "bits", "100"), strInt(1)},
	})
}
