package fsm

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/hashicorp/raft"
)

// memBenchKeys is the memory bar of issue #5: 1M keys of 100-byte values.
const memBenchKeys = 1_000_000

// memBenchValue is quoris-bench's barValue: the same bytes the bar loads.
func memBenchValue(i int) string {
	const pad = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	s := strconv.Itoa(i) + ":"
	return s + pad[:100-len(s)]
}

// memLoad sets key:i to memBenchValue(i) for i < n through the write path
// the server uses: batch entries of perBatch SETs applied by ApplyBatch.
func memLoad(f *FSM, n, perBatch int) {
	var idx uint64
	var data []byte
	args := make([][]byte, 3)
	args[0] = []byte("SET")
	for lo := 0; lo < n; lo += perBatch {
		hi := min(n, lo+perBatch)
		data = AppendBatchHeader(data[:0], hi-lo)
		for i := lo; i < hi; i++ {
			args[1] = []byte("key:" + strconv.Itoa(i))
			args[2] = []byte(memBenchValue(i))
			data = AppendBatchItem(data, 0, 1_700_000_000_000, args)
		}
		idx++
		f.ApplyBatch([]*raft.Log{{Index: idx, Type: raft.LogCommand, Data: data}})
	}
}

func heapAfterGC() runtime.MemStats {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC() // the second cycle frees what the first one's finalizers released
	runtime.ReadMemStats(&ms)
	return ms
}

// BenchmarkMemoryStrings1M reports the live heap per string key after a
// full GC (what the keyspace costs, without GC headroom), and HeapInuse per
// key (what INFO's used_memory would show right after a GC: live bytes plus
// the unused room in spans). Run with -benchtime=1x.
func BenchmarkMemoryStrings1M(b *testing.B) {
	for range b.N {
		before := heapAfterGC()
		f := New(16, nil)
		memLoad(f, memBenchKeys, 1000)
		after := heapAfterGC()
		if got := f.dbs[0].Len(); got != memBenchKeys {
			b.Fatalf("loaded %d keys, want %d", got, memBenchKeys)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/memBenchKeys, "live-B/key")
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/memBenchKeys, "inuse-B/key")
		runtime.KeepAlive(f)
	}
}
