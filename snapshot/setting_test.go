package snapshot

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestSettingRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Header(Header{Now: 1, Databases: 1}); err != nil {
		t.Fatal(err)
	}
	want := []Setting{{"hash-max-listpack-entries", "5"}, {"notify-keyspace-events", ""}}
	for _, s := range want {
		if err := w.Setting(s.Name, s.Value); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Node("n1", "a:1"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rd, err := NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var got []Setting
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := rec.(Setting); ok {
			got = append(got, s)
		}
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("settings = %q, want %q", got, want)
	}
}

// A version 1 snapshot (no setting records) is still read; a newer
// version than this build's is refused.
func TestOlderVersionsReadable(t *testing.T) {
	for _, tc := range []struct {
		version uint64
		err     error
	}{{1, nil}, {Version, nil}, {Version + 1, ErrVersion}} {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		w.version = tc.version
		if err := w.Header(Header{Now: 1, Databases: 1}); err != nil {
			t.Fatal(err)
		}
		if err := w.StringKey(Key{Key: "k"}, []byte("v")); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		rd, err := NewReader(bytes.NewReader(buf.Bytes()))
		if !errors.Is(err, tc.err) {
			t.Fatalf("version %d: %v, want %v", tc.version, err, tc.err)
		}
		if err != nil {
			continue
		}
		rec, err := rd.Next()
		if k, ok := rec.(*Key); err != nil || !ok || k.Key != "k" {
			t.Fatalf("version %d: %v %v", tc.version, rec, err)
		}
	}
}
