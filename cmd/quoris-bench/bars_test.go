package main

import (
	"bufio"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseBars(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"all", []string{"failover", "memory", "pubsub", "recovery", "snapshot"}, false},
		{"none", nil, false},
		{"", nil, false},
		{"memory", []string{"memory"}, false},
		{"snapshot, failover", []string{"failover", "snapshot"}, false},
		{"memory,memory", []string{"memory"}, false},
		{"memory,latency", nil, true},
		{"all,memory", nil, true},
	}
	for _, tt := range tests {
		got, err := parseBars(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseBars(%q) error %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, tt.want) {
			t.Errorf("parseBars(%q) = %v, want %v", tt.in, keys, tt.want)
		}
	}
}

func TestParseFlagsBars(t *testing.T) {
	cfg, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.bars) != len(barNames) || cfg.keys != 1000000 {
		t.Errorf("defaults: bars %v keys %d, want all and 1000000", cfg.bars, cfg.keys)
	}
	cfg, err = parseFlags([]string{"-bars", "recovery", "-keys", "100000"})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.bars["recovery"] || len(cfg.bars) != 1 || cfg.keys != 100000 {
		t.Errorf("got bars %v keys %d", cfg.bars, cfg.keys)
	}
	for _, args := range [][]string{{"-bars", "bogus"}, {"-keys", "0"}} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
}

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = ms(float64(100 - i)) // 100..1 ms, unsorted on purpose
	}
	tests := []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 99, 0},
		{[]time.Duration{ms(7)}, 99, ms(7)},
		{[]time.Duration{ms(3), ms(1), ms(2)}, 50, ms(2)},
		{[]time.Duration{ms(3), ms(1), ms(2)}, 99, ms(3)},
		{hundred, 99, ms(99)},
		{hundred, 100, ms(100)},
		{hundred, 50, ms(50)},
		{hundred, 0.1, ms(1)},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		if got := percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("percentile(%d values, %v) = %v, want %v", len(tt.in), tt.p, got, tt.want)
		}
		if !slices.Equal(in, tt.in) {
			t.Errorf("percentile reordered its input")
		}
	}
}

func TestStatsOfWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(startMs, endMs float64, err error) op {
		return op{start: t0.Add(ms(startMs)), end: t0.Add(ms(endMs)), err: err}
	}
	ops := []op{
		at(0, 5, nil),               // before the window
		at(8, 30, nil),              // started before, stalled into it
		at(12, 14, nil),             // inside
		at(15, 16, errors.New("x")), // inside, failed
		at(19, 60, nil),             // started inside, ended after
		at(20, 21, nil),             // starts exactly at the end: not in flight during it
		at(25, 26, nil),             // after
	}
	from, to := t0.Add(ms(10)), t0.Add(ms(20))
	got := statsOf(ops, func(o op) bool { return o.overlaps(from, to) })
	want := latencyStats{n: 4, failed: 1, p99: ms(41), max: ms(41), maxStart: t0.Add(ms(19))}
	if got != want {
		t.Errorf("window stats %+v, want %+v", got, want)
	}
	before := statsOf(ops, func(o op) bool { return !o.end.After(from) })
	if want := (latencyStats{n: 1, p99: ms(5), max: ms(5), maxStart: t0}); before != want {
		t.Errorf("before stats %+v, want %+v", before, want)
	}
}

func TestRecoveryTime(t *testing.T) {
	kill := time.Unix(1000, 0)
	at := func(startMs, endMs float64, err error) op {
		return op{start: kill.Add(ms(startMs)), end: kill.Add(ms(endMs)), err: err}
	}
	fail := respError("CLUSTERDOWN no leader")
	tests := []struct {
		name string
		ops  []op
		want time.Duration
		ok   bool
	}{
		{"none", nil, 0, false},
		{"only failures", []op{at(1, 2, fail), at(3, 4, fail)}, 0, false},
		{"in flight at the kill does not count", []op{at(-1, 300, nil)}, 0, false},
		{"first success after failures", []op{at(-2, -1, nil), at(0, 5, fail), at(7, 900, nil), at(900, 901, nil)}, ms(900), true},
		{"sent at the kill instant counts", []op{at(0, 4, nil)}, ms(4), true},
	}
	for _, tt := range tests {
		got, ok := recoveryTime(tt.ops, kill)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: got %v %v, want %v %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		in          []time.Duration
		lo, med, hi time.Duration
	}{
		{nil, 0, 0, 0},
		{[]time.Duration{ms(5)}, ms(5), ms(5), ms(5)},
		{[]time.Duration{ms(9), ms(1), ms(5)}, ms(1), ms(5), ms(9)},
		{[]time.Duration{ms(4), ms(1), ms(3), ms(2)}, ms(1), ms(2.5), ms(4)},
	}
	for _, tt := range tests {
		lo, med, hi := summary(tt.in)
		if lo != tt.lo || med != tt.med || hi != tt.hi {
			t.Errorf("summary(%v) = %v %v %v, want %v %v %v", tt.in, lo, med, hi, tt.lo, tt.med, tt.hi)
		}
	}
}

