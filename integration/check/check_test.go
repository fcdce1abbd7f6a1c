package check

import (
	"testing"
	"time"
)

type step struct {
	client    int
	op        Op
	call, ret int64
	res       Result
	out       Outcome
}

func build(steps []step) *History {
	h := NewHistory()
	for _, s := range steps {
		h.Add(s.client, s.op, s.call, s.ret, s.res, s.out)
	}
	return h
}

func TestModels(t *testing.T) {
	set := func(k, v string) Op { return Op{Kind: "set", Key: k, Value: v} }
	get := func(k string) Op { return Op{Kind: "get", Key: k} }
	tests := []struct {
		name  string
		model string
		steps []step
		want  bool
	}{
		{"register sequential", "register", []step{
			{0, set("x", "1"), 0, 10, Result{}, OK},
			{1, get("x"), 20, 30, Result{Value: "1", Exists: true}, OK},
		}, true},
		{"register stale read", "register", []step{
			{0, set("x", "1"), 0, 10, Result{}, OK},
			{0, set("x", "2"), 11, 20, Result{}, OK},
			{1, get("x"), 30, 40, Result{Value: "1", Exists: true}, OK},
		}, false},
		{"register lost ack", "register", []step{
			{0, set("x", "1"), 0, 10, Result{}, OK},
			{1, get("x"), 20, 30, Result{}, OK},
		}, false},
		{"unknown write may appear", "register", []step{
			{0, set("x", "1"), 0, 10, Result{}, Unknown},
			{1, get("x"), 20, 30, Result{Value: "1", Exists: true}, OK},
		}, true},
		{"unknown write may not appear", "register", []step{
			{0, set("x", "1"), 0, 10, Result{}, Unknown},
			{1, get("x"), 20, 30, Result{}, OK},
		}, true},
		{"failed write must not appear", "register", []step{
			{0, set("x", "1"), 0, 10, Result{}, Failed},
			{1, get("x"), 20, 30, Result{Value: "1", Exists: true}, OK},
		}, false},
		{"setnx twice both applied", "register", []step{
			{0, Op{Kind: "setnx", Key: "x", Value: "a"}, 0, 10, Result{Exists: true}, OK},
			{1, Op{Kind: "setnx", Key: "x", Value: "b"}, 20, 30, Result{Exists: true}, OK},
		}, false},
		{"getset swap", "register", []step{
			{0, set("x", "1"), 0, 10, Result{}, OK},
			{1, Op{Kind: "getset", Key: "x", Value: "2"}, 20, 30, Result{Value: "1", Exists: true}, OK},
			{0, get("x"), 40, 50, Result{Value: "2", Exists: true}, OK},
		}, true},
		{"counter ok", "counter", []step{
			{0, Op{Kind: "incr", Key: "c", N: 2}, 0, 10, Result{N: 2}, OK},
			{1, Op{Kind: "incr", Key: "c", N: 3}, 5, 15, Result{N: 5}, OK},
			{0, Op{Kind: "get", Key: "c"}, 20, 30, Result{N: 5}, OK},
		}, true},
		{"counter lost increment", "counter", []step{
			{0, Op{Kind: "incr", Key: "c", N: 2}, 0, 10, Result{N: 2}, OK},
			{0, Op{Kind: "get", Key: "c"}, 20, 30, Result{N: 0}, OK},
		}, false},
		{"list reordered", "list", []step{
			{0, Op{Kind: "append", Key: "l", Value: "a"}, 0, 10, Result{N: 1}, OK},
			{0, Op{Kind: "append", Key: "l", Value: "b"}, 11, 20, Result{N: 2}, OK},
			{1, Op{Kind: "read", Key: "l"}, 30, 40, Result{List: []string{"b", "a"}}, OK},
		}, false},
		{"list duplicated", "list", []step{
			{0, Op{Kind: "append", Key: "l", Value: "a"}, 0, 10, Result{N: 1}, OK},
			{1, Op{Kind: "read", Key: "l"}, 30, 40, Result{List: []string{"a", "a"}}, OK},
		}, false},
		{"list ok", "list", []step{
			{0, Op{Kind: "append", Key: "l", Value: "a"}, 0, 10, Result{N: 1}, OK},
			{1, Op{Kind: "append", Key: "l", Value: "b"}, 5, 15, Result{N: 2}, Unknown},
			{1, Op{Kind: "read", Key: "l"}, 30, 40, Result{List: []string{"a", "b"}}, OK},
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m = Register
			switch tc.model {
			case "counter":
				m = Counter
			case "list":
				m = AppendList
			}
			v, err := Linearizable(m, build(tc.steps), 5*time.Second, t.TempDir(), "h")
			if err != nil {
				t.Fatal(err)
			}
			if v.Linearizable != tc.want {
				t.Fatalf("linearizable=%v, want %v", v.Linearizable, tc.want)
			}
			if !tc.want && v.Visual == "" {
				t.Fatal("no visualisation written for a violation")
			}
		})
	}
}
