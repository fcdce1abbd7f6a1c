package snapshot

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quoris/quoris/datatypes"
)

func zsetDump(z *datatypes.ZSet) []string {
	out := []string{z.EncodingName()}
	z.Each(func(e datatypes.ZItem) bool {
		out = append(out, e.Member, strconv.FormatUint(math.Float64bits(e.Score), 16))
		return true
	})
	return out
}

func TestZSetRoundTrip(t *testing.T) {
	small := datatypes.NewZSet()
	for i, s := range []float64{0.1, math.Inf(-1), 1e20, 3, math.Inf(1)} {
		small.Insert("m"+strconv.Itoa(i), s)
	}
	// A skiplist keeps -0 and stays a skiplist even once small again.
	sk := datatypes.NewZSetEncoded(true)
	sk.Insert("neg", math.Copysign(0, -1))
	sk.Insert("", 5)
	sk.Insert("x\x00y", -1)
	big := datatypes.NewZSet()
	for i := 0; i < 100_000; i++ {
		big.Insert(strings.Repeat("k", i%70)+strconv.Itoa(i), float64(i%333)/7)
	}
	keys := []Key{
		{Key: "small", Value: small},
		{Key: "sk", Version: 9, Value: sk},
		{DB: 3, Key: "big", ExpireAt: 77, Value: big},
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
		z, ok := k.Value.(*datatypes.ZSet)
		if !ok || !slices.Equal(zsetDump(z), zsetDump(want.Value.(*datatypes.ZSet))) {
			t.Fatalf("%s: contents or encoding differ", want.Key)
		}
		// The member index is rebuilt too.
		if w := want.Value.(*datatypes.ZSet); w.Len() > 0 {
			m := w.At(w.Len() / 2)
			if s, ok := z.Score(m.Member); !ok || s != m.Score {
				t.Fatalf("%s: Score(%q) after restore", want.Key, m.Member)
			}
		}
	}
}

// writeRawZset writes one key whose sorted-set payload is given as is, to
// check that the reader refuses payloads Writer never produces.
func writeRawZset(t *testing.T, enc uint64, items []datatypes.ZItem) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Header(Header{Databases: 16}); err != nil {
		t.Fatal(err)
	}
	w.keyHead(Key{Key: "k"})
	w.buf = append(w.buf, typeZSet)
	w.uvarint(enc)
	w.uvarint(uint64(len(items)))
	for _, e := range items {
		w.str(e.Member)
		w.float(e.Score)
	}
	if err := w.flushRecord(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZSetCorrupt(t *testing.T) {
	for name, tc := range map[string]struct {
		enc   uint64
		items []datatypes.ZItem
	}{
		"encoding":     {enc: 7, items: []datatypes.ZItem{{Score: 1, Member: "a"}}},
		"out of order": {items: []datatypes.ZItem{{Score: 2, Member: "a"}, {Score: 1, Member: "b"}}},
		"equal items":  {items: []datatypes.ZItem{{Score: 1, Member: "a"}, {Score: 1, Member: "a"}}},
		"duplicate":    {items: []datatypes.ZItem{{Score: 1, Member: "a"}, {Score: 2, Member: "a"}}},
		"nan":          {items: []datatypes.ZItem{{Score: math.NaN(), Member: "a"}}},
	} {
		if _, _, _, err := readAll(writeRawZset(t, tc.enc, tc.items)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
	}
	good := writeRawZset(t, 1, []datatypes.ZItem{{Score: 1, Member: "a"}, {Score: 1, Member: "b"}})
	if _, keys, _, err := readAll(good); err != nil || keys[0].Value.(*datatypes.ZSet).EncodingName() != "skiplist" {
		t.Fatalf("well-formed payload: %v", err)
	}
	// A truncated stream is refused.
	if _, _, _, err := readAll(good[:len(good)-9]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated: %v", err)
	}
}
