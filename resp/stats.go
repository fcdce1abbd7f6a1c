package resp

import (
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// cmdStat is one command's INFO commandstats/latencystats line. Counters
// are atomics so that any connection can record without a lock; the
// histogram is allocated on the command's first call (most of the ~240
// commands are never called, and one histogram is 25 KB).
type cmdStat struct {
	name     string // "get", "config|set"
	fast     bool   // LATENCY's "fast-command" event rather than "command"
	noSlow   bool   // never in the slow log (noSlowlog)
	calls    atomic.Int64
	nanos    atomic.Int64
	rejected atomic.Int64
	failed   atomic.Int64
	hist     atomic.Pointer[latencyHist]
}

func (c *cmdStat) histogram() *latencyHist {
	if h := c.hist.Load(); h != nil {
		return h
	}
	c.hist.CompareAndSwap(nil, new(latencyHist))
	return c.hist.Load()
}

// opsStats is what INFO stats/commandstats/errorstats/latencystats,
// SLOWLOG and LATENCY read: node-local observations of this server's
// clients, never replicated.
type opsStats struct {
	byName map[string]*cmdStat // immutable after newOpsStats: read without a lock

	netIn, netOut atomic.Int64
	errReplies    atomic.Int64

	errMu  sync.Mutex
	errors map[string]int64 // first word of each error reply -> count

	slow    slowlog
	latency latencyMonitor

	// Settings read on every command are cached here; refreshSettings
	// reloads them every sample and after each CONFIG SET.
	slowerThan atomic.Int64 // µs; <0 disables the slow log
	slowMax    atomic.Int64
	latencyMin atomic.Int64 // ms; 0 disables the latency monitor

	sampleMu sync.Mutex
	samples  [3]metricSamples // ops, net input, net output
	peakMem  atomic.Uint64
}

// newOpsStats makes an entry for every command and subcommand name.
func newOpsStats(names []string, fast map[string]bool) *opsStats {
	o := &opsStats{byName: make(map[string]*cmdStat, len(names)), errors: map[string]int64{}}
	for _, n := range names {
		o.byName[n] = &cmdStat{name: n, fast: fast[n], noSlow: noSlowlog(n)}
	}
	o.slowerThan.Store(10000)
	o.slowMax.Store(128)
	return o
}

// errorKinds bounds errorstats as Redis does (ERRORSTATS_LIMIT): past it,
// new kinds are not tracked.
const errorKinds = 128

// recordError counts an error reply under its first word: "-WRONGTYPE
// Operation ..." counts as WRONGTYPE.
func (o *opsStats) recordError(reply []byte) {
	o.errReplies.Add(1)
	msg := reply
	if len(msg) > 0 && msg[0] == '-' {
		msg = msg[1:]
	}
	end := 0
	for end < len(msg) && msg[end] != ' ' && msg[end] != '\r' && msg[end] != '\n' {
		end++
	}
	o.errMu.Lock()
	if n, ok := o.errors[string(msg[:end])]; ok {
		o.errors[string(msg[:end])] = n + 1
	} else if len(o.errors) < errorKinds {
		o.errors[string(msg[:end])] = 1
	}
	o.errMu.Unlock()
}

// called records one executed command: its duration, whether its reply
// is an error, and the slow log and latency monitor entries it earns.
func (s *Server) called(st *cmdStat, cl *client, args [][]byte, start time.Time, reply []byte) {
	if st == nil {
		return
	}
	d := time.Since(start)
	o := s.ops
	st.calls.Add(1)
	st.nanos.Add(int64(d))
	st.histogram().record(int64(d))
	if len(reply) > 0 && reply[0] == '-' {
		st.failed.Add(1)
		o.recordError(reply)
	}
	if us := int64(d / time.Microsecond); !st.noSlow && args != nil && o.slowerThan.Load() >= 0 && us >= o.slowerThan.Load() {
		o.slow.add(cl, s.unwrapArgs(args), start, us, int(o.slowMax.Load()))
	}
	if min := o.latencyMin.Load(); min > 0 && int64(d/time.Millisecond) >= min {
		ev := "command"
		if st.fast {
			ev = "fast-command"
		}
		o.latency.add(ev, time.Now().Unix(), int64(d/time.Millisecond))
	}
}

// rejected records a command refused before it ran (wrong arity): Redis
// counts it in rejected_calls and errorstats, not in calls.
func (s *Server) rejected(st *cmdStat, reply string) {
	if st != nil {
		st.rejected.Add(1)
	}
	s.ops.recordError([]byte(reply))
}

func (o *opsStats) stat(name string) *cmdStat { return o.byName[name] }

func (o *opsStats) reset() {
	for _, st := range o.byName {
		st.calls.Store(0)
		st.nanos.Store(0)
		st.rejected.Store(0)
		st.failed.Store(0)
		if h := st.hist.Load(); h != nil {
			h.reset()
		}
	}
	o.errMu.Lock()
	clear(o.errors)
	o.errMu.Unlock()
	o.errReplies.Store(0)
	o.netIn.Store(0)
	o.netOut.Store(0)
}

// called returns the commands called at least once (or rejected), sorted
// by name for a stable INFO.
func (o *opsStats) used() []*cmdStat {
	var out []*cmdStat
	for _, st := range o.byName {
		if st.calls.Load() > 0 || st.rejected.Load() > 0 {
			out = append(out, st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (o *opsStats) errorCounts() ([]string, map[string]int64) {
	o.errMu.Lock()
	defer o.errMu.Unlock()
	m := make(map[string]int64, len(o.errors))
	names := make([]string, 0, len(o.errors))
	for k, v := range o.errors {
		m[k] = v
		names = append(names, k)
	}
	sort.Strings(names)
	return names, m
}

// metricSamples is Redis's instantaneous metric: 16 samples of a rate,
// one every 100 ms, averaged.
type metricSamples struct {
	lastAt    time.Time
	lastValue int64
	rates     [16]float64
	idx       int
}

func (m *metricSamples) sample(now time.Time, value int64) {
	if !m.lastAt.IsZero() {
		if dt := now.Sub(m.lastAt).Seconds(); dt > 0 {
			m.rates[m.idx] = float64(value-m.lastValue) / dt
			m.idx = (m.idx + 1) % len(m.rates)
		}
	}
	m.lastAt, m.lastValue = now, value
}

func (m *metricSamples) avg() float64 {
	var sum float64
	for _, r := range m.rates {
		sum += r
	}
	return sum / float64(len(m.rates))
}

// sampleLoop takes the instantaneous metrics and refreshes cached
// settings every 100 ms until stop is closed.
func (s *Server) sampleLoop(stop <-chan struct{}) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		s.sampleOnce(time.Now())
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

func (s *Server) sampleOnce(now time.Time) {
	o := s.ops
	o.sampleMu.Lock()
	o.samples[0].sample(now, s.stats.cmds.Load())
	o.samples[1].sample(now, o.netIn.Load())
	o.samples[2].sample(now, o.netOut.Load())
	o.sampleMu.Unlock()
	s.notePeak(heapInUse())
	s.refreshSettings()
}

// instantaneous returns ops/sec and input/output KB/s.
func (o *opsStats) instantaneous() (ops int64, inKbps, outKbps float64) {
	o.sampleMu.Lock()
	defer o.sampleMu.Unlock()
	return int64(o.samples[0].avg()), o.samples[1].avg() / 1024, o.samples[2].avg() / 1024
}

func (s *Server) notePeak(used uint64) {
	for {
		p := s.ops.peakMem.Load()
		if used <= p || s.ops.peakMem.CompareAndSwap(p, used) {
			return
		}
	}
}

// refreshSettings caches the settings the per-command hook reads.
func (s *Server) refreshSettings() {
	// One view of the operator's settings for all of them: it runs ten
	// times a second on every node, and each lookup would build it anew.
	owned := s.ownedAll()
	setting := func(name string) string { return owned[name] }
	s.refreshLimits(owned)
	o := s.ops
	if v, err := strconv.ParseInt(setting("slowlog-log-slower-than"), 10, 64); err == nil {
		o.slowerThan.Store(v)
	}
	if v, err := strconv.ParseInt(setting("slowlog-max-len"), 10, 64); err == nil && v >= 0 {
		o.slowMax.Store(v)
		o.slow.trim(int(v))
	}
	if v, err := strconv.ParseInt(setting("latency-monitor-threshold"), 10, 64); err == nil && v >= 0 {
		o.latencyMin.Store(v)
	}
	// OBJECT FREQ/IDLETIME follow maxmemory-policy as in Redis.
	logFactor, decay := int64(10), int64(1)
	if v, err := strconv.ParseInt(setting("lfu-log-factor"), 10, 64); err == nil && v >= 0 {
		logFactor = v
	}
	if v, err := strconv.ParseInt(setting("lfu-decay-time"), 10, 64); err == nil && v >= 0 {
		decay = v
	}
	s.fsm.SetAccessPolicy(strings.Contains(setting("maxmemory-policy"), "lfu"), logFactor, decay)
	if v, err := strconv.ParseInt(s.configValueIn("tracking-table-max-keys", owned), 10, 64); err == nil && v >= 0 {
		s.track.maxKeys.Store(v)
	}
}

// afterLocal reacts to local commands that change what the hook reads:
// CONFIG SET may change the slow log and latency thresholds at once, and
// CONFIG RESETSTAT clears commandstats, errorstats and latencystats too.
func (s *Server) afterLocal(name string, reply []byte) {
	if len(reply) == 0 || reply[0] != '+' {
		return
	}
	switch name {
	case "config|set":
		s.refreshSettings()
	case "config|resetstat":
		s.ops.reset()
	}
}

// countListener hands redcon connections that count their bytes.
type countListener struct {
	net.Listener
	o *opsStats
}

func (l countListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countConn{Conn: c, o: l.o}, nil
}

// countConn counts the bytes a client connection reads and writes, for
// total_net_input_bytes/output and CLIENT LIST's qbuf.
type countConn struct {
	net.Conn
	o  *opsStats
	in atomic.Int64 // bytes read on this connection
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.o.netIn.Add(int64(n))
		c.in.Add(int64(n))
	}
	return n, err
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.o.netOut.Add(int64(n))
	}
	return n, err
}

// SyscallConn keeps the socket reachable for CLIENT LIST's fd.
func (c *countConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := tlsRawConn(c.Conn).(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, syscall.EINVAL
}

// commandNames lists every command and subcommand name stats are kept
// for, and which of them Redis flags "fast".
func (s *Server) commandNames() ([]string, map[string]bool) {
	var names []string
	fast := map[string]bool{}
	for _, d := range s.commandTable() {
		names = append(names, d.name)
		fast[d.name] = d.spec.Has("fast")
		for _, sub := range d.subs {
			names = append(names, sub.name)
			fast[sub.name] = sub.spec.Has("fast")
		}
	}
	return names, fast
}

// argvBytes is the bytes of a command's arguments (CLIENT LIST argv-mem).
func argvBytes(args [][]byte) int64 {
	var n int64
	for _, a := range args {
		n += int64(len(a))
	}
	return n
}
