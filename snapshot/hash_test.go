package snapshot

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quoris/quoris/datatypes"
)

func hashDump(h *datatypes.Hash) []string {
	out := []string{h.EncodingName()}
	h.Each(func(f, v string) bool {
		out = append(out, f+"="+v)
		return true
	})
	return out
}

func TestHashRoundTrip(t *testing.T) {
	small := datatypes.NewHash()
	for _, f := range []string{"z", "a", "", "m"} {
		small.Set(f, "v"+f, datatypes.DefaultLimits())
	}
	small.Delete("a")
	small.Set("a", "back", datatypes.DefaultLimits()) // listpack order: z, "", m, a
	long := datatypes.NewHash()
	long.Set("f", strings.Repeat("x", 100), datatypes.DefaultLimits())
	big := datatypes.NewHash()
	for i := 0; i < 100_000; i++ { // large enough to spill while encoding
		big.Set("field:"+strconv.Itoa(i), strconv.Itoa(i), datatypes.DefaultLimits())
	}
	keys := []Key{
		{DB: 1, Key: "small", Version: 3, Value: small},
		{DB: 0, Key: "long", ExpireAt: 99, Value: long},
		{DB: 0, Key: "big", Value: big},
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
		g, ok := k.Value.(*datatypes.Hash)
		if !ok || !slices.Equal(hashDump(g), hashDump(want.Value.(*datatypes.Hash))) {
			t.Fatalf("%s: contents, order or encoding differ", want.Key)
		}
	}
	// A restored listpack goes on appending in order.
	g := got[0].Value.(*datatypes.Hash)
	g.Set("new", "x", datatypes.DefaultLimits())
	if d := hashDump(g); d[len(d)-1] != "new=x" || d[0] != "listpack" {
		t.Fatalf("%v", d)
	}
}

func TestHashCorruptEncoding(t *testing.T) {
	b := write(t, []Key{{Key: "h", Value: datatypes.NewHash()}}, nil)
	// The encoding byte follows the type tag; an unknown one is refused
	// (the checksum would catch it too; this checks the decoder's guard).
	i := strings.LastIndex(string(b), "h\x00\x00")
	if i < 0 {
		t.Fatal("encoding not found")
	}
	rd, err := NewReader(strings.NewReader(string(b[:i+1]) + "\x07\x00"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v", err)
	}
}
