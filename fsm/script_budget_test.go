package fsm

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// applyAll feeds the same commands, as one ApplyBatch of log entries, to
// an FSM and returns the replies.
func applyAll(f *FSM, cmds [][]string) []string {
	var logs []*raft.Log
	for i, cmd := range cmds {
		argv := make([][]byte, len(cmd))
		for j, a := range cmd {
			argv[j] = []byte(a)
		}
		logs = append(logs, &raft.Log{Index: uint64(i + 1), Type: raft.LogCommand,
			Data: AppendEntry(nil, KindCommand, 0, 1_700_000_000_000+int64(i), argv)})
	}
	var out []string
	for _, r := range f.ApplyBatch(logs) {
		out = append(out, string(r.([]byte)))
	}
	return out
}

// TestScriptBudgetDeterministic: a runaway script stops with the same
// error at the same point on two independent FSMs fed the same entries,
// writes made before the stop stay (Redis does not roll scripts back), and
// the FSM keeps serving.
func TestScriptBudgetDeterministic(t *testing.T) {
	cmds := [][]string{
		{"SET", "before", "1"},
		{"EVAL", "while true do end", "0"},
		{"EVAL", "local i = 0\nwhile true do\n  i = i + 1\n  if i % 1000 == 0 then redis.call('incr', KEYS[1]) end\nend", "1", "n"},
		{"EVAL", "while true do pcall(function() while true do end end) end", "0"},
		{"EVAL", "local co = coroutine.wrap(function() while true do end end)\nco()", "0"},
		{"EVAL", "local co = coroutine.create(function() while true do end end)\nreturn {coroutine.resume(co)}", "0"},
		{"EVAL", "local function f() return f() + 1 end return f()", "0"},
		{"GET", "n"},
		{"EVAL", "return redis.call('get', 'before')", "0"},
	}
	var replies [2][]string
	for i := range replies {
		f := New(16, nil)
		f.SetScriptBudget(200_000)
		replies[i] = applyAll(f, cmds)
	}
	for i := range cmds {
		if replies[0][i] != replies[1][i] {
			t.Errorf("%q: node A %q, node B %q", cmds[i], replies[0][i], replies[1][i])
		}
	}
	r := replies[0]
	// A coroutine shares the budget: once spent, the resume's caller is
	// stopped at its next instruction too.
	for _, i := range []int{1, 2, 3, 4, 5} {
		if !strings.HasPrefix(r[i], "-ERR Script killed by the instruction budget") || !strings.Contains(r[i], "on @user_script:") {
			t.Errorf("%q: %q, want the budget error", cmds[i], r[i])
		}
	}
	if !strings.HasPrefix(r[6], "-ERR ") {
		t.Errorf("unbounded recursion: %q", r[6])
	}
	if r[7] == "$-1\r\n" || r[7][0] != '$' {
		t.Errorf("writes before the stop were lost: GET n = %q", r[7])
	}
	if r[8] != "$1\r\n1\r\n" {
		t.Errorf("FSM does not serve after a stopped script: %q", r[8])
	}
}

// TestScriptKillReadPath: SCRIPT KILL stops a read-only script on the read
// path, without waiting for the FSM lock; it reports NOTBUSY when nothing
// runs and BUSY for the other family.
func TestScriptKillReadPath(t *testing.T) {
	h := newHarness(t)
	if err := h.f.KillScript(true); err != ErrNotBusy {
		t.Fatalf("KillScript with nothing running: %v", err)
	}
	done := make(chan string)
	go func() {
		done <- string(h.f.Read(0, h.now, [][]byte{[]byte("EVAL_RO"), []byte("while true do end"), []byte("0")}, nil))
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := h.f.RunningScript(); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("script never started")
		}
		time.Sleep(time.Millisecond)
	}
	if err := h.f.KillScript(false); err != ErrBusyScript {
		t.Errorf("FUNCTION KILL during an EVAL: %v", err)
	}
	if err := h.f.KillScript(true); err != nil {
		t.Fatalf("SCRIPT KILL: %v", err)
	}
	got := <-done
	if !strings.HasPrefix(got, "-ERR Script killed by user with SCRIPT KILL... script: ") {
		t.Errorf("killed script replied %q", got)
	}
}

