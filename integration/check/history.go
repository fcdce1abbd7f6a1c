// Package check records client operations against a cluster and checks the
// history for linearizability with porcupine, one model per workload.
package check

import (
	"math"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// Outcome of one operation as the client saw it.
type Outcome int

const (
	// OK: the server answered and the answer is the operation's output.
	OK Outcome = iota
	// Failed: the server answered with an error that guarantees nothing
	// was applied (CLUSTERDOWN, TRYAGAIN). Failed writes are dropped
	// from the history; failed reads too.
	Failed
	// Unknown: timeout, dropped connection, or UNCERTAIN. The operation
	// may or may not have taken effect, at any time after its call.
	Unknown
)

// Op is one operation's input. Kind is workload specific ("get", "set",
// "incr", "append", "read" ...).
type Op struct {
	Kind  string
	Key   string
	Value string
	N     int64
}

// Result is an operation's output.
type Result struct {
	Value  string
	Exists bool
	N      int64
	List   []string
	Err    string
}

// input is what the model sees: the op and whether its result is known.
type input struct {
	Op
	unknown bool
}

// History collects operations from concurrent clients with a shared
// monotonic clock.
type History struct {
	start time.Time
	mu    sync.Mutex
	ops   []porcupine.Operation
	count map[Outcome]int
}

// NewHistory starts an empty history.
func NewHistory() *History {
	return &History{start: time.Now(), count: map[Outcome]int{}}
}

// Now is the history's monotonic clock, for call and return times.
func (h *History) Now() int64 { return int64(time.Since(h.start)) }

// Add records an operation called at call and answered at ret.
func (h *History) Add(client int, op Op, call, ret int64, res Result, out Outcome) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.count[out]++
	switch out {
	case Failed:
		return
	case Unknown:
		if isRead(op.Kind) {
			return // a read with no answer constrains nothing
		}
		ret = math.MaxInt64
	}
	h.ops = append(h.ops, porcupine.Operation{
		ClientId: client, Input: input{Op: op, unknown: out == Unknown}, Call: call, Output: res, Return: ret,
	})
}

// Counts returns how many operations ended OK, Failed and Unknown.
func (h *History) Counts() (ok, failed, unknown int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count[OK], h.count[Failed], h.count[Unknown]
}

// Operations returns a copy of the recorded operations.
func (h *History) Operations() []porcupine.Operation {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]porcupine.Operation(nil), h.ops...)
}

func isRead(kind string) bool { return kind == "get" || kind == "read" }

// InputOf returns the Op recorded for o.
func InputOf(o porcupine.Operation) Op { return o.Input.(input).Op }

// IsUnknown reports whether o's outcome was unknown.
func IsUnknown(o porcupine.Operation) bool { return o.Input.(input).unknown }
