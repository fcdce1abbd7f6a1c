package fsm

import (
	"bytes"
	"io"
	"strconv"
	"sync"
	"testing"
)

// benchKeys matches the recovery bar of issue #5: 1M keys of 100-byte values.
const benchKeys = 1_000_000

func benchValue(i int) []byte {
	v := bytes.Repeat([]byte("v"), 100)
	copy(v, strconv.Itoa(i)+":")
	return v
}

// benchSnapshot is built once per process: loading 1M keys dominates
// otherwise.
var benchSnapshot = sync.OnceValue(func() []byte {
	f := New(16, nil)
	for i := range benchKeys {
		f.dbs[0].put("key:"+strconv.Itoa(i), Item{Value: benchValue(i), Version: uint64(i + 1)})
	}
	snap, err := f.Snapshot()
	if err != nil {
		panic(err)
	}
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		panic(err)
	}
	return sink.Bytes()
})

func BenchmarkRestore1M(b *testing.B) {
	data := benchSnapshot()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f := New(16, nil)
		if err := f.Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
			b.Fatal(err)
		}
		if f.dbs[0].Len() != benchKeys {
			b.Fatalf("%d keys", f.dbs[0].Len())
		}
	}
}

func BenchmarkPersist1M(b *testing.B) {
	data := benchSnapshot()
	f := New(16, nil)
	if err := f.Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		snap, _ := f.Snapshot()
		if err := snap.Persist(discardSink{}); err != nil {
			b.Fatal(err)
		}
	}
}

type discardSink struct{}

func (discardSink) Write(p []byte) (int, error) { return len(p), nil }
func (discardSink) ID() string                  { return "discard" }
func (discardSink) Cancel() error               { return nil }
func (discardSink) Close() error                { return nil }
