package snapshot

import (
	"slices"
	"strconv"
	"testing"

	"github.com/quoris/quoris/datatypes"
)

func setDump(s *datatypes.Set) []string {
	out := []string{s.EncodingName()}
	s.Each(func(m string) bool {
		out = append(out, m)
		return true
	})
	return out
}

func TestSetRoundTrip(t *testing.T) {
	ints := datatypes.NewSetFor("3")
	for _, m := range []string{"3", "-1", "9223372036854775807"} {
		ints.Add(m, datatypes.DefaultLimits())
	}
	// A hashtable holding only integers must not come back as an intset.
	onlyInts := datatypes.NewSetFor("a")
	onlyInts.Add("a", datatypes.DefaultLimits())
	onlyInts.Add("1", datatypes.DefaultLimits())
	onlyInts.Remove("a")
	strs := datatypes.NewSetFor("")
	strs.Add("", datatypes.DefaultLimits())
	strs.Add("x y", datatypes.DefaultLimits())
	big := datatypes.NewSet()
	for i := 0; i < 100_000; i++ {
		big.Add(strconv.Itoa(i), datatypes.DefaultLimits())
	}
	keys := []Key{
		{Key: "ints", Value: ints},
		{Key: "onlyInts", Version: 8, Value: onlyInts},
		{DB: 2, Key: "strs", ExpireAt: 5, Value: strs},
		{Key: "big", Value: big},
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
		s, ok := k.Value.(*datatypes.Set)
		if !ok || !slices.Equal(setDump(s), setDump(want.Value.(*datatypes.Set))) {
			t.Fatalf("%s: contents or encoding differ: %.80v", want.Key, setDump(s))
		}
	}
}
