package resp

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

func memoryCommands() []*localCmd {
	return []*localCmd{
		containerCmd(fsm.Spec{Name: "memory", Arity: -2, Group: "server",
			Summary: "A container for memory diagnostics commands", Since: "4.0.0", Complexity: "Depends on subcommand."}),
	}
}

func memorySubcommands() []*subCmd {
	spec := func(name string, arity int, flags []string, summary, complexity string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: flags, Group: "server", Summary: summary, Since: "4.0.0", Complexity: complexity}
	}
	return []*subCmd{
		{Spec: fsm.Spec{Name: "usage", Arity: -3, Flags: []string{"readonly"}, FirstKey: 2, LastKey: 2, Step: 1, Group: "server",
			Summary: "Estimate the memory usage of a key", Since: "4.0.0", Complexity: "O(N) where N is the number of samples."},
			run: memoryUsage},
		{Spec: spec("stats", 2, nil, "Show memory usage details", "O(1)"), run: memoryStats},
		{Spec: spec("doctor", 2, nil, "Outputs memory problems report", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulkString(out, s.memoryDoctor())
			}},
		{Spec: spec("malloc-stats", 2, nil, "Show allocator internal stats", "Depends on how much memory is allocated, could be slow"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulkString(out, goMallocStats())
			}},
		{Spec: spec("purge", 2, nil, "Ask the allocator to release memory", "Depends on how much memory is allocated, could be slow"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				debug.FreeOSMemory()
				return redcon.AppendOK(out)
			}},
		{Spec: fsm.Spec{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "server",
			Summary: "Show helpful text about the different subcommands", Since: "4.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "memory", []string{
					"DOCTOR",
					"    Return memory problems reports.",
					"MALLOC-STATS",
					"    Return internal statistics report from the memory allocator.",
					"PURGE",
					"    Attempt to purge dirty pages for reclamation by the allocator.",
					"STATS",
					"    Return information about the memory usage of the server.",
					"USAGE <key> [SAMPLES <count>]",
					"    Return memory in bytes used by <key> and its value. Nested values are",
					"    sampled up to <count> times (default: 5, 0 means sample all).",
				})
			}},
	}
}

// memoryUsage is MEMORY USAGE key [SAMPLES count]. It reads this node's
// state (a read with no barrier: an estimate needs no linearizability).
func memoryUsage(s *Server, cl *client, args [][]byte, out []byte) []byte {
	samples := 5
	for i := 3; i < len(args); i += 2 {
		if !strings.EqualFold(string(args[i]), "samples") || i+1 >= len(args) {
			return appendSyntaxErr(out)
		}
		n, err := strconv.ParseInt(string(args[i+1]), 10, 64)
		if err != nil {
			return appendErrStr(out, "ERR value is not an integer or out of range")
		}
		if n < 0 {
			return appendSyntaxErr(out)
		}
		samples = int(min(n, 1<<31-1))
	}
	n, ok, err := s.fsm.MemoryUsage(cl.DB(), s.node.Now(), args[2], samples)
	switch {
	case err != nil:
		return appendErrStr(out, err.Error())
	case !ok:
		return redcon.AppendNull(out)
	}
	return redcon.AppendInt(out, n)
}

