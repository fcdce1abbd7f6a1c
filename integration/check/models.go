package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/anishathalye/porcupine"
)

// byKey partitions a history by key: each key is an independent object, so
// the history is linearizable iff every key's sub-history is.
func byKey(history []porcupine.Operation) [][]porcupine.Operation {
	m := map[string][]porcupine.Operation{}
	var order []string
	for _, op := range history {
		k := op.Input.(input).Key
		if _, ok := m[k]; !ok {
			order = append(order, k)
		}
		m[k] = append(m[k], op)
	}
	out := make([][]porcupine.Operation, 0, len(order))
	for _, k := range order {
		out = append(out, m[k])
	}
	return out
}

// regState is a register's value; exists=false is a missing key.
type regState struct {
	value  string
	exists bool
}

// Register models a Redis string key under GET, SET, SET NX, SET XX and
// GETSET (a swap). Ops: get, set, setnx, setxx, getset.
var Register = porcupine.Model{
	Partition: byKey,
	Init:      func() interface{} { return regState{} },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		s, i, o := state.(regState), in.(input), out.(Result)
		set := regState{value: i.Value, exists: true}
		switch i.Kind {
		case "get":
			return o.Exists == s.exists && (!s.exists || o.Value == s.value), s
		case "set":
			return true, set
		case "setnx", "setxx":
			applies := s.exists == (i.Kind == "setxx")
			next := s
			if applies {
				next = set
			}
			// o.Exists reports "OK" (applied) vs nil (not applied).
			return i.unknown || o.Exists == applies, next
		case "getset":
			ok := i.unknown || (o.Exists == s.exists && (!s.exists || o.Value == s.value))
			return ok, set
		}
		return false, s
	},
	DescribeOperation: describe,
	DescribeState: func(state interface{}) string {
		s := state.(regState)
		if !s.exists {
			return "nil"
		}
		return fmt.Sprintf("%q", s.value)
	},
}

// Counter models INCRBY (output: the new value) and GET on an integer key.
var Counter = porcupine.Model{
	Partition: byKey,
	Init:      func() interface{} { return int64(0) },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		s, i, o := state.(int64), in.(input), out.(Result)
		switch i.Kind {
		case "incr":
			return i.unknown || o.N == s+i.N, s + i.N
		case "get":
			return o.N == s, s
		}
		return false, s
	},
	DescribeOperation: describe,
}

// AppendList models RPUSH of unique values (output: the new length) and
// LRANGE 0 -1 reads ("read"): every read must equal one order of appends.
var AppendList = porcupine.Model{
	Partition: byKey,
	Init:      func() interface{} { return "" },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		s, i, o := state.(string), in.(input), out.(Result)
		n := 0
		if s != "" {
			n = strings.Count(s, "\x00") + 1
		}
		switch i.Kind {
		case "append":
			next := i.Value
			if s != "" {
				next = s + "\x00" + i.Value
			}
			return i.unknown || o.N == int64(n+1), next
		case "read":
			return strings.Join(o.List, "\x00") == s, s
		}
		return false, s
	},
	DescribeOperation: describe,
	DescribeState: func(state interface{}) string {
		return "[" + strings.ReplaceAll(state.(string), "\x00", " ") + "]"
	},
}

func describe(in, out interface{}) string {
	i, o := in.(input), out.(Result)
	res := ""
	switch {
	case i.unknown:
		res = "?"
	case o.List != nil:
		res = fmt.Sprint(o.List)
	case i.Kind == "incr" || (i.Kind == "get" && o.Value == "" && o.N != 0) || i.Kind == "append":
		res = fmt.Sprint(o.N)
	case !o.Exists:
		res = "nil"
	default:
		res = fmt.Sprintf("%q", o.Value)
	}
	arg := i.Value
	if i.Kind == "incr" {
		arg = fmt.Sprint(i.N)
	}
	return fmt.Sprintf("%s(%s %s) -> %s", i.Kind, i.Key, arg, res)
}

// AddSet models SADD of unique elements ("append", output: 1 when added)
// and SMEMBERS ("read"): every read must equal the set of adds linearized
// before it. State is the sorted, NUL-joined member list.
var AddSet = porcupine.Model{
	Partition: byKey,
	Init:      func() interface{} { return "" },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		s, i, o := state.(string), in.(input), out.(Result)
		var members []string
		if s != "" {
			members = strings.Split(s, "\x00")
		}
		switch i.Kind {
		case "append":
			for _, m := range members {
				if m == i.Value {
					return i.unknown || o.N == 0, s
				}
			}
			members = append(members, i.Value)
			sort.Strings(members)
			return i.unknown || o.N == 1, strings.Join(members, "\x00")
		case "read":
			got := append([]string(nil), o.List...)
			sort.Strings(got)
			return strings.Join(got, "\x00") == s, s
		}
		return false, s
	},
	DescribeOperation: describe,
}
