package resp

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// latencyMonitor is Redis's latency monitor: per event, the last 160
// one-second samples (the worst latency in each second, in ms) and the
// all-time maximum. quoris records the "command" and "fast-command"
// events; the fork/AOF/eviction events have no counterpart here.
type latencyMonitor struct {
	mu     sync.Mutex
	events map[string]*latencySeries
}

const latencySamples = 160 // Redis's LATENCY_TS_LEN

type latencySample struct{ at, ms int64 }

type latencySeries struct {
	samples [latencySamples]latencySample
	idx     int
	max     int64
}

func (m *latencyMonitor) add(event string, now, ms int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.events == nil {
		m.events = map[string]*latencySeries{}
	}
	ts := m.events[event]
	if ts == nil {
		ts = &latencySeries{}
		m.events[event] = ts
	}
	ts.max = max(ts.max, ms)
	prev := &ts.samples[(ts.idx+latencySamples-1)%latencySamples]
	if prev.at == now {
		prev.ms = max(prev.ms, ms)
		return
	}
	ts.samples[ts.idx] = latencySample{now, ms}
	ts.idx = (ts.idx + 1) % latencySamples
}

// history is the event's samples, oldest first (nil when unknown).
func (m *latencyMonitor) history(event string) ([]latencySample, int64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts := m.events[event]
	if ts == nil {
		return nil, 0, false
	}
	var out []latencySample
	for j := 0; j < latencySamples; j++ {
		if s := ts.samples[(ts.idx+j)%latencySamples]; s.at != 0 {
			out = append(out, s)
		}
	}
	return out, ts.max, true
}

func (m *latencyMonitor) names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.events))
	for k := range m.events {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (m *latencyMonitor) reset(events [][]byte) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(events) == 0 {
		n := len(m.events)
		clear(m.events)
		return n
	}
	n := 0
	for _, e := range events {
		for k := range m.events {
			if strings.EqualFold(k, string(e)) {
				delete(m.events, k)
				n++
			}
		}
	}
	return n
}

func latencyCommands() []*localCmd {
	return []*localCmd{
		containerCmd(fsm.Spec{Name: "latency", Arity: -2, Group: "server",
			Summary: "A container for latency diagnostics commands", Since: "2.8.13", Complexity: "Depends on subcommand."}),
	}
}

func latencySubcommands() []*subCmd {
	admin := []string{"admin", "noscript", "loading", "stale"}
	spec := func(name string, arity int, summary, since, complexity string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: admin, Group: "server", Summary: summary, Since: since, Complexity: complexity}
	}
	return []*subCmd{
		{Spec: spec("latest", 2, "Return the latest latency samples for all events.", "2.8.13", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				names := s.ops.latency.names()
				out = redcon.AppendArray(out, len(names))
				for _, n := range names {
					h, mx, _ := s.ops.latency.history(n)
					last := latencySample{}
					if len(h) > 0 {
						last = h[len(h)-1]
					}
					out = redcon.AppendArray(out, 4)
					out = redcon.AppendBulkString(out, n)
					out = redcon.AppendInt(out, last.at)
					out = redcon.AppendInt(out, last.ms)
					out = redcon.AppendInt(out, mx)
				}
				return out
			}},
		{Spec: spec("history", 3, "Return timestamp-latency samples for an event.", "2.8.13", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				h, _, _ := s.ops.latency.history(string(args[2]))
				out = redcon.AppendArray(out, len(h))
				for _, smp := range h {
					out = redcon.AppendArray(out, 2)
					out = redcon.AppendInt(out, smp.at)
					out = redcon.AppendInt(out, smp.ms)
				}
				return out
			}},
		{Spec: spec("reset", -2, "Reset latency data for one or more events.", "2.8.13", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendInt(out, int64(s.ops.latency.reset(args[2:])))
			}},
		{Spec: spec("doctor", 2, "Return a human readable latency analysis report.", "2.8.13", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulkString(out, s.latencyReport(time.Now().Unix()))
			}},
		{Spec: spec("graph", 3, "Return a latency graph for the event.", "2.8.13", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				h, mx, ok := s.ops.latency.history(string(args[2]))
				if !ok {
					return appendErrStr(out, "ERR No samples available for event '"+sanitize(args[2], 128)+"'")
				}
				return redcon.AppendBulkString(out, latencyGraph(string(args[2]), h, mx, time.Now().Unix()))
			}},
		{Spec: spec("histogram", -2, "Return the cumulative distribution of latencies of a subset of commands or all.", "7.0.0",
			"O(N) where N is the number of commands with latency information being retrieved."),
			run: latencyHistogram},
		{Spec: fsm.Spec{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "server",
			Summary: "Show helpful text about the different subcommands.", Since: "2.8.13", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "latency", []string{
					"DOCTOR",
					"    Return a human readable latency analysis report.",
					"GRAPH <event>",
					"    Return an ASCII latency graph for the <event> class.",
					"HISTORY <event>",
					"    Return time-latency samples for the <event> class.",
					"LATEST",
					"    Return the latest latency samples for all events.",
					"RESET [<event> ...]",
					"    Reset latency data of one or more <event> classes.",
					"    (default: reset all data for all event classes)",
					"HISTOGRAM [COMMAND ...]",
					"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
					"    If no commands are specified then all histograms are replied.",
				})
			}},
	}
}