// memoryStats answers MEMORY STATS with Redis's field names, from the Go
// runtime: the heap stands for the allocator, the keyspace's fixed
// per-key costs for the hash table overheads.
func memoryStats(s *Server, cl *client, args [][]byte, out []byte) []byte {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.notePeak(ms.HeapInuse)
	peak := s.ops.peakMem.Load()
	keys, expires := s.fsm.KeyspaceInfo()
	type kv struct {
		k string
		v any
	}
	var fields []kv
	add := func(k string, v any) { fields = append(fields, kv{k, v}) }
	used := int64(ms.HeapInuse)
	var overhead, nkeys int64
	add("peak.allocated", int64(peak))
	add("total.allocated", used)
	add("startup.allocated", int64(s.startupHeap))
	for db := range keys {
		if keys[db] == 0 && expires[db] == 0 {
			continue
		}
		main, exp := fsm.KeyspaceOverhead(keys[db], expires[db])
		overhead += main + exp
		nkeys += int64(keys[db])
		add("db."+strconv.Itoa(db), []kv{{"overhead.hashtable.main", main}, {"overhead.hashtable.expires", exp}})
	}
	overhead += int64(s.startupHeap)
	add("overhead.total", overhead)
	add("keys.count", nkeys)
	dataset := max(used-overhead, 0)
	perKey := int64(0)
	if nkeys > 0 {
		perKey = (used - int64(s.startupHeap)) / nkeys
	}
	add("keys.bytes-per-key", perKey)
	add("dataset.bytes", dataset)
	add("dataset.percentage", float64(dataset)*100/float64(max(used-int64(s.startupHeap), 1)))
	add("peak.percentage", float64(used)*100/float64(max(int64(peak), 1)))
	add("allocator.allocated", int64(ms.HeapAlloc))
	add("allocator.active", int64(ms.HeapInuse))
	add("allocator.resident", int64(ms.HeapSys-ms.HeapReleased))
	add("fragmentation", float64(ms.Sys)/float64(max(used, 1)))
	add("fragmentation.bytes", int64(ms.Sys)-used)

	var appendVal func(out []byte, v any) []byte
	appendVal = func(out []byte, v any) []byte {
		switch v := v.(type) {
		case int64:
			return redcon.AppendInt(out, v)
		case float64:
			return redcon.AppendBulkString(out, strconv.FormatFloat(v, 'f', 17, 64))
		case []kv:
			out = redcon.AppendArray(out, 2*len(v))
			for _, f := range v {
				out = redcon.AppendBulkString(out, f.k)
				out = appendVal(out, f.v)
			}
		}
		return out
	}
	out = redcon.AppendArray(out, 2*len(fields))
	for _, f := range fields {
		out = redcon.AppendBulkString(out, f.k)
		out = appendVal(out, f.v)
	}
	return out
}

// memoryDoctor is MEMORY DOCTOR for what quoris can observe: an instance
// too small to judge, a past peak well above the current use, or nothing.
func (s *Server) memoryDoctor() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.notePeak(ms.HeapInuse)
	if ms.HeapInuse < 5<<20 {
		return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
	}
	if float64(s.ops.peakMem.Load())/float64(ms.HeapInuse) <= 1.5 {
		return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
	}
	return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" +
		" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n" +
		"I'm here to keep you safe, Sam. I want to help you.\n"
}

// goMallocStats is MEMORY MALLOC-STATS: the Go runtime's allocator
// figures, in place of jemalloc's report.
func goMallocStats() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var b strings.Builder
	b.WriteString("___ Begin Go runtime allocator statistics ___\n")
	fmt.Fprintf(&b, "Version: %q\n", runtime.Version())
	fmt.Fprintf(&b, "Allocated: %d, active: %d, resident: %d, released: %d, sys: %d\n",
		ms.HeapAlloc, ms.HeapInuse, ms.HeapSys-ms.HeapReleased, ms.HeapReleased, ms.Sys)
	fmt.Fprintf(&b, "Objects: %d live, %d mallocs, %d frees\n", ms.HeapObjects, ms.Mallocs, ms.Frees)
	fmt.Fprintf(&b, "GC: %d cycles, next at %d, pause total %d ns\n", ms.NumGC, ms.NextGC, ms.PauseTotalNs)
	b.WriteString("size classes:\n")
	for _, c := range ms.BySize {
		if c.Mallocs > c.Frees {
			fmt.Fprintf(&b, "  %6d: %d live (%d mallocs)\n", c.Size, c.Mallocs-c.Frees, c.Mallocs)
		}
	}
	b.WriteString("--- End Go runtime allocator statistics ---\n")
	return b.String()
}
