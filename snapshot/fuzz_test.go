package snapshot

import (
	"bytes"
	"io"
	"reflect"
	"testing"

	"github.com/quoris/quoris/datatypes"
)

// fuzzSeed is a small snapshot with a record of every kind.
func fuzzSeed(t testing.TB) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	lim := datatypes.DefaultLimits()
	h := datatypes.NewHash()
	h.Set("f", "v", lim)
	s := datatypes.NewSet()
	s.Add("1", lim)
	s.Add("x", lim)
	l := datatypes.NewList()
	l.PushRight([]byte("a"))
	z := datatypes.NewZSet()
	z.Insert("m", 1.5, lim)
	steps := []error{
		w.Header(Header{Now: 7, Databases: 2}),
		w.Node("n1", "127.0.0.1:6379"),
		w.Setting("hash-max-listpack-entries", "128"),
		w.Script([]byte("return 1")),
		w.Library([]byte("#!lua name=l\nredis.register_function('f', function() return 1 end)")),
		w.Staged(Staged{Term: 3, ID: 9, Total: 10, Data: []byte("abcd")}),
		w.StringKey(Key{DB: 0, Key: "s", ExpireAt: 99, Version: 4}, []byte("value")),
		w.Key(Key{DB: 1, Key: "h", Value: h}),
		w.Key(Key{DB: 1, Key: "set", Value: s}),
		w.Key(Key{DB: 1, Key: "l", Value: l}),
		w.Key(Key{DB: 0, Key: "z", Value: z}),
		w.Key(Key{DB: 0, Key: "x", Value: datatypes.NewStream()}),
		w.DB(DBMeta{DB: 0, TombFloor: 3, Flushed: 1}),
		w.Tomb(Tomb{DB: 0, Key: "gone", Index: 5}),
		w.Close(),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// FuzzSnapshotReader: arbitrary bytes must never panic the reader, with
// Read or ReadBorrow; a stream both accept decodes to the same records.
func FuzzSnapshotReader(f *testing.F) {
	seed := fuzzSeed(f)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add(append(append([]byte{}, seed[:20]...), 0xff, 0xff, 0xff, 0xff, 0x0f))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got [2][]any
		var errs [2]error
		for i, borrow := range []bool{false, true} {
			rd, err := NewReader(bytes.NewReader(b))
			if err != nil {
				return
			}
			for n := 0; ; n++ {
				var rec Record
				if borrow {
					err = rd.ReadBorrow(&rec)
				} else {
					err = rd.Read(&rec)
				}
				if err != nil {
					break
				}
				if rec.Kind == KindStaged && uint64(len(rec.Staged.Data)) > rec.Staged.Total {
					t.Fatalf("staged record holds %d of %d bytes", len(rec.Staged.Data), rec.Staged.Total)
				}
				got[i] = append(got[i], rec.Kind)
			}
			if err != io.EOF {
				errs[i] = err
			}
		}
		if (errs[0] == nil) != (errs[1] == nil) || !reflect.DeepEqual(got[0], got[1]) {
			t.Fatalf("Read and ReadBorrow disagree: %v / %v, %v / %v", errs[0], errs[1], got[0], got[1])
		}
	})
}

func TestStagedRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 300_000) // written in pieces
	var buf bytes.Buffer
	w := NewWriter(&buf)
	want := []Staged{{Term: 2, ID: 1, Total: 10, Data: []byte("abc")}, {Term: 2, ID: 7, Total: uint64(len(big)) + 5, Data: big}, {Term: 2, ID: 8, Total: 3, Data: []byte{}}}
	if err := w.Header(Header{Databases: 1}); err != nil {
		t.Fatal(err)
	}
	for _, st := range want {
		if err := w.Staged(st); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rd, err := NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var got []Staged
	for {
		v, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *v.(*Staged))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("staged records differ after a round trip")
	}
	// A staged record claiming more bytes than its total is corrupt.
	var bad bytes.Buffer
	w = NewWriter(&bad)
	_ = w.Header(Header{Databases: 1})
	_ = w.Staged(Staged{Term: 1, ID: 1, Total: 2, Data: []byte("abc")})
	_ = w.Close()
	rd, err = NewReader(bytes.NewReader(bad.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err == nil {
		t.Fatal("a staged record over its total was accepted")
	}
}