// latencyHistogram answers a map (an array of pairs in RESP2) from command
// name to its calls and cumulative power-of-two microsecond buckets.
// Unknown names are skipped, as in Redis.
func latencyHistogram(s *Server, cl *client, args [][]byte, out []byte) []byte {
	var picked []*cmdStat
	if len(args) == 2 {
		for _, st := range s.ops.used() {
			if st.calls.Load() > 0 {
				picked = append(picked, st)
			}
		}
	} else {
		seen := map[*cmdStat]bool{}
		for _, a := range args[2:] {
			if st := s.ops.stat(strings.ToLower(string(a))); st != nil && st.calls.Load() > 0 && !seen[st] {
				seen[st] = true
				picked = append(picked, st)
			}
		}
	}
	out = redcon.AppendArray(out, 2*len(picked))
	for _, st := range picked {
		out = redcon.AppendBulkString(out, st.name)
		out = redcon.AppendArray(out, 4)
		out = redcon.AppendBulkString(out, "calls")
		out = redcon.AppendInt(out, st.calls.Load())
		out = redcon.AppendBulkString(out, "histogram_usec")
		upper, cum := st.histogram().powerBuckets()
		out = redcon.AppendArray(out, 2*len(upper))
		for i := range upper {
			out = redcon.AppendInt(out, upper[i])
			out = redcon.AppendInt(out, cum[i])
		}
	}
	return out
}

// latencyReport is LATENCY DOCTOR's text for the events quoris records,
// with Redis's wording.
func (s *Server) latencyReport(now int64) string {
	o := s.ops
	names := o.latency.names()
	threshold := o.latencyMin.Load()
	if len(names) == 0 && threshold == 0 {
		return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
	}
	var b strings.Builder
	var slowEnable, slowTune, slowInspect, scheduler, largeObjects bool
	advices := 0
	for i, name := range names {
		h, mx, ok := o.latency.history(name)
		if !ok {
			continue
		}
		if i == 0 {
			b.WriteString("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n")
		}
		var sum, oldest, mad int64
		for _, smp := range h {
			sum += smp.ms
			if oldest == 0 || smp.at < oldest {
				oldest = smp.at
			}
		}
		n := int64(len(h))
		avg, period := int64(0), int64(0)
		if n > 0 {
			avg = sum / n
			if period = now - oldest; period == 0 {
				period = 1
			}
			for _, smp := range h {
				d := avg - smp.ms
				if d < 0 {
					d = -d
				}
				mad += d
			}
			mad /= n
		}
		fmt.Fprintf(&b, "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). Worst all time event %dms.",
			i+1, name, n, avg, mad, float64(period)/float64(n), mx)
		switch name {
		case "command":
			slow := o.slowerThan.Load()
			if slow < 0 {
				slowEnable = true
				advices++
			} else if slow/1000 > threshold {
				slowTune = true
				advices++
			}
			slowInspect, largeObjects = true, true
			advices += 2
		case "fast-command":
			scheduler = true
			advices++
		}
		b.WriteString("\n")
	}
	switch {
	case len(names) == 0 && advices == 0:
		b.WriteString("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n")
	case advices == 0:
		b.WriteString("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n")
	default:
		b.WriteString("\nI have a few advices for you:\n\n")
		if slowEnable {
			fmt.Fprintf(&b, "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than %d'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n", threshold*1000)
		}
		if slowTune {
			fmt.Fprintf(&b, "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than %d'.\n", threshold*1000)
		}
		if slowInspect {
			b.WriteString("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n")
		}
		if scheduler {
			b.WriteString("- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n" +
				"  1) Lower the system load.\n" +
				"  2) Use a computer / VM just for Redis if you are running other software in the same system.\n" +
				"  3) Check if you have a \"noisy neighbour\" problem.\n" +
				"  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
				"  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n")
		}
		if largeObjects {
			b.WriteString("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n")
		}
	}
	return b.String()
}

