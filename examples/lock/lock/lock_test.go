package lock

import (
	"errors"
	"fmt"
	"net"
	"testing"
)

func TestStorageFences(t *testing.T) {
	var s Storage
	steps := []struct {
		token uint64
		ok    bool
	}{{5, true}, {5, false}, {4, false}, {9, true}, {6, false}, {10, true}}
	for i, st := range steps {
		err := s.Put(st.token, fmt.Sprint(i), "x")
		if (err == nil) != st.ok || (err != nil && !errors.Is(err, ErrStaleToken)) {
			t.Fatalf("step %d: Put(%d) = %v, want ok=%v", i, st.token, err, st.ok)
		}
	}
	writes, rejected := s.Accepted()
	if len(writes) != 3 || rejected != 3 || writes[0].Token != 5 || writes[1].Token != 9 || writes[2].Token != 10 {
		t.Fatalf("accepted %+v, rejected %d", writes, rejected)
	}
}

func TestMaybeApplied(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{errors.New("TRYAGAIN the cluster is changing leader; the command was not applied"), false},
		{errors.New("CLUSTERDOWN no leader; the command was not applied"), false},
		{errors.New("MOVED 0 127.0.0.1:6380"), false},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, false},
		{errors.New("UNCERTAIN leadership was lost while the command was in flight; it may or may not have been applied"), true},
		{&net.OpError{Op: "read", Err: errors.New("i/o timeout")}, true},
		{errors.New("EOF"), true},
	} {
		if got := maybeApplied(tc.err); got != tc.want {
			t.Errorf("maybeApplied(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
