package main

import (
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name  string
		stack []string // leaf first, as in a profile
		want  string
	}{
		{"reply write under the command loop",
			[]string{"internal/runtime/syscall/linux.Syscall6", "syscall.write", "github.com/quoris/quoris/resp.(*countConn).Write", "github.com/tidwall/redcon.(*Writer).Flush", "github.com/quoris/quoris/resp.(*connServer).loop"},
			"write"},
		{"request read",
			[]string{"syscall.read", "github.com/quoris/quoris/resp.(*countConn).Read", "github.com/quoris/quoris/resp.(*Reader).fill", "github.com/quoris/quoris/resp.(*connServer).loop"},
			"read"},
		{"follower's fsync under the transport counts as the log",
			[]string{"syscall.Fsync", "github.com/hashicorp/raft-wal.(*WAL).StoreLogs", "github.com/quoris/quoris/raftnode.(*logCache).StoreLogs", "github.com/hashicorp/raft.(*Raft).appendEntries", "github.com/hashicorp/raft.(*Raft).processRPC"},
			"log"},
		{"heartbeat",
			[]string{"syscall.write", "bufio.(*Writer).Flush", "github.com/hashicorp/raft.(*NetworkTransport).genericRPC", "github.com/hashicorp/raft.(*Raft).heartbeat"},
			"rnet"},
		{"allocation inside the FSM",
			[]string{"runtime.nextFreeFast", "runtime.mallocgc", "github.com/quoris/quoris/fsm.newEntry", "github.com/quoris/quoris/fsm.(*FSM).ApplyBatch"},
			"alloc"},
		{"key lookup",
			[]string{"github.com/tidwall/btree.(*BTreeG[...]).bsearch", "github.com/quoris/quoris/fsm.(*DB).find", "github.com/quoris/quoris/fsm.(*FSM).exec"},
			"fsm"},
		{"scheduler on g0", []string{"runtime.futex", "runtime.stopm", "runtime.findRunnable", "runtime.schedule", "runtime.park_m", "runtime.mcall"}, "sched"},
		{"command dispatch", []string{"github.com/quoris/quoris/resp.(*Server).serveRESP", "github.com/quoris/quoris/resp.(*connServer).loop"}, "resp"},
		{"leader loop", []string{"runtime.selectgo", "github.com/hashicorp/raft.(*Raft).leaderLoop"}, "raft"},
		{"nothing known", []string{"crypto/sha256.block"}, "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.stack); got != tt.want {
				t.Errorf("classify = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCPUShares(t *testing.T) {
	fn := func(id uint64, name string) *profile.Function { return &profile.Function{ID: id, Name: name} }
	write, loop, fsync := fn(1, "github.com/quoris/quoris/resp.(*countConn).Write"), fn(2, "github.com/quoris/quoris/resp.(*connServer).loop"), fn(3, "github.com/hashicorp/raft-wal.(*WAL).StoreLogs")
	loc := func(id uint64, fs ...*profile.Function) *profile.Location {
		l := &profile.Location{ID: id}
		for _, f := range fs {
			l.Line = append(l.Line, profile.Line{Function: f})
		}
		return l
	}
	// An inlined frame (two lines in one location) must be seen too.
	lw, lf := loc(1, write, loop), loc(2, fsync)
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{lw}, Value: []int64{3, 30}},
			{Location: []*profile.Location{lf}, Value: []int64{1, 10}},
			{Location: []*profile.Location{lw}, Value: []int64{2, 20}},
		},
	}
	got, err := cpuShares(p)
	if err != nil {
		t.Fatal(err)
	}
	if got["write"] != 50 || got["log"] != 10 || len(got) != 2 {
		t.Errorf("shares %v, want write 50 log 10", got)
	}
	p.SampleType = p.SampleType[:1]
	if _, err := cpuShares(p); err == nil || !strings.Contains(err.Error(), "cpu") {
		t.Errorf("profile without cpu values: err %v", err)
	}
}

func TestFormatProfiles(t *testing.T) {
	cols := []column{{Label: "ra"}, {Label: "q1"}}
	rows := []rowResult{{Name: "SET c50", Cells: []cell{
		{sample: sample{CPU: 16}},
		{sample: sample{CPU: 40, Alloc: 1234}, Shares: map[string]float64{"write": 0.25, "fsm": 0.5, "other": 0.25}},
	}}}
	out := formatProfiles(cols, rows, "/tmp/p")
	for _, want := range []string{"SET c50", "q1", "1234", "40.0", "10.0", "20.0", "/tmp/p"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ra ") {
		t.Errorf("unprofiled column reported:\n%s", out)
	}
	if got := formatProfiles(cols, rows[:0], "/tmp/p"); got != "" {
		t.Errorf("no rows: %q", got)
	}
}

func TestParseTotalAlloc(t *testing.T) {
	tests := []struct {
		name, in string
		want     uint64
		wantErr  bool
	}{
		{"heap profile tail", "heap profile: 1: 2 [3: 4] @ heap/1048576\n\n# runtime.MemStats\n# Alloc = 123\n# TotalAlloc = 987654321\n# Sys = 5\n", 987654321, false},
		{"missing", "# Alloc = 1\n", 0, true},
		{"not a number", "# TotalAlloc = lots\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTotalAlloc([]byte(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseTotalAlloc = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
