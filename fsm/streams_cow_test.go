package fsm

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

// TestStreamGroupSnapshotGenerations: group changes made in place within a
// snapshot generation never reach a snapshot taken earlier. Three
// generations of XREADGROUP/XACK/XCLAIM/XAUTOCLAIM/CREATECONSUMER/
// DELCONSUMER run while each earlier snapshot is persisted concurrently;
// every restored snapshot must answer XINFO STREAM FULL and XPENDING as the
// live FSM did when it was taken.
func TestStreamGroupSnapshotGenerations(t *testing.T) {
	h := newHarness(t)
	h.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	h.do("XGROUP", "CREATE", "s", "g2", "$")
	next := 1
	round := func(r int) {
		for i := 0; i < 300; i++ {
			h.do("XADD", "s", strconv.Itoa(next)+"-0", "f", "v")
			next++
		}
		h.advance(10)
		h.do("XREADGROUP", "GROUP", "g", "a"+strconv.Itoa(r), "COUNT", "120", "STREAMS", "s", ">")
		h.do("XREADGROUP", "GROUP", "g", "b", "COUNT", "100", "STREAMS", "s", ">")
		h.do("XREADGROUP", "GROUP", "g2", "b", "COUNT", "50", "STREAMS", "s", ">")
		for i := 0; i < 40; i++ {
			h.do("XACK", "s", "g", strconv.Itoa(next-300+3*i)+"-0")
		}
		h.do("XCLAIM", "s", "g", "b", "0", strconv.Itoa(next-299)+"-0", strconv.Itoa(next-298)+"-0")
		h.do("XAUTOCLAIM", "s", "g", "c", "0", "0-0", "COUNT", "25")
		h.do("XREADGROUP", "GROUP", "g", "b", "COUNT", "10", "STREAMS", "s", "0")
		h.do("XGROUP", "CREATECONSUMER", "s", "g", "d"+strconv.Itoa(r))
		if r > 0 {
			h.do("XGROUP", "DELCONSUMER", "s", "g", "a"+strconv.Itoa(r-1))
		}
	}
	probes := [][]string{
		{"XINFO", "STREAM", "s", "FULL", "COUNT", "0"},
		{"XPENDING", "s", "g"}, {"XPENDING", "s", "g2", "-", "+", "1000"},
	}
	probe := func(h *harness) []string {
		var out []string
		for _, p := range probes {
			out = append(out, h.do(p...))
		}
		return out
	}
	type taken struct {
		want []string
		sink bufSink
		done chan error
	}
	var snaps []*taken
	for r := 0; r < 4; r++ {
		round(r)
		round(r + 10) // a second round in the same generation changes in place
		tk := &taken{want: probe(h), done: make(chan error, 1)}
		snap, err := h.f.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		go func() { tk.done <- snap.Persist(&tk.sink) }()
		snaps = append(snaps, tk)
	}
	round(99)
	for i, tk := range snaps {
		if err := <-tk.done; err != nil {
			t.Fatal(err)
		}
		dst := newHarness(t)
		if err := dst.f.Restore(io.NopCloser(bytes.NewReader(tk.sink.Bytes()))); err != nil {
			t.Fatal(err)
		}
		for j, got := range probe(dst) {
			if got != tk.want[j] {
				t.Errorf("snapshot %d, %q: restored state differs from the state when taken", i, probes[j])
			}
		}
	}
}

// TestStreamGroupCopyIsolation: after COPY, group changes on either key
// leave the other as it was, whichever changes its group first.
func TestStreamGroupCopyIsolation(t *testing.T) {
	h := newHarness(t)
	h.do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	for i := 1; i <= 50; i++ {
		h.do("XADD", "s", strconv.Itoa(i)+"-0", "f", "v")
	}
	h.do("XREADGROUP", "GROUP", "g", "a", "COUNT", "20", "STREAMS", "s", ">")
	h.do("XACK", "s", "g", "1-0") // the group is now changed in place
	change := func(key string) {
		h.do("XREADGROUP", "GROUP", "g", "b", "COUNT", "5", "STREAMS", key, ">")
		h.do("XACK", key, "g", "2-0", "3-0")
		h.do("XCLAIM", key, "g", "b", "0", "4-0")
		h.do("XGROUP", "DELCONSUMER", key, "g", "a")
	}
	for _, first := range []string{"src", "copy"} {
		h.do("DEL", "t")
		h.do("COPY", "s", "t")
		a, b := "s", "t"
		if first == "copy" {
			a, b = b, a
		}
		want := h.do("XINFO", "STREAM", b, "FULL")
		change(a)
		if got := h.do("XINFO", "STREAM", b, "FULL"); got != want {
			t.Fatalf("%s changed first: changes to %s reached %s:\n got  %q\n want %q", first, a, b, got, want)
		}
		want = h.do("XINFO", "STREAM", a, "FULL")
		change(b)
		if got := h.do("XINFO", "STREAM", a, "FULL"); got != want {
			t.Fatalf("%s changed first: changes to %s reached %s", first, b, a)
		}
	}
}
