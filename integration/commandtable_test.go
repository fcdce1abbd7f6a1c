package integration

import (
	"os/exec"
	"reflect"
	"sort"
	"testing"
	"time"
)

// TestCommandTableMatchesRedis compares COMMAND INFO's arity, flags and key
// positions for every command quoris and Debian's redis-server both know.
func TestCommandTableMatchesRedis(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed; run make deps (apt-get install redis-server) to enable")
	}
	raddr := startRedis(t, bin)
	c := NewCluster(t)
	c.Start(1)
	qaddr := c.Node(1).Addr
	list, err := rawDo(qaddr, 5*time.Second, "COMMAND", "LIST")
	if err != nil {
		t.Fatal(err)
	}
	names, err := parseReply(list)
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, n := range names.Arr {
		q, err1 := rawDo(qaddr, 5*time.Second, "COMMAND", "INFO", n.Str)
		r, err2 := rawDo(raddr, 5*time.Second, "COMMAND", "INFO", n.Str)
		if err1 != nil || err2 != nil {
			t.Fatalf("COMMAND INFO %s: %v %v", n.Str, err1, err2)
		}
		qv, _ := parseReply(q)
		rv, _ := parseReply(r)
		if len(rv.Arr) != 1 || rv.Arr[0].Null {
			continue // a quoris-only command (RAFT, QUORIS.*)
		}
		if got, want := infoShape(qv.Arr[0]), infoShape(rv.Arr[0]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: quoris %v, redis %v", n.Str, got, want)
		}
		compared++
	}
	if compared < 150 {
		t.Fatalf("only %d commands compared", compared)
	}
	t.Logf("%d commands compared", compared)
}

// infoShape is (arity, sorted flags, first key, last key, step).
func infoShape(v Value) []any {
	if len(v.Arr) < 6 {
		return []any{"malformed", v.String()}
	}
	var flags []string
	for _, f := range v.Arr[2].Arr {
		flags = append(flags, f.Str)
	}
	sort.Strings(flags)
	return []any{v.Arr[1].Int, flags, v.Arr[3].Int, v.Arr[4].Int, v.Arr[5].Int}
}
