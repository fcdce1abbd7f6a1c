package snapshot

import (
	"slices"
	"strconv"
	"testing"

	"github.com/quoris/quoris/datatypes"
)

func listDump(l *datatypes.List) []string {
	out := []string{l.EncodingName()}
	l.Ascend(0, func(_ int, v []byte) bool {
		out = append(out, string(v))
		return true
	})
	return out
}

func TestListRoundTrip(t *testing.T) {
	small := datatypes.NewList()
	for _, v := range []string{"b", "", "\x00\xff binary", "b"} {
		small.PushRight([]byte(v))
	}
	small.PushLeft([]byte("head"))
	small.Insert(2, []byte("inserted")) // positions with gaps must not leak into the format
	big := datatypes.NewList()
	for i := 0; i < 200_000; i++ {
		big.PushRight([]byte(strconv.Itoa(i)))
	}
	keys := []Key{
		{Key: "small", Version: 3, Value: small},
		{DB: 4, Key: "big", ExpireAt: 99, Value: big},
	}
	_, got, _, err := readAll(write(t, keys, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(keys) {
		t.Fatalf("%d keys", len(got))
	}
	for i, k := range got {
		want := keys[i]
		if k.DB != want.DB || k.Key != want.Key || k.ExpireAt != want.ExpireAt || k.Version != want.Version {
			t.Fatalf("%s: %+v", want.Key, k)
		}
		l, ok := k.Value.(*datatypes.List)
		if !ok || !slices.Equal(listDump(l), listDump(want.Value.(*datatypes.List))) {
			t.Fatalf("%s: contents differ: %.80v", want.Key, listDump(l))
		}
	}
	// The restored list is a working list, not just a dump.
	l := got[0].Value.(*datatypes.List)
	l.Insert(1, []byte("x"))
	l.PushLeft([]byte("y"))
	if v, _ := l.Index(2); string(v) != "x" {
		t.Fatalf("restored list: %v", listDump(l))
	}
}