// BenchmarkScriptInstructions measures how many Lua VM instructions per
// second a tight loop runs: DefaultScriptBudget is about five seconds' worth.
func BenchmarkScriptInstructions(b *testing.B) {
	f := New(1, nil)
	const budget = 20_000_000
	f.SetScriptBudget(budget)
	start := time.Now()
	for i := 0; i < b.N; i++ {
		applyAll(f, [][]string{{"EVAL", "local i = 0 while true do i = i + 1 end", "0"}})
	}
	b.ReportMetric(float64(budget)*float64(b.N)/time.Since(start).Seconds(), "instr/s")
}

// BenchmarkEvalShaSetGet is the cost of a small write script in apply:
// EVALSHA of a SET followed by a GET.
func BenchmarkEvalShaSetGet(b *testing.B) {
	h := newHarness(&testing.T{})
	sha := h.do("SCRIPT", "LOAD", "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])")[5:45]
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h.do("EVALSHA", sha, "1", "k", "v")
	}
}

func TestBudgetCtxCounts(t *testing.T) {
	var b budgetCtx
	b.reset(3)
	for i := 0; i < 3; i++ {
		if b.Done() != nil {
			t.Fatalf("stopped after %d of 3 instructions", i)
		}
	}
	if b.Done() == nil || b.stopped() != errScriptBudget || b.Err() != errScriptBudget {
		t.Fatalf("not stopped after the budget: %v", b.stopped())
	}
	if b.Done() == nil {
		t.Fatal("Done reopened after the stop: a pcall could swallow it")
	}
	b.reset(100)
	b.killed.Store(true)
	if b.Done() == nil || b.stopped() != errScriptKilled {
		t.Fatalf("kill flag ignored: %v", b.stopped())
	}
}

// TestRunawayRecursionBounded: recursion through Lua calls, metamethods,
// pcall and coroutines ends in an error, identically on two FSMs, and the
// FSM keeps serving. gopher-lua nests Go calls for some of these, so an
// unbounded one would overflow the Go stack and kill every node at once.
func TestRunawayRecursionBounded(t *testing.T) {
	cmds := [][]string{}
	for _, s := range []string{
		"local function f() return pcall(f) end return f()",
		"local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x",
		"local function f(n) return f(n+1) + 1 end return f(1)",
		"local function f() return select(2, pcall(f)) end return f()",
		"local function f() local c = coroutine.wrap(f) return c() end return f()",
		"local function f() local c = coroutine.create(f) return coroutine.resume(c) end return f()",
		"return tostring(setmetatable({}, {__tostring = function(t) return tostring(t) end}))",
		"local s = string.gsub('a', 'a', function() return redis.call('eval', 'return 1', 0) end) return s",
	} {
		cmds = append(cmds, []string{"EVAL", s, "0"})
	}
	cmds = append(cmds, []string{"EVAL", "return redis.call('ping')", "0"})
	a, b := applyAll(New(16, nil), cmds), applyAll(New(16, nil), cmds)
	for i := range cmds {
		if a[i] != b[i] {
			t.Errorf("%q: %q vs %q", cmds[i][1], a[i], b[i])
		}
	}
	for i, want := range map[int]string{1: "-ERR user_script:1: stack overflow", 2: "-ERR user_script:1: stack overflow",
		4: "-ERR user_script:1: C stack overflow", 6: "-ERR user_script:1: stack overflow"} {
		if !strings.HasPrefix(a[i], want) {
			t.Errorf("%q: %q, want %q...", cmds[i][1], a[i], want)
		}
	}
	if a[len(a)-1] != "+PONG\r\n" {
		t.Errorf("FSM after the runaways: %q", a[len(a)-1])
	}
}

func TestStringRepBounded(t *testing.T) {
	h := newHarness(t)
	if got := h.do("EVAL", "return string.rep('ab', 1e10)", "0"); !strings.HasPrefix(got, "-ERR user_script:1: resulting string too large") {
		t.Errorf("huge string.rep: %q", got)
	}
	if got := h.do("EVAL", "return ('ab'):rep(3)", "0"); got != "$6\r\nababab\r\n" {
		t.Errorf("string.rep as a method: %q", got)
	}
}
