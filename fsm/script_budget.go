package fsm

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// DefaultScriptBudget is the number of Lua VM instructions a script may run
// before it is stopped: about five seconds of pure Lua, Redis's default
// busy-reply-threshold (BenchmarkScriptInstructions measured 25M
// instructions/s on a shared 2-core machine). Commands a script calls are not counted, as Redis's
// hook does not count them either.
const DefaultScriptBudget int64 = 125_000_000

// Script stop reasons, as the error texts scripts end with.
var (
	// errScriptBudget stops a script that used up its instruction budget.
	// Redis never stops a slow script by itself (it answers BUSY to others
	// until SCRIPT KILL); quoris must, identically on every node, so it
	// reuses the wording of a killed script and names the cause.
	errScriptBudget = errors.New("ERR Script killed by the instruction budget (lua-time-limit) ...")
	// errScriptKilled is SCRIPT KILL's, as Redis's luaMaskCountHook says it.
	errScriptKilled = errors.New("ERR Script killed by user with SCRIPT KILL...")
)

// budgetCtx is the context.Context gopher-lua polls once per VM instruction
// (mainLoopWithContext selects on Done before each one). Counting those
// calls is a deterministic instruction counter: the same script on the same
// state stops at the same instruction on every node, with no fork of the
// library. Once spent, Done stays closed, so a pcall that catches the stop
// is interrupted again at its next instruction.
type budgetCtx struct {
	left   int64
	killed atomic.Bool // SCRIPT KILL on the read path; never set in apply
	err    error
}

var closedCh = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// reset starts a budget of n instructions. It leaves a KILL standing: an
// FCALL loads its library and then runs the function under one
// registration (FSM.engine clears the flag), and a KILL that lands during
// the load must still stop the call.
func (b *budgetCtx) reset(n int64) {
	b.left = n
	b.err = nil
}

func (b *budgetCtx) Done() <-chan struct{} {
	if b.err != nil {
		return closedCh
	}
	if b.killed.Load() {
		b.err = errScriptKilled
		return closedCh
	}
	b.left--
	if b.left < 0 {
		b.err = errScriptBudget
		return closedCh
	}
	return nil
}

func (b *budgetCtx) Err() error {
	if b.err == nil {
		return context.Canceled
	}
	return b.err
}

func (b *budgetCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (b *budgetCtx) Value(any) any               { return nil }

// stopped is why the script was stopped, nil if it was not.
func (b *budgetCtx) stopped() error { return b.err }
