package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"testing/iotest"

	"github.com/quoris/quoris/datatypes"
)

// bigStream writes records of every kind with sizes spread so that many of
// them straddle the reader's buffer boundary, a few are larger than the
// whole buffer, and names and values are empty or binary.
func bigStream(t *testing.T) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Header(Header{Now: 42, Databases: 4}); err != nil {
		t.Fatal(err)
	}
	if err := w.Node("n1", "127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	h := datatypes.NewHash()
	h.Set("f", "v", datatypes.DefaultLimits())
	l := datatypes.NewList()
	l.PushRight([]byte("x"))
	sizes := []int{0, 1, 100, 3000, 20_000}
	for i := range 1500 {
		k := Key{DB: i % 4, Key: "key:" + strconv.Itoa(i), ExpireAt: int64(i % 3), Version: uint64(i), Enc: uint8(i % 3)}
		switch {
		case i%97 == 0:
			k.Value = h
		case i%89 == 0:
			k.Value = l
		case i == 500 || i == 1400:
			k.Value = bytes.Repeat([]byte{0xff}, 3*readBufSize/2)
		case i == 700:
			k.Key = string(bytes.Repeat([]byte("n"), readBufSize+5))
			k.Value = []byte("v")
		case i == 900:
			k.Key = ""
			k.Value = []byte{}
		default:
			v := make([]byte, sizes[rng.IntN(len(sizes))])
			for j := range v {
				v[j] = byte(rng.Uint32())
			}
			k.Value = v
		}
		if err := w.Key(k); err != nil {
			t.Fatal(err)
		}
		if i%500 == 0 {
			if err := w.Tomb(Tomb{DB: 1, Key: "gone" + strconv.Itoa(i), Index: uint64(i)}); err != nil {
				t.Fatal(err)
			}
			if err := w.DB(DBMeta{DB: 2, TombFloor: 3, Flushed: uint64(i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// payload is the part of rec that Read set, with a ReadBorrow key record
// turned into what Read returns.
func payload(rec Record) any {
	switch rec.Kind {
	case KindNode:
		return rec.Node
	case KindDB:
		return rec.DB
	case KindTomb:
		return rec.Tomb
	}
	k := rec.Key
	switch v := k.Value.(type) {
	case *datatypes.Hash:
		k.Value = hashDump(v)
	case *datatypes.List:
		k.Value = listDump(v)
	}
	if rec.Name != nil {
		k.Key = string(rec.Name)
		if k.Value == nil {
			k.Value = append([]byte{}, rec.Str...)
		}
	}
	return k
}

// TestReadBorrowMatchesRead decodes the same stream both ways, through
// sources that return it whole, a byte at a time, or with the final error
// attached to the last bytes.
func TestReadBorrowMatchesRead(t *testing.T) {
	data := bigStream(t)
	sources := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(data) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		"data+err": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
	}
	var want []Record
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for {
		var rec Record
		if err := rd.Read(&rec); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		want = append(want, rec)
	}
	if len(want) < 1500 {
		t.Fatalf("%d records", len(want))
	}
	for name, src := range sources {
		t.Run(name, func(t *testing.T) {
			rd, err := NewReader(src())
			if err != nil {
				t.Fatal(err)
			}
			var rec Record // reused, as a restore does
			for i := 0; ; i++ {
				err := rd.ReadBorrow(&rec)
				if err == io.EOF {
					if i != len(want) {
						t.Fatalf("%d records, want %d", i, len(want))
					}
					return
				}
				if err != nil {
					t.Fatalf("record %d: %v", i, err)
				}
				if got, w := payload(rec), payload(want[i]); !reflect.DeepEqual(got, w) {
					t.Fatalf("record %d (kind %d) differs: %.300q vs %.300q", i, rec.Kind, fmt.Sprint(got), fmt.Sprint(w))
				}
				if rec.Kind == KindKey && (cap(rec.Name) != len(rec.Name) || cap(rec.Str) != len(rec.Str)) {
					// Callers may look at a slice's capacity (the keyspace
					// keeps a byte past a value's end): views must end there.
					t.Fatalf("record %d: a view reaches past its end", i)
				}
			}
		})
	}
}

// TestReaderTruncatedOrFlipped: any truncation, and any flipped byte, is
// refused with ErrCorrupt by both ways of reading, never accepted and never
// a panic.
func TestReaderTruncatedOrFlipped(t *testing.T) {
	data := bigStream(t)
	rng := rand.New(rand.NewPCG(1, 2))
	cuts := []int{0, 5, 8, 9, len(data) - 5, len(data) - 4, len(data) - 1}
	for range 16 {
		cuts = append(cuts, rng.IntN(len(data)))
	}
	readAllWay := func(b []byte, borrow bool) error {
		rd, err := NewReader(bytes.NewReader(b))
		if err != nil {
			return err
		}
		var rec Record
		for {
			if borrow {
				err = rd.ReadBorrow(&rec)
			} else {
				err = rd.Read(&rec)
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	}
	for _, borrow := range []bool{false, true} {
		for _, n := range cuts {
			if err := readAllWay(data[:n], borrow); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("borrow=%v, cut at %d of %d: %v", borrow, n, len(data), err)
			}
		}
		for range 10 {
			i := 9 + rng.IntN(len(data)-9) // past magic and version
			if err := readAllWay(flip(data, i), borrow); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("borrow=%v, flipped byte %d: %v", borrow, i, err)
			}
		}
	}
}

// TestReaderSourceError: an I/O error is reported as corruption (the
// snapshot cannot be restored) and keeps its cause.
func TestReaderSourceError(t *testing.T) {
	data := bigStream(t)
	boom := errors.New("disk on fire")
	rd, err := NewReader(io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotest.ErrReader(boom)))
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	for err == nil {
		err = rd.ReadBorrow(&rec)
	}
	if !errors.Is(err, ErrCorrupt) || !bytes.Contains([]byte(err.Error()), []byte(boom.Error())) {
		t.Fatalf("got %v", err)
	}
}

func TestStringKeyEqualsKey(t *testing.T) {
	var a, b bytes.Buffer
	wa, wb := NewWriter(&a), NewWriter(&b)
	k := Key{DB: 3, Key: "k", ExpireAt: -5, Version: 9, Enc: 2}
	for _, w := range []*Writer{wa, wb} {
		if err := w.Header(Header{Databases: 4}); err != nil {
			t.Fatal(err)
		}
	}
	kv := k
	kv.Value = []byte("value")
	if err := wa.Key(kv); err != nil {
		t.Fatal(err)
	}
	if err := wb.StringKey(k, []byte("value")); err != nil {
		t.Fatal(err)
	}
	wa.Close()
	wb.Close()
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("StringKey and Key encode differently")
	}
}