func TestErrKinds(t *testing.T) {
	m := map[string]int{}
	for _, err := range []error{
		respError("CLUSTERDOWN no leader is elected"), io.EOF, respError("CLUSTERDOWN x"),
		respError("UNCERTAIN leadership was lost"), errors.New("dial tcp: connection refused"),
		respError("CLUSTERDOWN y"),
	} {
		m[errKind(err)]++
	}
	if got, want := fmtKinds(m), "CLUSTERDOWN 3, connection 2, UNCERTAIN 1"; got != want {
		t.Errorf("fmtKinds = %q, want %q", got, want)
	}
	if got := fmtKinds(nil); got != "none" {
		t.Errorf("fmtKinds(nil) = %q", got)
	}
}

func TestFmtDur(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{ms(0.25), "0.250 ms"},
		{ms(12.345), "12.35 ms"},
		{ms(430), "430 ms"},
		{ms(1234), "1.23 s"},
	}
	for _, tt := range tests {
		if got := fmtDur(tt.in); got != tt.want {
			t.Errorf("fmtDur(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatBars(t *testing.T) {
	got := formatBars(1000, []barResult{
		{Name: "snapshot", Measured: "write max 3.00 ms", Target: "max < 50 ms", Verdict: verdictPass,
			Notes: []string{"50 clients"}},
		barErr("memory", "<= 1.5x", errors.New("boom")),
		{Name: "failover", Measured: "median 2.50 s", Target: "median <= 2 s", Verdict: verdictFail},
	})
	want := `
Other bars (issue #5): 1000 keys of 100-byte values, quoris with default settings

bar       measured           target         result
--------------------------------------------------
snapshot  write max 3.00 ms  max < 50 ms    PASS
memory    error: boom        <= 1.5x        err
failover  median 2.50 s      median <= 2 s  FAIL
  snapshot: 50 clients
`
	if got != want {
		t.Errorf("formatBars:\n%s\nwant:\n%s", got, want)
	}
}

func TestBarValue(t *testing.T) {
	for _, i := range []int{0, 7, 999999, 123456789} {
		v := barValue(i)
		if len(v) != 100 || !strings.HasPrefix(v, barKey(i)[len("key:"):]+":") {
			t.Errorf("barValue(%d) = %q (%d bytes)", i, v, len(v))
		}
	}
}

func TestInfoField(t *testing.T) {
	info := "# Memory\r\nused_memory:12345\r\nused_memory_human:12.06K\r\nmaxmemory:0\r\n"
	tests := []struct{ field, want string }{
		{"used_memory", "12345"},
		{"used_memory_human", "12.06K"},
		{"maxmemory", "0"},
		{"missing", ""},
		{"# Memory", ""},
	}
	for _, tt := range tests {
		if got := infoField(info, tt.field); got != tt.want {
			t.Errorf("infoField(%q) = %q, want %q", tt.field, got, tt.want)
		}
	}
}

func TestRconnRead(t *testing.T) {
	stream := "+OK\r\n:42\r\n$5\r\nhello\r\n$-1\r\n-ERR bad thing\r\n*2\r\n$1\r\na\r\n:1\r\n*-1\r\n$0\r\n\r\n"
	c := &rconn{r: bufio.NewReader(strings.NewReader(stream))}
	want := []struct {
		s   string
		err string
	}{{"OK", ""}, {"42", ""}, {"hello", ""}, {"", ""}, {"", "ERR bad thing"}, {"a\n1", ""}, {"", ""}, {"", ""}}
	for i, w := range want {
		s, err := c.read()
		var re respError
		switch {
		case w.err == "" && err != nil:
			t.Errorf("reply %d: error %v", i, err)
		case w.err != "" && (!errors.As(err, &re) || string(re) != w.err):
			t.Errorf("reply %d: error %v, want respError %q", i, err, w.err)
		case s != w.s:
			t.Errorf("reply %d = %q, want %q", i, s, w.s)
		}
	}
	if _, err := c.read(); !errors.Is(err, io.EOF) {
		t.Errorf("after the stream: %v, want EOF", err)
	}
}