// latencyGraph draws LATENCY GRAPH's chart as Redis's sparkline does
// (LATENCY_GRAPH_COLS 80, 4 rows, filled): a header with the samples'
// range, then per row of up to 80 samples, four rows scaled between the
// lowest and highest sample, a blank row and each sample's age written
// vertically.
func latencyGraph(event string, h []latencySample, allTime, now int64) string {
	var lo, hi int64
	for i, smp := range h {
		if i == 0 || smp.ms < lo {
			lo = smp.ms
		}
		hi = max(hi, smp.ms)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s - high %d ms, low %d ms (all time high %d ms)\n", event, hi, lo, allTime)
	b.WriteString(strings.Repeat("-", 80) + "\n")
	labels := make([]string, len(h))
	for i, smp := range h {
		labels[i] = ageLabel(now - smp.at)
	}
	for j := 0; j < len(h); j += 80 {
		if j != 0 {
			b.WriteString("\n")
		}
		end := min(j+80, len(h))
		sparkline(&b, h[j:end], labels[j:end], lo, hi)
	}
	return b.String()
}

// sparkline renders one range of samples: sparklineRenderRange with
// SPARKLINE_FILL, 4 rows, a one-row margin above the labels.
func sparkline(b *strings.Builder, h []latencySample, labels []string, lo, hi int64) {
	const rows, charset, fill = 4, 3, "_o#"
	steps := charset * rows
	relmax := float64(hi - lo)
	if relmax == 0 {
		relmax = 1
	}
	chars := make([]byte, len(h))
	for row := 0; ; row++ {
		loop := false
		for j := range chars {
			chars[j] = ' '
		}
		for j, smp := range h {
			if row < rows {
				step := int(float64(int((float64(smp.ms-lo))*float64(steps))) / relmax)
				step = min(max(step, 0), steps-1)
				loop = true
				switch idx := step - (rows-row-1)*charset; {
				case idx >= 0 && idx < charset:
					chars[j] = fill[idx]
				case idx >= charset:
					chars[j] = '|'
				}
				continue
			}
			if row-rows < 1 { // the margin above the labels
				loop = true
				break
			}
			if l := row - rows - 1; l < len(labels[j]) {
				chars[j] = labels[j][l]
				loop = true
			}
		}
		if !loop {
			return
		}
		b.Write(chars)
		b.WriteString("\n")
	}
}

// ageLabel is how long ago a sample was taken: seconds, minutes, hours or
// days, with a unit letter, as Redis labels graph columns.
func ageLabel(secs int64) string {
	switch {
	case secs < 60:
		return strconv.FormatInt(secs, 10) + "s"
	case secs < 3600:
		return strconv.FormatInt(secs/60, 10) + "m"
	case secs < 86400:
		return strconv.FormatInt(secs/3600, 10) + "h"
	}
	return strconv.FormatInt(secs/86400, 10) + "d"
}
