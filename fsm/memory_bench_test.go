package fsm

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/hashicorp/raft"
)

// memBenchKeys is the memory bar of issue #5: 1M keys of 100-byte values.
const memBenchKeys = 1_000_000

// memBenchValue appends quoris-bench's barValue(i), the bytes the bar loads.
func memBenchValue(dst []byte, i int) []byte {
	dst = append(strconv.AppendInt(dst, int64(i), 10), ':')
	for len(dst) < 100 {
		dst = append(dst, 'v')
	}
	return dst
}

// memLoad sets key:i to memBenchValue(i) for i < n through the write path
// the server uses: batch entries of perBatch SETs applied by ApplyBatch.
// Arguments are built in reused buffers, so the only garbage is the write
// path's own, as in the server, whose arguments arrive in large buffers.
func memLoad(f *FSM, n, perBatch int) {
	var idx uint64
	var data, key, val []byte
	args := [][]byte{[]byte("SET"), nil, nil}
	for lo := 0; lo < n; lo += perBatch {
		hi := min(n, lo+perBatch)
		data = AppendBatchHeader(data[:0], hi-lo)
		for i := lo; i < hi; i++ {
			key = strconv.AppendInt(append(key[:0], "key:"...), int64(i), 10)
			val = memBenchValue(val[:0], i)
			args[1], args[2] = key, val
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
